"""Flags and deeper-network figures: every number drawn is the Trace's or the analysis' own, the
click marks name the unit, and typed tokens reach plotly escaped."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest

import rnnviz
from rnnviz import head, i18n
from rnnviz.analysis.flags import minimal_pair, trigger_scores
from rnnviz.analysis.lab import biggest_change, prediction_changes
from rnnviz.errors import RnnvizError
from rnnviz.figures import theme
from rnnviz.figures.deep import concat_figure, layers_figure, top_outputs
from rnnviz.figures.flags import (
    clamp_effect_figure,
    flag_lines_figure,
    pair_diff_figure,
    unit_gates_figure,
    unit_label,
    unit_ranking_figure,
)
from rnnviz.trace import read
from tests.unit.figkit import plain_json
from tests.unit.reference import make_model

TEXT = "alice and tom was not very good ."                # 8 tokens, all known to the reference vocab
TEXTS = ["the movie was not good .", "the movie was good .", "alice was not very bad .", "tom is happy .",
         "they are not sad .", "she was good ."]
HOSTILE = "<b>bold</b> was not good <script>"
CELLS = ["rnn", "lstm", "gru"]


@pytest.fixture(scope="module")
def models():
    return {(cell, deep, lm): make_model(cell, layers=2 if deep else 1, bidirectional=deep and not lm,
                                         head="lm" if lm else "classifier")
            for cell in CELLS for deep in (False, True) for lm in (False, True)}


def arr(value) -> np.ndarray:
    return np.asarray(value, dtype=float)


def shaded_columns(fig: go.Figure) -> set[int]:
    return {int(round((s.x0 + s.x1) / 2)) for s in fig.layout.shapes if s.fillcolor == theme.HIGHLIGHT}


# ---- names and values ------------------------------------------------------------------------

def test_unit_labels_name_layer_and_direction_only_when_there_is_more_than_one():
    assert unit_label((0, 0, 11)) == "unit 11"
    assert unit_label((1, 0, 5), layers=2) == "layer 1 · unit 5"
    assert unit_label((0, 1, 3), directions=2) == "backward · unit 3"
    assert unit_label((1, 1, 3), layers=2, directions=2) == "layer 1 · backward · unit 3"


@pytest.mark.parametrize("cell", CELLS)
def test_the_flag_state_is_c_for_the_lstm_and_h_otherwise(models, cell):
    trace = rnnviz.trace(models[cell, False, False], TEXT)
    assert trace.cell_kind.flag_state == ("cell" if cell == "lstm" else "hidden")
    assert trace.flag_states is (trace.cell if cell == "lstm" else trace.hidden)


@pytest.mark.parametrize("direction", [0, 1])
def test_biggest_change_is_the_largest_step_in_reading_order(models, direction):
    trace = rnnviz.trace(models["lstm", True, False], TEXT)
    unit = (1, direction, 2)
    values = trace.cell[1, direction, :, 2].astype(float)
    before = np.r_[0.0, values[:-1]] if direction == 0 else np.r_[values[1:], 0.0]   # the state read before
    assert biggest_change(trace, unit) == int(np.argmax(np.abs(values - before)))


def test_prediction_changes_lists_exactly_the_tokens_whose_argmax_moved(models):
    model = models["lstm", False, True]
    before = rnnviz.trace(model, TEXT)
    after = rnnviz.trace(model, TEXT, clamp={(0, 0, 1): 5.0})
    a, b = before.probs.argmax(1), after.probs.argmax(1)
    changes = prediction_changes(before, after)
    assert [c[0] for c in changes] == list(np.flatnonzero(a != b))
    for t, token, was, p, now, q in changes:
        assert token == before.tokens[t] and was == before.labels[a[t]] and now == after.labels[b[t]]
        assert p == pytest.approx(before.probs[t, a[t]]) and q == pytest.approx(after.probs[t, b[t]])
    assert prediction_changes(before, before) == []


# ---- the ranking -----------------------------------------------------------------------------

def test_ranking_bars_are_the_scores_best_first_with_the_unit_in_customdata(models):
    model = models["lstm", False, True]
    scores = trigger_scores(model, TEXTS, "not")
    assert scores, "the reference texts hold the word with and without it"
    fig = unit_ranking_figure(scores, top=4, marked=[scores[1].key], selected=scores[2].key)
    bar = fig.data[0]
    assert list(bar.x) == [s.auroc for s in scores[:4]]
    assert [tuple(int(v) for v in row[:3]) for row in bar.customdata] == [s.key for s in scores[:4]]
    assert [row[3] for row in bar.customdata] == [s.on for s in scores[:4]]
    assert all(s.sentences == len(TEXTS) for s in scores[:4]), "every text is read once, with or without the word"
    assert list(bar.text) == [i18n.t("flags.fig.sentences", right=s.sentences_right, total=s.sentences)
                              for s in scores[:4]]
    uncounted = unit_ranking_figure([replace(s, sentences=0) for s in scores], top=4)
    assert list(uncounted.data[0].text) == [f"d {s.d:+.2f}" for s in scores[:4]], "d where nothing was counted"
    assert bar.y[1].startswith("★ ") and not bar.y[0].startswith("★")
    assert list(bar.marker.color).count(theme.HIGHLIGHT) == 1 and bar.marker.color[2] == theme.HIGHLIGHT
    assert fig.layout.xaxis.range == (0.5, 1.0)


def test_ranking_names_deep_units_by_layer_and_direction(models):
    model = models["gru", True, False]
    scores = trigger_scores(model, TEXTS, "not")
    fig = unit_ranking_figure(scores, layers=2, directions=2, top=3)
    assert all(y.startswith("layer ") and ("forward" in y or "backward" in y) for y in fig.data[0].y)


# ---- a unit over the sentence ----------------------------------------------------------------

@pytest.mark.parametrize("cell", CELLS)
def test_flag_lines_are_the_flag_state_of_each_unit_with_clickable_points(models, cell):
    trace = rnnviz.trace(models[cell, True, False], TEXT)
    chosen = [(0, 0, 1), (1, 1, 3), (1, 0, 0)]
    fig = flag_lines_figure(trace, chosen, mark=4, selected=(1, 1, 3))
    assert len(fig.data) == len(chosen)
    for line, unit in zip(fig.data, chosen):
        np.testing.assert_array_equal(arr(line.y), trace.flag_states[unit[0], unit[1], :, unit[2]])
        assert line.name == unit_label(unit, 2, 2)
        assert [tuple(int(v) for v in row) for row in line.customdata] == [(*unit, t) for t in range(trace.steps)]
    sent = json.loads(fig.to_json())["data"][0]["customdata"]
    assert isinstance(sent, list), "plain lists: a typed array reaches the click handler as a dict"
    assert fig.data[1].line.width > fig.data[0].line.width, "the selected unit is drawn thicker"
    assert shaded_columns(fig) == {4}
    assert theme.state_label(trace.cell_kind.flag_state) in fig.layout.title.text


@pytest.mark.parametrize("cell", CELLS)
def test_unit_gates_show_the_units_state_and_every_gate(models, cell):
    trace = rnnviz.trace(models[cell, False, False], TEXT)
    unit = (0, 0, 2)
    fig = unit_gates_figure(trace, unit, mark=1)
    series = {line.name: arr(line.y) for line in fig.data}
    np.testing.assert_array_equal(series[theme.state_label("hidden")], trace.hidden[0, 0, :, 2])
    if cell == "lstm":
        np.testing.assert_array_equal(series[theme.state_label("cell")], trace.cell[0, 0, :, 2])
    for gate, values in trace.gates.items():
        np.testing.assert_array_equal(series[theme.gate_label(gate, cell)], values[0, 0, :, 2])
    assert len(series) == 1 + (cell == "lstm") + len(trace.gates)
    assert shaded_columns(fig) == {1}
    if cell == "rnn":
        assert fig.layout.title.subtitle.text == i18n.t("fig.no_gates_note")
    else:
        gate_axes = {line.yaxis for line in fig.data if line.name in
                     {theme.gate_label(g, cell) for g in trace.gates if g != "candidate"}}
        assert gate_axes == {"y2"}, "the sigmoid gates share the lower panel"


def test_marks_outside_the_sentence_are_refused(models):
    trace = rnnviz.trace(models["lstm", False, False], TEXT)
    with pytest.raises(RnnvizError):
        unit_gates_figure(trace, (0, 0, 0), mark=trace.steps)


# ---- a minimal pair --------------------------------------------------------------------------

@pytest.mark.parametrize("cell", CELLS)
def test_pair_heatmap_is_b_minus_a_for_the_ranked_units(models, cell):
    model = models[cell, True, False]
    pair = minimal_pair(model, "alice was good .", "alice and tom was not good .")
    for kind, diff in (("flag", pair.diff), ("hidden", pair.diff_hidden)):
        fig = pair_diff_figure(pair, kind, top=5, selected=tuple(pair.ranking[1][:3]))
        units = [tuple(r[:3]) for r in pair.ranking[:5]]
        z = arr(fig.data[0].z)
        assert z.shape == (5, len(pair.aligned))
        for row, (layer, d, u) in enumerate(units):
            np.testing.assert_allclose(z[row], diff[layer, d, :, u])
        marks = fig.data[1]
        assert {tuple(int(v) for v in c) for c in marks.customdata} == {
            (*u, j) for u in units for _, j in pair.aligned}
        assert fig.layout.yaxis.ticktext[1].startswith("▶ ")
    assert abs(pair.ranking[0][3] - np.abs(pair.diff).max()) < 1e-9


def test_pair_ticks_escape_typed_tags(models):
    model = models["lstm", False, False]
    pair = minimal_pair(model, HOSTILE, HOSTILE.replace("not", "very"))
    fig = pair_diff_figure(pair)
    ticks = list(fig.layout.xaxis.ticktext)
    assert "&lt;" in ticks and "&gt;" in ticks and "<" not in ticks and ">" not in ticks
    assert not any("<" in t or ">" in t for t in ticks)
    assert "<script" not in plain_json(fig)


# ---- a clamp ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lm", [False, True])
def test_clamp_rows_are_the_predictions_before_and_after(models, lm):
    model = models["lstm", False, lm]
    before = rnnviz.trace(model, TEXT)
    after = rnnviz.trace(model, TEXT, clamp={(0, 0, 1): -4.0})
    fig = clamp_effect_figure(before, after, "unit 1 = <b>-4</b>")
    heat = fig.data[0]
    a, b = before.probs.argmax(1), after.probs.argmax(1)
    assert [list(row) for row in heat.text] == [[theme.safe(before.labels[k]) for k in a],
                                                [theme.safe(after.labels[k]) for k in b]]
    np.testing.assert_array_equal(arr(heat.z), np.stack([a != b, a != b]).astype(float))
    np.testing.assert_allclose(arr(heat.customdata[1][:, 1].astype(float)),
                               np.round(after.probs[np.arange(len(b)), b], 3))
    assert "&lt;b&gt;-4&lt;/b&gt;" in heat.y[1], "the clamp's name is escaped"
    assert ("next word" if lm else "class") in fig.layout.title.text


def test_clamp_figure_escapes_tokens_and_vocabulary_labels(models):
    model = models["gru", False, True]
    before = rnnviz.trace(model, HOSTILE)
    after = rnnviz.trace(model, HOSTILE, clamp={(0, 0, 0): 1.0})
    text = plain_json(clamp_effect_figure(before, after, "x"))
    assert "<script" not in text and "<b>bold" not in text and "<unk>" not in text and "<pad>" not in text


def test_token_ticks_are_escaped_in_every_flags_figure(models):
    trace = rnnviz.trace(models["lstm", False, False], HOSTILE)
    for fig in (flag_lines_figure(trace, [(0, 0, 0)]), unit_gates_figure(trace, (0, 0, 0))):
        ticks = list(fig.layout.xaxis.ticktext)
        assert ticks and not any(t.endswith((" · <", " · >")) for t in ticks)
        assert any(t.endswith("&lt;" + theme.UNKNOWN_MARK + "</span>") or t.endswith("· &lt;") for t in ticks), ticks
        assert "<script" not in plain_json(fig)


# ---- deeper networks -------------------------------------------------------------------------

@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("pooling", ["last", "mean"])
def test_the_concat_figure_shows_what_the_classifier_reads(cell, pooling):
    model = make_model(cell, layers=2, bidirectional=True, pooling=pooling)
    trace = rnnviz.trace(model, TEXT)
    drawn = arr(concat_figure(trace, 0, pooling).data[0].z)[1]                  # the figure's second row
    expected = head.pooled(read(model, TEXT).runs, pooling)
    np.testing.assert_allclose(drawn, expected, atol=1e-6)
    np.testing.assert_allclose(head.pooled_states(top_outputs(trace), pooling, 2), expected, atol=1e-6)
    logits = drawn @ model.head_weights()[0].T + model.head_weights()[1]
    np.testing.assert_allclose(head.softmax(logits), trace.probs[-1], atol=1e-5)
    with pytest.raises(RnnvizError):
        head.pooled_states(top_outputs(trace), "max", 2)


@pytest.mark.parametrize("step", [0, 3, -1])
def test_concat_rows_are_forward_and_backward_side_by_side(models, step):
    trace = rnnviz.trace(models["lstm", True, False], TEXT)
    fig = concat_figure(trace, step, "last")
    z = arr(fig.data[0].z)
    t = step % trace.steps
    np.testing.assert_allclose(z[0], np.concatenate([trace.hidden[-1, 0, t], trace.hidden[-1, 1, t]]), atol=1e-7)
    np.testing.assert_allclose(z[0], top_outputs(trace)[t])
    np.testing.assert_allclose(z[1], np.concatenate([trace.hidden[-1, 0, -1], trace.hidden[-1, 1, 0]]), atol=1e-7)
    assert [s.x0 for s in fig.layout.shapes] == [trace.hidden.shape[-1] - 0.5], "a line between the halves"
    assert trace.tokens[t] in fig.layout.title.text


@pytest.mark.parametrize("deep", [False, True])
def test_layers_figure_stacks_every_layer_top_first_with_the_step_outlined(models, deep):
    trace = rnnviz.trace(models["lstm", deep, False], TEXT)
    layers, directions = trace.hidden.shape[:2]
    fig = layers_figure(trace, step=2)
    heatmaps = [d for d in fig.data if d.type == "heatmap"]
    assert len(heatmaps) == layers * directions
    order = [(layer, d) for layer in reversed(range(layers)) for d in range(directions)]
    for heat, (layer, d) in zip(heatmaps, order):
        np.testing.assert_array_equal(arr(heat.z), trace.hidden[layer, d].T)
    outlined = {int(round((s.x0 + s.x1) / 2)) for s in fig.layout.shapes}
    assert outlined == {2} and len(fig.layout.shapes) == 2 * layers * directions
    notes = [a.text for a in fig.layout.annotations if "input" in a.text]
    assert notes == [f"▲ layer {k}'s h at each token is layer {k + 1}'s input there ▲" for k in range(layers - 1)]
    if deep:
        titles = [a.text for a in fig.layout.annotations]
        assert any("backward" in t for t in titles) and any("layer 1" in t for t in titles)
    assert "2 · " not in fig.layout.title.text and trace.tokens[2] in fig.layout.title.text


def test_deep_figures_escape_typed_tokens(models):
    trace = rnnviz.trace(models["gru", True, False], HOSTILE)
    for fig in (layers_figure(trace, 1), concat_figure(trace, 0)):
        text = plain_json(fig)
        assert "<script" not in text and "<b>bold" not in text
