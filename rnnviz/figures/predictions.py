"""What the model predicts after each token: class probabilities, or the likely next words."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import i18n
from ..trace import Trace
from . import theme
from .common import MAX_TICKS, check_index, fit_bottom, token_axis, token_label, worded


def prediction_figure(trace: Trace, step: int | None = None, top: int = 5,
                      scale: float = 1.0, max_ticks: int | None = MAX_TICKS,
                      width_px: float | None = None) -> go.Figure:
    """Classifier: each class's probability after each token, a vertical line at `step`; the x
    axis names whole tokens (common.token_axis: at most `max_ticks`, fewer when the plot area
    `width_px` is narrow; hover names each).

    Language model (trace.predicts_next_word): a horizontal bar chart of the `top` most likely
    next words after token `step` (the last token when `step` is None).
    """
    if trace.predicts_next_word:
        return _next_words_figure(trace, step, top, scale)
    return _class_lines_figure(trace, step, scale, max_ticks, width_px)


def _class_lines_figure(trace: Trace, step: int | None, scale: float, max_ticks: int | None,
                        width_px: float | None) -> go.Figure:
    """One line per class over the tokens, y in [0, 1]."""
    fig = go.Figure()
    steps = np.arange(trace.steps)
    tokens = [token_label(trace, t) for t in steps]
    for c, label in enumerate(trace.labels):
        colour = theme.CLASS_COLOURS[c % len(theme.CLASS_COLOURS)]
        fig.add_trace(go.Scatter(
            x=steps, y=trace.probs[:, c], name=theme.safe(label), mode="lines+markers",
            line=dict(color=colour, width=2.5 * scale), marker=dict(size=6 * scale),
            customdata=np.array(tokens, dtype=object),
            hovertemplate=(i18n.t("fig.predictions.after", token="%{customdata}")
                           + "<br>p = %{y:.3f}<extra>%{fullData.name}</extra>"),
        ))
    theme.base_layout(fig, height=290, title=i18n.t("fig.predictions.lines_title"), scale=scale)
    axis = token_axis(trace, max_ticks, width_px=width_px, scale=scale, step=step)
    fit_bottom(fig, axis)
    fig.update_layout(xaxis=axis, hovermode="closest",
                      yaxis=dict(title=i18n.t("fig.common.probability"), range=[0, 1.02]),
                      legend=dict(title=dict(text=i18n.t("fig.predictions.class")), orientation="h",
                                  x=0, y=1.02, yanchor="bottom"),         # above the plot: narrow columns keep it
                      margin_t=int(95 * scale))
    if step is not None:
        step = check_index(step, trace.steps, "step")
        fig.add_shape(type="line", xref="x", yref="paper", x0=step, x1=step, y0=0, y1=1,
                      line=dict(color=theme.HIGHLIGHT, width=3 * scale))
    return fig


def _next_words_figure(trace: Trace, step: int | None, top: int, scale: float) -> go.Figure:
    """The `top` most likely next words after token `step`, most likely on top."""
    step = check_index(trace.steps - 1 if step is None else step, trace.steps, "step")
    likely = trace.top_predictions(step, max(1, top))
    words, probs = [theme.safe(label) for label, _ in likely], [p for _, p in likely]
    fig = go.Figure(go.Bar(
        x=probs, y=words, orientation="h", marker=dict(color=theme.ACCENT),
        texttemplate="%{x:.2f}", textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: p = %{x:.3f}<extra></extra>",
    ))
    title = worded("fig.predictions.next_word_title", trace, token=token_label(trace, step))
    theme.base_layout(fig, height=110 + 34 * len(words), title=title, scale=scale)
    fig.update_layout(
        xaxis=dict(title=i18n.t("fig.common.probability"), range=[0, min(1.0, probs[0] * 1.2 + 0.05)]),
        yaxis=dict(title=worded("fig.common.next_word", trace), autorange="reversed", type="category"),
    )
    return fig
