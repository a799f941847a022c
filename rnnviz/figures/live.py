"""The step-through view drawn in the browser: everything it shows at every step, sent once.

A step then moves a cursor in the browser instead of asking the server for six new figures
(rnnviz/ui/live draws it). `live_view` is a plain, JSON-ready dict built from a Trace: the
same numbers as the plotly figures (states.py, gates.py, predictions.py), the colour scales of
theme.py, and the words in the current language. Tokens travel as text and are only ever drawn
as text (textContent), never as HTML.

Legend: T tokens, H hidden units, C outputs; one (layer, direction) slice, as the figures show.
"""
from __future__ import annotations

import hashlib

import numpy as np
import plotly.colors

from .. import i18n
from ..registry import CellKind
from ..trace import Trace
from . import theme
from .common import check_index, check_slice, slice_title, symmetric_range

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


def live_view(trace: Trace, step: int = 0, *, head_label: str = "", scale: float = 1.0,
              layer: int = 0, direction: int = 0) -> dict:
    """The whole sentence, ready for the browser: tokens, h [T, H], c [T, H] (LSTM), every gate
    [T, H], predictions, colour scales and words; `step` is where the cursor starts."""
    layer, direction = check_slice(trace, layer, direction)
    kind = trace.cell_kind
    cell = trace.cell[layer, direction] if kind.carries_cell else None                 # [T, H]
    view = {
        "tokens": [str(tok) for tok in trace.tokens],
        "known": [bool(k) for k in trace.known],
        "step": check_index(step, trace.steps, "step"),
        "scale": float(scale),
        "cell": kind.name,
        "cellName": kind.title,
        "headLabel": head_label,
        "hidden": {"title": slice_title(trace, theme.state_label("hidden"), layer, direction),
                   "letter": "h", "values": _grid(trace.hidden[layer, direction]), "range": 1.0},
        "cellState": None if not kind.carries_cell else {
            "title": slice_title(trace, theme.state_label("cell"), layer, direction),
            "letter": "c", "values": _grid(cell), "range": float(symmetric_range(cell)[1])},
        "gates": [{"name": g.name, "label": theme.gate_label(g.name, kind.name), "diverging": g.activation == "tanh",
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


def _words(kind: CellKind) -> dict:
    """Every label the view draws, in the current language."""
    keys = ("previous", "next", "play", "pause", "keys", "token", "unit", "inside", "rolled",
            "rolled_caption", "probability", "after", "unknown", "gate_scale")
    words = {key: i18n.t(f"live.{key}") for key in keys}
    words["no_gates"] = "" if kind.gates else i18n.t("fig.no_gates_note")
    words["shared"] = i18n.t("fig.shared_weights_note")
    return words


def _fingerprint(view: dict) -> str:
    """Changes when anything but the starting step changes: the browser then redraws everything."""
    body = repr({k: v for k, v in view.items() if k != "step"}).encode()
    return hashlib.sha1(body).hexdigest()[:16]
