"""Vanishing and exploding gradients: how much of the error signal reaches each token.

Every curve is computed by rnnviz.analysis.gradients from a Trace; these builders only draw
them, on log axes (the values span many powers of ten) labelled at whole powers of ten only
("1", "0.1", "0.01", then "10⁻⁴" …: common.log_axis), with whole tokens on the x-axis
(common.token_axis) and every hovered value read out in words ("1 in 10,000": signal_words).
A value that is exactly 0 (tokens after the one where L is read) has no logarithm: it is left out
of the line (NaN), not drawn as 0. Legend: T tokens, L layers, D directions, H hidden units.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from ..analysis.gradients import clip, forget_product, gradient_curve, step_gain
from ..errors import RnnvizError
from ..i18n import t
from ..trace import Trace
from . import common, theme
from .common import check_index, check_slice, fit_bottom, token_axis, token_label

MAX_STRIP_TEXT = 30                # write the words inside the strip up to this many tokens
LOG_FLOOR = -12                    # colour floor of the connectivity strip: 10⁻¹²
HEADROOM = 10.0                    # a gradient chart's y-axis reaches 10: room above the end's 1
BIG = 1e7                          # beyond ten million, a number is read as a power of ten
COMPACT_TICKS = 12                 # a compact chart names at most this many tokens (hover names each)


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


def signal_words(value: float, lang: str | None = None) -> str:
    """A share of the signal as a reader says it: "98%" from 1% up to all of it (1), "1 in 10,000"
    below 1%, "1 in 7 × 10¹⁴" below one in ten million (a number too long to read), "3.2×" above 1
    (it grew; "4 × 10⁸×" beyond ten million), "none at all" for 0 (common.in_words)."""
    value = float(value) if np.isfinite(value) else 0.0
    if 0.01 <= value <= 1:
        return f"{value:.0%}"
    if 0 < value < 1 / BIG:
        return t("fig.common.one_in", lang, n=_power_text(1 / value))
    if value >= BIG:
        return f"{_power_text(value)}×"
    return common.in_words(value, lang)


def _power_text(x: float) -> str:
    """x ≥ 1 as "7 × 10¹⁴": one significant digit times a power of ten ("10⁷" when the digit is 1)."""
    power = int(np.floor(np.log10(x)))
    digit = int(round(x / 10.0 ** power))
    if digit == 10:
        digit, power = 1, power + 1
    return common.decade_text(power) if digit == 1 else f"{digit} × {common.decade_text(power)}"


def _curve(x, y, name: str, colour: str, dash: str, labels: list[str], scale: float) -> go.Scatter:
    """One line with markers; its hover names the token and reads the value out in words."""
    words = [signal_words(v) for v in np.asarray(y, dtype=float)]
    return go.Scatter(
        x=x, y=y, name=name, mode="lines+markers",
        line=dict(color=colour, width=2.5 * scale, dash=dash), marker=dict(size=5 * scale),
        customdata=np.asarray(x)[:, None],                                        # [T, 1]: step
        text=[f"{labels[s]}<br>{w}" for s, w in zip(x, words)],
        hovertemplate=t("gradients.fig.token", token="%{text}") + " (%{y:.1e})<extra>%{fullData.name}</extra>",
    )


def _log_layout(fig: go.Figure, trace: Trace, height: float, title: str, yaxis: str, scale: float,
                max_ticks: int | None = None, *, width_px: float | None = None,
                spans: tuple[float, ...] = (), compact: bool = False, step: int | None = None) -> go.Figure:
    """Whole-token x-axis (common.token_axis), a log y-axis labelled at whole powers of ten only
    (common.log_axis) covering every curve and the values in `spans` (a fixed range the page
    keeps, lines drawn on the plot), the legend in a row under the title.

    `compact` (a chart that must fit one screen under the sentence box): the words without their
    positions, fewer of them (COMPACT_TICKS, so they can lie flat) and no "token" title under
    them, no y title (the figure's title says it), the legend in a column right of the plot
    instead of a row over it. `step`: a token the thinned labels must name."""
    theme.base_layout(fig, height=height, title=title, scale=scale)
    xaxis = token_axis(trace, COMPACT_TICKS if compact else max_ticks, width_px=width_px, scale=scale, step=step,
                       title="" if compact else None)
    if compact:
        xaxis["ticktext"] = [token_label(trace, s, position=False) for s in xaxis["tickvals"]]
    values = [np.asarray(d.y, dtype=float) for d in fig.data if d.y is not None] + [np.asarray(spans, dtype=float)]
    finite = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in values])
    low, high = (finite.min(), finite.max()) if finite.size else (0.1, 1.0)
    fig.update_layout(xaxis=xaxis, hovermode="closest",
                      yaxis=common.log_axis(low, high, title=None if compact else yaxis),
                      legend=(dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top",
                                   font=dict(size=theme.font_size(scale, 0.85))) if compact else
                              dict(orientation="h", x=0, y=1.0, yanchor="bottom")),
                      margin_t=int((45 if compact else 95) * scale))
    return fit_bottom(fig, xaxis)


def _level(fig: go.Figure, y: float, text: str, scale: float) -> None:
    """A dashed horizontal line at `y` on the log axis, labelled at its right end.

    Shapes take data values on a log axis, annotations take log10 of them (plotly's rule)."""
    fig.add_hline(y=y, line=dict(color=theme.ARROW, dash="dash", width=1.5 * scale))
    fig.add_annotation(x=1, xref="paper", xanchor="right", y=float(np.log10(y)), yref="y", yanchor="bottom",
                       text=text, showarrow=False, font=dict(color=theme.ARROW))


def _mark(fig: go.Figure, at: int, text: str, colour: str, scale: float) -> None:
    """A dotted vertical line at token `at`, with `text` (if any) at its top."""
    fig.add_shape(type="line", xref="x", yref="paper", x0=at, x1=at, y0=0, y1=1,
                  line=dict(color=colour, width=2 * scale, dash="dot"))
    if not text:
        return
    fig.add_annotation(x=at, y=1, xref="x", yref="paper", text=text, showarrow=False, xanchor="left",
                       yanchor="top", font=dict(color=colour), bgcolor="rgba(255,255,255,0.7)")


def gradient_curves_figure(traces: Mapping[str, Trace], *, cell: bool = True, step: int | None = None,
                           marks: Mapping[int, str] | None = None, threshold: float | None = None,
                           spectral_radius: float | None = None, layer: int = -1, direction: int = 0,
                           scale: float = 1.0, y_span: tuple[float, float] = (), height: float = 420,
                           width_px: float | None = None, compact: bool = False) -> go.Figure:
    """‖∂L/∂h_t‖ (solid) and, for an LSTM with `cell`, ‖∂L/∂c_t‖ (dashed) against t, log y-axis.

    One colour per model (`traces`: display name -> Trace of the same text). Each curve is
    analysis.gradients.gradient_curve, normalised at the last token (or where L is read).
    `threshold`: also the clipped curves min(value, threshold) (dotted) and the threshold line.
    `spectral_radius`: shown as ρ(W_hh) in the title. `step`: the cursor, a vertical line.
    `marks`: {token: plain-text note} drawn as dotted lines. Markers carry customdata [step].
    `y_span` (low, high): values the y-axis covers even when no curve reaches them, so a page can
    keep one range while its settings move; `height` at scale 1, `width_px` the plot's width
    (common.token_axis); `compact` as in _log_layout. The y-axis always reaches 10, one decade of
    headroom above the end's 1 where the notes of `marks` sit. Hovers read each value out in words.
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
    _log_layout(fig, first, height, title, t("fig.curve_axis"), scale, max_ticks=20, width_px=width_px,
                spans=(*y_span, HEADROOM, *(() if threshold is None else (threshold,))), compact=compact,
                step=step if step is not None else next(iter(marks or {}), None))
    if threshold is not None:
        _level(fig, threshold, t("gradients.fig.clip_at", threshold=f"{threshold:g}"), scale)
    for at, text in (marks or {}).items():
        at = check_index(at, first.steps, "token")
        note = f"{theme.safe(text)}: {token_label(first, at, position=not compact)}"
        if compact:                             # the note in the legend: nothing written over the curves
            _mark(fig, at, "", theme.ARROW, scale)
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=note, hoverinfo="skip",
                                     line=dict(color=theme.ARROW, width=2 * scale, dash="dot")))
        else:
            _mark(fig, at, note, theme.ARROW, scale)
    if step is not None:
        step = check_index(step, first.steps, "step")
        _mark(fig, step, token_label(first, step), theme.HIGHLIGHT, scale)
        if len(traces) == 1:                    # a narrow column: the value at the cursor as the title
            value = gradient_curve(first, *check_slice(first, layer, direction))[step]
            fig.update_layout(title_text=t("gradients.fig.signal_at", token=token_label(first, step),
                                           value=f"{signal_words(value)} ({value:.1e})"))
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
    _log_layout(fig, first, 330, t("fig.gain_title"), t("gradients.fig.gain_axis"), scale, max_ticks=12,
                width_px=common.PLOT_WIDTH_PX / 2, spans=(1.0,))
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
    fig = _log_layout(fig, trace, 330, title, t("gradients.fig.product_axis"), scale, max_ticks=12,
                      width_px=common.PLOT_WIDTH_PX / 2, spans=(1.0,))
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
    words = [token_label(first, s, position=False) for s in range(first.steps)]
    slot = common.PLOT_WIDTH_PX / first.steps                                     # px per token
    inside = first.steps <= MAX_STRIP_TEXT and all(                               # whole words, or none
        (len(first.tokens[s]) + 3 * (not first.known[s])) * theme.font_size(scale) * common.CHAR_EM <= slot
        for s in range(first.steps))                                              # "(?)" on unknown words
    finite = z[np.isfinite(z)]
    low = min(-1, max(LOG_FLOOR, int(np.floor(finite.min()))) if finite.size else -1)
    ticks = list(range(0, low - 1, -max(1, -low // 5)))[::-1]                     # …, 10⁻², 1
    fig = go.Figure(go.Heatmap(
        z=z, x=np.arange(first.steps), y=names, zmin=low, zmax=0, colorscale=theme.CONNECTIVITY_SCALE,
        customdata=raw, text=[words] * len(names),
        texttemplate="%{text}" if inside else None,
        hovertemplate=("%{y}<br>" + t("gradients.fig.token", token="%{x}") +
                       ": %{text}<br>‖∂L/∂x‖ = %{customdata:.2e}<extra></extra>"),
        colorbar=dict(title=dict(text=t("gradients.fig.strongest")), tickvals=ticks,
                      ticktext=[common.decade_text(v) for v in ticks]),
    ))
    theme.base_layout(fig, height=110 + 45 * len(names), title=t("fig.connectivity_title"), scale=scale)
    xaxis = token_axis(first, scale=scale)
    fig.update_layout(xaxis=xaxis, yaxis=dict(autorange="reversed", type="category", automargin=True))
    return fit_bottom(fig, xaxis)


