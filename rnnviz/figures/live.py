"""The step-through view drawn in the browser: everything it shows at every step, sent once.

A step then moves a cursor in the browser instead of asking the server for six new figures
(rnnviz/ui/live draws it). `live_view` is a plain, JSON-ready dict built from a Trace: the
numbers, the colour scales of theme.py, one fixed colour range per quantity (each with its legend
text) and the words in the current language. Tokens travel as text and are only ever drawn as
text (textContent), never as HTML.

Many units: a model with more than TOP_UNITS units (128, 256) shows the first TOP_UNITS of an order
of its units (analysis.unit_order: most active, the card's flags first, or by number), or all of
them; `units` carries the orders, `unitChoice` the one shown (the browser changes it in place, and
rnnviz.ui.live tells the payload what the student chose, so `view_figure` follows the browser).

One renderer: the page's plotly versions of the same pictures (the hidden and cell heatmaps, the
strips inside the cell) are built from this payload by `view_figure`, so the two cannot disagree.

Legend: T tokens, H hidden units, C outputs; one (layer, direction) slice, as the figures show.
"""
from __future__ import annotations

import base64
import hashlib

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..analysis import unit_order
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
    worded,
)

DIGITS = 4           # values are rounded to this many decimals (the view prints three)
TOP_WORDS = 5        # a language model shows its TOP_WORDS most likely next words
TOP_UNITS = 32       # a model with more units shows this many rows (of the order chosen) unless asked for all


def colour_scale(name: str) -> list[list]:
    """A plotly colour scale as [[position, [r, g, b]], ...] (positions 0 … 1)."""
    out = []
    for position, colour in plotly.colors.get_colorscale(name):
        rgb = plotly.colors.hex_to_rgb(colour) if colour.startswith("#") else plotly.colors.unlabel_rgb(colour)
        out.append([round(float(position), 4), [int(round(c)) for c in rgb]])
    return out


def _grid(values: np.ndarray, packed: bool = False) -> list[list[float]] | dict:
    """[T, H] values rounded to DIGITS: nested lists, or (`packed`) {"float32": base64 of the
    little-endian float32 numbers row after row, "shape": [T, H]}. A 256-unit model's sentence is
    300,000 numbers, sent again at every rerun: as JSON lists they cost the server 0.3 s and the
    browser long pauses; packed, almost nothing (live.js unpacks them once per sentence)."""
    rounded = np.round(values.astype(float), DIGITS)
    if not packed:
        return rounded.tolist()
    return {"float32": base64.b64encode(rounded.astype("<f4").tobytes()).decode("ascii"), "shape": list(rounded.shape)}


def grid_values(values) -> np.ndarray:
    """The numbers of a payload grid (nested lists or packed, see _grid) as an array."""
    if isinstance(values, dict):
        flat = np.frombuffer(base64.b64decode(values["float32"]), dtype="<f4")
        return flat.astype(float).reshape(values["shape"])
    return np.asarray(values, dtype=float)


def _prediction(trace: Trace) -> dict:
    """Next words (top TOP_WORDS after each token) or every class's probability after each token."""
    if trace.predicts_next_word:
        return {"kind": "words", "title": worded("live.next_words", trace),
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
    packed = trace.hidden.shape[3] > TOP_UNITS                                          # a wide model: see _grid
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
                   "label": theme.state_label("hidden"), "letter": "h", "range": 1.0, "legend": span(1.0),
                   "values": _grid(trace.hidden[layer, direction], packed)},
        "cellState": None if not kind.carries_cell else {
            "title": slice_title(trace, theme.state_label("cell"), layer, direction),
            "label": theme.state_label("cell"), "letter": "c", "values": _grid(cell, packed), "range": bound,
            "legend": span(bound)},
        "gates": [{"name": g.name, "label": theme.gate_label(g.name, kind.name), "diverging": g.activation == "tanh",
                   "range": 1.0, "legend": span(1.0) if g.activation == "tanh" else span(1, low=0),
                   "values": _grid(trace.gates[g.name][layer, direction], packed)} for g in kind.gates],
        "prediction": _prediction(trace),
        "colours": {"state": colour_scale(theme.STATE_SCALE), "gate": colour_scale(theme.GATE_SCALE),
                    "highlight": theme.HIGHLIGHT, "accent": theme.ACCENT,
                    "block": theme.BLOCK_FILL, "blockText": theme.BLOCK_TEXT, "arrow": theme.ARROW,
                    "muted": theme.MUTED, "classes": list(theme.CLASS_COLOURS),
                    "outline": [[colour, width] for colour, width in theme.STEP_OUTLINE]},   # the step's column
        "words": _words(kind),
        "units": units_block(trace, layer, direction),
    }
    view["unitChoice"] = {"order": "activity" if view["units"]["choose"] else "natural", "all": False}
    view["wide"] = view["units"]["choose"]
    view["id"] = _fingerprint(view)
    return view


HEAVY = ("hidden", "cellState", "gates", "prediction", "units", "rows")   # numbers, unit orders, panels


def slim(view: dict) -> dict:
    """A copy of `view` (or of a panels payload) without its numbers (HEAVY), marked "slim": for a
    browser that already holds the view `view["id"]` and only needs the step (rnnviz.ui.live
    sends it on the reruns of a "wide" view: a model with more than TOP_UNITS units)."""
    return {**{k: v for k, v in view.items() if k not in HEAVY}, "slim": True}


# ---- which units the heatmaps and strips show, in which order ----------------------------------

def units_block(trace: Trace, layer: int, direction: int) -> dict:
    """The slice's unit orders (analysis.unit_order over h [T, H]), how many rows show at most
    (`top`), whether the student chooses (`choose`: more than TOP_UNITS units) and the words of
    that choice. "flags" joins the orders when the page names the card's flags (with_flags)."""
    block = unit_rows(trace.hidden[layer, direction])
    block.update(layer=layer, direction=direction)
    return block


def unit_rows(values: np.ndarray) -> dict:
    """The rows of a unit × token heatmap of `values` [T, H]: its orders (most active, by
    number), the number shown at first (`top`), whether there is a choice and its words."""
    units = values.shape[1]
    top = min(units, TOP_UNITS)
    words = {name: i18n.t(f"live.order.{name}") for name in unit_order.ORDERS}
    helps = {name: i18n.t(f"live.order.{name}_help") for name in unit_order.ORDERS}
    return {"count": units, "top": top, "choose": units > TOP_UNITS,
            "orders": unit_order.unit_orders(values), "flagged": [],
            "words": {"sort": i18n.t("live.units_sort"), "orders": words, "helps": helps,
                      "all": i18n.t("live.all_units", count=units), "flagged": i18n.t("live.flagged"),
                      "showing_top": i18n.t("live.showing_top", top=top, count=units),
                      "showing_all": i18n.t("live.showing_all", count=units)}}


def with_flags(view: dict, flags: list[dict] | None, concept_name=str) -> dict:
    """`view` with the "flags" order (the card's `flags` of its slice first, clearest first, then
    the most active) and `flagged` [[unit, "female"], ...] (concept_name translates a concept);
    unchanged when the card names no flag there. Changes `view` in place and returns it."""
    block = view["units"]
    layer, direction, count = block["layer"], block["direction"], block["count"]
    named = unit_order.flag_units(flags, count, layer, direction)
    if named:
        block["orders"]["flags"] = unit_order.flags_first(block["orders"]["activity"], named)
        block["flagged"] = [[unit, ", ".join(concept_name(c) for c in concepts)]
                            for unit, concepts in unit_order.flag_names(flags, count, layer, direction).items()]
    return view


def choose_units(view: dict, order: str | None = None, all_units: bool | None = None) -> dict:
    """`view` showing the units in `order` (one of its orders; anything else keeps the current)
    and every unit or the first `top` (`all_units`; None keeps it). In place; returns `view`."""
    block, choice = view["units"], view["unitChoice"]
    if not block["choose"]:
        return view
    if order in block["orders"]:
        choice["order"] = order
    if all_units is not None:
        choice["all"] = bool(all_units)
    return view


def shown_units(view: dict) -> list[int]:
    """The units the view draws as rows, top to bottom: the chosen order, cut to `top` unless all."""
    block, choice = view["units"], view["unitChoice"]
    order = block["orders"].get(choice["order"]) or block["orders"]["natural"]
    return list(order) if choice["all"] else list(order[:block["top"]])


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
    the payload `view` (live_view of `trace`): the same numbers, colour ranges and units (the
    rows `shown_units` names, in its order, labelled with their unit numbers) as the browser."""
    step = check_index(step, trace.steps, "step")
    if part == "strips":
        return strips_figure(trace, view, step, scale)
    state = view["hidden" if part == "hidden" else "cellState"]
    bound = state["range"]
    units = shown_units(view)
    values = grid_values(state["values"])[:, units]                                           # [T, shown]
    fig = unit_token_heatmap(trace, values, title=f"{state['title']} · {state['legend']}",
                             value_name=state["letter"], colorscale=theme.STATE_SCALE,
                             zrange=(-bound, bound), step=step, scale=scale)
    if units != list(range(len(units))):
        _name_rows(fig, units)
    return fig


def _name_rows(fig: go.Figure, units: list[int]) -> None:
    """Rows 0 … n−1 of a unit × token heatmap are `units`: its axis and hover say their numbers."""
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(units))), ticktext=[str(u) for u in units])
    for overlay in fig.data:
        if overlay.type == "scatter" and overlay.customdata is not None:
            custom = np.asarray(overlay.customdata)                                            # [T*n, 2]: row, step
            custom[:, 0] = np.asarray(units)[custom[:, 0].astype(int)]
            overlay.customdata = custom
            overlay.hovertemplate = overlay.hovertemplate.replace("%{y}", "%{customdata[0]}")


def strips_figure(trace: Trace, view: dict, step: int, scale: float = 1.0) -> go.Figure:
    """Every row of `strip_rows` at `step` as a 1 × n strip of the shown units (all H when there
    are at most TOP_UNITS), each with its own colour bar (its legend)."""
    rows = strip_rows(view)
    units = shown_units(view)
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.5 / len(rows),
                        subplot_titles=[f"{row['label']} ({row['legend']})" for row in rows])
    for i, row in enumerate(rows):
        values = grid_values(row["values"])[step, units]                           # [n]
        low, high = row["range"]
        middle = 1 - (i + 0.5) / len(rows)                                         # the row's height on the page
        fig.add_trace(go.Heatmap(
            z=values[None, :], x=np.arange(values.size), y=[0], zmin=low, zmax=high,   # z: [1, n]
            customdata=np.asarray(units)[None, :],                                 # [1, n]: the unit numbers
            colorscale=theme.STATE_SCALE if row["colour"] == "state" else theme.GATE_SCALE,
            colorbar=dict(len=0.8 / len(rows), y=middle, thickness=int(10 * scale), tickvals=[low, high]),
            hovertemplate=(f"{i18n.t('fig.common.unit')} %{{customdata}}<br>{i18n.t('fig.common.value')} "
                           "%{z:+.3f}<extra></extra>")), row=i + 1, col=1)
    title = " · ".join(part for part in (step_title(trace, step), view["slice"]) if part)
    theme.base_layout(fig, height=len(rows) * STRIP_PX * scale + 120 * scale, title=title, scale=scale)
    if view["words"]["no_gates"]:
        fig.update_layout(title_subtitle_text=view["words"]["no_gates"], margin_t=int(85 * scale))
    fig.update_annotations(font_size=theme.font_size(scale))                      # the row titles
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(showgrid=False, zeroline=False)
    if units != list(range(len(units))):
        fig.update_xaxes(tickmode="array", tickvals=list(range(len(units))), ticktext=[str(u) for u in units],
                         tickfont_size=max(8, int(theme.font_size(scale) * 0.7)))
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
    """Changes when anything but the starting step or the units chosen changes: the browser then
    redraws everything (it draws a new choice of units itself). The grids of numbers enter by the
    hash of their bytes (a repr of 300,000 numbers, a 256-unit model's, took 0.3 s)."""
    body = repr(_hashed({k: v for k, v in view.items() if k not in ("step", "unitChoice", "id")})).encode()
    return hashlib.sha1(body).hexdigest()[:16]


def _hashed(part):
    """`part` with every "values" grid replaced by the SHA-1 of its numbers."""
    if isinstance(part, dict):
        return {k: hashlib.sha1(grid_values(v).tobytes()).hexdigest() if k == "values" else _hashed(v)
                for k, v in part.items()}
    if isinstance(part, list):
        return [_hashed(v) for v in part]
    return part
