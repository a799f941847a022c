"""Pictures that follow one cursor, drawn in the browser: the payload of the live "panels" view.

A page with a cursor (RNN vs LSTM vs GRU, Deeper networks, Cell anatomy, the training scrubber)
sends every position's numbers once; the browser (rnnviz/ui/live/panels.js) moves the cursor
itself. A payload is a plain, JSON-ready dict: `positions` (the tokens, or training snapshots),
rows of columns of panels, colour scales from theme.py and words in the current language.

Panel kinds (each a dict with "kind" and "title"; [P] lists follow the cursor, "frames" [P] hold
a per-position picture of its own x-axis "x", for the training scrubber):
  heatmap  values [P][H] (or frames[p].values [X][H]), range [lo, hi], colour "state"|"gate", legend
  lines    labels [C], values [P][C]: class probabilities
  curve    series [{name, values [P], dash, colour}], readout [P], decades [lo, hi], ticks [[k, text]]
  strips   rows [{label, values [P][H] | same [H], range, colour, legend}], split, splitLabels, note
  bars     values [P] of [[label, p], ...], colourBy "class"|"accent", labels [C]
  terms    Cell anatomy's equations (figures/anatomy_panel.py, drawn by ui/live/anatomy.js)

Legend: P positions (T tokens here), H hidden units, C classes, L layers, D directions.
"""
from __future__ import annotations

import hashlib
import math

import numpy as np

from .. import i18n
from ..analysis.gradients import gradient_curve
from ..head import pooled_states
from ..trace import Trace
from . import theme
from .common import cell_range, check_slice, log_axis, range_text, slice_name, slice_title, worded
from .deep import top_outputs
from .gradients import signal_words
from .live import colour_scale, unit_rows

DIGITS = 4          # values are rounded to this many decimals (the view prints three)
TOP_WORDS = 5       # a language model shows its TOP_WORDS most likely next words
WORDS = ("previous", "next", "play", "pause", "keys", "token", "unit", "probability", "after", "unknown",
         "at_end", "at_start")      # live.<word>: what every panels view may write


def grid(values) -> list:
    """Numbers as nested lists rounded to DIGITS; NaN and ±inf become None (JSON null)."""
    array = np.round(np.asarray(values, dtype=float), DIGITS)
    if np.isfinite(array).all():
        return array.tolist()
    return np.where(np.isfinite(array), array, None).tolist()


def significant(values, digits: int = DIGITS) -> list:
    """[P] numbers to `digits` significant digits (a log axis needs 1.3e-8, not 0.0); NaN, ±inf → None."""
    return [float(f"{v:.{digits}g}") if math.isfinite(v) else None for v in np.asarray(values, dtype=float).tolist()]


def positions_of(trace: Trace) -> list[dict]:
    """The cursor's positions for a sentence: its tokens, each marked known to the model or not."""
    return [{"label": str(tok), "known": bool(known)} for tok, known in zip(trace.tokens, trace.known)]


def fingerprint(payload: dict) -> str:
    """Changes when anything but the cursor's step changes: the browser then redraws everything."""
    body = repr({k: v for k, v in payload.items() if k not in ("step", "id")}).encode()
    return hashlib.sha1(body).hexdigest()[:16]


def colours() -> dict:
    """theme.py's colours and scales, as the browser draws them."""
    return {"state": colour_scale(theme.STATE_SCALE), "gate": colour_scale(theme.GATE_SCALE),
            "highlight": theme.HIGHLIGHT, "accent": theme.ACCENT, "block": theme.BLOCK_FILL,
            "blockText": theme.BLOCK_TEXT, "arrow": theme.ARROW, "muted": theme.MUTED,
            "classes": list(theme.CLASS_COLOURS),
            "outline": [[colour, width] for colour, width in theme.STEP_OUTLINE]}


def panels_payload(positions: list[dict], rows: list[dict], *, step: int = 0, scale: float = 1.0,
                   extra_words: dict | None = None) -> dict:
    """The whole view: `rows` of {"title", "columns": [{"title", "panels": [...]}]}, the cursor at
    `step` (kept inside 0 … P−1), colours, words and the fingerprint `id`."""
    payload = {
        "view": "panels",
        "step": min(max(0, int(step)), max(0, len(positions) - 1)),
        "positions": positions,
        "scale": float(scale),
        "colours": colours(),
        "words": {**{word: i18n.t(f"live.{word}") for word in WORDS}, **(extra_words or {})},
        "rows": rows,
    }
    payload["wide"] = any("units" in panel for row in rows for column in row.get("columns", [])   # see live.slim
                          for panel in column.get("panels", []))
    payload["id"] = fingerprint(payload)
    return payload


# ---- panels over a sentence's tokens ------------------------------------------------------------

def range_legend(letter: str, low: float, high: float) -> str:
    """"h: −1…1": what a colour bar's two ends mean, written as the plotly figures' bars write it."""
    return f"{letter}: {range_text(low, high)}"


def heatmap_panel(values: np.ndarray, *, title: str, letter: str, value_range: tuple[float, float],
                  colour: str = "state") -> dict:
    """values [P, H] over the positions; one colour range, labelled on the panel. With more than
    live.TOP_UNITS units, "units" (live.unit_rows) lets the browser show the most active ones
    (or all, or by number) as rows named by their unit numbers."""
    low, high = (float(v) for v in value_range)
    panel = {"kind": "heatmap", "title": title, "letter": letter, "values": grid(values),
             "range": [low, high], "colour": colour, "legend": range_legend(letter, low, high)}
    rows = unit_rows(np.asarray(values))
    if rows["choose"]:
        panel["units"] = rows
    return panel


def hidden_panel(trace: Trace, layer: int = 0, direction: int = 0, title: str | None = None) -> dict:
    """h of one (layer, direction) over the tokens, on the fixed range theme.STATE_RANGE."""
    layer, direction = check_slice(trace, layer, direction)
    name = title or slice_title(trace, theme.state_label("hidden"), layer, direction)
    return heatmap_panel(trace.hidden[layer, direction], title=name, letter="h",   # [T, H]
                         value_range=theme.STATE_RANGE)


def prediction_panel(trace: Trace) -> dict:
    """A classifier: each class's probability after each token ("lines"). A language model: its
    TOP_WORDS most likely next words after the token at the cursor ("bars")."""
    if trace.predicts_next_word:
        return {"kind": "bars", "title": worded("live.next_words", trace), "colourBy": "accent", "labels": [],
                "values": [[[label, round(float(p), DIGITS)] for label, p in trace.top_predictions(t, TOP_WORDS)]
                           for t in range(trace.steps)]}
    return {"kind": "lines", "title": i18n.t("live.classes"), "labels": [str(c) for c in trace.labels],
            "values": grid(trace.probs)}                                                      # [T, C]


def curve_panel(trace: Trace, *, layer: int = -1, direction: int = 0, colour: str | None = None) -> dict:
    """‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖, dashed, for a cell that carries c) normalised at the end
    (analysis.gradients.gradient_curve), on a log y-axis; the readout says the share left at t."""
    layer, direction = check_slice(trace, layer, direction)
    colour = colour or theme.cell_colour(trace.kind)
    states = ["hidden", "cell"] if trace.cell_kind.carries_cell else ["hidden"]
    series = []
    for state in states:
        values = gradient_curve(trace, layer, direction, state=state)                        # [T]
        positive = np.where(np.isfinite(values) & (values > 0), values, np.nan)
        letter = theme.STATE_LETTERS[state]
        series.append({"name": f"‖∂L/∂{letter}‖", "values": significant(positive), "dash": state != "hidden",
                       "colour": colour})
    hidden = gradient_curve(trace, layer, direction)
    readout = [i18n.t("gradients.fig.signal_at", token=str(tok), value=signal_words(v))
               for tok, v in zip(trace.tokens, hidden)]
    values = np.concatenate([gradient_curve(trace, layer, direction, state=s) for s in states])
    return {"kind": "curve", "title": i18n.t("fig.curve_title"), "series": series, "readout": readout,
            **log_ticks(values)}


def log_ticks(values) -> dict:
    """The y-axis of a curve panel, as common.log_axis draws plotly's: "decades" [lo, hi] (10^lo …
    10^hi holds every positive value) and "ticks" [[k, "0.01"], ...] at whole powers of ten only."""
    values = np.asarray(values, dtype=float)
    positive = values[np.isfinite(values) & (values > 0)]
    low, high = (float(positive.min()), float(positive.max())) if positive.size else (1.0, 1.0)
    axis = log_axis(low, high)
    return {"decades": [int(v) for v in axis["range"]],
            "ticks": [[round(math.log10(v)), text] for v, text in zip(axis["tickvals"], axis["ticktext"])]}


def share_decades(panels: list[dict]) -> None:
    """Curves that sit side by side get one y range (the union of their decades), in place."""
    curves = [p for p in panels if p["kind"] == "curve"]
    if curves:
        low = min(p["decades"][0] for p in curves)
        high = max(p["decades"][1] for p in curves)
        for p in curves:
            p.update(log_ticks([10.0 ** low, 10.0 ** high]))


def strips_panel(trace: Trace, layer: int = 0, direction: int = 0, *, title: str,
                 cell_zrange: tuple[float, float] | None = None) -> dict:
    """Every gate at the cursor as a 1 × H strip, then c_t (a cell that carries c, on `cell_range`,
    default common.cell_range(trace), the plotly strips' own) and h_t; each row with its own legend."""
    layer, direction = check_slice(trace, layer, direction)
    kind = trace.cell_kind
    rows = []
    for gate in kind.gates:
        tanh = gate.activation == "tanh"
        low, high = theme.STATE_RANGE if tanh else theme.GATE_RANGE
        rows.append(_strip(theme.gate_label(gate.name, kind.name), trace.gates[gate.name][layer, direction],
                           (low, high), "state" if tanh else "gate", theme.gate_symbol(gate.name, kind.name)))
    if kind.carries_cell:
        rows.append(_strip(theme.state_label("cell"), trace.cell[layer, direction],
                           cell_zrange or cell_range(trace), "state", "c"))
    rows.append(_strip(theme.state_label("hidden"), trace.hidden[layer, direction], theme.STATE_RANGE, "state", "h"))
    return {"kind": "strips", "title": title, "rows": rows, "split": None, "splitLabels": [],
            "note": "" if kind.gates else i18n.t("fig.no_gates_note")}


def _strip(label: str, values: np.ndarray, value_range, colour: str, letter: str) -> dict:
    """One strip row: values [P, H] over the positions (or "same" [H], which does not move)."""
    low, high = (float(v) for v in value_range)
    return {"label": label, "values": grid(values), "same": None, "range": [low, high], "colour": colour,
            "legend": range_legend(letter, low, high)}


def concat_panel(trace: Trace, pooling: str) -> dict:
    """The top layer's [forward h_t; backward h_t] at the cursor (what a layer above would read),
    and what the classifier reads after the whole text (head.pooled_states, the engine's own)."""
    top = top_outputs(trace)                                                   # [T, D*H]
    directions, units = trace.hidden.shape[1], trace.hidden.shape[3]
    at_cursor = _strip(i18n.t("panels.at_cursor"), top, theme.STATE_RANGE, "state", "h")
    reads = _strip(i18n.t("deep.fig.classifier_reads"), top[:1], theme.STATE_RANGE, "state", "h")
    reads["values"], reads["same"] = None, grid(pooled_states(top, pooling, directions))   # [D*H]
    return {"kind": "strips", "title": i18n.t("panels.side_by_side"), "rows": [at_cursor, reads],
            "split": units, "splitLabels": [theme.direction_label(d) for d in range(directions)], "note": ""}


# ---- the pages' views -------------------------------------------------------------------------

def compare_payload(traces: dict[str, Trace], step: int = 0, scale: float = 1.0) -> dict:
    """RNN vs LSTM vs GRU: one column per model (display title -> trace of the same sentence):
    its h over the tokens, its prediction, its gradient curve; one cursor, one y range for the curves."""
    first = next(iter(traces.values()))
    columns = [{"title": title, "panels": [hidden_panel(trace), prediction_panel(trace), curve_panel(trace)]}
               for title, trace in traces.items()]
    share_decades([panel for column in columns for panel in column["panels"]])
    return panels_payload(positions_of(first), [{"title": "", "columns": columns}], step=step, scale=scale)


def deep_payload(trace: Trace, pooling: str = "last", step: int = 0, scale: float = 1.0) -> dict:
    """Deeper networks: h of every layer (the top one first) and direction over the tokens; for a
    bidirectional classifier the two directions side by side at the cursor and what the classifier
    reads; then every layer's and direction's gates at the cursor. c shares one range on the page."""
    layers, directions = trace.hidden.shape[:2]
    rows = []
    for layer in reversed(range(layers)):
        title = "" if layer == layers - 1 else i18n.t("deep.fig.layer_feeds", below=layer, above=layer + 1)
        rows.append({"title": title, "columns": [
            {"title": "", "panels": [hidden_panel(trace, layer, d, title=_slice(trace, layer, d))]}
            for d in range(directions)]})
    if directions > 1 and not trace.predicts_next_word:
        rows.append({"title": "", "columns": [{"title": "", "panels": [concat_panel(trace, pooling)]}]})
    rows.append({"title": i18n.t("deep.gates_heading"), "columns": [
        {"title": "", "panels": [strips_panel(trace, layer, d, title=_slice(trace, layer, d))]}
        for layer in range(layers) for d in range(directions)]})
    return panels_payload(positions_of(trace), rows, step=step, scale=scale)


def _slice(trace: Trace, layer: int, direction: int) -> str:
    """"layer 1 · backward", or "the only layer"."""
    layers, directions = trace.hidden.shape[:2]
    if layers * directions == 1:
        return i18n.t("deep.fig.only_layer")
    return slice_name(layers, directions, layer, direction)
