"""Readable figures (issue #13, build 8): whole tokens on every token axis, axis titles clear of
the labels, decade-only log axes with a plain readout, one labelled colour range per quantity.

Long words ("extraordinarily") and long sentences (30 and 60 tokens) at scale 1 and 1.5
(teacher mode), for a full-width plot and a narrow one.
"""
from __future__ import annotations

import html
import math
import re

import numpy as np
import pytest

from rnnviz import i18n
from rnnviz.figures import gate_heatmap_figure, gate_strips_figure, prediction_figure, state_heatmap_figure, theme
from rnnviz.figures.common import (
    CELL_QUANTILE,
    CHAR_EM,
    LINE_HEIGHT,
    NARROW_PLOT_PX,
    PLOT_WIDTH_PX,
    TICK_GAP_PX,
    cell_range,
    decade_text,
    in_words,
    log_axis,
    token_axis,
    token_axis_depth,
    token_label,
)
from rnnviz.figures.deep import layers_figure
from rnnviz.figures.diagram import unrolled_figure
from rnnviz.figures.saturation import unit_gate_figure
from rnnviz.figures.training import training_curves_figure

from .figkit import make_trace, plain_json

LONG = ["the", "activation", "of", "an", "extraordinarily", "misunderstood", "unit", "is", "not", "small"]


def sentence(T: int) -> list[str]:
    return [LONG[t % len(LONG)] for t in range(T)]


def trace_of(T: int, cell: str = "lstm", **shape):
    return make_trace(cell, T=T, H=6, tokens=sentence(T), **shape)


# Every builder of mine with a token x axis: (name, build(trace, scale, width_px, step)).
BUILDERS = {
    "hidden": lambda tr, s, w, st: state_heatmap_figure(tr, "hidden", step=st, scale=s, width_px=w),
    "cell": lambda tr, s, w, st: state_heatmap_figure(tr, "cell", step=st, scale=s, width_px=w),
    "gate": lambda tr, s, w, st: gate_heatmap_figure(tr, "forget", step=st, scale=s, width_px=w),
    "prediction": lambda tr, s, w, st: prediction_figure(tr, st, scale=s, width_px=w),
    "unit_gate": lambda tr, s, w, st: unit_gate_figure(tr, "forget", 0, 0, 1, step=st, scale=s, width_px=w),
    "layers": lambda tr, s, w, st: layers_figure(tr, st, scale=s, width_px=w),
}


def plain(label: str) -> str:
    """What a tick label reads as on screen: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", label))


def token_axes(fig) -> list[dict]:
    """The x axes of the figure that carry token ticks, as plain dicts."""
    layout = fig.to_plotly_json()["layout"]
    return [layout[name] for name in sorted(layout) if name.startswith("xaxis") and layout[name].get("ticktext")]


CASES = [(T, scale, width) for T in (6, 30, 60) for scale in (1.0, 1.5) for width in (PLOT_WIDTH_PX, 300)]


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("T,scale,width", CASES)
def test_every_tick_is_a_whole_token(name, T, scale, width):
    trace = trace_of(T, D=2 if name == "layers" else 1)
    step = T - 2
    fig = BUILDERS[name](trace, scale, width, step)
    axes = token_axes(fig)
    assert axes, "the figure has a token axis"
    for axis in axes:
        for t, text in zip(axis["tickvals"], axis["ticktext"]):
            assert "…" not in text
            expected = f"{t}{theme.TOKEN_SEPARATOR}{trace.tokens[t]}"
            assert plain(text) == (expected if trace.known[t] else expected + theme.UNKNOWN_MARK)
        shown = axis["tickvals"]
        assert shown == sorted(shown) and len(set(np.diff(shown))) <= 1            # evenly thinned
        if len(shown) < T:                                                          # thinned:
            assert step in shown                                                    # the step is named
            words = plain_json(fig)
            assert all(plain(token_label(trace, t)) in words for t in range(T))     # hover names every token


def label_px(text: str, font_px: float) -> float:
    return len(plain(text)) * font_px * CHAR_EM


@pytest.mark.parametrize("T,scale,width", CASES)
def test_neighbouring_labels_have_room_at_their_angle(T, scale, width):
    """Flat labels fit their share of the width; turned ones are a line apart (a line·√2 at 45°)."""
    trace = trace_of(T)
    axis = token_axis(trace, None, width_px=width, scale=scale)
    font_px = axis["tickfont"]["size"]
    every = axis["tickvals"][1] - axis["tickvals"][0] if len(axis["tickvals"]) > 1 else T
    room = every * width / T                                                        # px between ticks
    angle = abs(axis.get("tickangle", 0))
    if angle == 0:
        assert max(label_px(x, font_px) for x in axis["ticktext"]) < room
    else:
        assert font_px * LINE_HEIGHT / math.sin(math.radians(angle)) < room
    assert angle in (0, 45, 90)
    if every > 1:                                   # thinning is the last resort: one fewer would not fit
        closer = (every - 1) * width / T
        assert font_px * LINE_HEIGHT + TICK_GAP_PX / 2 > closer


@pytest.mark.parametrize("T", [6, 30, 60])
def test_an_axis_of_unknown_width_is_planned_for_a_narrow_column(T):
    """A page that does not say how wide the plot is gets labels that fit half the page."""
    trace = trace_of(T)
    for scale in (1.0, 1.5):
        unknown = token_axis(trace, scale=scale)
        assert unknown == token_axis(trace, scale=scale, width_px=NARROW_PLOT_PX)
        wide = token_axis(trace, scale=scale, width_px=PLOT_WIDTH_PX)
        assert len(wide["tickvals"]) >= len(unknown["tickvals"])     # more room: as many labels or more


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_axis_title_sits_below_the_labels(name, scale):
    """The title keeps a standoff from the labels, plotly may push the margin (automargin), and
    the bottom margin already holds the turned labels plus the title."""
    trace = trace_of(40, D=2 if name == "layers" else 1)
    fig = BUILDERS[name](trace, scale, PLOT_WIDTH_PX, 3)
    layout = fig.to_plotly_json()["layout"]
    for axis in token_axes(fig):
        assert axis["automargin"] is True
        longest = max(label_px(x, axis["tickfont"]["size"]) for x in axis["ticktext"])
        turn = math.radians(abs(axis.get("tickangle", 0)))
        assert layout["margin"]["b"] >= longest * math.sin(turn)                  # labels inside the margin
        assert layout["margin"]["b"] >= token_axis_depth(axis)
    titled = [a for a in token_axes(fig) if a.get("title", {}).get("text")]
    assert titled and all(a["title"]["standoff"] >= 8 * scale for a in titled)
    assert titled[0]["title"]["text"] == i18n.t("fig.common.token")


def test_long_sentence_figures_grow_rather_than_squeeze_the_plot():
    short, long = trace_of(6), trace_of(60)
    for build in (BUILDERS["hidden"], BUILDERS["prediction"]):
        small, big = build(short, 1.0, PLOT_WIDTH_PX, None), build(long, 1.0, PLOT_WIDTH_PX, None)
        inner = [f.layout.height - f.layout.margin.t - f.layout.margin.b for f in (small, big)]
        assert inner[0] == inner[1]                                 # same plot area, more room under it


# --- the chain of blocks -----------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_chain_words_are_whole_and_staggered_when_long(scale):
    trace = trace_of(30)
    fig = unrolled_figure(trace, step=12, scale=scale)
    notes = [plain(a.text) for a in fig.layout.annotations]
    words = [n for n in notes if n.startswith("x")]
    assert words
    for note in words:
        t = int(re.match(r"x(\d+)", note).group(1))
        assert note.endswith(trace.tokens[t] + ("" if trace.known[t] else theme.UNKNOWN_MARK))
    raw = [a.text for a in fig.layout.annotations if a.text.startswith("x<sub>")]
    lines = {text.count("<br>") for text in raw}
    assert lines == {1, 2}                                          # long words: two rows of words
    assert all(n == "…" or "…" not in n for n in notes)             # only the chain's cut is marked "…"


def test_chain_of_short_words_stays_on_one_row():
    trace = make_trace("gru", T=5, tokens=["a", "cat", "is", "not", "big"])
    raw = [a.text for a in unrolled_figure(trace, step=0).layout.annotations if a.text.startswith("x<sub>")]
    assert {text.count("<br>") for text in raw} == {1}


# --- log axes and the plain readout ---------------------------------------------------------------

@pytest.mark.parametrize("low,high", [(1.3e-8, 0.5), (2e-4, 1.0), (0.02, 0.3), (0.5, 40.0), (1e-12, 1e3)])
def test_log_axis_ticks_only_powers_of_ten(low, high):
    axis = log_axis(low, high)
    assert axis["type"] == "log" and axis["tickmode"] == "array" and "dtick" not in axis
    powers = [math.log10(v) for v in axis["tickvals"]]
    assert all(abs(p - round(p)) < 1e-9 for p in powers)
    assert axis["ticktext"] == [decade_text(round(p)) for p in powers]
    assert len(axis["tickvals"]) <= 8
    bottom, top = axis["range"]                                     # log10 units
    assert 10 ** bottom <= low and high <= 10 ** top
    assert top - bottom >= 1                                        # at least one decade shows


def test_decade_text_reads_like_numbers():
    assert [decade_text(k) for k in range(-3, 4)] == ["0.001", "0.01", "0.1", "1", "10", "100", "1,000"]
    assert decade_text(-8) == "10⁻⁸" and decade_text(6) == "10⁶"


def test_training_gradient_panel_has_decade_ticks():
    history = [dict(step=s, loss=1 / s, accuracy=0.5, grad_norm=10.0 ** (-s / 10)) for s in range(1, 40)]
    fig = training_curves_figure(history, 40)
    logs = [fig.layout[a] for a in fig.layout if a.startswith("yaxis") and fig.layout[a].type == "log"]
    assert len(logs) == 1
    ticks = logs[0].tickvals
    assert all(abs(math.log10(v) - round(math.log10(v))) < 1e-9 for v in ticks)
    assert min(ticks) <= min(r["grad_norm"] for r in history) * 10 and max(ticks) >= 1


@pytest.mark.parametrize("value", [1e-4, 3.7e-3, 0.12, 1.3e-8, 0.5, 6.2e-6])
def test_in_words_says_one_in_n(value):
    text = in_words(value)
    n = float(re.fullmatch(r"1 in ([\d,.]+)", text).group(1).replace(",", ""))
    assert abs(n * value - 1) < 0.06                                 # two significant digits
    assert in_words(value, "fil") == i18n.t("fig.common.one_in", "fil", n=text.removeprefix("1 in "))
    assert in_words(value, "fil") != text


def test_in_words_edges():
    assert in_words(1e-4) == "1 in 10,000"
    assert in_words(0) == i18n.t("fig.common.none_at_all") and in_words(0, "fil") != in_words(0)
    assert in_words(2.5) == "2.5×" and in_words(1) == "1×"
    assert in_words(float("nan")) == in_words(-1) == "—"


# --- colour ranges ------------------------------------------------------------------------------

def colour_range(strip) -> tuple[float, float]:
    return strip.zmin, strip.zmax


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_every_strip_has_a_labelled_fixed_range(cell):
    trace = make_trace(cell, T=5, H=8, L=2, D=2)
    fig = gate_strips_figure(trace, step=3, layer=1, direction=0)
    for strip in fig.data:
        bar = strip.colorbar
        assert bar.title.text                                          # what it is
        assert tuple(bar.tickvals) == colour_range(strip)              # its range, at both ends
        assert [plain(x) for x in bar.ticktext] == [f"{round(v, 1):g}".replace("-", "−") for v in colour_range(strip)]
        low, high = fig.layout["yaxis" + strip.yaxis[1:]].domain       # beside its own row
        assert bar.y == pytest.approx((low + high) / 2) and bar.len == pytest.approx(high - low)


def test_cell_range_is_one_per_page_for_side_by_side_panels():
    trace = make_trace("lstm", T=7, H=5, L=2, D=2, seed=3)
    _, bound = cell_range(trace)
    share = np.mean(np.abs(trace.cell) <= bound)                       # over every layer and direction
    assert share >= CELL_QUANTILE and bound in (1, 2, 5, 10, 20, 50)
    smaller = {2: 1, 5: 2, 10: 5, 20: 10, 50: 20}.get(bound)
    assert smaller is None or np.mean(np.abs(trace.cell) <= smaller) < CELL_QUANTILE   # a smaller bound is too small
    ranges = set()
    for layer in range(2):
        for d in range(2):
            strips = gate_strips_figure(trace, step=2, layer=layer, direction=d)
            ranges.add(colour_range(strips.data[-2]))                   # the c row
            heat = state_heatmap_figure(trace, "cell", layer=layer, direction=d)
            ranges.add(colour_range(heat.data[0]))
    assert ranges == {(-bound, bound)}
    for step in range(7):                                                # it does not move while stepping
        assert colour_range(gate_strips_figure(trace, step=step).data[-2]) == (-bound, bound)


def test_a_page_with_several_traces_passes_one_range():
    a, b = make_trace("lstm", seed=1), make_trace("lstm", seed=2)
    shared = cell_range(a, b)
    assert shared[1] == max(cell_range(a)[1], cell_range(b)[1])
    assert colour_range(state_heatmap_figure(a, "cell", zrange=shared).data[0]) == shared
    assert colour_range(gate_strips_figure(b, 1, cell_zrange=shared).data[-2]) == shared


def test_layers_panels_share_one_labelled_bar():
    fig = layers_figure(make_trace("lstm", T=8, H=4, L=2, D=2), step=1)
    heats = [d for d in fig.data if d.type == "heatmap"]
    assert len(heats) == 4 and {d.coloraxis for d in heats} == {"coloraxis"}
    axis = fig.layout.coloraxis
    assert (axis.cmin, axis.cmax) == theme.STATE_RANGE
    assert "−1…1" in axis.colorbar.title.text and tuple(axis.colorbar.tickvals) == (-1, 0, 1)


def test_heatmap_colour_bars_name_their_range():
    trace = make_trace("lstm", T=6)
    hidden = state_heatmap_figure(trace, "hidden").data[0].colorbar.title.text
    assert hidden.startswith("h") and "−1…1" in hidden
    gate = gate_heatmap_figure(trace, "forget").data[0].colorbar.title.text
    assert gate.startswith("f") and "0…1" in gate
