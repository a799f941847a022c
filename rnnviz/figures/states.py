"""The hidden state h (and the LSTM's cell state c) over a whole sentence: units × tokens."""
from __future__ import annotations

import plotly.graph_objects as go

from ..errors import RnnvizError
from ..trace import Trace
from . import theme
from .common import MAX_TICKS, check_slice, slice_title, symmetric_range, unit_token_heatmap


def state_heatmap_figure(trace: Trace, kind: str = "hidden", layer: int = 0, direction: int = 0,
                         step: int | None = None, scale: float = 1.0,
                         max_ticks: int = MAX_TICKS) -> go.Figure:
    """Heatmap of h_t (kind="hidden") or c_t (kind="cell"): one row per unit, one column per token.

    At most `max_ticks` tokens are named on the x axis (fewer for a narrow column); hover names all.

    Diverging colours centred at 0: h on [-1, 1] (it is tanh-bounded), c on ±max(1, max |c|).
    The column of `step` (if given) is outlined in the highlight colour. An invisible
    square-marker scatter covers every cell (customdata [unit, step]) so clicks can be read.
    """
    if kind not in theme.STATE_LETTERS:
        raise RnnvizError(f'kind must be "hidden" or "cell", not {kind!r}.')
    if kind not in trace.cell_kind.state_names:
        raise RnnvizError(f"A {trace.cell_kind.title} has no cell state c; choose the hidden state h instead.")
    layer, direction = check_slice(trace, layer, direction)
    values = getattr(trace, kind)[layer, direction]              # trace.hidden or trace.cell  [T, H]
    zrange = theme.STATE_RANGE if kind == "hidden" else symmetric_range(values)
    return unit_token_heatmap(
        trace, values, title=slice_title(trace, theme.state_label(kind), layer, direction),
        value_name=theme.STATE_LETTERS[kind], colorscale=theme.STATE_SCALE, zrange=zrange,
        step=step, scale=scale, max_ticks=max_ticks,
    )
