"""Human labels, colours and fonts: the one place every figure takes them from.

Colour scales are colour-blind safe: states use a diverging map centred at 0 (ColorBrewer
RdBu, reversed so positive is red), gates a sequential map on [0, 1] (Cividis, designed for
colour-vision deficiency). Single colours come from the Okabe-Ito palette.
"""
from __future__ import annotations

import html

import plotly.colors
import plotly.graph_objects as go

from ..i18n import t

CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}

# Words (labels, titles, notes) are read in the current language at each use: see __getattr__.
STATE_LETTERS = {"hidden": "h", "cell": "c"}
UNKNOWN_MARK = " (?)"        # after a token the model does not know (its vocabulary says <unk>)
TOKEN_SEPARATOR = " · "      # "3 · not": position and token, so repeated words stay distinct

STATE_SCALE = "RdBu_r"       # diverging, centred at 0 (zmid=0)
GATE_SCALE = "Cividis"       # sequential, zmin=0, zmax=1
STATE_RANGE = (-1.0, 1.0)    # h = o * tanh(c) and tanh-valued candidates live here
GATE_RANGE = (0.0, 1.0)      # sigmoid outputs
CLASS_COLOURS = plotly.colors.qualitative.Safe   # 11 colour-blind safe colours for classes

HIGHLIGHT = "#E69F00"        # Okabe-Ito orange: the current step
HALO = "#1A1A1A"             # drawn under the highlight outline so it shows on yellow cells too
MUTED = "#999999"            # unknown tokens
ACCENT = "#0072B2"           # Okabe-Ito blue: bars, block outlines
BLOCK_FILL = "#DCEAF7"       # a block of the unrolled chain that is not the current step
BLOCK_TEXT = "#1A1A1A"       # text inside blocks (their fill is light in any app theme)
ARROW = "#7F7F7F"            # arrows of the diagrams: readable on light and dark backgrounds

FONT_FAMILY = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
FONT_SIZE = 14               # at scale 1.0; teacher mode on a projector uses scale ~1.5


# gradients figures
CELL_COLOURS = {"rnn": "#D55E00", "gru": "#009E73", "lstm": "#0072B2"}   # Okabe-Ito
STATE_DASH = {"hidden": "solid", "cell": "dash"}
CLIPPED_DASH = "dot"
CONNECTIVITY_SCALE = "Cividis"     # sequential, colour-blind safe: dark = no influence

# saturation figures
GATE_COLOURS = {"input": "#009E73", "forget": "#0072B2", "output": "#CC79A7",
                "reset": "#D55E00", "update": "#0072B2", "candidate": "#999999"}   # Okabe-Ito


# Gate order follows the equations (and torch.nn's weight layout): LSTM i, f, g, o; GRU r, z, n.
_GATES = {"lstm": ("input", "forget", "candidate", "output"), "gru": ("reset", "update", "candidate"), "rnn": ()}
_TEXTS = {"NO_GATES_NOTE": "fig.no_gates_note", "SHARED_WEIGHTS_NOTE": "fig.shared_weights_note",
          "CURVE_TITLE": "fig.curve_title", "CURVE_AXIS": "fig.curve_axis", "GAIN_TITLE": "fig.gain_title",
          "PRODUCT_TITLE": "fig.product_title", "CONNECTIVITY_TITLE": "fig.connectivity_title",
          "SATURATION_TITLE": "fig.saturation_title"}


def __getattr__(name: str):
    """The labels, in the language of the moment (PEP 562: read as theme.GATE_LABELS etc.).

    GATE_LABELS {cell: {gate: "input gate i", ...}}, STATE_LABELS {"hidden": "hidden state h", ...},
    DIRECTION_LABELS ("forward", "backward"), and the notes and titles in _TEXTS.
    """
    if name == "GATE_LABELS":
        return {cell: {g: t(f"fig.gate.{cell}.{g}") for g in gates} for cell, gates in _GATES.items()}
    if name == "STATE_LABELS":
        return {"hidden": t("fig.state.hidden"), "cell": t("fig.state.cell")}
    if name == "DIRECTION_LABELS":
        return (t("fig.direction.forward"), t("fig.direction.backward"))
    if name in _TEXTS:
        return t(_TEXTS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def safe(text) -> str:
    """`text` escaped so plotly shows it literally: a token "<b>" must not turn bold.

    Plotly renders a few HTML tags and entities in labels, so &, < and > are escaped;
    quotes are left alone (plotly would print "&quot;" literally).
    """
    return html.escape(str(text), quote=False)


def gate_label(gate: str, kind: str, lang: str | None = None) -> str:
    """The human label of `gate` in a cell of `kind` ("lstm"/"gru"); unknown names as they are."""
    return t(f"fig.gate.{kind}.{gate}", lang) if gate in _GATES.get(kind, ()) else gate


def gate_symbol(gate: str, kind: str) -> str:
    """The equation's letter for `gate`: every label in GATE_LABELS ends with it."""
    return gate_label(gate, kind, "en").rsplit(" ", 1)[-1]


def font_size(scale: float = 1.0, relative: float = 1.0) -> float:
    """The font size in px for `scale` (1.0 normal, ~1.5 teacher mode), times `relative`."""
    return round(FONT_SIZE * scale * relative, 1)


def muted(text: str) -> str:
    """Already-escaped `text` in the muted colour (plotly understands this span)."""
    return f'<span style="color:{MUTED}">{text}</span>'


def base_layout(fig: go.Figure, height: float, title: str | None = None,
                scale: float = 1.0) -> go.Figure:
    """Apply the shared margins, font, transparent background and title to `fig`; return it.

    `height` is the height at scale 1.0; it grows with `scale` so larger fonts still fit.
    `title` must already be safe (escape user text with `safe`).
    """
    fig.update_layout(
        height=int(height * scale),
        margin=dict(l=int(60 * scale), r=int(20 * scale), t=int(60 * scale), b=int(50 * scale)),
        font=dict(family=FONT_FAMILY, size=font_size(scale)),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        hoverlabel=dict(font=dict(size=font_size(scale, 0.95))),
        title=dict(text=title or "", font=dict(size=font_size(scale, 1.15)), x=0, xanchor="left"),
    )
    return fig
