"""The step-through view drawn in the browser: everything it shows at every step, sent once.

A step then moves a cursor in the browser instead of asking the server for six new figures
(rnnviz/ui/live draws it). `live_view` is a plain, JSON-ready dict built from a Trace: the
numbers, the colour scales of theme.py, one fixed colour range per quantity (each with its legend
text) and the words in the current language. Tokens travel as text and are only ever drawn as
text (textContent), never as HTML.

One renderer: the page's plotly versions of the same pictures (the hidden and cell heatmaps, the
strips inside the cell) are built from this payload by `view_figure`, so the two cannot disagree.

Legend: T tokens, H hidden units, C outputs; one (layer, direction) slice, as the figures show.
"""
from __future__ import annotations

import hashlib

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..registry import CellKind
from ..trace import Trace
from . import theme
from .common import (
    cell_range,
    check_index,
    check_slice,
    slice_name,
    slice_title,
    step_title,
    unit_token_heatmap,
)

DIGITS = 4           # values are rounded to this many decimals (the view prints three)
TOP_WORDS = 5        # a language model shows its TOP_WORDS most likely next words


def colour_scale(name: str) -> list[list]:
    """A plotly colour scale as [[position, [r, g, b]], ...] (positions 0 … 1)."""
    out = []
    for position, colour in plotly.colors.get_colorscale(name):
        rgb = plotly.colors.hex_to_rgb(colour) if colour.startswith("#") else plotly.colors.unlabel_rgb(colour)
        out.append([round(float(position), 4), [int(round(c)) for c in rgb]])
    return out


def _grid(values: np.ndarray) -> list[list[float]]:
    """[T, H] values as nested lists, rounded to DIGITS."""
    return np.round(values.astype(float), DIGITS).tolist()


def _prediction(trace: Trace) -> dict:
    """Next words (top TOP_WORDS after each token) or every class's probability after each token."""
    if trace.predicts_next_word:
        return {"kind": "words", "title": i18n.t("live.next_words"),
                "top": [[[label, round(p, DIGITS)] for label, p in trace.top_predictions(t, TOP_WORDS)]
                        for t in range(trace.steps)]}
    return {"kind": "classes", "title": i18n.t("live.classes"), "labels": list(trace.labels),
            "probs": _grid(trace.probs)}


def span(bound: float, low: float | None = None) -> str:
    """The legend of a colour range: "−1 … +1" for ±bound, "0 … 1" for a gate."""
    def number(x: float) -> str:
        return f"{x:g}" if x <= 0 else f"+{x:g}"
    return f"{low:g} … {bound:g}" if low is not None else f"{number(-bound).replace('-', '−')} … {number(bound)}"


def live_view(trace: Trace, step: int = 0, *, head_label: str = "", scale: float = 1.0,
              layer: int = 0, direction: int = 0, cell_bound: float | None = None) -> dict:
    """The whole sentence, ready for the browser: tokens, h [T, H], c [T, H] (LSTM), every gate
    [T, H], predictions, colour scales and words; `step` is where the cursor starts.

    Colour ranges are fixed per quantity: h and tanh-valued gates ±1, sigmoid gates 0 … 1, c
    ±cell_bound (the page passes the model's `cell_range`; without it, this sentence's own)."""
    layer, direction = check_slice(trace, layer, direction)
    kind = trace.cell_kind
    cell = trace.cell[layer, direction] if kind.carries_cell else None                 # [T, H]
    bound = float(cell_bound) if cell_bound else cell_range(trace)[1]
    view = {
        "tokens": [str(tok) for tok in trace.tokens],
        "known": [bool(k) for k in trace.known],
        "positions": [{"label": str(tok), "known": bool(k)} for tok, k in zip(trace.tokens, trace.known)],
        "step": check_index(step, trace.steps, "step"),
        "scale": float(scale),
        "cell": kind.name,
        "cellName": kind.title,
        "headLabel": head_label,
        "slice": slice_name(*trace.hidden.shape[:2], layer, direction),
        "hidden": {"title": slice_title(trace, theme.state_label("hidden"), layer, direction),
                   "label": theme.state_label("hidden"), "letter": "h", "values": _grid(trace.hidden[layer, direction]),
                   "range": 1.0, "legend": span(1.0)},
        "cellState": None if not kind.carries_cell else {
            "title": slice_title(trace, theme.state_label("cell"), layer, direction),
            "label": theme.state_label("cell"), "letter": "c", "values": _grid(cell), "range": bound,
            "legend": span(bound)},
        "gates": [{"name": g.name, "label": theme.gate_label(g.name, kind.name), "diverging": g.activation == "tanh",
                   "range": 1.0, "legend": span(1.0) if g.activation == "tanh" else span(1, low=0),
                   "values": _grid(trace.gates[g.name][layer, direction])} for g in kind.gates],
        "prediction": _prediction(trace),
        "colours": {"state": colour_scale(theme.STATE_SCALE), "gate": colour_scale(theme.GATE_SCALE),
                    "highlight": theme.HIGHLIGHT, "accent": theme.ACCENT,
                    "block": theme.BLOCK_FILL, "blockText": theme.BLOCK_TEXT, "arrow": theme.ARROW,
                    "muted": theme.MUTED, "classes": list(theme.CLASS_COLOURS),
                    "outline": [[colour, width] for colour, width in theme.STEP_OUTLINE]},   # the step's column
        "words": _words(kind),
    }
    view["id"] = _fingerprint(view)
    return view


# ---- the same pictures as plotly figures, drawn from the payload (one renderer) ------------------

STRIP_PX = 44        # one 1 × H strip of `strips_figure` at scale 1.0, with room for its title


def strip_rows(view: dict) -> list[dict]:
    """The rows "inside the cell" shows at a step, as the browser draws them: every gate, then c
    (LSTM), then h; each with its label, values [T][H], colour scale ("gate" or "state"), range
    (low, high) and legend text."""
    rows = [{"label": g["label"], "values": g["values"], "colour": "state" if g["diverging"] else "gate",
             "range": (-g["range"], g["range"]) if g["diverging"] else (0.0, g["range"]), "legend": g["legend"]}
            for g in view["gates"]]
    for state in (view["cellState"], view["hidden"]):
        if state is not None:
            rows.append({"label": state["label"], "values": state["values"], "colour": "state",
                         "range": (-state["range"], state["range"]), "legend": state["legend"]})
    return rows


def view_figure(trace: Trace, view: dict, part: str, step: int, scale: float = 1.0) -> go.Figure:
    """The plotly figure of the live view's `part` ("hidden", "cell" or "strips") at `step`, from
    the payload `view` (live_view of `trace`): the same numbers and colour ranges as the browser."""
    step = check_index(step, trace.steps, "step")
    if part == "strips":
        return strips_figure(trace, view, step, scale)
    state = view["hidden" if part == "hidden" else "cellState"]
    bound = state["range"]
    return unit_token_heatmap(trace, np.asarray(state["values"], dtype=float),                  # [T, H]
                              title=f"{state['title']} · {state['legend']}", value_name=state["letter"],
                              colorscale=theme.STATE_SCALE,
                              zrange=(-bound, bound), step=step, scale=scale)


def strips_figure(trace: Trace, view: dict, step: int, scale: float = 1.0) -> go.Figure:
    """Every row of `strip_rows` at `step` as a 1 × H strip, each with its own colour bar (its legend)."""
    rows = strip_rows(view)
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.5 / len(rows),
                        subplot_titles=[f"{row['label']} ({row['legend']})" for row in rows])
    for i, row in enumerate(rows):
        values = np.asarray(row["values"][step], dtype=float)                     # [H]
        low, high = row["range"]
        middle = 1 - (i + 0.5) / len(rows)                                         # the row's height on the page
        fig.add_trace(go.Heatmap(
            z=values[None, :], x=np.arange(values.size), y=[0], zmin=low, zmax=high,   # z: [1, H]
            colorscale=theme.STATE_SCALE if row["colour"] == "state" else theme.GATE_SCALE,
            colorbar=dict(len=0.8 / len(rows), y=middle, thickness=int(10 * scale), tickvals=[low, high]),
            hovertemplate=(f"{i18n.t('fig.common.unit')} %{{x}}<br>{i18n.t('fig.common.value')} "
                           "%{z:+.3f}<extra></extra>")), row=i + 1, col=1)
    title = " · ".join(part for part in (step_title(trace, step), view["slice"]) if part)
    theme.base_layout(fig, height=len(rows) * STRIP_PX * scale + 120 * scale, title=title, scale=scale)
    if view["words"]["no_gates"]:
        fig.update_layout(title_subtitle_text=view["words"]["no_gates"], margin_t=int(85 * scale))
    fig.update_annotations(font_size=theme.font_size(scale))                      # the row titles
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_xaxes(title_text=i18n.t("fig.common.unit"), row=len(rows), col=1)
    return fig


def _words(kind: CellKind) -> dict:
    """Every label the view draws, in the current language."""
    keys = ("previous", "next", "play", "pause", "keys", "token", "unit", "inside", "rolled",
            "rolled_caption", "probability", "after", "unknown", "gate_scale", "at_end", "at_start",
            "fixed_range")
    words = {key: i18n.t(f"live.{key}") for key in keys}
    words["no_gates"] = "" if kind.gates else i18n.t("fig.no_gates_note")
    words["shared"] = i18n.t("fig.shared_weights_note")
    return words


def _fingerprint(view: dict) -> str:
    """Changes when anything but the starting step changes: the browser then redraws everything."""
    body = repr({k: v for k, v in view.items() if k != "step"}).encode()
    return hashlib.sha1(body).hexdigest()[:16]
