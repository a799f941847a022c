"""Gate saturation (Karpathy, Johnson & Fei-Fei 2015): how often each gate unit is shut or open.

`saturation_figure` draws analysis.saturation.saturation's result, one point per gate unit;
`unit_gate_figure` draws one of those units over a sentence. Legend: L layers, D directions,
H hidden units, T tokens.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from ..analysis.saturation import HIGH, LOW
from ..errors import RnnvizError
from ..i18n import t
from ..trace import Trace
from . import theme
from .common import check_index, check_slice, fit_bottom, slice_title, token_axis, token_label

Saturation = Mapping[str, tuple[np.ndarray, np.ndarray]]
Unit = tuple[str, int, int, int]                     # gate, layer, direction, unit


def shut_axis() -> str:
    """The x-axis title: the share of steps a gate unit is shut (below LOW)."""
    return t("saturation.shut_axis", low=f"{LOW:g}")


def open_axis() -> str:
    """The y-axis title: the share of steps a gate unit is wide open (above HIGH)."""
    return t("saturation.open_axis", high=f"{HIGH:g}")


def _unit_name(label: str, unit) -> str:
    """"forget gate f, unit 3": `label` must already be safe for plotly."""
    return t("saturation.gate_unit", gate=label, unit=unit)


def saturation_figure(sat: Saturation, kind: str, selected: Unit | None = None,
                      scale: float = 1.0) -> go.Figure:
    """One point per gate unit: x = fraction of steps below 0.1, y = fraction above 0.9.

    `sat` is analysis.saturation.saturation(...): gate -> (low [L, D, H], high [L, D, H]).
    customdata of each point: [gate, layer, direction, unit]; `selected` is ringed.
    """
    if not sat:
        raise RnnvizError("A simple RNN has no gates, so there is nothing to saturate.")
    fig = go.Figure()
    for gate, (low, high) in sat.items():
        where = np.argwhere(np.ones_like(low, dtype=bool))                          # [L*D*H, 3]
        label = theme.gate_label(gate, kind)
        fig.add_trace(go.Scatter(
            x=low.ravel(), y=high.ravel(), mode="markers", name=theme.safe(label),
            marker=dict(size=10 * scale, color=theme.GATE_COLOURS.get(gate, theme.ACCENT), opacity=0.8,
                        line=dict(width=1, color="white")),
            customdata=[[gate, int(layer), int(d), int(u)] for layer, d, u in where],
            hovertemplate="<br>".join([_unit_name(theme.safe(label), "%{customdata[3]}"),
                                       t("saturation.hover_shut", share="%{x:.0%}"),
                                       t("saturation.hover_open", share="%{y:.0%}")]) + "<extra></extra>",
        ))
    fig.add_trace(go.Scatter(x=[0, 1], y=[1, 0], mode="lines", hoverinfo="skip", showlegend=False,
                             line=dict(color=theme.ARROW, dash="dot", width=1)))   # x + y ≤ 1
    if selected is not None:
        gate, layer, d, u = selected
        low, high = sat[gate]
        fig.add_trace(go.Scatter(
            x=[low[layer, d, u]], y=[high[layer, d, u]], mode="markers", name=t("saturation.chosen"),
            marker=dict(size=20 * scale, color="rgba(0,0,0,0)", line=dict(width=3, color=theme.HIGHLIGHT)),
            hoverinfo="skip"))
    theme.base_layout(fig, height=440, title=t("fig.saturation_title"), scale=scale)
    fig.update_layout(xaxis=dict(title=shut_axis(), range=[-0.03, 1.03]), hovermode="closest",
                      yaxis=dict(title=open_axis(), range=[-0.03, 1.03], scaleanchor="x"),
                      legend=dict(orientation="h", y=-0.22, yanchor="top"), margin_b=int(110 * scale))
    return fig


def unit_gate_figure(trace: Trace, gate: str, layer: int, direction: int, unit: int,
                     step: int | None = None, scale: float = 1.0, width_px: float | None = None) -> go.Figure:
    """One gate unit's value at every token of the sentence; the shut and open bands shaded.
    Whole tokens on the x axis (common.token_axis for a plot area `width_px` wide)."""
    if gate not in trace.gates:
        raise RnnvizError(f"This model has no {gate!r} gate.")
    layer, direction = check_slice(trace, layer, direction)
    unit = check_index(unit, trace.hidden.shape[-1], "unit")
    values = trace.gates[gate][layer, direction, :, unit]                        # [T]
    labels = [token_label(trace, s) for s in range(trace.steps)]
    fig = go.Figure(go.Scatter(
        x=np.arange(trace.steps), y=values, mode="lines+markers", showlegend=False,
        line=dict(color=theme.GATE_COLOURS.get(gate, theme.ACCENT), width=2.5 * scale),
        customdata=np.arange(trace.steps)[:, None], text=labels,
        hovertemplate=(t("saturation.token", token="%{text}") + f"<br>{t('saturation.value')} "
                       "%{y:.3f}<extra></extra>")))
    band = dict(type="rect", xref="paper", x0=0, x1=1, line_width=0, fillcolor=theme.MUTED,
                opacity=0.15, layer="below")
    fig.add_shape(band, y0=0, y1=LOW)
    fig.add_shape(band, y0=HIGH, y1=1)
    name = _unit_name(theme.gate_label(gate, trace.kind), unit)
    theme.base_layout(fig, height=280, title=slice_title(trace, name, layer, direction), scale=scale)
    axis = token_axis(trace, width_px=width_px, scale=scale, step=step)
    fit_bottom(fig, axis)
    fig.update_layout(xaxis=axis, yaxis=dict(title=t("saturation.value"), range=[-0.02, 1.02]))
    if step is not None:
        step = check_index(step, trace.steps, "step")
        fig.add_vline(x=step, line=dict(color=theme.HIGHLIGHT, width=3 * scale))
    return fig
