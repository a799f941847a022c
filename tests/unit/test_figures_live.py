"""The step-through view's payload (rnnviz.figures.live): the trace's numbers, words, colours."""
import json
from pathlib import Path

import numpy as np
import pytest

import rnnviz
from rnnviz import i18n
from rnnviz.errors import RnnvizError
from rnnviz.figures import theme
from rnnviz.figures.live import colour_scale, live_view
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
    assert view["cellState"]["range"] == pytest.approx(max(1.0, float(np.abs(story.cell[0, 0]).max())))
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
