"""The words coloured by one unit: every box's colour is that unit's value on one fixed range for
all rows, the outlined word is the row's decision point, and typed words reach plotly escaped."""
from __future__ import annotations

import math

import numpy as np
import plotly.colors
import pytest

import rnnviz
from rnnviz.figures import theme
from rnnviz.figures.flags import coloured_text_figure
from tests.unit.reference import make_model

TEXTS = ["alice was not very good .", "tom was good .", "alice and tom are happy ."]
HOSTILE = "<b>bold</b> was not good <script>"


@pytest.fixture(scope="module", params=["lstm", "gru", "rnn"])
def traces(request):
    model = make_model(request.param, head="lm", hidden=4)
    return [rnnviz.trace(model, text) for text in TEXTS + [HOSTILE]]


def boxes(fig) -> list:
    return [s for s in fig.layout.shapes if s.type == "rect"]


def test_each_box_is_coloured_by_the_units_value_on_one_range(traces):
    unit = (0, 0, 2)
    fig = coloured_text_figure(traces, unit, ["a", "b", "c", "d"], [1, 1, 2, 0])
    values = [tr.flag_states[0, 0, :, 2].astype(float) for tr in traces]
    bound = max(1.0, math.ceil(max(np.abs(v).max() for v in values)))
    flat = np.concatenate(values)
    expected = plotly.colors.sample_colorscale(theme.STATE_SCALE, list(np.clip((flat + bound) / (2 * bound), 0, 1)))
    assert [b.fillcolor for b in boxes(fig)] == expected
    scale_trace = [d for d in fig.data if d.marker.showscale]
    assert len(scale_trace) == 1 and (scale_trace[0].marker.cmin, scale_trace[0].marker.cmax) == (-bound, bound)
    assert theme.STATE_LETTERS[traces[0].cell_kind.flag_state] in scale_trace[0].marker.colorbar.title.text
    hover = [d for d in fig.data if d.mode == "markers" and d.customdata is not None]
    for row, (d, v) in enumerate(zip(hover, values)):
        np.testing.assert_allclose(np.asarray(d.marker.color, dtype=float), v)
        assert [tuple(c) for c in d.customdata] == [(0, 0, 2, s, row) for s in range(len(v))]


def test_the_outlined_word_is_each_rows_decision_point(traces):
    read_at = [2, 0, 4, 1]
    fig = coloured_text_figure(traces, (0, 0, 0), ["a", "b", "c", "d"], read_at)
    starts = np.cumsum([0] + [tr.steps for tr in traces])
    outlined = [k for k, b in enumerate(boxes(fig)) if b.line.width]
    assert outlined == [int(s) + r for s, r in zip(starts, read_at)]
    assert all(boxes(fig)[k].line.color == theme.HIGHLIGHT for k in outlined)


def test_words_are_plotly_text_escaped_and_unknown_words_marked(traces):
    fig = coloured_text_figure(traces, (0, 0, 1), ["<i>a</i>", "b", "c", "d"], [0, 0, 0, 0])
    words = [list(d.text) for d in fig.data if d.mode == "text"]
    for row, tr in zip(words, traces):
        assert row == [theme.safe(w) + ("" if ok else theme.UNKNOWN_MARK) for w, ok in zip(tr.tokens, tr.known)]
    assert "<" in traces[3].tokens and not any("<" in w for w in words[3]) and "&lt; (?)" in words[3]
    labels = [a.text for a in fig.layout.annotations]
    assert labels[0] == "&lt;i&gt;a&lt;/i&gt;", "row labels are escaped too"


def test_a_long_sentence_wraps_onto_more_lines_instead_of_running_off(traces):
    model = make_model("lstm", head="lm", hidden=4)
    long = rnnviz.trace(model, " ".join(["alice was not very good ."] * 8))
    fig = coloured_text_figure([long], (0, 0, 0), ["a"], [0])
    rights = [b.x1 for b in boxes(fig)]
    assert max(rights) <= fig.layout.xaxis.range[1]
    assert len({round(b.y0, 3) for b in boxes(fig)}) > 1, "more than one line"
    assert fig.layout.height > coloured_text_figure([traces[1]], (0, 0, 0), ["a"], [0]).layout.height
