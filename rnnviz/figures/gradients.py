"""Vanishing and exploding gradients: how much of the error signal reaches each token.

Every curve is computed by rnnviz.analysis.gradients from a Trace; these builders only draw
them, on log axes (the values span many powers of ten). A value that is exactly 0 (tokens after
the one where L is read) has no logarithm: it is left out of the line (NaN), not drawn as 0.
Legend: T tokens, L layers, D directions, H hidden units.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from ..analysis.gradients import clip, forget_product, gradient_curve, step_gain
from ..errors import RnnvizError
from ..i18n import t
from ..trace import Trace
from . import theme
from .common import check_index, check_slice, token_axis, token_label

MAX_STRIP_TEXT = 30                # write the words inside the strip up to this many tokens
LOG_FLOOR = -12                    # colour floor of the connectivity strip: 10⁻¹²


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: exact zeros (no signal at all) and non-finite values become NaN."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def _states(trace: Trace, cell: bool) -> list[str]:
    """h, then c when the cell carries one and `cell` asks for it."""
    return ["hidden", "cell"] if cell and trace.cell_kind.carries_cell else ["hidden"]


def _first(traces: Mapping[str, Trace]) -> Trace:
    if not traces:
        raise RnnvizError("There is no model to draw: give at least one trace.")
    return next(iter(traces.values()))


def _curve(x, y, name: str, colour: str, dash: str, labels: list[str], scale: float) -> go.Scatter:
    return go.Scatter(
        x=x, y=y, name=name, mode="lines+markers",
        line=dict(color=colour, width=2.5 * scale, dash=dash), marker=dict(size=5 * scale),
        customdata=np.asarray(x)[:, None], text=[labels[s] for s in x],           # [T, 1]: step
        hovertemplate=t("gradients.fig.token", token="%{text}") + "<br>%{y:.2e}<extra>%{fullData.name}</extra>",
    )


def _log_layout(fig: go.Figure, trace: Trace, height: float, title: str, yaxis: str,
                scale: float, max_ticks: int | None = None) -> go.Figure:
    """Token x-axis (at most `max_ticks` labels), log y-axis, the legend in a row under the title."""
    theme.base_layout(fig, height=height, title=title, scale=scale)
    xaxis = token_axis(trace)
    if max_ticks is not None and len(xaxis["tickvals"]) > max_ticks:
        every = -(-trace.steps // max_ticks)                                   # ceil
        xaxis["tickvals"] = list(range(0, trace.steps, every))
        xaxis["ticktext"] = [token_label(trace, s, max_chars=8) for s in xaxis["tickvals"]]
    fig.update_layout(xaxis=dict(xaxis, automargin=True), hovermode="closest",
                      yaxis=dict(title=yaxis, type="log", exponentformat="power", **_decades(fig)),
                      legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"),
                      margin_t=int(95 * scale))
    return fig


def _decades(fig: go.Figure) -> dict:
    """Label whole powers of ten only (plotly adds 2 and 5 between them) once the curves span
    two or more of them; every k-th power when they span many."""
    ys = [np.asarray(d.y, dtype=float) for d in fig.data if d.y is not None]
    finite = np.concatenate([y[np.isfinite(y) & (y > 0)] for y in ys]) if ys else np.empty(0)
    if finite.size == 0:
        return {}
    span = np.log10(finite.max()) - np.log10(finite.min())
    return dict(dtick=max(1, int(np.ceil(span / 6)))) if span >= 1.5 else dict(dtick="D2")


def _level(fig: go.Figure, y: float, text: str, scale: float) -> None:
    """A dashed horizontal line at `y` on the log axis, labelled at its right end.

    Shapes take data values on a log axis, annotations take log10 of them (plotly's rule)."""
    fig.add_hline(y=y, line=dict(color=theme.ARROW, dash="dash", width=1.5 * scale))
    fig.add_annotation(x=1, xref="paper", xanchor="right", y=float(np.log10(y)), yref="y", yanchor="bottom",
                       text=text, showarrow=False, font=dict(color=theme.ARROW))


def _mark(fig: go.Figure, at: int, text: str, colour: str, scale: float) -> None:
    fig.add_shape(type="line", xref="x", yref="paper", x0=at, x1=at, y0=0, y1=1,
                  line=dict(color=colour, width=2 * scale, dash="dot"))
    fig.add_annotation(x=at, y=1, xref="x", yref="paper", text=text, showarrow=False, xanchor="left",
                       yanchor="top", font=dict(color=colour), bgcolor="rgba(255,255,255,0.7)")


def gradient_curves_figure(traces: Mapping[str, Trace], *, cell: bool = True, step: int | None = None,
                           marks: Mapping[int, str] | None = None, threshold: float | None = None,
                           spectral_radius: float | None = None, layer: int = -1, direction: int = 0,
                           scale: float = 1.0) -> go.Figure:
    """‖∂L/∂h_t‖ (solid) and, for an LSTM with `cell`, ‖∂L/∂c_t‖ (dashed) against t, log y-axis.

    One colour per model (`traces`: display name -> Trace of the same text). Each curve is
    analysis.gradients.gradient_curve, normalised at the last token (or where L is read).
    `threshold`: also the clipped curves min(value, threshold) (dotted) and the threshold line.
    `spectral_radius`: shown as ρ(W_hh) in the title. `step`: the cursor, a vertical line.
    `marks`: {token: plain-text note} drawn as dotted lines. Markers carry customdata [step].
    """
    first = _first(traces)
    fig = go.Figure()
    for k, (name, trace) in enumerate(traces.items()):
        lay, direc = check_slice(trace, layer, direction)
        labels = [token_label(trace, s) for s in range(trace.steps)]
        x, colour = np.arange(trace.steps), theme.cell_colour(trace.kind, k)
        for state in _states(trace, cell):
            y = gradient_curve(trace, lay, direc, state=state)                    # [T]
            letter = theme.STATE_LETTERS[state]
            label = f"‖∂L/∂{letter}‖" if len(traces) == 1 else f"{theme.safe(name)} · {letter}"
            fig.add_trace(_curve(x, _positive(y), label, colour, theme.STATE_DASH[state], labels, scale))
            if threshold is not None and state == "hidden" and np.nanmax(y, initial=0) > threshold:
                fig.add_trace(_curve(x, _positive(clip(y, threshold)), t("gradients.fig.clipped", label=label),
                                     colour, theme.CLIPPED_DASH, labels, scale))
    title = t("fig.curve_title")
    if spectral_radius is not None:
        title = t("gradients.fig.untrained_title", rho=f"{spectral_radius:.2f}", title=title)
    _log_layout(fig, first, 420, title, t("fig.curve_axis"), scale, max_ticks=20)
    if threshold is not None:
        _level(fig, threshold, t("gradients.fig.clip_at", threshold=f"{threshold:g}"), scale)
    for at, text in (marks or {}).items():
        at = check_index(at, first.steps, "token")
        _mark(fig, at, f"{theme.safe(text)}: {token_label(first, at)}", theme.ARROW, scale)
    if step is not None:
        step = check_index(step, first.steps, "step")
        _mark(fig, step, token_label(first, step), theme.HIGHLIGHT, scale)
        if len(traces) == 1:                    # a narrow column: the value at the cursor as the title
            value = gradient_curve(first, *check_slice(first, layer, direction))[step]
            fig.update_layout(title_text=t("gradients.fig.signal_at", token=token_label(first, step),
                                           value=f"{value:.1e}"))
    if not any(np.isfinite(np.asarray(d.y, dtype=float)).any() for d in fig.data):
        fig.add_annotation(text=t("gradients.fig.no_gradient"),
                           x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    return fig


def step_gain_figure(traces: Mapping[str, Trace], layer: int = -1, direction: int = 0,
                     scale: float = 1.0) -> go.Figure:
    """The factor by which ‖∂L/∂h‖ changes on each step back (analysis.gradients.step_gain).

    Plotted at t for the step from t+1 back to t; a line at 1 (no change). Below 1 it shrinks.
    """
    first = _first(traces)
    fig = go.Figure()
    for k, (name, trace) in enumerate(traces.items()):
        lay, direc = check_slice(trace, layer, direction)
        gain = step_gain(trace, lay, direc)                                       # [T-1]
        labels = [token_label(trace, s) for s in range(trace.steps)]
        fig.add_trace(_curve(np.arange(trace.steps - 1), _positive(gain), theme.safe(name),
                             theme.cell_colour(trace.kind, k), "solid", labels, scale))
    _log_layout(fig, first, 330, t("fig.gain_title"), t("gradients.fig.gain_axis"), scale, max_ticks=12)
    _level(fig, 1.0, t("gradients.fig.no_change"), scale)
    return fig


def forget_product_figure(trace: Trace, layer: int = 0, direction: int = 0,
                          scale: float = 1.0) -> go.Figure:
    """The LSTM's "carousel": mean over units of ∏ f_s from t+1 to the end (analysis.forget_product).

    A GRU gets the same product of its update gates z (its direct path back in time).
    """
    lay, direc = check_slice(trace, layer, direction)
    product = forget_product(trace, lay, direc)                                   # [T]
    labels = [token_label(trace, s) for s in range(trace.steps)]
    fig = go.Figure(_curve(np.arange(trace.steps), _positive(product), "∏ f", theme.cell_colour(trace.kind),
                           "solid", labels, scale))
    title = t("fig.product_title", gate=trace.cell_kind.memory_gate)   # the gate's name stays English
    fig = _log_layout(fig, trace, 330, title, t("gradients.fig.product_axis"), scale, max_ticks=12)
    return fig.update_layout(showlegend=False)


def connectivity_figure(traces: Mapping[str, Trace], scale: float = 1.0) -> go.Figure:
    """One row per model: each token shaded by ‖∂L/∂x_t‖ ÷ its largest value, log colour scale.

    customdata holds trace.connectivity itself; z = log10 of the ratio (NaN where it is 0).
    """
    first = _first(traces)
    names = [theme.safe(name) for name in traces]
    raw = np.array([np.asarray(tr.connectivity, dtype=np.float64) for tr in traces.values()])   # [M, T]
    peak = np.where(raw.max(axis=1, keepdims=True) > 0, raw.max(axis=1, keepdims=True), 1.0)
    with np.errstate(divide="ignore"):
        z = np.log10(_positive(raw / peak))                                       # [M, T]
    words = [token_label(first, s, position=False, max_chars=10) for s in range(first.steps)]
    finite = z[np.isfinite(z)]
    low = min(-1, max(LOG_FLOOR, int(np.floor(finite.min()))) if finite.size else -1)
    ticks = list(range(0, low - 1, -max(1, -low // 5)))[::-1]                     # …, 10⁻², 1
    fig = go.Figure(go.Heatmap(
        z=z, x=np.arange(first.steps), y=names, zmin=low, zmax=0, colorscale=theme.CONNECTIVITY_SCALE,
        customdata=raw, text=[words] * len(names),
        texttemplate="%{text}" if first.steps <= MAX_STRIP_TEXT else None,
        hovertemplate=("%{y}<br>" + t("gradients.fig.token", token="%{x}") +
                       ": %{text}<br>‖∂L/∂x‖ = %{customdata:.2e}<extra></extra>"),
        colorbar=dict(title=dict(text=t("gradients.fig.strongest")), tickvals=ticks,
                      ticktext=[f"10<sup>{v}</sup>" if v else "1" for v in ticks]),
    ))
    theme.base_layout(fig, height=110 + 45 * len(names), title=t("fig.connectivity_title"), scale=scale)
    fig.update_layout(xaxis=token_axis(first),
                      yaxis=dict(autorange="reversed", type="category", automargin=True))
    return fig


