"""Pieces the figure builders share: index checks, token labels and token axes (whole words,
turned or thinned to fit), decade-only log axes and ratios in words, fixed labelled colour
ranges, the units × tokens heatmap."""
from __future__ import annotations

import html
import math
import re

import numpy as np
import plotly.graph_objects as go

from .. import i18n
from ..trace import Trace, check_index
from . import theme

MAX_TICKS = 40       # beyond this many tokens, label every k-th one (hover still names each)
PLOT_WIDTH_PX = 760  # plot area of a full-width figure at 1366 px (sidebar open, margins and colour bar off)
NARROW_PLOT_PX = 380 # a token axis whose width is not given plans for half the page
CHAR_EM = 0.45       # average character width in em (measured: Source Sans 0.36-0.42, Arial 0.40-0.47)
LINE_HEIGHT = 1.25   # a label's line height in em
TICK_GAP_PX = 8      # free space between two neighbouring tick labels
TICK_PAD_PX = 6      # between the axis line and its tick labels (plotly's ticklen + pad)
TITLE_STANDOFF_PX = 10   # between the tick labels and the axis title, at scale 1.0
CELL_QUANTILE = 0.95     # the cell state's colour range covers this share of |c| (the rest: full colour)


def worded(key: str, trace: Trace, **fields) -> str:
    """The catalogue text `key`, in its ".chars" wording when the trace reads characters and the
    catalogue has one ("next character" for "next word")."""
    chars = f"{key}.chars"
    return i18n.t(chars if trace.tokenizer == "chars" and i18n.known(chars) else key, **fields)


def check_slice(trace: Trace, layer: int, direction: int) -> tuple[int, int]:
    """(layer, direction) checked against the trace's L and D."""
    layers, directions = trace.hidden.shape[:2]
    return check_index(layer, layers, "layer"), check_index(direction, directions, "direction")


def token_label(trace: Trace, t: int, position: bool = True) -> str:
    """Token t escaped and whole (never cut), "3 · not" with its position; unknown words muted
    and marked "(?)"."""
    text = theme.safe(str(trace.tokens[t]))
    if position:
        text = f"{t}{theme.TOKEN_SEPARATOR}{text}"
    if not bool(trace.known[t]):
        return theme.muted(text + theme.UNKNOWN_MARK)
    return text


def token_axis(trace: Trace, max_ticks: int | None = MAX_TICKS, *, width_px: float | None = None,
               scale: float = 1.0, step: int | None = None, title: str | None = None) -> dict:
    """x-axis settings (for fig.update_xaxes or layout xaxis=) naming token positions with WHOLE words.

    Contract (other figure modules rely on it; the signature stays):
    - `trace` gives the tokens and which ones the model knows; `width_px` is the width in px of the
      plot area the axis gets (PLOT_WIDTH_PX is a full-width figure at 1366 px; pass about half of
      it for one of two side-by-side panels); `scale` is the figure scale (1.0, 1.5 in teacher
      mode): tick fonts grow with it, so fewer labels fit.
    - Every tick text is a whole token ("12 · extraordinarily", unknown words muted + "(?)"),
      never cut. Labels lie flat when they fit (no tickangle key: plotly's "auto" still turns
      them if the real column is narrower), else tickangle is -45 or -90; when even upright
      labels would touch, only every k-th token is named (k as small as fits, and at most
      `max_ticks` labels); with `step` given the thinned ticks include that step. Hover texts
      should name every token (the builders' hovers do). Without `width_px` the column is
      unknown: the plan is for a narrow one (NARROW_PLOT_PX, half the page), safe in any wider.
    - The axis title (`title`, default "token") sits under the labels with a standoff and
      automargin=True, so it never overprints them; `token_axis_depth(axis)` is the height in px
      the labels and title need under the plot: set the figure's bottom margin to at least that
      and grow its height by it (fit_bottom does both).
    Returns keys: title (text, standoff), tickmode, tickvals, ticktext, tickangle (turned labels
    only), autotickangles, tickfont (size), range, automargin.
    """
    font_px = theme.font_size(scale)
    widest = max((_text_px(token_label(trace, t), font_px) for t in range(trace.steps)), default=0.0)
    slot = (width_px or NARROW_PLOT_PX) / max(trace.steps, 1)                 # px per token
    every, angle = _tick_plan(trace.steps, slot, widest, font_px * LINE_HEIGHT, max_ticks)
    start = step % every if step is not None and 0 <= step < trace.steps else 0
    ticks = list(range(start, trace.steps, every))
    axis = dict(title=dict(text=i18n.t("fig.common.token") if title is None else title,
                           standoff=int(TITLE_STANDOFF_PX * scale)),
                tickmode="array", tickvals=ticks, ticktext=[token_label(trace, t) for t in ticks],
                autotickangles=[0, -45, -90], tickfont=dict(size=font_px),
                range=[-0.5, trace.steps - 0.5], automargin=True)
    return dict(axis, tickangle=angle) if angle else axis       # no tickangle: plotly's "auto"


def _tick_plan(steps: int, slot_px: float, widest_px: float, line_px: float,
               max_ticks: int | None) -> tuple[int, int]:
    """(every k-th token, tick angle): flat if every label fits its slot, else -45° (needs
    slot ≥ √2 lines), else upright -90° (needs a line) naming every k-th token."""
    cap = max(1, math.ceil(steps / max_ticks)) if max_ticks else 1
    if cap == 1 and widest_px + TICK_GAP_PX <= slot_px:
        return 1, 0
    if cap == 1 and line_px * math.sqrt(2) + TICK_GAP_PX / 2 <= slot_px:
        return 1, -45
    for every in range(cap, steps + 1):
        if widest_px + TICK_GAP_PX <= every * slot_px:
            return every, 0
        if line_px + TICK_GAP_PX / 2 <= every * slot_px:
            return every, -90
    return max(steps, 1), -90


def _text_px(label: str, font_px: float) -> float:
    """Estimated width in px of a plotly label (tags dropped, entities read as one character)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", label))
    return len(text) * font_px * CHAR_EM


def token_axis_depth(axis: dict) -> int:
    """Pixels under the plot area that `axis` (from token_axis) needs: its labels at their angle,
    the title's standoff and the title line. Pure: computed from the axis settings alone."""
    font_px = axis["tickfont"]["size"]
    widest = max((_text_px(text, font_px) for text in axis["ticktext"]), default=0.0)
    line = font_px * LINE_HEIGHT
    turn = math.radians(abs(axis.get("tickangle", 0)))             # absent: flat, as planned
    labels = widest * math.sin(turn) + line * math.cos(turn)           # a turned label's height
    title = axis["title"]
    return int(math.ceil(TICK_PAD_PX + labels + (title["standoff"] + line if title.get("text") else 0)))


def fit_bottom(fig: go.Figure, axis: dict) -> go.Figure:
    """Make room under the plot for `axis` (token_axis): the bottom margin becomes at least
    token_axis_depth(axis) and the figure grows by what the margin grew, so the plot keeps its size."""
    need = token_axis_depth(axis)
    bottom = fig.layout.margin.b or 0
    if need > bottom:
        fig.update_layout(margin_b=need, height=(fig.layout.height or 0) + need - bottom)
    return fig


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
                       scale: float, max_ticks: int | None = MAX_TICKS, width_px: float | None = None) -> go.Figure:
    """Units (y) × tokens (x) heatmap of `values` [T, H], click overlay, optional step outline.

    The colour bar is titled `value_name` with the fixed `zrange` under it; the token axis is
    token_axis(trace, max_ticks, width_px=, scale=, step=) with room made for it (fit_bottom).
    """
    steps, units = values.shape
    plot_px = min(max(units * 12, 160), 480)                      # height of the cell grid
    marker_px = min(max(min(plot_px / units, 640 / steps), 6), 40) * scale
    fig = go.Figure(go.Heatmap(
        z=values.T, x=np.arange(steps), y=np.arange(units),       # z: [H, T]
        colorscale=colorscale, zmin=zrange[0], zmax=zrange[1],   # diverging ranges are symmetric
        hoverinfo="skip", colorbar=colorbar(value_name, *zrange, scale),
    ))
    fig.add_trace(click_overlay(trace, values, value_name, marker_px))
    theme.base_layout(fig, height=plot_px + 80, title=title, scale=scale)
    axis = token_axis(trace, max_ticks, width_px=width_px, scale=scale, step=step)
    fig.update_layout(xaxis=axis, hovermode="closest",
                      yaxis=dict(title=i18n.t("fig.common.unit"), range=[units - 0.5, -0.5],   # unit 0 on top
                                 zeroline=False, showgrid=False))
    fig.update_xaxes(showgrid=False, zeroline=False)
    fit_bottom(fig, axis)
    if step is not None:
        for shape in step_outline(check_index(step, steps, "step"), units, scale):
            fig.add_shape(shape)
    return fig


def symmetric_range(values: np.ndarray) -> tuple[float, float]:
    """(-m, m) with m = max(1, max |values|): centred at 0, and ±1 for tanh-bounded values."""
    bound = max(1.0, float(np.abs(values).max(initial=0.0)))
    return -bound, bound


def log_axis(low: float, high: float, *, title: str | None = None, max_ticks: int = 8) -> dict:
    """Settings for a log axis (update_yaxes / update_xaxes) over positive data in [low, high]:
    ticks at whole powers of ten only, no "2" and "5" between them.

    Contract: type "log"; tickmode "array"; tickvals = 10**k for the whole k from
    floor(log10 low) to ceil(log10 high) (every m-th power when there would be more than
    `max_ticks`; always including 10**ceil); ticktext via decade_text ("1", "0.1", "0.01",
    "0.001", then "10⁻⁴" …; "10", "100", "1,000", then "10⁴" …); range in log10 units (plotly's
    rule for log axes) from floor to ceil, so every curve is inside; minor ticks off.
    Non-positive or non-finite bounds are ignored (1 is used when nothing is left).
    """
    top, bottom = _decade_bounds(low, high)
    every = max(1, math.ceil((top - bottom) / max(max_ticks - 1, 1)))
    powers = list(range(top, bottom - 1, -every))[::-1]                 # includes the top decade
    axis = dict(type="log", tickmode="array", tickvals=[10.0 ** k for k in powers],
                ticktext=[decade_text(k) for k in powers], range=[bottom, top],
                minor=dict(showgrid=False, ticks=""), exponentformat="power")
    if title is not None:
        axis["title"] = dict(text=title)
    return axis


def _decade_bounds(low: float, high: float) -> tuple[int, int]:
    """(ceil log10 of the largest, floor log10 of the smallest) positive finite bound; one decade
    at least."""
    bounds = [float(v) for v in (low, high) if np.isfinite(v) and v > 0] or [1.0]
    top = math.ceil(math.log10(max(bounds)) - 1e-9)
    bottom = math.floor(math.log10(min(bounds)) + 1e-9)
    return top, min(bottom, top - 1)


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_text(power: int) -> str:
    """10**power as people read it: "0.001" … "1" … "1,000" within three decades of 1, else
    "10⁻⁸" / "10⁶" (no language needs words here)."""
    if -3 <= power < 0:
        return f"{10.0 ** power:.{-power}f}"
    if 0 <= power <= 3:
        return f"{10 ** power:,}"
    return "10" + str(power).translate(SUPERSCRIPT)


def in_words(value: float, lang: str | None = None) -> str:
    """A ratio in plain words for a readout, in `lang` (default: the current language).

    0 < value < 1: "1 in N" with N = 1/value rounded to two significant digits and grouped
    ("1 in 10,000", "1 in 77,000,000"); value ≥ 1: "N×" ("1×", "3.2×", "1,200×"); 0: "none";
    negative or non-finite: "—".
    """
    value = float(value)
    if not np.isfinite(value) or value < 0:
        return "—"
    if value == 0:
        return i18n.t("fig.common.none_at_all", lang)
    if value >= 1:
        return f"{_two_digits(value)}×"
    return i18n.t("fig.common.one_in", lang, n=_two_digits(1 / value))


def _two_digits(x: float) -> str:
    """`x` (≥ 1) to two significant digits, thousands grouped: 1.27 → "1.3", 2.0 → "2",
    77123 → "77,000"."""
    rounded = round(x, 1 - math.floor(math.log10(x)))
    return f"{int(rounded):,}" if rounded == int(rounded) else f"{rounded:.1f}"


def nice_bound(value: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50 … that is ≥ `value` (at least 1): a round bound a
    student reads, that stays put while the data moves a little."""
    value = max(1.0, float(value)) if np.isfinite(value) else 1.0
    decade = 10.0 ** math.floor(math.log10(value))
    return next(m * decade for m in (1, 2, 5, 10) if m * decade >= value * (1 - 1e-9))


def cell_range(*traces: Trace) -> tuple[float, float]:
    """The colour range ±R of the cell state c, one for the page (every step, layer, direction
    and panel of every trace given): R = nice_bound(q), q the CELL_QUANTILE quantile of |c| over
    every layer, direction, token and unit of `traces`. A page passes the traces it shows (or
    the model's prepared sentences, for a range that holds from sentence to sentence); the few
    larger |c| are drawn at full colour (the number is in the hover). ±1 when no trace has c.
    The same rule as figures/live.py's cell_range, so the browser view and the figures agree."""
    cells = [np.abs(tr.cell).ravel() for tr in traces if tr.cell is not None]      # [L*D*T*H] each
    bound = nice_bound(np.quantile(np.concatenate(cells), CELL_QUANTILE)) if cells else 1.0
    return -bound, bound


def range_text(low: float, high: float) -> str:
    """"−1…1", "0…1", "−4.3…4.3" (one decimal at most): a colour range as its bar's label shows
    it; range_text(v, v) is the single number v."""
    def number(v: float) -> str:
        return f"{round(v, 1):g}".replace("-", "−")
    return number(low) if low == high else f"{number(low)}…{number(high)}"


def colorbar(name: str, low: float, high: float, scale: float = 1.0, **more) -> dict:
    """A colour bar titled with what it shows and its fixed range ("c<br>−5…5"), ticks at both
    ends and the middle; `more` adds plotly colorbar settings (len, y, …)."""
    ticks = [low, (low + high) / 2, high]
    return dict(title=dict(text=f"{name}<br>{range_text(low, high)}", font=dict(size=theme.font_size(scale, 0.9))),
                tickmode="array", tickvals=ticks, ticktext=[range_text(v, v) for v in ticks],
                thickness=int(14 * scale), **more)
