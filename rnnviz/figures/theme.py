"""Human labels, colours and fonts: the one place every figure takes them from.

Words come from the catalogues (rnnviz.i18n) in the language of the moment; a gate's label falls
back to the registry's own, so a new cell kind draws before its words are translated.

Colour scales are colour-blind safe: states use a diverging map centred at 0 (ColorBrewer
RdBu, reversed so positive is red), gates a sequential map on [0, 1] (Cividis, designed for
colour-vision deficiency). Single colours come from the Okabe-Ito palette.
"""
from __future__ import annotations

import html

import plotly.colors
import plotly.graph_objects as go

from .. import i18n
from ..i18n import t
from ..registry import CELL_KINDS

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

# The current step's column: (colour, line width at scale 1.0), drawn in this order. The dark halo
# under the highlight keeps the outline visible on every cell colour. The plotly figures and the
# browser's live view (its payload carries these) draw the same outline.
STEP_OUTLINE = ((HALO, 5.0), (HIGHLIGHT, 2.5))

# "Source Sans" is the font Streamlit ships and loads on every page: figures then read like the
# text around them; the rest are fallbacks for a figure saved as HTML and opened elsewhere.
FONT_FAMILY = "Source Sans, Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
FONT_SIZE = 14               # at scale 1.0; teacher mode on a projector uses scale ~1.5


# gradients figures: one Okabe-Ito colour per cell kind, in the registry's order (RNN vermilion,
# GRU green, LSTM blue); a kind added after them takes a class colour (cell_colour)
CELL_COLOURS = dict(zip(CELL_KINDS, ("#D55E00", "#009E73", "#0072B2")))
STATE_DASH = {"hidden": "solid", "cell": "dash"}
CLIPPED_DASH = "dot"
CONNECTIVITY_SCALE = "Cividis"     # sequential, colour-blind safe: dark = no influence

# saturation figures
GATE_COLOURS = {"input": "#009E73", "forget": "#0072B2", "output": "#CC79A7",
                "reset": "#D55E00", "update": "#0072B2", "candidate": "#999999"}   # Okabe-Ito


def safe(text) -> str:
    """`text` escaped so plotly shows it literally: a token "<b>" must not turn bold.

    Plotly renders a few HTML tags and entities in labels, so &, < and > are escaped;
    quotes are left alone (plotly would print "&quot;" literally).
    """
    return html.escape(str(text), quote=False)


def gate_label(gate: str, kind: str, lang: str | None = None) -> str:
    """The human label of `gate` in a cell of `kind` ("forget gate f"), in `lang` (default: the
    current language): the catalogue's fig.gate.<kind>.<gate>, else the registry's English label;
    a name no cell has, as it is."""
    key = f"fig.gate.{kind}.{gate}"
    if i18n.known(key):
        return t(key, lang)
    cell = CELL_KINDS.get(kind)
    return cell.gate(gate).label if cell and gate in cell.gate_names else gate


def gate_symbol(gate: str, kind: str) -> str:
    """The equation's letter for `gate` in a cell of `kind` ("f"), from the registry."""
    return CELL_KINDS[kind].gate(gate).letter


def state_label(state: str, lang: str | None = None) -> str:
    """"hidden state h" or "cell state c" (`state` "hidden" or "cell"), in `lang` (default: the current one)."""
    return t(f"fig.state.{state}", lang)


def direction_label(direction: int, lang: str | None = None) -> str:
    """"forward" (0) or "backward" (1), in `lang` (default: the current language)."""
    return t(("fig.direction.forward", "fig.direction.backward")[direction], lang)


def cell_colour(kind: str, fallback: int = 0) -> str:
    """The colour of a cell kind's curves; a kind CELL_COLOURS does not list takes the
    `fallback`-th class colour, so a new kind needs nothing here."""
    return CELL_COLOURS.get(kind, CLASS_COLOURS[fallback % len(CLASS_COLOURS)])


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
