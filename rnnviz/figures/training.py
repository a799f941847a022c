"""Training as it happens: loss, accuracy and gradient norm against the step, and where the
training scrubber's snapshots were taken. Plain history dicts in (train.train's `progress`
records), a plotly Figure out."""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import t
from . import theme
from .common import log_axis

# The three panels, in order: (record key, title key, y-axis key, log y-axis). Their words are
# read in the language of the moment (see curves()).
PANELS = (
    ("loss", "train.fig.loss_title", "train.fig.loss_axis", False),
    ("accuracy", "train.fig.accuracy_title", "train.fig.accuracy_axis", False),
    ("grad_norm", "train.fig.grad_title", "train.fig.grad_axis", True),
)
VALID_KEY = "valid_accuracy"


def curves() -> tuple[tuple[str, str, str, bool], ...]:
    """The panels as (record key, panel title, y-axis title, log y-axis), in the current language."""
    return tuple((key, t(title), t(axis), log) for key, title, axis, log in PANELS)


def empty_note() -> str:
    """The note on the empty panels, before training starts."""
    return t("train.fig.empty_note")


def clip_note(clip: float) -> str:
    """The label of the clipping threshold's line: "clip at 1"."""
    return t("train.fig.clip_note", clip=f"{clip:g}")


def training_curves_figure(history: Sequence[dict], total: int | None = None, *, clip: float | None = None,
                           snapshots: Sequence[int] = (), mark: int | None = None,
                           scale: float = 1.0) -> go.Figure:
    """Loss, accuracy and gradient norm (three stacked panels, shared step axis 1..`total`).

    `history`: one dict per step with "step", "loss", "accuracy", "grad_norm" (and sometimes
    "valid_accuracy", drawn as diamonds). `clip` (> 0): the clipping threshold as a dotted line
    on the gradient-norm panel, whose log axis has ticks at powers of ten only (common.log_axis).
    `snapshots`: steps where the scrubber has a snapshot (ticks on
    the top panel); `mark`: the snapshot shown now (a vertical line through every panel).
    An empty history gives the empty panels with a note (the page before training starts).
    """
    panels = curves()
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=[title for _, title, _, _ in panels])
    steps = [int(r["step"]) for r in history]
    for row, (key, _, axis, log) in enumerate(panels, start=1):
        fig.add_trace(go.Scatter(x=steps, y=[float(r[key]) for r in history], mode="lines", name=axis,
                                 line=dict(color=theme.ACCENT, width=1.5), showlegend=False,
                                 hovertemplate=_hover(axis, ".3g")),
                      row=row, col=1)
        fig.update_yaxes(title_text=axis, type="log" if log else "linear", row=row, col=1)
        positive = [float(r[key]) for r in history if float(r[key]) > 0] + ([clip] if clip else [])
        if log and positive:
            fig.update_yaxes(**log_axis(min(positive), max(positive)), row=row, col=1)
    valid = [(int(r["step"]), float(r[VALID_KEY])) for r in history if VALID_KEY in r]
    if valid:
        held_out = t("train.fig.held_out")
        fig.add_trace(go.Scatter(x=[s for s, _ in valid], y=[v for _, v in valid], mode="markers",
                                 name=held_out, showlegend=False,
                                 marker=dict(symbol="diamond", size=9 * scale, color=theme.HIGHLIGHT),
                                 hovertemplate=_hover(held_out, ".3f")),
                      row=2, col=1)
    fig.update_yaxes(range=[0, 1.02], row=2, col=1)
    if clip:
        fig.add_hline(y=clip, line=dict(color=theme.ARROW, dash="dot"), row=3, col=1,
                      annotation_text=clip_note(clip), annotation_position="top left")
    for step in snapshots:
        fig.add_vline(x=step, line=dict(color=theme.MUTED, width=1, dash="dot"), row=1, col=1)
    if mark is not None:
        for row in range(1, len(panels) + 1):
            fig.add_vline(x=mark, line=dict(color=theme.HIGHLIGHT, width=2), row=row, col=1)
    fig.update_xaxes(range=[0, max(total or 0, steps[-1] if steps else 1, 1)], row=len(panels), col=1,
                     title_text=t("train.fig.step_axis"))
    if not history:
        fig.add_annotation(text=empty_note(), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    return theme.base_layout(fig, height=620, scale=scale)


def _hover(name: str, number: str) -> str:
    """A hover template: "step 12<br>loss 0.53" (plotly fills the %{...} parts)."""
    return f"{t('train.fig.step')} %{{x}}<br>{name} %{{y:{number}}}<extra></extra>"


def snapshot_label(step: int, total: int) -> str:
    """How the scrubber names a snapshot: "step 120 of 300"."""
    return t("train.fig.snapshot", step=f"{step:,}", total=f"{total:,}")
