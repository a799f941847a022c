"""Gates as soft bit masks: every gate at one step, or one gate over the whole sentence."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..errors import RnnvizError
from ..registry import Gate
from ..trace import Trace
from . import theme
from .common import (
    MAX_TICKS,
    cell_range,
    check_index,
    check_slice,
    range_text,
    slice_title,
    step_title,
    unit_token_heatmap,
)

STRIP_PX = 56        # height of one 1 × H strip at scale 1.0
GAP_PX = 30          # room above each strip for its title
MAX_TEXT_UNITS = 16  # print the numbers inside the strips when there are at most this many units


class Row(NamedTuple):
    """One strip: its title, the values [H] at the step, its letter, colour scale and fixed range."""
    title: str
    values: np.ndarray
    letter: str
    colorscale: str
    zrange: tuple[float, float]


def _gate_row(trace: Trace, gate: Gate, at: tuple[int, int, int]) -> Row:
    """Sigmoid gates on the sequential [0, 1] scale; tanh-valued ones (the candidate) diverging [-1, 1]."""
    bounded = gate.activation == "tanh"
    return Row(theme.gate_label(gate.name, trace.kind), trace.gates[gate.name][at], gate.letter,
               theme.STATE_SCALE if bounded else theme.GATE_SCALE,
               theme.STATE_RANGE if bounded else theme.GATE_RANGE)


def _strip_rows(trace: Trace, step: int, layer: int, direction: int,
                cell_zrange: tuple[float, float] | None) -> list[Row]:
    """Every gate, then c_t (LSTM: its range is the page's, cell_range, named in the title), then h_t."""
    at = (layer, direction, step)
    rows = [_gate_row(trace, gate, at) for gate in trace.cell_kind.gates]
    if trace.cell_kind.carries_cell:
        low, high = cell_zrange or cell_range(trace)              # same colours at every step and panel
        title = i18n.t("fig.gates.cell_row", state=theme.state_label("cell"), bound=f"{high:g}")
        rows.append(Row(title, trace.cell[at], theme.STATE_LETTERS["cell"], theme.STATE_SCALE, (low, high)))
    rows.append(Row(theme.state_label("hidden"), trace.hidden[at], theme.STATE_LETTERS["hidden"],
                    theme.STATE_SCALE, theme.STATE_RANGE))
    return rows


def _strip(row: Row, domain: tuple[float, float], scale: float) -> go.Heatmap:
    """One 1 × H heatmap strip, with its own colour bar beside it: the row's letter and range."""
    units = np.arange(row.values.shape[0])
    text = dict(texttemplate="%{z:.2f}", textfont=dict(size=theme.font_size(scale, 0.75)))
    low, high = row.zrange
    bar = dict(y=sum(domain) / 2, yanchor="middle", len=domain[1] - domain[0], lenmode="fraction",
               thickness=int(12 * scale), outlinewidth=0, tickmode="array", tickvals=[low, high],
               ticktext=[range_text(low, low), range_text(high, high)],
               tickfont=dict(size=theme.font_size(scale, 0.8)),
               title=dict(text=row.letter, side="top", font=dict(size=theme.font_size(scale))))
    return go.Heatmap(z=row.values[None, :], x=units, y=[0],          # z: [1, H]
                      colorscale=row.colorscale, zmin=low, zmax=high, colorbar=bar,
                      hovertemplate=(f"{i18n.t('fig.common.unit')} %{{x}}<br>{i18n.t('fig.common.value')} "
                                     "%{z:+.3f}<extra></extra>"),
                      **(text if len(units) <= MAX_TEXT_UNITS else {}))


def gate_strips_figure(trace: Trace, step: int, layer: int = 0, direction: int = 0,
                       scale: float = 1.0, cell_zrange: tuple[float, float] | None = None) -> go.Figure:
    """Every gate at step `step` as a 1 × H "soft bit mask" strip, then c_t (LSTM) and h_t.

    One subplot row per strip, titled from the theme, each with its own colour bar beside it (its
    letter and fixed range): sigmoid gates on the sequential [0, 1] scale; the candidate
    (tanh-valued) and h on the diverging [-1, 1] one; c on cell_range(trace) (the whole sentence,
    every layer and direction, so side-by-side panels and every step agree) or `cell_zrange`
    when the page shows several traces. A simple RNN has no gates: the figure shows h_t alone and
    says so in its subtitle.
    """
    layer, direction = check_slice(trace, layer, direction)
    step = check_index(step, trace.steps, "step")
    rows = _strip_rows(trace, step, layer, direction, cell_zrange)
    plot_px = max(len(rows) * (STRIP_PX + GAP_PX), 180)
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True,
                        vertical_spacing=GAP_PX / plot_px, subplot_titles=[r.title for r in rows])
    for number, row in enumerate(rows, start=1):
        domain = fig.layout[f"yaxis{number if number > 1 else ''}"].domain
        fig.add_trace(_strip(row, domain, scale), row=number, col=1)
    title = slice_title(trace, step_title(trace, step), layer, direction)
    theme.base_layout(fig, height=plot_px + 120, title=title, scale=scale)
    if not trace.cell_kind.gates:
        fig.update_layout(title_subtitle_text=i18n.t("fig.no_gates_note"),
                          margin_t=int(85 * scale))
    fig.update_annotations(font_size=theme.font_size(scale))     # the row titles
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_xaxes(title_text=i18n.t("fig.common.unit"), row=len(rows), col=1)
    return fig


def gate_heatmap_figure(trace: Trace, gate: str, layer: int = 0, direction: int = 0,
                        step: int | None = None, scale: float = 1.0, max_ticks: int | None = MAX_TICKS,
                        width_px: float | None = None) -> go.Figure:
    """One gate over the whole sentence: units (y) × tokens (x), like the state heatmap.

    Sequential [0, 1] colours for sigmoid gates, diverging [-1, 1] for the candidate, labelled
    on the colour bar; whole tokens on the x axis (common.token_axis with `max_ticks`,
    `width_px`); the column of `step` outlined; invisible click markers with customdata [unit, step].
    """
    kind = trace.cell_kind
    if not kind.gates:
        raise RnnvizError(f"A simple {kind.title} has no gates; show its hidden state h instead.")
    if gate not in kind.gate_names:
        raise RnnvizError(f"A {kind.title} has no gate {gate!r}; choose one of {', '.join(kind.gate_names)}.")
    layer, direction = check_slice(trace, layer, direction)
    bounded = kind.gate(gate).activation == "tanh"
    return unit_token_heatmap(
        trace, trace.gates[gate][layer, direction],                # [T, H]
        title=slice_title(trace, theme.gate_label(gate, kind.name), layer, direction),
        value_name=theme.gate_symbol(gate, kind.name),
        colorscale=theme.STATE_SCALE if bounded else theme.GATE_SCALE,
        zrange=theme.STATE_RANGE if bounded else theme.GATE_RANGE, step=step, scale=scale,
        max_ticks=max_ticks, width_px=width_px,
    )
