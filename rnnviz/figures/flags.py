"""Flags: units of the carried state that switch on with a concept, and what a clamp changes.

The flag state is the state that carries memory: c for the LSTM, h for the GRU and the RNN
(as in rnnviz.analysis.flags). A unit is named by (layer, direction, unit). Clickable marks
carry customdata [layer, direction, unit] (bars) or [layer, direction, unit, step] (lines and
heatmap cells), so a page can read which unit a student clicked.

Legend: T tokens, L layers, D directions, H hidden units, n aligned positions of a pair.
"""
from __future__ import annotations

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..i18n import t
from ..trace import Trace
from . import theme
from .common import CHAR_EM, PLOT_WIDTH_PX, check_index, colorbar, slice_name, symmetric_range, token_axis, token_label

Unit = tuple[int, int, int]                    # (layer, direction, unit)
MAX_CELL_TEXT = 24                             # print predicted words in the cells up to this many tokens


# ---- names and values ------------------------------------------------------------------------

def unit_label(unit: Unit, layers: int = 1, directions: int = 1, lang: str | None = None) -> str:
    """"unit 11", with its layer and direction when the model has more than one; in `lang`
    (default: the current language)."""
    layer, direction, index = unit
    where = slice_name(layers, directions, layer, direction, lang)
    return " · ".join(part for part in (where, t("flags.fig.unit", lang, index=index)) if part)


def trace_unit_label(trace: Trace, unit: Unit) -> str:
    return unit_label(unit, *trace.hidden.shape[:2])


# ---- the words coloured by one unit -----------------------------------------------------------

BOX_PAD_EM, BOX_GAP_EM = 0.9, 0.35     # a word's box: text width + padding; space between boxes
LINE_EM, LABEL_EM = 2.2, 1.6           # a line of boxes; the row's label above its first line
DARK_TEXT, LIGHT_TEXT = "#1A1A1A", "#FFFFFF"


def _box_colours(values: np.ndarray, bound: float) -> tuple[list[str], list[str]]:
    """(fill, text colour) per value on the diverging state scale over [−bound, bound]: light
    text on the strongly coloured ends, dark text elsewhere."""
    where = np.clip((values + bound) / (2 * bound), 0.0, 1.0)                     # [T] in [0, 1]
    fills = plotly.colors.sample_colorscale(theme.STATE_SCALE, list(where))
    return fills, [LIGHT_TEXT if abs(w - 0.5) > 0.33 else DARK_TEXT for w in where]


def _word_boxes(words: list[str], em: float, width: float) -> list[tuple[int, float, float]]:
    """(line, left, right) of each word laid out left to right, wrapping at `width` (px)."""
    boxes, line, x = [], 0, 0.0
    for word in words:
        w = (len(word) * CHAR_EM + BOX_PAD_EM) * em
        if x > 0 and x + w > width:
            line, x = line + 1, 0.0
        boxes.append((line, x, x + w))
        x += w + BOX_GAP_EM * em
    return boxes


def coloured_text_figure(traces: list[Trace], unit: Unit, labels: list[str], read_at: list[int],
                         scale: float = 1.0) -> go.Figure:
    """The words of each sentence in boxes coloured by one unit's flag state after that word
    (c for the LSTM, h otherwise): the "text coloured by a cell" view of Karpathy et al. (2015).

    One row per trace, titled by `labels[k]` (escaped here); one colour range ±b for every row,
    b = max(1, ⌈max |value|⌉), with a labelled colour bar; the word rows[k].read_at outlined (the
    token after which the concept's prediction is made). Words are plotly text, escaped; unknown
    words carry "(?)". customdata [layer, direction, unit, step, row] on a marker per word.
    """
    layer, direction, index = unit
    values = [tr.flag_states[layer, direction, :, index].astype(float) for tr in traces]     # [T_k] each
    bound = max(1.0, float(np.ceil(max((np.abs(v).max(initial=0.0) for v in values), default=1.0))))
    em, width = theme.font_size(scale), PLOT_WIDTH_PX
    fig, shapes, top = go.Figure(), [], 0.0
    letter = theme.STATE_LETTERS[traces[0].cell_kind.flag_state] if traces else "h"
    for k, (tr, v) in enumerate(zip(traces, values)):
        words = [theme.safe(w) + ("" if ok else theme.UNKNOWN_MARK) for w, ok in zip(tr.tokens, tr.known)]
        boxes, (fills, inks) = _word_boxes(list(tr.tokens), em, width), _box_colours(v, bound)
        fig.add_annotation(x=0, y=top, text=theme.safe(labels[k]), showarrow=False, xanchor="left", yanchor="top",
                           font=dict(size=theme.font_size(scale, 0.9)))
        top += LABEL_EM * em
        centres = []
        for step, (line, left, right) in enumerate(boxes):
            y0 = top + line * LINE_EM * em
            outline = dict(color=theme.HIGHLIGHT, width=3 * scale) if step == read_at[k] else dict(width=0)
            shapes.append(dict(type="rect", x0=left, x1=right, y0=y0, y1=y0 + 0.8 * LINE_EM * em,
                               fillcolor=fills[step], line=outline, layer="below"))
            centres.append(((left + right) / 2, y0 + 0.4 * LINE_EM * em))
        x, y = zip(*centres) if centres else ((), ())
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="text", text=words, textfont=dict(color=inks, size=em), hoverinfo="skip",
            showlegend=False))
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="markers", marker=dict(size=em * 1.4, opacity=0.01, color=v), showlegend=False,
            text=words, customdata=[[layer, direction, index, s, k] for s in range(len(x))],
            hovertemplate=f"%{{text}}: {letter} = %{{marker.color:+.2f}}<extra></extra>"))
        top += ((boxes[-1][0] + 1) if boxes else 1) * LINE_EM * em + 0.4 * em
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
                             marker=dict(color=[-bound, bound], colorscale=theme.STATE_SCALE, cmin=-bound,
                                         cmax=bound, showscale=True,
                                         colorbar=colorbar(letter, -bound, bound, scale, len=0.8, y=0,
                                                           yanchor="bottom"))))
    theme.base_layout(fig, height=top / scale + 90, scale=scale)
    fig.update_layout(shapes=shapes, margin=dict(l=int(8 * scale), t=int(30 * scale), b=int(10 * scale)),
                      xaxis=dict(range=[-2, width], visible=False, fixedrange=True),
                      yaxis=dict(range=[top, -4], visible=False, fixedrange=True), hovermode="closest")
    return fig


# ---- the ranking -----------------------------------------------------------------------------

def unit_ranking_figure(scores, layers: int = 1, directions: int = 1, top: int = 8,
                        marked=(), selected: Unit | None = None, state: str = "cell",
                        scale: float = 1.0) -> go.Figure:
    """The `top` best-separating units as bars of AUROC (0.5 = chance, 1 = perfect); as text, in
    how many sentences each tells on from off (analysis.flags), or d where that was not counted.

    `scores` are analysis.flags.UnitScore, best first. `marked` units (the model card's flags)
    get a star; the `selected` unit is drawn in the highlight colour. customdata [layer,
    direction, unit] on every bar.
    """
    shown = list(scores)[:max(1, top)]
    marked = {tuple(u) for u in marked}
    names = [("★ " if s.key in marked else "") + unit_label(s.key, layers, directions) for s in shown]
    colours = [theme.HIGHLIGHT if s.key == selected else theme.ACCENT for s in shown]
    letter = theme.STATE_LETTERS[state]
    fig = go.Figure(go.Bar(
        x=[s.auroc for s in shown], y=names, orientation="h", marker=dict(color=colours),
        text=[t("flags.fig.sentences", right=s.sentences_right, total=s.sentences) if s.sentences
              else f"d {s.d:+.2f}" for s in shown], textposition="outside", cliponaxis=False,
        customdata=[[*s.key, s.on, s.off, s.d] for s in shown],
        hovertemplate=("%{y}<br>AUROC %{x:.3f}<br>Cohen's d %{customdata[5]:+.2f}<br>"
                       + t("flags.fig.hover_typical", letter=letter, on="%{customdata[3]:+.2f}",
                           off="%{customdata[4]:+.2f}") + "<extra></extra>"),
    ))
    theme.base_layout(fig, height=130 + 34 * len(shown), title=t("flags.fig.ranking_title"), scale=scale)
    fig.update_layout(xaxis=dict(title=t("flags.fig.auroc_axis"), range=[0.5, 1.0]),
                      yaxis=dict(autorange="reversed", type="category", automargin=True),
                      margin_r=int(90 * scale))
    return fig


# ---- a unit over the sentence ----------------------------------------------------------------

def _mark_column(fig: go.Figure, mark: int | None, trace: Trace, **where) -> None:
    """Shade the column of token `mark` (the trigger) in the highlight colour."""
    if mark is not None:
        at = check_index(mark, trace.steps, "step")
        fig.add_vrect(x0=at - 0.5, x1=at + 0.5, fillcolor=theme.HIGHLIGHT, opacity=0.25, line_width=0,
                      layer="below", **where)


def flag_lines_figure(trace: Trace, units, mark: int | None = None, selected: Unit | None = None,
                      scale: float = 1.0) -> go.Figure:
    """The flag state of each unit in `units` over the sentence: one line per unit.

    customdata [layer, direction, unit, step] on every point; the column of `mark` shaded.
    """
    values, kind = trace.flag_states, trace.cell_kind.flag_state
    steps = np.arange(trace.steps)
    labels = [token_label(trace, s) for s in steps]
    fig = go.Figure()
    for k, unit in enumerate(units):
        layer, direction, index = unit
        colour = theme.CLASS_COLOURS[k % len(theme.CLASS_COLOURS)]
        fig.add_trace(go.Scatter(
            x=steps, y=values[layer, direction, :, index], mode="lines+markers",
            name=trace_unit_label(trace, unit), line=dict(color=colour, width=(5 if unit == selected else 2.5) * scale),
            marker=dict(size=8 * scale), text=labels,
            customdata=[[layer, direction, index, int(s)] for s in steps],        # [T, 4], plain ints
            hovertemplate=("%{fullData.name}<br>" + t("flags.fig.after", token="%{text}")
                           + f"<br>{theme.STATE_LETTERS[kind]} = %{{y:+.3f}}<extra></extra>"),
        ))
    theme.base_layout(fig, height=380, title=t("flags.fig.lines_title", state=theme.state_label(kind)),
                      scale=scale)
    legend_rows = -(-sum(len(line.name) + 6 for line in fig.data) // 70)    # about 70 characters a row
    fig.update_layout(xaxis=dict(token_axis(trace), zeroline=False), yaxis=dict(title=theme.STATE_LETTERS[kind]),
                      hovermode="closest", legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"),
                      margin_t=int((70 + 24 * legend_rows) * scale))
    _mark_column(fig, mark, trace)
    return fig


def _unit_series(trace: Trace, unit: Unit) -> tuple[list, list]:
    """(name, values [T], dash) of the unit's states and tanh-valued gates (top panel), and of its
    sigmoid gates (bottom panel), in the registry's order."""
    layer, direction, index = unit
    kind = trace.cell_kind
    gates = [(theme.gate_label(g.name, kind.name), trace.gates[g.name][layer, direction, :, index], g.activation)
             for g in kind.gates]
    top = [(theme.state_label(name), getattr(trace, name)[layer, direction, :, index], "solid")
           for name in kind.state_names]                                       # c (LSTM), then h
    top += [(name, values, "dot") for name, values, activation in gates if activation == "tanh"]
    return top, [(name, values, "solid") for name, values, activation in gates if activation != "tanh"]


def unit_gates_figure(trace: Trace, unit: Unit, mark: int | None = None, scale: float = 1.0) -> go.Figure:
    """One unit's state (top) and its gates (bottom) over the sentence, the column of `mark` shaded.

    LSTM: c, h and the candidate g above; i, f, o below on [0, 1]. GRU: h and n above; r, z
    below. A simple RNN has no gates: h alone, and the subtitle says so.
    """
    top, bottom = _unit_series(trace, unit)
    rows = 2 if bottom else 1
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[t("flags.fig.state_row"), t("flags.fig.gates_row")][:rows])
    steps = np.arange(trace.steps)
    labels = [token_label(trace, s) for s in steps]
    for row, series in enumerate([top, bottom][:rows], start=1):
        for k, (name, y, dash) in enumerate(series):
            colour = theme.CLASS_COLOURS[(k + 3 * (row - 1)) % len(theme.CLASS_COLOURS)]
            fig.add_trace(go.Scatter(x=steps, y=y, name=name, mode="lines+markers", text=labels,
                                     line=dict(color=colour, width=2.5 * scale, dash=dash),
                                     hovertemplate=(t("flags.fig.after", token="%{text}")
                                                    + "<br>%{fullData.name} = %{y:+.3f}<extra></extra>")),
                          row=row, col=1)
    title = t("flags.fig.gates_title", unit=trace_unit_label(trace, unit))
    theme.base_layout(fig, height=260 + 200 * rows, title=title, scale=scale)
    axis = token_axis(trace)
    fig.update_xaxes(tickmode="array", tickvals=axis["tickvals"], ticktext=axis["ticktext"],
                     range=axis["range"], showgrid=False, zeroline=False)
    fig.update_xaxes(title_text=t("flags.fig.token_axis"), row=rows, col=1)
    if rows == 2:
        fig.update_yaxes(range=[-0.05, 1.05], row=2, col=1)
    else:
        fig.update_layout(title_subtitle_text=t("fig.no_gates_note"), margin_t=int(85 * scale))
    fig.update_layout(hovermode="closest")
    _mark_column(fig, mark, trace, row="all", col=1)
    return fig


# ---- a minimal pair --------------------------------------------------------------------------

def pair_diff_figure(pair, kind: str = "flag", top: int = 8, selected: Unit | None = None,
                     scale: float = 1.0) -> go.Figure:
    """Sentence B minus sentence A for the `top` units of the pair's ranking, at aligned tokens.

    kind "flag" shows the flag state's difference (c for the LSTM), "hidden" the h difference;
    both use the same units in the same order (the ranking by the flag state's largest |diff|).
    customdata [layer, direction, unit, position in B] on an invisible marker per cell.
    """
    diff = pair.diff if kind == "flag" else pair.diff_hidden                  # [L, D, n, H]
    layers, directions, n = diff.shape[:3]
    units = [tuple(r[:3]) for r in pair.ranking[:max(1, top)]]
    z = np.array([diff[l_, d_, :, u] for l_, d_, u in units])                 # [k, n]
    names = [("▶ " if u == selected else "") + unit_label(u, layers, directions) for u in units]
    ticks = [theme.safe(pair.tokens_b[j]) if pair.tokens_a[i] == pair.tokens_b[j]
             else f"{theme.safe(pair.tokens_a[i])} / {theme.safe(pair.tokens_b[j])}" for i, j in pair.aligned]
    letter = "c" if kind == "flag" and pair.state == "cell" else "h"
    low, high = symmetric_range(z)
    fig = go.Figure(go.Heatmap(z=z, x=np.arange(n), y=np.arange(len(units)), colorscale=theme.STATE_SCALE,
                               zmin=low, zmax=high, hoverinfo="skip",
                               colorbar=dict(title=dict(text=f"Δ{letter}"))))
    cols, rows = np.meshgrid(np.arange(n), np.arange(len(units)))             # [k, n] each
    custom = [[*units[r], pair.aligned[c][1]] for r, c in zip(rows.ravel(), cols.ravel())]
    where = [t("flags.fig.at", token=tick) for tick in ticks]                 # "at she"
    fig.add_trace(go.Scatter(
        x=cols.ravel(), y=rows.ravel(), mode="markers", showlegend=False, customdata=custom,
        text=[f"{names[r]}<br>{where[c]}" for r, c in zip(rows.ravel(), cols.ravel())],
        marker=dict(symbol="square", size=min(max(560 / max(n, 1), 8), 30) * scale, opacity=0.01,
                    color=np.round(z.ravel().astype(float), 4)),
        hovertemplate=f"%{{text}}<br>{letter}(B) − {letter}(A) = %{{marker.color:+.3f}}<extra></extra>",
    ))
    title = t("flags.fig.pair_title", letter=letter)
    theme.base_layout(fig, height=150 + 30 * len(units), title=title, scale=scale)
    fig.update_layout(xaxis=dict(title=None, tickmode="array", tickvals=list(range(n)),
                                 ticktext=ticks, showgrid=False, zeroline=False),
                      yaxis=dict(tickmode="array", tickvals=list(range(len(units))), ticktext=names,
                                 autorange="reversed", showgrid=False, zeroline=False),
                      hovermode="closest")
    fig.update_yaxes(automargin=True)
    return fig


# ---- a clamp ---------------------------------------------------------------------------------

def clamp_effect_figure(before: Trace, after: Trace, what: str, scale: float = 1.0) -> go.Figure:
    """The most likely output after each token, without (top row) and with the clamp (bottom).

    Cells whose prediction changed are filled in the highlight colour. `what` names the clamp
    ("unit 11 = −3.06"); it is escaped here.
    """
    a, b = before.probs.argmax(axis=1), after.probs.argmax(axis=1)            # [T] each
    steps = np.arange(before.steps)
    words = [[theme.safe(before.labels[k]) for k in a], [theme.safe(after.labels[k]) for k in b]]
    chance = [before.probs[steps, a], after.probs[steps, b]]                   # [2, T]
    changed = (a != b).astype(float)                                           # [T]
    rows = [t("flags.fig.as_trained"), t("flags.fig.clamped", what=theme.safe(what))]
    custom = np.stack([np.array(words, dtype=object), np.round(np.array(chance), 3).astype(object)], axis=-1)
    text = dict(text=words, texttemplate="%{text}", textfont=dict(size=theme.font_size(scale, 0.85)))
    fig = go.Figure(go.Heatmap(
        z=np.stack([changed, changed]), x=steps, y=rows, zmin=0, zmax=1, showscale=False,   # [2, T]
        colorscale=[[0, theme.BLOCK_FILL], [1, theme.HIGHLIGHT]], xgap=2, ygap=2, customdata=custom,
        hovertemplate=("%{y}<br>" + t("flags.fig.after_token", step="%{x}")
                       + ": %{customdata[0]} (p = %{customdata[1]})<extra></extra>"),
        **(text if before.steps <= MAX_CELL_TEXT else {}),
    ))
    title = t("flags.fig.clamp_title_lm" if before.predicts_next_word else "flags.fig.clamp_title_class")
    theme.base_layout(fig, height=240, title=title, scale=scale)
    fig.update_layout(xaxis=token_axis(before),
                      yaxis=dict(autorange="reversed", type="category", automargin=True))
    return fig
