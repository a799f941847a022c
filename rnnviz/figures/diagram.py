"""The network as the lesson draws it: a chain of identical blocks, one per token.

Long sentences: the unrolled chain shows a window of at most `window` blocks (default 10,
fewer in teacher mode) around the current step, with "…" where the chain is cut. A window
keeps every block and word readable at any container width; a chart that grows wider than
the page would need horizontal scrolling, which Streamlit's charts do not offer. Words are
never cut: when one is longer than a block's pitch holds (STAGGER_CHARS), the words under odd
blocks drop one line, so each word has two pitches of room.
"""
from __future__ import annotations

import plotly.graph_objects as go

from .. import i18n
from ..trace import Trace
from . import theme
from .common import check_index, step_title, token_label

WINDOW = 10          # blocks shown at scale 1.0
GAP = 0.7            # space between blocks, in block widths
PITCH = 1.0 + GAP
HEAD_WIDTH = 1.8
STAGGER_CHARS = 7    # longer words than this under the blocks: stagger them on two lines


def visible_steps(steps: int, step: int | None, window: int) -> range:
    """The steps the unrolled chain shows: all, or `window` of them centred on `step`."""
    if steps <= window:
        return range(steps)
    centre = steps - 1 if step is None else step
    start = min(max(centre - window // 2, 0), steps - window)
    return range(start, start + window)


def _rounded_box(x0: float, x1: float, y0: float, y1: float, fill: str) -> dict:
    """A rounded rectangle shape in data coordinates (corners drawn with quadratic curves)."""
    rx, ry = 0.15, 0.1
    path = (f"M {x0 + rx},{y0} L {x1 - rx},{y0} Q {x1},{y0} {x1},{y0 + ry} "
            f"L {x1},{y1 - ry} Q {x1},{y1} {x1 - rx},{y1} L {x0 + rx},{y1} "
            f"Q {x0},{y1} {x0},{y1 - ry} L {x0},{y0 + ry} Q {x0},{y0} {x0 + rx},{y0} Z")
    return dict(type="path", path=path, xref="x", yref="y", fillcolor=fill,
                line=dict(color=theme.ACCENT, width=2), layer="below")


def _arrow(tail: tuple[float, float], tip: tuple[float, float], scale: float) -> dict:
    """An arrow annotation from `tail` to `tip`, both in data coordinates."""
    return dict(x=tip[0], y=tip[1], ax=tail[0], ay=tail[1], xref="x", yref="y",
                axref="x", ayref="y", text="", showarrow=True, arrowhead=2, standoff=0,
                arrowwidth=1.6 * scale, arrowcolor=theme.ARROW)


def _text(x: float, y: float, text: str, scale: float, size: float = 0.9,
          colour: str | None = None, **style) -> dict:
    """A text annotation (text already safe) centred on (x, y) unless `style` says otherwise."""
    font = dict(size=theme.font_size(scale, size), **({"color": colour} if colour else {}))
    return dict(x=x, y=y, xref="x", yref="y", text=text, showarrow=False, font=font, **style)


def _state_lanes(trace: Trace) -> list[tuple[str, float]]:
    """(letter, height) of the states passed from block to block: h, plus c for the LSTM."""
    return [("h", 0.7), ("c", 0.3)] if trace.cell_kind.carries_cell else [("h", 0.5)]


def _links(x0: float, x1: float, lanes, scale: float, labels: bool = True) -> list[dict]:
    """Parallel state arrows from x0 to x1, "h" above its arrow and "c" below."""
    notes = []
    for letter, y in lanes:
        notes.append(_arrow((x0, y), (x1, y), scale))
        if labels:
            below = letter == "c"
            notes.append(_text((x0 + x1) / 2, y - 0.06 if below else y + 0.06, letter, scale, 0.8,
                               yanchor="top" if below else "bottom"))
    return notes


def _block_notes(trace: Trace, t: int, x0: float, name: str, scale: float, lower: bool = False) -> list[dict]:
    """The block's cell name, and token x_t entering it from below (the whole word, one line
    lower when `lower`)."""
    word = token_label(trace, t, position=False)
    gap = "<br>" * (2 if lower else 1)
    return [_text(x0 + 0.5, 0.5, name, scale, 0.85, colour=theme.BLOCK_TEXT),
            _arrow((x0 + 0.5, -0.4), (x0 + 0.5, 0), scale),
            _text(x0 + 0.5, -0.45, f"x<sub>{t}</sub>{gap}{word}", scale, yanchor="top")]


def _click_markers(xs: list[float], steps: list[int], hover: list[str], scale: float) -> go.Scatter:
    """Invisible squares on the blocks, customdata [t], so a click can jump to step t."""
    invisible = dict(marker=dict(opacity=0.01))
    return go.Scatter(x=xs, y=[0.5] * len(xs), mode="markers", showlegend=False,
                      customdata=[[t] for t in steps], hovertext=hover,
                      hovertemplate="%{hovertext}<extra></extra>",
                      marker=dict(symbol="square", size=30 * scale, opacity=0.01, color="black"),
                      selected=invisible, unselected=invisible)


def _canvas(fig: go.Figure, x_range, y_range, height: float, title: str, scale: float) -> go.Figure:
    """A plain canvas: hidden, fixed axes and the shared layout."""
    theme.base_layout(fig, height=height, title=title, scale=scale)
    fig.update_layout(margin=dict(l=10, r=10, t=int(50 * scale), b=10), hovermode="closest",
                      xaxis=dict(visible=False, range=list(x_range), fixedrange=True),
                      yaxis=dict(visible=False, range=list(y_range), fixedrange=True))
    return fig


def unrolled_figure(trace: Trace, step: int | None = None, head_label: str | None = None,
                    window: int | None = None, scale: float = 1.0) -> go.Figure:
    """The unrolled chain: one block per token, state arrows between them, a head at the end.

    Each block is labelled with the cell kind; x_t enters from below; "h" (and "c" for an
    LSTM) flows right; the last state feeds a box named `head_label` (default: "prediction",
    in the current language; the label is plain text, escaped here). The block of `step`
    is filled with the highlight colour. At most `window` blocks are drawn (default
    WINDOW / scale) around `step`, "…" marking the cut ends. Invisible markers on the
    blocks carry customdata [t].
    """
    if step is not None:
        step = check_index(step, trace.steps, "step")
    window = window or max(4, round(WINDOW / scale))
    shown = visible_steps(trace.steps, step, window)
    lanes, name = _state_lanes(trace), trace.cell_kind.title
    stagger = max(len(str(trace.tokens[t])) for t in shown) > STAGGER_CHARS
    fig, notes, shapes = go.Figure(), [], []
    for i, t in enumerate(shown):
        x0 = i * PITCH
        fill = theme.HIGHLIGHT if t == step else theme.BLOCK_FILL
        shapes.append(_rounded_box(x0, x0 + 1, 0, 1, fill))
        notes += _block_notes(trace, t, x0, name, scale, lower=stagger and i % 2 == 1)
        if i:
            notes += _links(x0 - GAP, x0, lanes, scale)
    right = (len(shown) - 1) * PITCH + 1
    start_note = "0" if shown.start == 0 else "…"                 # the initial state is zeros
    notes += _links(-GAP, 0, lanes, scale, labels=False)
    notes.append(_text(-GAP - 0.05, 0.5, start_note, scale, xanchor="right"))
    head = right + GAP
    if shown.stop < trace.steps:
        notes += _links(right, right + 0.5, lanes, scale, labels=False)
        notes.append(_text(right + 0.7, 0.5, "…", scale))
        right, head = right + 0.9, right + 0.9 + GAP
    notes += _links(right, head, lanes[:1], scale)
    shapes.append(_rounded_box(head, head + HEAD_WIDTH, 0, 1, theme.BLOCK_FILL))
    head_label = i18n.t("fig.diagram.prediction") if head_label is None else head_label
    notes.append(_text(head + HEAD_WIDTH / 2, 0.5, theme.safe(head_label), scale,
                       colour=theme.BLOCK_TEXT))
    chain_end = (len(shown) - 1) * PITCH + 1
    bracket = f"M 0,1.12 L 0,1.22 L {chain_end},1.22 L {chain_end},1.12"   # over the blocks
    shapes.append(dict(type="path", path=bracket, xref="x", yref="y",
                       line=dict(color=theme.ARROW, width=1)))
    notes.append(_text(chain_end / 2, 1.26, i18n.t("fig.shared_weights_note"), scale, yanchor="bottom"))
    hover = [step_title(trace, t) for t in shown]
    centres = [i * PITCH + 0.5 for i in range(len(shown))]
    fig.add_trace(_click_markers(centres, list(shown), hover, scale))
    fig.update_layout(shapes=shapes, annotations=notes)
    return _canvas(fig, (-GAP - 0.6, head + HEAD_WIDTH + 0.2), (-1.3, 1.6), 280,
                   i18n.t("fig.diagram.unrolled_title", cell=name), scale)
