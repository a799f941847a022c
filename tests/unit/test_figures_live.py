"""The step-through view's payload (rnnviz.figures.live): the trace's numbers, words, colours."""
import json
from pathlib import Path

import numpy as np
import pytest

import rnnviz
from rnnviz import i18n
from rnnviz.errors import RnnvizError
from rnnviz.figures import prediction_figure, theme
from rnnviz.figures.common import CELL_QUANTILE, cell_range, nice_bound
from rnnviz.figures.live import colour_scale, live_view, view_figure
from tests.unit.figkit import make_trace

SENTENCE = "alice says the movie was not good . she is sad ."


@pytest.fixture(scope="module")
def story():
    return rnnviz.trace(rnnviz.load_model("story-lstm"), SENTENCE)


def test_every_number_is_the_traces(story):
    view = json.loads(json.dumps(live_view(story, 3)))          # what reaches the browser
    assert view["tokens"] == list(story.tokens) and view["step"] == 3
    np.testing.assert_allclose(view["hidden"]["values"], story.hidden[0, 0], atol=5.1e-5)
    np.testing.assert_allclose(view["cellState"]["values"], story.cell[0, 0], atol=5.1e-5)
    assert [g["name"] for g in view["gates"]] == ["input", "forget", "candidate", "output"]
    for gate in view["gates"]:
        np.testing.assert_allclose(gate["values"], story.gates[gate["name"]][0, 0], atol=5.1e-5)
    assert view["cellState"]["range"] == cell_range(story)[1], "without the model's range: this sentence's"
    for t, top in enumerate(view["prediction"]["top"]):
        order = np.argsort(-story.probs[t], kind="stable")[:5]
        assert [w for w, _ in top] == [story.labels[c] for c in order]
        np.testing.assert_allclose([p for _, p in top], story.probs[t, order], atol=5.1e-5)


def test_a_classifier_sends_every_class_after_every_token():
    trace = rnnviz.trace(rnnviz.load_model("sentiment-gru"), "the movie was not good")
    view = live_view(trace)
    assert view["prediction"]["kind"] == "classes" and view["cellState"] is None
    assert view["prediction"]["labels"] == list(trace.labels)
    np.testing.assert_allclose(view["prediction"]["probs"], trace.probs, atol=5.1e-5)
    assert [g["name"] for g in view["gates"]] == ["reset", "update", "candidate"]


def test_a_plain_rnn_says_it_has_no_gates():
    view = live_view(rnnviz.trace(rnnviz.load_model("sentiment-rnn"), "good"))
    assert view["gates"] == [] and view["words"]["no_gates"] == i18n.t("fig.no_gates_note")


def test_colours_are_the_figures_scales(story):
    view = live_view(story)
    assert view["colours"]["state"][0] == [0.0, [5, 48, 97]]       # RdBu_r runs blue → red
    assert view["colours"]["state"][-1] == [1.0, [103, 0, 31]]
    assert view["colours"]["gate"] == colour_scale(theme.GATE_SCALE)
    assert view["colours"]["highlight"] == theme.HIGHLIGHT


def test_the_step_outline_is_the_figures_own():
    """One source (theme.STEP_OUTLINE) for the plotly figures and the browser, which draws what the
    payload says instead of widths of its own."""
    outline = live_view(rnnviz.trace(rnnviz.load_model("sentiment-rnn"), "good"))["colours"]["outline"]
    assert outline == [list(pair) for pair in theme.STEP_OUTLINE]
    script = (Path(rnnviz.__file__).parent / "ui" / "live" / "live.js").read_text(encoding="utf-8")
    assert "data.colours.outline" in script and "data.colours.halo" not in script


def test_an_eleven_class_classifier_sends_classes_not_words():
    trace = make_trace("gru", T=4, C=11)
    view = live_view(trace)
    assert view["prediction"]["kind"] == "classes" and len(view["prediction"]["labels"]) == 11
    assert live_view(make_trace("gru", T=4, C=3, head="lm"))["prediction"]["kind"] == "words"


def test_the_fingerprint_changes_with_the_view_not_the_step(story):
    a, b = live_view(story, 0), live_view(story, 5)
    assert a["id"] == b["id"], "a step alone must not redraw the browser's view"
    assert live_view(story, 0, scale=1.5)["id"] != a["id"]
    other = rnnviz.trace(rnnviz.load_model("story-lstm"), "tom says the film was good .")
    assert live_view(other)["id"] != a["id"]
    with i18n.speaking("fil"):
        filipino = live_view(story)
    assert filipino["id"] != a["id"]
    assert filipino["words"]["previous"] == i18n.catalogue("fil")["live.previous"] != a["words"]["previous"]
    assert filipino["hidden"]["title"] == i18n.catalogue("fil")["fig.state.hidden"]


def test_hostile_tokens_travel_as_they_are():
    """The browser sets them with textContent: escaping here would show "&lt;" to the student."""
    trace = rnnviz.trace(rnnviz.load_model("story-lstm"), "<b>bold</b> & says")
    tokens = live_view(trace)["tokens"]
    assert tokens == list(trace.tokens) and "<" in tokens and "&" in tokens


@pytest.mark.parametrize("step", [12, -13])
def test_a_step_outside_the_sentence_is_refused(story, step):
    with pytest.raises(RnnvizError):
        live_view(story, step)


# ---- one fixed, labelled colour range per quantity -------------------------------------------

@pytest.mark.parametrize("value", [0.0, 0.4, 1.0, 1.2, 2.0, 3.7, 5.0, 9.99, 10.0, 10.5, 123.0])
def test_a_range_is_the_smallest_nice_number_that_covers_the_value(value):
    bound = nice_bound(value)
    nice = sorted(m * 10.0 ** k for m in (1, 2, 5) for k in range(0, 4))
    assert bound in nice and bound >= max(1.0, value)
    assert all(n < max(1.0, value) - 1e-9 for n in nice if n < bound), "no smaller nice number covers it"


def test_the_cell_range_covers_most_of_c_over_the_models_sentences():
    model = rnnviz.load_model("story-lstm")
    traces = [rnnviz.trace(model, text) for text in (SENTENCE, "tom says the film was great .", "she is happy .")]
    bound = cell_range(*traces)[1]
    every = np.concatenate([np.abs(t.cell).ravel() for t in traces])
    assert np.mean(every <= bound) >= CELL_QUANTILE, "the range covers the quantile it promises"
    assert bound == nice_bound(np.quantile(every, CELL_QUANTILE))
    assert cell_range(rnnviz.trace(rnnviz.load_model("sentiment-gru"), "good"))[1] == 1.0, "no c: ±1"


def test_a_models_range_is_the_same_for_every_sentence(story):
    other = rnnviz.trace(rnnviz.load_model("story-lstm"), "tom near the dogs says the film was great .")
    a, b = live_view(story, cell_bound=20.0), live_view(other, cell_bound=20.0)
    assert a["cellState"]["range"] == b["cellState"]["range"] == 20.0
    assert a["cellState"]["legend"] == "−20 … +20"
    assert a["hidden"]["legend"] == "−1 … +1" and a["hidden"]["range"] == 1.0
    legends = {g["name"]: g["legend"] for g in a["gates"]}
    assert legends == {"input": "0 … 1", "forget": "0 … 1", "candidate": "−1 … +1", "output": "0 … 1"}


# ---- one renderer: the page's plotly figures are drawn from the browser's payload ------------

def _bar_range(trace) -> tuple[float, float]:
    return trace.zmin, trace.zmax


@pytest.mark.parametrize("step", [0, 4, 11])
def test_the_plotly_heatmaps_show_the_browsers_numbers_and_ranges(story, step):
    view = json.loads(json.dumps(live_view(story, step, cell_bound=20.0)))
    for part, state in (("hidden", view["hidden"]), ("cell", view["cellState"])):
        fig = view_figure(story, view, part, step)
        heat = next(t for t in fig.data if t.type == "heatmap")
        np.testing.assert_array_equal(np.asarray(heat.z), np.asarray(state["values"]).T)
        assert _bar_range(heat) == (-state["range"], state["range"])
        assert state["legend"] in fig.layout.title.text
        outline = [s for s in fig.layout.shapes if s.type == "rect"]
        assert outline and all(s.x0 == step - 0.5 for s in outline), "the step's column is outlined"


@pytest.mark.parametrize("name, step", [("story-lstm", 3), ("sentiment-gru", 0), ("sentiment-rnn", 2)])
def test_the_plotly_strips_are_the_browsers_rows_each_with_a_legend(name, step):
    trace = rnnviz.trace(rnnviz.load_model(name), "the movie was not good at all")
    view = live_view(trace, step, cell_bound=5.0)
    fig = view_figure(trace, view, "strips", step)
    rows = [(g["label"], g["values"], g["range"], g["diverging"], g["legend"]) for g in view["gates"]]
    for state in (view["cellState"], view["hidden"]):
        if state:
            rows.append((state["label"], state["values"], state["range"], True, state["legend"]))
    strips = [t for t in fig.data if t.type == "heatmap"]
    titles = [a.text for a in fig.layout.annotations]
    assert len(strips) == len(rows) == len(titles)
    for strip, title, (label, values, bound, diverging, legend) in zip(strips, titles, rows):
        np.testing.assert_array_equal(np.asarray(strip.z)[0], values[step])
        assert _bar_range(strip) == ((-bound, bound) if diverging else (0.0, bound))
        assert label in title and legend in title, "every strip says what it is and its range"
        assert strip.showscale is not False and strip.colorbar.tickvals == _bar_range(strip), "its own colour bar"
    if not view["gates"]:
        assert fig.layout.title.subtitle.text == i18n.t("fig.no_gates_note")


@pytest.mark.parametrize("step", [0, 6])
def test_the_plotly_prediction_shows_the_browsers_words(story, step):
    view = live_view(story, step)
    bars = prediction_figure(story, step).data[0]
    assert list(bars.y) == [w for w, _ in view["prediction"]["top"][step]]
    np.testing.assert_allclose(bars.x, [p for _, p in view["prediction"]["top"][step]], atol=5.1e-5)
