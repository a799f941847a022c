"""One cell at one token, with its real numbers: the lesson's equation, then each gate's own.

The figures draw the anatomy panel (figures/anatomy_panel.py: rnnviz.analysis.anatomy.cell_terms'
records, the step recomputed exactly from the model's weights), the same record the browser's
live view draws, with the same fixed colour ranges.
W = weight_ih [G*hid_size, emb_size], H = weight_hh [G*hid_size, hid_size], gate blocks in the
registry's order (LSTM i, f, g, o; GRU r, z, n).
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
from . import theme
from .anatomy_panel import BOUNDED, GATE, INPUTS, STATES, SUM, WEIGHTS, anatomy_panel, frame_index, markup_html, picture

MAX_TEXT = 16        # print the numbers inside vectors and strips of at most this many values
STRIP_PX = 36        # one 1 × H strip of the gate equations, at scale 1.0
GAP_PX = 74          # above each strip: the row's equation, the strip titles, the unit ticks
Source = CellTerms | dict    # one step's terms, or the anatomy panel of a whole sentence (anatomy_panel.py)


def _panel_at(source: Source, step: int | None) -> tuple[dict, int]:
    """The anatomy panel and the token to draw: a CellTerms becomes a one-step panel."""
    if isinstance(source, CellTerms):
        return anatomy_panel([source]), source.step
    return source, source["frames"][0]["step"] if step is None else step


def _title(panel: dict, step: int) -> str:
    """"t = 3: not", with the layer and direction when the model has more than one (token escaped)."""
    word = theme.safe(panel["tokens"][step])
    if not panel["known"][step]:
        word = theme.muted(word + theme.UNKNOWN_MARK)
    return " · ".join(part for part in (f"t = {step}: {word}", panel["slice"]) if part)


def _colour_axes(panel: dict, names: list[str], scale: float) -> dict:
    """coloraxis, coloraxis2, … from the panel's axes `names`, their bars stacked on the right."""
    axes, n = {}, len(names)
    for k, name in enumerate(names):
        axis = panel["axes"][name]
        colours = theme.GATE_SCALE if axis["scale"] == "gate" else theme.STATE_SCALE
        axes["coloraxis" + (str(k + 1) if k else "")] = dict(
            colorscale=colours, cmin=axis["range"][0], cmax=axis["range"][1],
            colorbar=dict(title=dict(text=axis["title"]), len=0.85 / n, y=1 - k / n, yanchor="top",
                          thickness=int(12 * scale)))
    return axes


def _plotly_axis(names: list[str], name: str) -> str:
    """The plotly colour axis ("coloraxis", "coloraxis2", …) of the panel's axis `name`."""
    k = names.index(name)
    return "coloraxis" + (str(k + 1) if k else "")


def _heatmap(values: np.ndarray, axis: str, name: str, rows: list[str]) -> go.Heatmap:
    """A matrix [R, K], or a vector [R] drawn as one column; hover names the row."""
    z = values if values.ndim == 2 else values[:, None]                      # [R, K]
    labels = np.repeat(np.array(rows, dtype=object)[:, None], z.shape[1], axis=1)   # [R, K]
    text = dict(texttemplate="%{z:.2f}") if values.ndim == 1 and len(values) <= MAX_TEXT else {}
    column = f", {t('anatomy.fig.column')} %{{x}}" if values.ndim == 2 else ""
    value = t("anatomy.fig.value")
    return go.Heatmap(z=z, coloraxis=axis, customdata=labels, **text,
                      hovertemplate=f"{name}<br>%{{customdata}}{column}<br>{value} %{{z:+.3f}}<extra></extra>")


def _row_labels(name: str, count: int) -> list[str]:
    """Hover names of a picture's rows: x_t runs over inputs, the others over units."""
    if name == "x":
        return [t("anatomy.fig.input_row", index=r) for r in range(count)]
    return [t("anatomy.fig.unit_row", unit=r) for r in range(count)]


def simple_cell_figure(source: Source, scale: float = 1.0, step: int | None = None) -> go.Figure:
    """The lesson's simple cell with real numbers: h_t = tanh(W·x_t + H·h_prev + b).

    Side by side: W [G*hid_size, emb_size], x_t [emb_size], H [G*hid_size, hid_size], h_prev [hid_size],
    b and the sum a [G*hid_size] and, for a plain RNN, h_t = tanh(a) [hid_size]. For an LSTM or
    GRU, W, H, b and a stack one block per gate (lines between the blocks): every gate starts as this same sum, and
    `gate_equations_figure` takes over from a. Diverging colours centred at 0. `source` is one
    step's CellTerms, or an anatomy panel and the token `step` to draw.
    """
    panel, step = _panel_at(source, step)
    letters, units, blocks = panel["letters"], panel["units"], panel["blocks"]
    parts = [(p, picture(panel, p["name"], step)) for p in panel["simple"]]
    names = [WEIGHTS, INPUTS, STATES, SUM]
    vector = max(2.0, (len(parts[1][1]) + units) / 8)                           # width of a vector column
    fig = make_subplots(rows=1, cols=len(parts), horizontal_spacing=0.012,
                        column_widths=[v.shape[1] if v.ndim == 2 else vector for _, v in parts],
                        subplot_titles=[markup_html(p["title"]) for p, _ in parts])
    stacked = [f"{letters[r // units]} · {t('anatomy.fig.unit_row', unit=r % units)}"
               for r in range(blocks * units)]
    lines = []                                                      # between gate blocks
    for col, (part, values) in enumerate(parts, start=1):
        rows = stacked if blocks > 1 and len(values) == blocks * units else _row_labels(part["name"], len(values))
        name = markup_html(part["title"]).lstrip("+·= ")
        fig.add_trace(_heatmap(values, _plotly_axis(names, part["axis"]), name, rows), row=1, col=col)
        if blocks > 1 and len(values) == blocks * units:
            axis = "" if col == 1 else col                      # plotly names the first axes x and y
            lines += [dict(type="line", xref=f"x{axis} domain", x0=0, x1=1, yref=f"y{axis}", y0=k * units - 0.5,
                           y1=k * units - 0.5, line=dict(color=theme.HALO, width=1.5)) for k in range(1, blocks)]
    fig.update_layout(shapes=lines)          # in one go: add_hline per line costs ~20 ms each
    fig.update_layout(**_colour_axes(panel, names, scale))
    theme.base_layout(fig, height=min(max(blocks * units * 14, 360), 700) + 190,
                      title=f"{markup_html(panel['equation'])}<br>{_title(panel, step)}", scale=scale)
    for col, (part, values) in enumerate(parts, start=1):
        shape = markup_html(part["shape"]).replace(" = ", "<br>= ")
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


def _strip(values: np.ndarray, axis: str, name: str, scale: float) -> go.Heatmap:
    """One 1 × H strip: a value per unit."""
    text = dict(texttemplate="%{z:.2f}", textfont=dict(size=theme.font_size(scale, 0.7)))
    return go.Heatmap(z=values[None, :], x=np.arange(len(values)), y=[0], coloraxis=axis,   # z: [1, H]
                      hovertemplate=f"{name}<br>{t('anatomy.fig.unit_row', unit='%{x}')}: %{{z:+.3f}}<extra></extra>",
                      **(text if len(values) <= MAX_TEXT else {}))


def gate_equations_figure(source: Source, scale: float = 1.0, step: int | None = None) -> go.Figure:
    """Each gate's own equation with its values, one row of 1 × H strips per equation.

    LSTM: i = σ(W_i x_t + H_i h_prev + b_i), f, g (tanh), o, then c_t = f ⊙ c_prev + i ⊙ g and
    h_t = o ⊙ tanh(c_t). GRU: r, z, n = tanh(W_n x_t + b_in + r ⊙ (H_n h_prev + b_hn)), then
    h_t = (1 − z) ⊙ n + z ⊙ h_prev. Gates on the sequential [0, 1] scale, tanh-bounded values
    on ±1, sums and the cell state on one symmetric range for the whole sentence; all diverging
    scales centred at 0. `source`: one step's CellTerms, or an anatomy panel and `step`.
    """
    panel, step = _panel_at(source, step)
    if not panel["rows"]:
        raise RnnvizError(t("anatomy.fig.no_gates"))
    frame = panel["frames"][frame_index(panel, step)]
    rows, names = panel["rows"], [GATE, BOUNDED, SUM]
    cols = max(len(row["strips"]) for row in rows)
    plot_px = max(len(rows) * STRIP_PX + (len(rows) - 1) * GAP_PX, 420)       # room for 3 colour bars
    fig = make_subplots(rows=len(rows), cols=cols, vertical_spacing=GAP_PX / plot_px,
                        horizontal_spacing=0.025,
                        specs=[[{} if c < len(row["strips"]) else None for c in range(cols)] for row in rows],
                        subplot_titles=[markup_html(s["title"]) for row in rows for s in row["strips"]])
    for r, (row, values) in enumerate(zip(rows, frame["rows"]), start=1):
        for c, (strip, strip_values) in enumerate(zip(row["strips"], values), start=1):
            name = markup_html(strip["title"]).lstrip("+⊙= ")
            fig.add_trace(_strip(np.asarray(strip_values), _plotly_axis(names, strip["axis"]), name, scale),
                          row=r, col=c)
        top = fig.get_subplot(r, 1).yaxis.domain[1]
        fig.add_annotation(text=f"<b>{markup_html(row['equation'])}</b>", x=0, y=top, xref="paper", yref="paper",
                           xanchor="left", yanchor="bottom", yshift=int(26 * scale), showarrow=False,
                           font=dict(size=theme.font_size(scale, 1.0)))
    fig.update_layout(**_colour_axes(panel, names, scale))
    theme.base_layout(fig, height=plot_px + 150, title=_title(panel, step), scale=scale)
    fig.update_layout(margin_t=int(100 * scale))
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, ticks="")
    fig.update_xaxes(showgrid=False, zeroline=False, ticks="", tickfont_size=theme.font_size(scale, 0.65))
    for note in fig.layout.annotations[:sum(len(row["strips"]) for row in rows)]:
        note.font = dict(size=theme.font_size(scale, 0.85))                  # the strip titles
    return fig
