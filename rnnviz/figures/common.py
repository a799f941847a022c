"""Pieces the figure builders share: index checks, token labels, the units × tokens heatmap."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from .. import i18n
from ..trace import Trace, check_index
from . import theme

MAX_TICKS = 40       # beyond this many tokens, label every k-th one (hover still names each)


def check_slice(trace: Trace, layer: int, direction: int) -> tuple[int, int]:
    """(layer, direction) checked against the trace's L and D."""
    layers, directions = trace.hidden.shape[:2]
    return check_index(layer, layers, "layer"), check_index(direction, directions, "direction")


def token_label(trace: Trace, t: int, position: bool = True, max_chars: int | None = None) -> str:
    """Token t escaped, "3 · not" with its position; unknown words muted and marked "(?)".

    Tokens longer than `max_chars` (if given) are cut and end in "…".
    """
    token = str(trace.tokens[t])
    if max_chars is not None and len(token) > max_chars:
        token = token[:max_chars - 1] + "…"
    text = theme.safe(token)
    if position:
        text = f"{t}{theme.TOKEN_SEPARATOR}{text}"
    if not bool(trace.known[t]):
        return theme.muted(text + theme.UNKNOWN_MARK)
    return text


def token_axis(trace: Trace, max_ticks: int = MAX_TICKS) -> dict:
    """x-axis settings naming each token position; every k-th one when the text is long."""
    every = max(1, math.ceil(trace.steps / max_ticks))
    ticks = list(range(0, trace.steps, every))
    return dict(title=i18n.t("fig.common.token"), tickmode="array", tickvals=ticks,
                ticktext=[token_label(trace, t) for t in ticks], range=[-0.5, trace.steps - 0.5])


def slice_name(layers: int, directions: int, layer: int, direction: int, lang: str | None = None) -> str:
    """"layer 1 · backward": what names one (layer, direction) of a model with more than one
    layer or direction ("" for a one-layer, one-way model); in `lang` (default: the current one)."""
    parts = [i18n.t("fig.common.layer", lang, layer=layer)] if layers > 1 else []
    if directions > 1:
        parts.append(theme.direction_label(direction, lang))
    return " · ".join(parts)


def slice_title(trace: Trace, name: str, layer: int, direction: int) -> str:
    """`name`, plus the layer and direction when the model has more than one."""
    return " · ".join(part for part in (name, slice_name(*trace.hidden.shape[:2], layer, direction)) if part)


def step_title(trace: Trace, step: int) -> str:
    """"step 3: not": the step's number and its token (escaped), in the current language."""
    return i18n.t("fig.common.step_token", step=step, token=token_label(trace, step, position=False))


def step_outline(step: int, units: int, scale: float) -> list[dict]:
    """Rectangles around the column of step `step` in a units × tokens heatmap (theme.STEP_OUTLINE)."""
    box = dict(type="rect", xref="x", yref="y", x0=step - 0.5, x1=step + 0.5,
               y0=-0.5, y1=units - 0.5, fillcolor="rgba(0,0,0,0)", layer="above")
    return [dict(box, line=dict(color=colour, width=width * scale)) for colour, width in theme.STEP_OUTLINE]


def click_overlay(trace: Trace, values: np.ndarray, value_name: str,
                  marker_px: float) -> go.Scatter:
    """Invisible square markers on every heatmap cell, customdata [unit, step].

    Streamlit reports no selection for clicks on a go.Heatmap, so clicks must land on these.
    """
    steps, units = values.shape                                   # [T, H]
    t, u = np.meshgrid(np.arange(steps), np.arange(units), indexing="ij")   # [T, H] each
    labels = [token_label(trace, i) for i in range(steps)]
    invisible = dict(marker=dict(opacity=0.01))   # selecting must not reveal the markers
    return go.Scatter(
        x=t.ravel(), y=u.ravel(), mode="markers", showlegend=False,
        customdata=np.stack([u.ravel(), t.ravel()], axis=1),      # [T*H, 2]: unit, step
        text=[labels[i] for i in t.ravel()],                      # [T*H]
        # the colour only carries the value to the hover text: the markers stay invisible
        marker=dict(symbol="square", size=marker_px, opacity=0.01,
                    color=np.round(values.ravel().astype(float), 4)),   # [T*H]
        selected=invisible, unselected=invisible,
        hovertemplate=(f"{i18n.t('fig.common.token')} %{{text}}<br>{i18n.t('fig.common.unit')} %{{y}}<br>"
                       f"{theme.safe(value_name)} = %{{marker.color:+.3f}}<extra></extra>"),
    )


def unit_token_heatmap(trace: Trace, values: np.ndarray, *, title: str, value_name: str,
                       colorscale: str, zrange: tuple[float, float], step: int | None,
                       scale: float, max_ticks: int = MAX_TICKS) -> go.Figure:
    """Units (y) × tokens (x) heatmap of `values` [T, H], click overlay, optional step outline."""
    steps, units = values.shape
    plot_px = min(max(units * 12, 160), 480)                      # height of the cell grid
    marker_px = min(max(min(plot_px / units, 640 / steps), 6), 40) * scale
    fig = go.Figure(go.Heatmap(
        z=values.T, x=np.arange(steps), y=np.arange(units),       # z: [H, T]
        colorscale=colorscale, zmin=zrange[0], zmax=zrange[1],   # diverging ranges are symmetric
        hoverinfo="skip",
        colorbar=dict(title=dict(text=value_name)),
    ))
    fig.add_trace(click_overlay(trace, values, value_name, marker_px))
    theme.base_layout(fig, height=plot_px + 130, title=title, scale=scale)
    fig.update_layout(xaxis=token_axis(trace, max_ticks), hovermode="closest",
                      yaxis=dict(title=i18n.t("fig.common.unit"), range=[units - 0.5, -0.5],   # unit 0 on top
                                 zeroline=False, showgrid=False))
    fig.update_xaxes(showgrid=False, zeroline=False)
    if step is not None:
        for shape in step_outline(check_index(step, steps, "step"), units, scale):
            fig.add_shape(shape)
    return fig


def symmetric_range(values: np.ndarray) -> tuple[float, float]:
    """(-m, m) with m = max(1, max |values|): centred at 0, and ±1 for tanh-bounded values."""
    bound = max(1.0, float(np.abs(values).max(initial=0.0)))
    return -bound, bound
