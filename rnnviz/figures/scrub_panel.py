"""The training scrubber drawn in the browser: every snapshot's pictures sent once, one cursor.

The cursor's positions are the job's snapshots ("step 120 of 300"). For each snapshot the
payload holds what the scrubber shows (panels.py's "frames" mode: the browser repaints a panel
from frames[p] when the cursor reaches snapshot p): the hidden state h of the student's sentence
[T, H], its gradient curve ‖∂L/∂h_t‖ over the tokens, the units that best separate the chosen
concept (AUROC, best first); and, over the snapshots themselves, the loss and the gradient norm
of training (a marker at the snapshot). Tokens and labels travel as plain text.

Legend: P snapshots, T tokens, H hidden units.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..i18n import t
from ..trace import Trace
from . import theme
from .flags import unit_label
from .panels import curve_panel, grid, heatmap_panel, log_ticks, panels_payload
from .training import snapshot_label

TOP_UNITS = 8           # the ranking shows this many units, best first


def snapshot_record(history: Sequence[dict], step: int) -> dict:
    """The training record of `step`, or the last one before it (a record per logged step)."""
    before = [r for r in history if int(r["step"]) <= step]
    return before[-1] if before else (history[0] if history else {})


def training_panel(history: Sequence[dict], steps: Sequence[int], total: int) -> dict:
    """Loss and gradient norm at each snapshot (log y, decade ticks); the readout names the
    snapshot with its loss and accuracy."""
    records = [snapshot_record(history, step) for step in steps]
    loss = np.array([float(r.get("loss", np.nan)) for r in records])                       # [P]
    grad = np.array([float(r.get("grad_norm", np.nan)) for r in records])                  # [P]
    readout = [t("train.scrub_readout", snapshot=snapshot_label(step, total), loss=f"{float(r.get('loss', 0)):.3f}",
                 accuracy=f"{float(r.get('accuracy', 0)):.0%}") for step, r in zip(steps, records)]
    series = [{"name": t("train.fig.loss_axis"), "values": _positive(loss), "dash": False, "colour": theme.ACCENT},
              {"name": t("train.fig.grad_axis"), "values": _positive(grad), "dash": True, "colour": theme.ARROW}]
    return {"kind": "curve", "title": t("train.scrub_curve_title"), "series": series, "readout": readout,
            **log_ticks(np.concatenate([loss, grad]))}


def _positive(values: np.ndarray) -> list:
    """Values for a log axis: what is not positive and finite becomes null (a gap in the line)."""
    return grid(np.where(np.isfinite(values) & (values > 0), values, np.nan))


def hidden_frames(traces: Sequence[Trace]) -> dict:
    """h of the top layer (forward) over the tokens, one frame per snapshot, on theme.STATE_RANGE."""
    first = traces[0]
    panel = heatmap_panel(first.hidden[-1, 0], title=t("train.scrub_hidden_title"), letter="h",   # [T, H]
                          value_range=theme.STATE_RANGE)
    del panel["values"]
    panel["x"] = [str(tok) + ("" if known else "?") for tok, known in zip(first.tokens, first.known)]
    panel["frames"] = [{"values": grid(trace.hidden[-1, 0])} for trace in traces]                  # [T, H] each
    return panel


def gradient_frames(traces: Sequence[Trace]) -> dict:
    """The gradient curve over the tokens (panels.curve_panel), one frame per snapshot, one y range."""
    curves = [curve_panel(trace) for trace in traces]
    first = traces[0]
    low = min(c["decades"][0] for c in curves)
    high = max(c["decades"][1] for c in curves)
    return {"kind": "curve", "title": curves[0]["title"], **log_ticks([10.0 ** low, 10.0 ** high]),
            "x": [str(tok) + ("" if known else "?") for tok, known in zip(first.tokens, first.known)],
            "frames": [{"series": c["series"], "readout": c["readout"][0]} for c in curves]}     # at the first token


def ranking_frames(rankings: Sequence[Sequence], concept_name: str, layers: int, directions: int) -> dict:
    """The TOP_UNITS units that best separate the concept at each snapshot, as bars of AUROC."""
    values = [[[unit_label(s.key, layers, directions), round(float(s.auroc), 4)] for s in list(ranking)[:TOP_UNITS]]
              for ranking in rankings]
    return {"kind": "bars", "title": t("train.scrub_ranking_title", concept=concept_name), "colourBy": "accent",
            "labels": [], "values": values}


def scrub_payload(steps: Sequence[int], total: int, history: Sequence[dict], *, traces: Sequence[Trace] = (),
                  rankings: Sequence[Sequence] = (), concept_name: str = "", layers: int = 1, directions: int = 1,
                  index: int | None = None, scale: float = 1.0) -> dict:
    """The scrubber's view: `steps` the snapshots' training steps; `traces` the sentence read by
    each snapshot (none without a sentence); `rankings` each snapshot's UnitScores, best first
    (none without a concept). The cursor starts at snapshot `index` (default: the last)."""
    positions = [{"label": snapshot_label(step, total), "known": None} for step in steps]
    top = [{"title": "", "panels": [training_panel(history, steps, total)]}]
    if rankings and any(rankings):
        top.append({"title": "", "panels": [ranking_frames(rankings, concept_name, layers, directions)]})
    rows = [{"title": "", "columns": top}]
    if traces:
        rows.append({"title": "", "columns": [{"title": "", "panels": [hidden_frames(traces)]},
                                              {"title": "", "panels": [gradient_frames(traces)]}]})
    return panels_payload(positions, rows, step=len(steps) - 1 if index is None else index, scale=scale)
