"""One cell at one token, with its real numbers: the lesson's equation, then each gate's own.

The figures draw rnnviz.analysis.anatomy.cell_terms' record (the step recomputed exactly from the
model's weights). W = weight_ih [G*hid_size, emb_size], H = weight_hh [G*hid_size, hid_size],
gate blocks in the registry's order (LSTM i, f, g, o; GRU r, z, n).
Legend: emb_size the input's size, hid_size the state's units, G gate blocks (RNN 1, GRU 3,
LSTM 4), T tokens.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..analysis.anatomy import CellTerms
from ..errors import RnnvizError
from ..i18n import t
from ..registry import CellKind
from . import theme
from .common import slice_title, symmetric_range, token_label

MAX_TEXT = 16        # print the numbers inside vectors and strips of at most this many values
STRIP_PX = 36        # one 1 × H strip of the gate equations, at scale 1.0
GAP_PX = 74          # above each strip: the row's equation, the strip titles, the unit ticks
WEIGHTS, INPUTS, STATES = "coloraxis", "coloraxis2", "coloraxis3"   # simple-cell colour axes
GATE, BOUNDED, SUM = "coloraxis", "coloraxis2", "coloraxis3"        # gate-equation colour axes
SYMBOLS = {"sigmoid": "σ", "tanh": "tanh"}                           # a gate's activation, as written


def _interpolates(kind: CellKind) -> bool:
    """A gated cell without a cell state (the GRU): h_t = (1 − z) ⊙ n + z ⊙ h_prev, and its reset
    gate r acts inside the candidate, n = tanh(W_n x_t + b_in + r ⊙ (H_n h_prev + b_hn))."""
    return bool(kind.gates) and not kind.carries_cell


def _title(terms: CellTerms) -> str:
    """"t = 3: not", with the layer and direction when the model has more than one."""
    word = token_label(terms.trace, terms.step, position=False)
    return slice_title(terms.trace, f"t = {terms.step}: {word}", terms.layer, terms.direction)


def _sub(letter: str, index: str) -> str:
    return f"{letter}<sub>{index}</sub>"


def _colour_axes(ranges: list[tuple[str, str, tuple[float, float]]], scale: float) -> dict:
    """coloraxis, coloraxis2, … from (title, colour scale, range), their bars stacked on the right."""
    axes, n = {}, len(ranges)
    for k, (title, colours, (low, high)) in enumerate(ranges):
        axes["coloraxis" + (str(k + 1) if k else "")] = dict(
            colorscale=colours, cmin=low, cmax=high,
            colorbar=dict(title=dict(text=title), len=0.85 / n, y=1 - k / n, yanchor="top",
                          thickness=int(12 * scale)))
    return axes


def _panel(values: np.ndarray, axis: str, name: str, rows: list[str]) -> go.Heatmap:
    """A matrix [R, K], or a vector [R] drawn as one column; hover names the row."""
    z = values if values.ndim == 2 else values[:, None]                      # [R, K]
    labels = np.repeat(np.array(rows, dtype=object)[:, None], z.shape[1], axis=1)   # [R, K]
    text = dict(texttemplate="%{z:.2f}") if values.ndim == 1 and len(values) <= MAX_TEXT else {}
    column = f", {t('anatomy.fig.column')} %{{x}}" if values.ndim == 2 else ""
    value = t("anatomy.fig.value")
    return go.Heatmap(z=z, coloraxis=axis, customdata=labels, **text,
                      hovertemplate=f"{name}<br>%{{customdata}}{column}<br>{value} %{{z:+.3f}}<extra></extra>")


def _row_labels(col: int, count: int) -> list[str]:
    """Hover names of a panel's rows: x_t (column 2) runs over inputs, the others over units."""
    if col == 2:
        return [t("anatomy.fig.input_row", index=r) for r in range(count)]
    return [t("anatomy.fig.unit_row", unit=r) for r in range(count)]


def _simple_panels(terms: CellTerms) -> list[tuple[str, np.ndarray, str, str]]:
    """(title, values, colour axis, axis title with the shape) in the equation's order."""
    x, units = terms.x, terms.h_prev.shape[0]
    rows, blocks = terms.W.shape[0], terms.cell_kind.blocks
    out = "hid_size" if blocks == 1 else f"{blocks}·hid_size"
    inputs = "emb_size" if terms.layer == 0 else "input_size"           # a layer above reads the one below
    xt, hp, ht = _sub("x", "t"), _sub("h", terms.prev), _sub("h", "t")
    panels = [
        ("W", terms.W, WEIGHTS, f"W: {out} × {inputs}<br>= {rows} × {len(x)}"),
        (f"· {xt}", x, INPUTS, f"{xt}: {len(x)}"),
        ("+ H", terms.H, WEIGHTS, f"H: {out} × hid_size<br>= {rows} × {units}"),
        (f"· {hp}", terms.h_prev, STATES, f"{hp}: {units}"),
        ("+ b", terms.b, WEIGHTS, f"b: {rows}"),
        ("= a", terms.a, INPUTS, f"a: {rows}"),
    ]
    if not terms.cell_kind.gates:
        panels.append((f"{ht} = {terms.activation}(a)", terms.h, STATES, f"{ht}: {units}"))
    return panels


def _equation(terms: CellTerms) -> str:
    """The simple cell's equation, or for a gated cell the sum every gate block starts from."""
    kind, xt, hp = terms.cell_kind, _sub("x", "t"), _sub("h", terms.prev)
    if not kind.gates:
        return f"{_sub('h', 't')} = {terms.activation}(W·{xt} + H·{hp} + b)"
    equation = f"a = W·{xt} + H·{hp} + b, {t('anatomy.fig.blocks', letters=', '.join(kind.letters))}"
    return equation + (f": {t('anatomy.fig.gru_reset_note')}" if _interpolates(kind) else "")


def simple_cell_figure(terms: CellTerms, scale: float = 1.0) -> go.Figure:
    """The lesson's simple cell with real numbers: h_t = tanh(W·x_t + H·h_prev + b).

    Side by side: W [G*hid_size, emb_size], x_t [emb_size], H [G*hid_size, hid_size], h_prev [hid_size],
    b and the sum a [G*hid_size] and, for a plain RNN, h_t = tanh(a) [hid_size]. For an LSTM or
    GRU, W, H, b and a stack one block per gate (lines between the blocks): every gate starts as this same sum, and
    `gate_equations_figure` takes over from a. Diverging colours centred at 0.
    """
    letters, units = terms.cell_kind.letters, terms.h_prev.shape[0]
    blocks, panels = terms.cell_kind.blocks, _simple_panels(terms)
    vector = max(2.0, (len(terms.x) + units) / 8)                               # width of a vector column
    fig = make_subplots(rows=1, cols=len(panels), horizontal_spacing=0.012,
                        column_widths=[p[1].shape[1] if p[1].ndim == 2 else vector for p in panels],
                        subplot_titles=[p[0] for p in panels])
    stacked = [f"{letters[r // units]} · {t('anatomy.fig.unit_row', unit=r % units)}"
               for r in range(blocks * units)]
    lines = []                                                      # between gate blocks
    for col, (title, values, axis, _) in enumerate(panels, start=1):
        rows = stacked if blocks > 1 and len(values) == blocks * units else _row_labels(col, len(values))
        fig.add_trace(_panel(values, axis, title.lstrip("+·= "), rows), row=1, col=col)
        if blocks > 1 and len(values) == blocks * units:
            axis = "" if col == 1 else col                      # plotly names the first axes x and y
            lines += [dict(type="line", xref=f"x{axis} domain", x0=0, x1=1, yref=f"y{axis}", y0=k * units - 0.5,
                           y1=k * units - 0.5, line=dict(color=theme.HALO, width=1.5)) for k in range(1, blocks)]
    fig.update_layout(shapes=lines)          # in one go: add_hline per line costs ~20 ms each
    weights = np.concatenate([terms.W.ravel(), terms.H.ravel(), terms.b])
    fig.update_layout(**_colour_axes([
        ("W, H, b", theme.STATE_SCALE, symmetric_range(weights)),
        ("x, a", theme.STATE_SCALE, symmetric_range(np.concatenate([terms.x, terms.a]))),
        ("h", theme.STATE_SCALE, theme.STATE_RANGE)], scale))
    theme.base_layout(fig, height=min(max(blocks * units * 14, 360), 700) + 190,
                      title=f"{_equation(terms)}<br>{_title(terms)}", scale=scale)
    for col, (_, values, _, shape) in enumerate(panels, start=1):
        fig.update_xaxes(title_text=shape, showticklabels=values.ndim == 2, row=1, col=col)
        fig.update_yaxes(autorange="reversed", showticklabels=col == 1, row=1, col=col)
    if blocks > 1:
        fig.update_yaxes(tickmode="array", tickvals=[(k + 0.5) * units - 0.5 for k in range(blocks)],
                         ticktext=list(letters), row=1, col=1)
    fig.update_xaxes(showgrid=False, zeroline=False, ticks="", title_font_size=theme.font_size(scale, 0.8))
    fig.update_yaxes(showgrid=False, zeroline=False, ticks="")
    fig.update_annotations(font_size=theme.font_size(scale))                  # the panel titles
    fig.update_layout(margin_t=int(95 * scale), margin_b=int(95 * scale))
    return fig


Row = tuple[str, list[tuple[str, np.ndarray, str]]]      # (equation, [(strip title, values [hid_size], colour axis)])


def _gate_row(terms: CellTerms, k: int) -> Row:
    """Gate block k: s = act(W_s x_t + H_s h_prev + b_s), term by term."""
    gate, units = terms.cell_kind.gates[k], terms.h_prev.shape[0]
    s, part = gate.letter, slice(k * units, (k + 1) * units)
    act, axis = SYMBOLS[gate.activation], (BOUNDED if gate.activation == "tanh" else GATE)
    xt, hp = _sub("x", "t"), _sub("h", terms.prev)
    return (f"{theme.gate_label(gate.name, terms.kind)}: {s} = {act}({_sub('W', s)}·{xt} + {_sub('H', s)}·{hp} "
            f"+ {_sub('b', s)})",
            [(f"{_sub('W', s)}·{xt}", terms.Wx[part], SUM),
             (f"+ {_sub('H', s)}·{hp}", terms.Hh[part], SUM),
             (f"+ {_sub('b', s)}", terms.b[part], SUM),
             (f"= {_sub('a', s)}", terms.a[part], SUM),
             (f"{s} = {act}({_sub('a', s)})", terms.gates[gate.name], axis)])


def _reset_candidate_row(terms: CellTerms, k: int) -> Row:
    """The GRU's candidate (block k): n = tanh(W_n x_t + b_in + r ⊙ (H_n h_prev + b_hn))."""
    gate, units = terms.cell_kind.gates[k], terms.h_prev.shape[0]
    part = slice(k * units, (k + 1) * units)
    xn, hn, r = terms.x_part[part], terms.h_part[part], terms.gates["reset"]     # [hid_size] each
    xt, hp = _sub("x", "t"), _sub("h", terms.prev)
    return (f"{theme.gate_label(gate.name, terms.kind)}: n = tanh(W<sub>n</sub>·{xt} + b<sub>in</sub> + r ⊙ "
            f"(H<sub>n</sub>·{hp} + b<sub>hn</sub>))",
            [(f"W<sub>n</sub>·{xt} + b<sub>in</sub>", xn, SUM),
             (f"H<sub>n</sub>·{hp} + b<sub>hn</sub>", hn, SUM),
             (f"r ⊙ (H<sub>n</sub>·{hp} + b<sub>hn</sub>)", r * hn, SUM),
             (f"a<sub>n</sub> = {t('anatomy.fig.first_plus_third')}", xn + r * hn, SUM),
             ("n = tanh(a<sub>n</sub>)", terms.gates[gate.name], BOUNDED)])


def _state_rows(terms: CellTerms) -> list[Row]:
    """The new state from the gates: LSTM c_t then h_t; GRU h_t."""
    g, ht, hp = terms.gates, _sub("h", "t"), _sub("h", terms.prev)
    if terms.cell_kind.carries_cell:
        cp, ct = _sub("c", terms.prev), _sub("c", "t")
        return [(f"{t('anatomy.fig.new_cell_state')}: {ct} = f ⊙ {cp} + i ⊙ g",
                 [("f", g["forget"], GATE), (cp, terms.c_prev, SUM), (f"f ⊙ {cp}", g["forget"] * terms.c_prev, SUM),
                  ("+ i ⊙ g", g["input"] * g["candidate"], SUM), (f"= {ct}", terms.c, SUM)]),
                (f"{t('anatomy.fig.new_hidden_vector')}: {ht} = o ⊙ tanh({ct})",
                 [(f"tanh({ct})", np.tanh(terms.c), BOUNDED), ("⊙ o", g["output"], GATE),
                  (f"= {ht}", terms.h, BOUNDED)])]
    z = g["update"]
    return [(f"{t('anatomy.fig.new_hidden_state')}: {ht} = (1 − z) ⊙ n + z ⊙ {hp}",
             [("z", z, GATE), ("(1 − z) ⊙ n", (1 - z) * g["candidate"], BOUNDED),
              (hp, terms.h_prev, BOUNDED), (f"+ z ⊙ {hp}", z * terms.h_prev, BOUNDED), (f"= {ht}", terms.h, BOUNDED)])]


def _gate_rows(terms: CellTerms) -> list[Row]:
    """A row for each gate in the registry's order, then the state updates."""
    kind = terms.cell_kind
    reset_inside = _interpolates(kind)
    rows = [_reset_candidate_row(terms, k) if reset_inside and gate.activation == "tanh" else _gate_row(terms, k)
            for k, gate in enumerate(kind.gates)]
    return rows + _state_rows(terms)


def _strip(values: np.ndarray, axis: str, name: str, scale: float) -> go.Heatmap:
    """One 1 × H strip: a value per unit."""
    text = dict(texttemplate="%{z:.2f}", textfont=dict(size=theme.font_size(scale, 0.7)))
    return go.Heatmap(z=values[None, :], x=np.arange(len(values)), y=[0], coloraxis=axis,   # z: [1, H]
                      hovertemplate=f"{name}<br>{t('anatomy.fig.unit_row', unit='%{x}')}: %{{z:+.3f}}<extra></extra>",
                      **(text if len(values) <= MAX_TEXT else {}))


def gate_equations_figure(terms: CellTerms, scale: float = 1.0) -> go.Figure:
    """Each gate's own equation with its values, one row of 1 × H strips per equation.

    LSTM: i = σ(W_i x_t + H_i h_prev + b_i), f, g (tanh), o, then c_t = f ⊙ c_prev + i ⊙ g and
    h_t = o ⊙ tanh(c_t). GRU: r, z, n = tanh(W_n x_t + b_in + r ⊙ (H_n h_prev + b_hn)), then
    h_t = (1 − z) ⊙ n + z ⊙ h_prev. Gates on the sequential [0, 1] scale, tanh-bounded values
    on ±1, sums and the cell state on a symmetric range; all diverging scales centred at 0.
    """
    if not terms.cell_kind.gates:
        raise RnnvizError(t("anatomy.fig.no_gates"))
    rows = _gate_rows(terms)
    cols = max(len(parts) for _, parts in rows)
    plot_px = max(len(rows) * STRIP_PX + (len(rows) - 1) * GAP_PX, 420)       # room for 3 colour bars
    fig = make_subplots(rows=len(rows), cols=cols, vertical_spacing=GAP_PX / plot_px,
                        horizontal_spacing=0.025,
                        specs=[[{} if c < len(parts) else None for c in range(cols)] for _, parts in rows],
                        subplot_titles=[title for _, parts in rows for title, _, _ in parts])
    for r, (equation, parts) in enumerate(rows, start=1):
        for c, (title, values, axis) in enumerate(parts, start=1):
            fig.add_trace(_strip(values, axis, title.lstrip("+⊙= "), scale), row=r, col=c)
        top = fig.get_subplot(r, 1).yaxis.domain[1]
        fig.add_annotation(text=f"<b>{equation}</b>", x=0, y=top, xref="paper", yref="paper",
                           xanchor="left", yanchor="bottom", yshift=int(26 * scale), showarrow=False,
                           font=dict(size=theme.font_size(scale, 1.0)))
    sums = np.concatenate([v for _, parts in rows for _, v, axis in parts if axis == SUM])
    sum_title = t("anatomy.fig.sum") + (", c" if terms.cell_kind.carries_cell else "")
    fig.update_layout(**_colour_axes([
        (t("anatomy.fig.gate"), theme.GATE_SCALE, theme.GATE_RANGE), ("tanh", theme.STATE_SCALE, theme.STATE_RANGE),
        (sum_title, theme.STATE_SCALE, symmetric_range(sums))], scale))
    theme.base_layout(fig, height=plot_px + 150, title=_title(terms), scale=scale)
    fig.update_layout(margin_t=int(100 * scale))
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, ticks="")
    fig.update_xaxes(showgrid=False, zeroline=False, ticks="", tickfont_size=theme.font_size(scale, 0.65))
    for note in fig.layout.annotations[:sum(len(p) for _, p in rows)]:
        note.font = dict(size=theme.font_size(scale, 0.85))                  # the strip titles
    return fig
