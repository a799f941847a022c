"""Figure builders: trace counts and types, values, axis titles, highlights, escaping, scale."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from rnnviz import i18n
from rnnviz.errors import RnnvizError
from rnnviz.figures import (
    gate_heatmap_figure,
    gate_strips_figure,
    prediction_figure,
    state_heatmap_figure,
    theme,
    unrolled_figure,
)
from rnnviz.figures.common import cell_range
from rnnviz.figures.diagram import visible_steps
from rnnviz.trace import Trace
from tests.unit.figkit import CELLS, GATES, make_trace, of_type, plain_json

# --- state heatmap -------------------------------------------------------------------------

@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("L,D", [(1, 1), (2, 2)])
def test_state_heatmap_values_and_overlay(cell, L, D):
    trace = make_trace(cell, T=6, H=8, L=L, D=D)
    layer, direction = L - 1, D - 1
    fig = state_heatmap_figure(trace, layer=layer, direction=direction, step=2)
    assert isinstance(fig, go.Figure)
    assert [d.type for d in fig.data] == ["heatmap", "scatter"]
    heat, dots = fig.data
    assert np.array_equal(np.asarray(heat.z), trace.hidden[layer, direction].T)
    assert (heat.zmin, heat.zmax) == (-1, 1)
    assert fig.layout.xaxis.title.text == "token" and fig.layout.yaxis.title.text == "unit"
    assert len(dots.x) == 6 * 8 and dots.marker.symbol == "square"
    custom = np.asarray(dots.customdata)
    assert custom.shape == (48, 2)
    assert {tuple(row) for row in custom} == {(u, t) for u in range(8) for t in range(6)}
    assert np.array_equal(np.asarray(dots.x), custom[:, 1])      # each marker sits on its cell
    assert np.array_equal(np.asarray(dots.y), custom[:, 0])
    if L > 1:
        assert "layer 1" in fig.layout.title.text and "backward" in fig.layout.title.text


def test_state_heatmap_step_outline():
    fig = state_heatmap_figure(make_trace(H=8), step=3)
    (shape,) = [s for s in fig.layout.shapes if s.line.color == theme.HIGHLIGHT]
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (2.5, 3.5, -0.5, 7.5)
    assert all((s.x0, s.x1) == (2.5, 3.5) for s in fig.layout.shapes)   # its halo too
    assert not state_heatmap_figure(make_trace()).layout.shapes
    assert state_heatmap_figure(make_trace(T=6), step=-1).layout.shapes[0].x0 == 4.5


def test_state_heatmap_cell_state():
    trace = make_trace("lstm")
    fig = state_heatmap_figure(trace, kind="cell")
    assert np.array_equal(np.asarray(fig.data[0].z), trace.cell[0, 0].T)
    assert (fig.data[0].zmin, fig.data[0].zmax) == cell_range(trace)          # the page's fixed range
    assert fig.layout.title.text == theme.state_label("cell")
    with pytest.raises(RnnvizError):
        state_heatmap_figure(make_trace("gru"), kind="cell")


def test_state_heatmap_bad_indices():
    with pytest.raises(RnnvizError):
        state_heatmap_figure(make_trace(), step=6)
    with pytest.raises(RnnvizError):
        state_heatmap_figure(make_trace(L=1), layer=1)


def test_tick_labels_have_positions_and_mark_unknown_words():
    trace = make_trace(tokens=["not", "blorf", "not", "bad", "at", "all"])
    ticks = state_heatmap_figure(trace).layout.xaxis.ticktext
    assert ticks[0] == "0 · not" and ticks[2] == "2 · not"
    assert theme.UNKNOWN_MARK in ticks[1] and theme.MUTED in ticks[1]


# --- gates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", CELLS)
def test_gate_strips_one_row_per_gate(cell):
    trace = make_trace(cell, T=5, H=8)
    fig = gate_strips_figure(trace, step=4)
    rows = len(GATES[cell]) + (cell == "lstm") + 1                # gates, c_t, h_t
    assert len(of_type(fig, "heatmap")) == len(fig.data) == rows
    titles = [a.text for a in fig.layout.annotations]
    assert titles[:len(GATES[cell])] == [theme.gate_label(g, cell) for g in GATES[cell]]
    assert titles[-1] == theme.state_label("hidden")
    for strip, gate in zip(fig.data, GATES[cell]):
        assert np.array_equal(np.asarray(strip.z)[0], trace.gates[gate][0, 0, 4])
        expected = go.Figure(go.Heatmap(colorscale=theme.STATE_SCALE if gate == "candidate"
                                        else theme.GATE_SCALE)).data[0].colorscale
        assert strip.colorscale == expected
        assert (strip.zmin, strip.zmax) == ((-1, 1) if gate == "candidate" else (0, 1))
        assert strip.colorbar.title.text == theme.gate_symbol(gate, cell)       # every strip has its legend
    assert np.array_equal(np.asarray(fig.data[-1].z)[0], trace.hidden[0, 0, 4])
    assert fig.layout[f"xaxis{rows if rows > 1 else ''}"].title.text == "unit"


def test_gate_strips_rnn_says_it_has_no_gates():
    fig = gate_strips_figure(make_trace("rnn"), step=0)
    assert "no gates" in fig.layout.title.subtitle.text


def test_gate_strips_lstm_has_cell_row():
    trace = make_trace("lstm")
    fig = gate_strips_figure(trace, step=2)
    assert np.array_equal(np.asarray(fig.data[-2].z)[0], trace.cell[0, 0, 2])
    assert theme.state_label("cell") in fig.layout.annotations[-2].text


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gate_heatmap(cell):
    trace = make_trace(cell, T=7, H=5)
    for gate in GATES[cell]:
        fig = gate_heatmap_figure(trace, gate, step=1)
        heat, dots = fig.data
        assert np.array_equal(np.asarray(heat.z), trace.gates[gate][0, 0].T)
        assert (heat.zmin, heat.zmax) == ((-1, 1) if gate == "candidate" else (0, 1))
        assert len(dots.customdata) == 7 * 5
        assert fig.layout.shapes[0].x0 == 0.5
        assert fig.layout.title.text == theme.gate_label(gate, cell)
        assert fig.layout.xaxis.title.text == "token" and fig.layout.yaxis.title.text == "unit"


def test_gate_heatmap_errors():
    with pytest.raises(RnnvizError):
        gate_heatmap_figure(make_trace("rnn"), "input")
    with pytest.raises(RnnvizError):
        gate_heatmap_figure(make_trace("gru"), "forget")


# --- predictions ---------------------------------------------------------------------------

@pytest.mark.parametrize("cell", CELLS)
def test_classifier_lines(cell):
    trace = make_trace(cell, T=6, C=4)
    fig = prediction_figure(trace, step=2)
    assert len(of_type(fig, "scatter")) == len(fig.data) == 4
    for c, line in enumerate(fig.data):
        assert np.array_equal(np.asarray(line.y), trace.probs[:, c])
        assert line.name == f"class {c}"
    assert list(fig.layout.yaxis.range) == [0, 1.02]
    assert fig.layout.yaxis.title.text == "probability" and fig.layout.xaxis.title.text == "token"
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 2 and line.line.color == theme.HIGHLIGHT


def test_language_model_bars():
    trace = make_trace("lstm", T=5, C=50, head="lm")
    fig = prediction_figure(trace, step=1, top=5)
    (bars,) = fig.data
    assert bars.type == "bar" and bars.orientation == "h" and len(bars.y) == 5
    expected = np.sort(trace.probs[1])[::-1][:5]
    assert np.allclose(np.asarray(bars.x), expected)
    assert list(bars.y) == [trace.labels[c] for c in np.argsort(-trace.probs[1])[:5]]
    default = prediction_figure(trace).data[0]                    # after the last token
    assert np.allclose(np.asarray(default.x), np.sort(trace.probs[-1])[::-1][:5])


def test_the_head_not_the_number_of_labels_says_what_is_predicted():
    """An 11-class classifier draws lines (11 labels once passed for a vocabulary), a 3-word
    language model bars."""
    classifier = prediction_figure(make_trace("gru", T=4, C=11), step=1)
    assert len(of_type(classifier, "scatter")) == len(classifier.data) == 11
    assert classifier.layout.title.text == i18n.t("fig.predictions.lines_title")
    (bars,) = prediction_figure(make_trace("gru", T=4, C=3, head="lm")).data
    assert bars.type == "bar" and len(bars.y) == 3


def test_final_prediction_sorted():
    trace = make_trace(C=4)
    result = trace.top_predictions()
    assert [p for _, p in result] == sorted((p for _, p in result), reverse=True)
    expected = {f"class {c}": float(trace.probs[-1, c]) for c in range(4)}
    assert dict(result) == pytest.approx(expected)
    assert all(isinstance(p, float) for _, p in result)
    assert len(trace.top_predictions(top=2)) == 2


# --- diagrams ------------------------------------------------------------------------------

@pytest.mark.parametrize("cell,name", [("lstm", "LSTM"), ("gru", "GRU"), ("rnn", "RNN")])
def test_unrolled_chain(cell, name):
    trace = make_trace(cell, T=5)
    fig = unrolled_figure(trace, step=2, head_label="classifier")
    (dots,) = fig.data
    assert [list(c) for c in dots.customdata] == [[t] for t in range(5)]
    assert dots.marker.symbol == "square"
    texts = [a.text for a in fig.layout.annotations]
    assert texts.count(name) == 5 and "classifier" in texts
    assert i18n.t("fig.shared_weights_note") in texts
    assert texts.count("c") == (4 if cell == "lstm" else 0)       # c flows only in an LSTM
    assert texts.count("h") == 5                                  # 4 links + the head
    highlighted = [s for s in fig.layout.shapes if s.fillcolor == theme.HIGHLIGHT]
    assert len(highlighted) == 1 and highlighted[0].path.startswith(f"M {2 * 1.7 + 0.15},")
    assert not fig.layout.xaxis.visible and not fig.layout.yaxis.visible


def test_unrolled_long_sentence_is_windowed():
    trace = make_trace(T=200)
    fig = unrolled_figure(trace, step=100)
    steps = [c[0] for c in fig.data[0].customdata]
    assert 100 in steps and len(steps) == 10 and steps == list(range(steps[0], steps[0] + 10))
    assert sum(a.text == "…" for a in fig.layout.annotations) == 2
    assert visible_steps(200, 0, 10) == range(0, 10)
    assert visible_steps(200, None, 10) == range(190, 200)
    assert visible_steps(200, 199, 10) == range(190, 200)
    assert len(unrolled_figure(trace, step=5, scale=1.5).data[0].customdata) < 10


# --- theme: words and colours from the registry ---------------------------------------------

def test_gate_words_come_from_the_registry_where_the_catalogue_has_none(monkeypatch):
    assert theme.gate_label("forget", "lstm") == i18n.t("fig.gate.lstm.forget")
    assert [theme.gate_symbol(g, "gru") for g in GATES["gru"]] == ["r", "z", "n"]
    assert theme.gate_label("no such gate", "lstm") == "no such gate"
    monkeypatch.setattr(i18n, "known", lambda key: False)              # a kind without catalogue words
    assert theme.gate_label("forget", "lstm") == "forget gate f"


def test_a_cell_kind_without_a_colour_still_gets_one():
    assert theme.cell_colour("lstm") == theme.CELL_COLOURS["lstm"]
    assert theme.cell_colour("a new cell", 2) == theme.CLASS_COLOURS[2]


# --- every figure: escaping and scale ------------------------------------------------------

def all_figures(trace: Trace, **options) -> list[go.Figure]:
    return [state_heatmap_figure(trace, step=1, **options),
            gate_strips_figure(trace, step=1, **options),
            gate_heatmap_figure(trace, "forget", step=1, **options),
            prediction_figure(trace, step=1, **options),
            unrolled_figure(trace, step=1, **options)]


def test_user_text_is_escaped_everywhere():
    trace = make_trace("lstm", T=3, tokens=["<b>x</b>", "<script>", "a & b"])
    trace = Trace(**{**trace.__dict__, "labels": ["<i>pos</i>", "neg", "x"]})
    for fig in all_figures(trace) + [prediction_figure(make_trace(C=20, tokens=["<b>x</b>"] * 6, head="lm"))]:
        text = plain_json(fig)
        assert "<b>x</b>" not in text and "<script>" not in text and "<i>pos</i>" not in text
        assert "&lt;b&gt;x&lt;/b&gt;" in text or "&lt;script&gt;" in text   # step 1 is "<script>"
    assert "&lt;script&gt;" in plain_json(state_heatmap_figure(trace))
    assert "a &amp; b" in plain_json(state_heatmap_figure(trace))
    assert "&lt;i&gt;pos&lt;/i&gt;" in plain_json(prediction_figure(trace))
    assert theme.safe("<b>") == "&lt;b&gt;" and theme.safe('say "hi"') == 'say "hi"'


def test_language_model_labels_escaped():
    trace = make_trace(C=20, head="lm")
    trace = Trace(**{**trace.__dict__, "labels": ["<b>w</b>"] * 20})
    text = plain_json(prediction_figure(trace, top=3))
    assert "<b>w</b>" not in text and "&lt;b&gt;w&lt;/b&gt;" in text


def test_teacher_mode_enlarges_fonts():
    trace = make_trace("lstm")
    for normal, large in zip(all_figures(trace), all_figures(trace, scale=1.5)):
        assert large.layout.font.size > normal.layout.font.size
        assert large.layout.height > normal.layout.height
        sizes = [a.font.size for a in normal.layout.annotations if a.font.size]
        big = [a.font.size for a in large.layout.annotations if a.font.size]
        assert all(b > s for s, b in zip(sizes, big))


@pytest.mark.parametrize("cell", CELLS)
def test_every_builder_returns_a_figure(cell):
    trace = make_trace(cell, T=6, L=2, D=2)
    figures = [state_heatmap_figure(trace, layer=1, direction=1),
               gate_strips_figure(trace, step=0, layer=1, direction=1),
               prediction_figure(trace), unrolled_figure(trace)]
    if cell != "rnn":
        figures.append(gate_heatmap_figure(trace, "candidate", layer=1, direction=1))
    assert all(isinstance(f, go.Figure) for f in figures)
    assert all(f.layout.paper_bgcolor == "rgba(0,0,0,0)" for f in figures)

