"""Training as it happens: loss, accuracy and gradient norm against the step, and where the
training scrubber's snapshots were taken. Plain history dicts in (train.train's `progress`
records), a plotly Figure out."""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import theme

# Labels of the three panels, in order: (record key, panel title, y-axis title, log y-axis).
CURVES = (
    ("loss", "loss (cross-entropy) — should fall", "loss", False),
    ("accuracy", "accuracy on each training batch (◆ held-out sentences)", "accuracy", False),
    ("grad_norm", "gradient norm ‖∂L/∂θ‖ before clipping", "‖∂L/∂θ‖", True),
)
VALID_KEY = "valid_accuracy"
EMPTY_NOTE = "press Start training: the curves grow here, step by step"
CLIP_NOTE = "clip at {clip:g}"


def training_curves_figure(history: Sequence[dict], total: int | None = None, *, clip: float | None = None,
                           snapshots: Sequence[int] = (), mark: int | None = None,
                           scale: float = 1.0) -> go.Figure:
    """Loss, accuracy and gradient norm (three stacked panels, shared step axis 1..`total`).

    `history`: one dict per step with "step", "loss", "accuracy", "grad_norm" (and sometimes
    "valid_accuracy", drawn as diamonds). `clip` (> 0): the clipping threshold as a dotted line
    on the gradient-norm panel. `snapshots`: steps where the scrubber has a snapshot (ticks on
    the top panel); `mark`: the snapshot shown now (a vertical line through every panel).
    An empty history gives the empty panels with a note (the page before training starts).
    """
    fig = make_subplots(rows=len(CURVES), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=[title for _, title, _, _ in CURVES])
    steps = [int(r["step"]) for r in history]
    for row, (key, _, axis, log) in enumerate(CURVES, start=1):
        fig.add_trace(go.Scatter(x=steps, y=[float(r[key]) for r in history], mode="lines", name=axis,
                                 line=dict(color=theme.ACCENT, width=1.5), showlegend=False,
                                 hovertemplate=f"step %{{x}}<br>{axis} %{{y:.3g}}<extra></extra>"),
                      row=row, col=1)
        fig.update_yaxes(title_text=axis, type="log" if log else "linear", row=row, col=1)
    valid = [(int(r["step"]), float(r[VALID_KEY])) for r in history if VALID_KEY in r]
    if valid:
        fig.add_trace(go.Scatter(x=[s for s, _ in valid], y=[v for _, v in valid], mode="markers",
                                 name="held-out accuracy", showlegend=False,
                                 marker=dict(symbol="diamond", size=9 * scale, color=theme.HIGHLIGHT),
                                 hovertemplate="step %{x}<br>held-out accuracy %{y:.3f}<extra></extra>"),
                      row=2, col=1)
    fig.update_yaxes(range=[0, 1.02], row=2, col=1)
    if clip:
        fig.add_hline(y=clip, line=dict(color=theme.ARROW, dash="dot"), row=3, col=1,
                      annotation_text=CLIP_NOTE.format(clip=clip), annotation_position="top left")
    for step in snapshots:
        fig.add_vline(x=step, line=dict(color=theme.MUTED, width=1, dash="dot"), row=1, col=1)
    if mark is not None:
        for row in range(1, len(CURVES) + 1):
            fig.add_vline(x=mark, line=dict(color=theme.HIGHLIGHT, width=2), row=row, col=1)
    fig.update_xaxes(range=[0, max(total or 0, steps[-1] if steps else 1, 1)], row=len(CURVES), col=1,
                     title_text="training step")
    if not history:
        fig.add_annotation(text=EMPTY_NOTE, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    return theme.base_layout(fig, height=620, scale=scale)


def snapshot_label(step: int, total: int) -> str:
    """How the scrubber names a snapshot: "step 120 of 300"."""
    return f"step {step:,} of {total:,}"
