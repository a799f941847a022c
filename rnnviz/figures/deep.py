"""Deeper networks: every layer and direction at once, and what a bidirectional head reads.

Legend: T tokens, L layers, D directions, H hidden units.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..head import pooled_states
from ..i18n import t
from ..trace import Trace
from . import theme
from .common import PLOT_WIDTH_PX, check_index, colorbar, fit_bottom, step_outline, token_axis, token_label

READS = ("deep.fig.reads_forward", "deep.fig.reads_backward")     # catalogue keys, by direction


def top_outputs(trace: Trace) -> np.ndarray:
    """[forward h_t; backward h_t] of the top layer at every token: what a layer above would read,
    and what the head pools.  [T, D*H]"""
    return np.concatenate(list(trace.hidden[-1]), axis=1)


def _direction_name(direction: int) -> str:
    """"forward (reads left to right →)", in the current language."""
    return f"{theme.direction_label(direction)} ({t(READS[direction])})"


def _slice_name(layer: int, direction: int, layers: int, directions: int) -> str:
    parts = [t("fig.common.layer", layer=layer)] if layers > 1 else []
    if directions > 1:
        parts.append(_direction_name(direction))
    return " · ".join(parts) or t("deep.fig.only_layer")


def _layers_title(trace: Trace, step: int | None) -> str:
    """"hidden state h, every layer and direction at step 3: not"."""
    every = "deep.fig.every_layer_direction" if trace.hidden.shape[1] > 1 else "deep.fig.every_layer"
    title = t(every, state=theme.state_label("hidden"))
    if step is None:
        return title
    at = check_index(step, trace.steps, "step")
    return f"{title} {t('deep.fig.at_step', step=step, token=token_label(trace, at, position=False))}"


def layers_figure(trace: Trace, step: int | None = None, scale: float = 1.0,
                  width_px: float | None = None) -> go.Figure:
    """h of every layer (rows, the top layer first) and direction (columns), units × tokens.

    Between two layers a note says that the lower layer's h at each token is the upper layer's
    input there. The column of `step` is outlined in every panel. Every panel shares one colour
    bar, h on its fixed −1…1 (tanh-bounded in every layer and direction); each panel's token
    axis names whole tokens for its share of the plot area `width_px`.
    """
    layers, directions, steps, units = trace.hidden.shape
    cells = [(layer, d) for layer in reversed(range(layers)) for d in range(directions)]
    hover = f"{t('deep.fig.token')} %{{text}}<br>{t('deep.fig.unit')} %{{y}}<br>h = %{{z:+.3f}}<extra></extra>"
    names = [[token_label(trace, s) for s in range(steps)]] * units          # [H, T]: hover names each token
    fig = make_subplots(rows=layers, cols=directions, shared_xaxes=True, vertical_spacing=0.2 / max(layers - 1, 1),
                        horizontal_spacing=0.08,
                        subplot_titles=[_slice_name(l_, d, layers, directions) for l_, d in cells])
    for k, (layer, d) in enumerate(cells):
        row, col = k // directions + 1, k % directions + 1
        fig.add_trace(go.Heatmap(
            z=trace.hidden[layer, d].T, x=np.arange(steps), y=np.arange(units),      # z: [H, T]
            text=names, coloraxis="coloraxis", hovertemplate=hover,
        ), row=row, col=col)
        if step is not None:
            for shape in step_outline(check_index(step, steps, "step"), units, scale):
                fig.add_shape(shape, row=row, col=col)
    for layer in range(layers - 1):                    # the note sits in the gap under layer + 1
        below = fig.layout[f"yaxis{(layers - 1 - layer) * directions + 1}"].domain
        above = fig.layout[f"yaxis{(layers - 2 - layer) * directions + 1}"].domain
        fig.add_annotation(xref="paper", yref="paper", x=0.5, y=(below[1] + above[0]) / 2 + 0.01,
                           yanchor="middle", showarrow=False,
                           font=dict(size=theme.font_size(scale, 0.9), color=theme.ACCENT),
                           text=t("deep.fig.layer_feeds", below=layer, above=layer + 1))
    theme.base_layout(fig, height=110 + layers * 300, title=_layers_title(trace, step), scale=scale)
    axis = token_axis(trace, width_px=(width_px or PLOT_WIDTH_PX) * (1 - 0.08 * (directions - 1)) / directions,
                      scale=scale, step=step)
    fig.update_xaxes(showgrid=False, zeroline=False, **{k: v for k, v in axis.items() if k != "title"})
    fig.update_xaxes(title=axis["title"], row=layers)                # the bottom panels' tokens are named
    fit_bottom(fig, axis)
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False)
    fig.update_yaxes(title_text=t("deep.fig.unit"), col=1)
    fig.update_layout(coloraxis=dict(colorscale=theme.STATE_SCALE, cmin=theme.STATE_RANGE[0],
                                     cmax=theme.STATE_RANGE[1], colorbar=colorbar("h", *theme.STATE_RANGE, scale)))
    fig.update_annotations(font_size=theme.font_size(scale))
    return fig


def concat_figure(trace: Trace, step: int, pooling: str = "last", scale: float = 1.0) -> go.Figure:
    """Two strips over the top layer's D*H values: [forward h_t; backward h_t] at `step` (what a
    layer above would read there), and what the classifier reads after the whole text with
    `pooling` "last" or "mean" (head.pooled_states, the engine's own)."""
    directions, units = trace.hidden.shape[1], trace.hidden.shape[3]
    step = check_index(step, trace.steps, "step")
    rows = [t("deep.fig.at_step_row", step=step), t("deep.fig.classifier_reads")]
    top = top_outputs(trace)                                                 # [T, D*H]
    z = np.stack([top[step], pooled_states(top, pooling, directions)])      # [2, D*H]
    halves = np.array([t("deep.fig.direction_unit", direction=theme.direction_label(k // units), unit=k % units)
                       for k in range(directions * units)])
    fig = go.Figure(go.Heatmap(z=z, x=np.arange(directions * units), y=[0, 1], customdata=np.stack([halves, halves]),
                               colorscale=theme.STATE_SCALE, zmin=theme.STATE_RANGE[0], zmax=theme.STATE_RANGE[1],
                               xgap=1, ygap=6, colorbar=colorbar("h", *theme.STATE_RANGE, scale),
                               hovertemplate="%{customdata}<br>h = %{z:+.3f}<extra></extra>"))
    for d in range(1, directions):
        fig.add_vline(x=d * units - 0.5, line=dict(color=theme.HALO, width=3 * scale))
    for d in range(directions):
        fig.add_annotation(x=d * units + (units - 1) / 2, y=1.0, yref="paper", yanchor="bottom", showarrow=False,
                           text=_direction_name(d))
    title = t("deep.fig.side_by_side", step=step, token=token_label(trace, step, position=False))
    theme.base_layout(fig, height=300, title=title, scale=scale)
    fig.update_layout(xaxis=dict(title=t("deep.fig.concat_axis"), showgrid=False, zeroline=False),
                      yaxis=dict(tickmode="array", tickvals=[0, 1], ticktext=rows, autorange="reversed",
                                 showgrid=False, zeroline=False, automargin=True), margin_t=int(90 * scale))
    return fig
