"""Gates as soft bit masks: every gate at one step, or one gate over the whole sentence."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..errors import RnnvizError
from ..registry import Gate
from ..trace import Trace
from . import theme
from .common import check_index, check_slice, slice_title, step_title, symmetric_range, unit_token_heatmap

STRIP_PX = 56        # height of one 1 × H strip at scale 1.0
GAP_PX = 30          # room above each strip for its title
MAX_TEXT_UNITS = 16  # print the numbers inside the strips when there are at most this many units


def _colours(gate: Gate) -> dict:
    """Sequential [0, 1] for sigmoid gates; diverging [-1, 1] for tanh-valued ones (the candidate)."""
    return dict(coloraxis="coloraxis2" if gate.activation == "tanh" else "coloraxis")


def _strip(values: np.ndarray, scale: float, **colour) -> go.Heatmap:
    """One 1 × H heatmap strip of `values` [H]."""
    units = np.arange(values.shape[0])
    text = dict(texttemplate="%{z:.2f}", textfont=dict(size=theme.font_size(scale, 0.75)))
    return go.Heatmap(z=values[None, :], x=units, y=[0],          # z: [1, H]
                      hovertemplate=(f"{i18n.t('fig.common.unit')} %{{x}}<br>{i18n.t('fig.common.value')} "
                                     "%{z:+.3f}<extra></extra>"),
                      **(text if len(units) <= MAX_TEXT_UNITS else {}), **colour)


def _strip_rows(trace: Trace, step: int, layer: int,
                direction: int) -> list[tuple[str, np.ndarray, dict]]:
    """(row title, values [H], colour settings) for every gate, then c_t (LSTM), then h_t."""
    rows = [(theme.gate_label(g.name, trace.kind), trace.gates[g.name][layer, direction, step], _colours(g))
            for g in trace.cell_kind.gates]
    if trace.cell_kind.carries_cell:
        cells = trace.cell[layer, direction]                      # [T, H]
        low, high = symmetric_range(cells)                        # same colours at every step
        row_title = i18n.t("fig.gates.cell_row", state=theme.state_label("cell"), bound=f"{high:.1f}")
        rows.append((row_title, cells[step],
                     dict(colorscale=theme.STATE_SCALE, zmin=low, zmax=high, showscale=False)))
    rows.append((theme.state_label("hidden"), trace.hidden[layer, direction, step],
                 dict(coloraxis="coloraxis2")))
    return rows


def gate_strips_figure(trace: Trace, step: int, layer: int = 0, direction: int = 0,
                       scale: float = 1.0) -> go.Figure:
    """Every gate at step `step` as a 1 × H "soft bit mask" strip, then c_t (LSTM) and h_t.

    One subplot row per gate, titled from the theme. Gates use the sequential [0, 1] scale,
    the candidate (tanh-valued) and the states the diverging scale centred at 0. A simple RNN
    has no gates: the figure shows h_t alone and says so in its subtitle.
    """
    layer, direction = check_slice(trace, layer, direction)
    step = check_index(step, trace.steps, "step")
    rows = _strip_rows(trace, step, layer, direction)
    plot_px = max(len(rows) * (STRIP_PX + GAP_PX), 180)          # room for a colour bar
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True,
                        vertical_spacing=GAP_PX / plot_px, subplot_titles=[r[0] for r in rows])
    for row, (_, values, colour) in enumerate(rows, start=1):
        fig.add_trace(_strip(values, scale, **colour), row=row, col=1)
    title = slice_title(trace, step_title(trace, step), layer, direction)
    theme.base_layout(fig, height=plot_px + 120, title=title, scale=scale)
    two_bars = bool(trace.cell_kind.gates)                       # gate bar on top, value bar below
    bar = dict(len=0.42 if two_bars else 1.0, thickness=int(14 * scale))
    fig.update_layout(
        coloraxis=dict(colorscale=theme.GATE_SCALE, cmin=theme.GATE_RANGE[0],
                       cmax=theme.GATE_RANGE[1], colorbar=dict(title=dict(text=i18n.t("fig.common.gate")),
                                                               y=1, yanchor="top", **bar)),
        coloraxis2=dict(colorscale=theme.STATE_SCALE, cmin=theme.STATE_RANGE[0],
                        cmax=theme.STATE_RANGE[1], colorbar=dict(title=dict(text=i18n.t("fig.common.value")),
                                                                 y=0, yanchor="bottom", **bar)),
    )
    if not two_bars:
        fig.update_layout(title_subtitle_text=i18n.t("fig.no_gates_note"),
                          margin_t=int(85 * scale))
    fig.update_annotations(font_size=theme.font_size(scale))     # the row titles
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_xaxes(title_text=i18n.t("fig.common.unit"), row=len(rows), col=1)
    return fig


def gate_heatmap_figure(trace: Trace, gate: str, layer: int = 0, direction: int = 0,
                        step: int | None = None, scale: float = 1.0) -> go.Figure:
    """One gate over the whole sentence: units (y) × tokens (x), like the state heatmap.

    Sequential [0, 1] colours for sigmoid gates, diverging [-1, 1] for the candidate; the
    column of `step` outlined; invisible click markers with customdata [unit, step].
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
    )
