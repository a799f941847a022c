"""The hidden state h (and the LSTM's cell state c) over a whole sentence: units × tokens."""
from __future__ import annotations

import plotly.graph_objects as go

from ..errors import RnnvizError
from ..trace import Trace
from . import theme
from .common import MAX_TICKS, cell_range, check_slice, slice_title, unit_token_heatmap


def state_heatmap_figure(trace: Trace, kind: str = "hidden", layer: int = 0, direction: int = 0,
                         step: int | None = None, scale: float = 1.0,
                         max_ticks: int | None = MAX_TICKS, width_px: float | None = None,
                         zrange: tuple[float, float] | None = None) -> go.Figure:
    """Heatmap of h_t (kind="hidden") or c_t (kind="cell"): one row per unit, one column per token.

    The x axis names whole tokens (common.token_axis: at most `max_ticks`, fewer when the plot
    area `width_px` is narrow); hover names all.

    Diverging colours centred at 0, one fixed range labelled on the colour bar: h on [-1, 1] (it
    is tanh-bounded); c on cell_range(trace), ±a round bound over every layer, direction and token
    of the sentence, so it does not move while stepping. A page showing several traces passes
    `zrange` (e.g. cell_range(*traces)) so their pictures share it.
    The column of `step` (if given) is outlined in the highlight colour. An invisible
    square-marker scatter covers every cell (customdata [unit, step]) so clicks can be read.
    """
    if kind not in theme.STATE_LETTERS:
        raise RnnvizError(f'kind must be "hidden" or "cell", not {kind!r}.')
    if kind not in trace.cell_kind.state_names:
        raise RnnvizError(f"A {trace.cell_kind.title} has no cell state c; choose the hidden state h instead.")
    layer, direction = check_slice(trace, layer, direction)
    values = getattr(trace, kind)[layer, direction]              # trace.hidden or trace.cell  [T, H]
    if zrange is None:
        zrange = theme.STATE_RANGE if kind == "hidden" else cell_range(trace)
    return unit_token_heatmap(
        trace, values, title=slice_title(trace, theme.state_label(kind), layer, direction),
        value_name=theme.STATE_LETTERS[kind], colorscale=theme.STATE_SCALE, zrange=zrange,
        step=step, scale=scale, max_ticks=max_ticks, width_px=width_px,
    )
