"""The Step-through page in AppTest: typing, the model, the live view's data and step, the URL,
and the sentences and links a student (or a prankster) may throw at it."""
from __future__ import annotations

from functools import cache

import numpy as np
import pytest

import rnnviz
import rnnviz.analysis.reading
from rnnviz.text import MAX_TOKENS, tokenize

from . import appkit
from .appkit import (
    assert_no_live_markup,
    assert_no_raw_html_in_charts,
    assert_ok,
    charts,
    heatmap_z,
    highlighted_columns,
    live_view,
    rendered,
    texts,
    tick_tokens,
)

SENTENCE = "alice says the movie was good . she is happy ."     # 11 tokens, all known to story-*


def open_app(**query):
    """The step-through page, opened as a link to it would (the guided tour is the landing page)."""
    return appkit.open_app(page="views/step_through.py", **query)


@cache
def model(name: str):
    return rnnviz.load_model(name)


def expected_trace(name: str, text: str):
    return rnnviz.trace(model(name), text)


def assert_view(at, name: str, text: str, column: int | None = None) -> None:
    """The page shows `text` read by `name` in the live view, its cursor at token `column`
    (any column when None), with the trace's exact numbers (rounded to 4 decimals)."""
    assert_ok(at)
    assert at.selectbox(key="model").value == name
    trace = expected_trace(name, text)
    view = live_view(at)
    assert view is not None, "the live view is on the page"
    assert view["tokens"] == list(trace.tokens) and view["known"] == trace.known.tolist()
    np.testing.assert_allclose(view["hidden"]["values"], trace.hidden[0, 0], atol=6e-5)
    if trace.cell is None:
        assert view["cellState"] is None, "only an LSTM has a cell state"
    else:
        np.testing.assert_allclose(view["cellState"]["values"], trace.cell[0, 0], atol=6e-5)
    assert {g["name"] for g in view["gates"]} == set(trace.gates)
    for gate in view["gates"]:
        np.testing.assert_allclose(gate["values"], trace.gates[gate["name"]][0, 0], atol=6e-5)
    here = view["step"]
    assert 0 <= here < trace.steps
    if column is not None:
        assert here == column, f"the view is at token {here}, expected {column}"
    assert at.query_params.get("step", "0") == str(here), "the URL follows the cursor"
    assert not charts(at), "plotly figures only when asked for"


def move_to(at, step: int):
    """What the browser does when the student steps: it sets the view's step, and the page reruns."""
    at.session_state["step"] = step
    return at.run()


def test_first_visit_shows_an_example_and_every_figure_at_the_first_token():
    at = open_app()
    text = at.text_area(key="text").value
    assert text and tokenize(text), "a first visit opens on a prepared example"
    assert_view(at, "story-lstm", text, column=0)
    assert at.metric, "the prediction after the whole text is shown"
    assert len(at.sidebar.selectbox) == 1, "the model picker lives in the sidebar"
    assert_no_live_markup(at)


def test_typed_sentence_is_read_and_drawn():
    at = open_app()
    at.text_area(key="text").input(SENTENCE).run()
    assert_view(at, "story-lstm", SENTENCE)
    assert live_view(at)["tokens"] == tokenize(SENTENCE)
    chips = " ".join(texts(at.markdown))
    assert all(word in chips for word in ("alice", "movie", "happy"))
    at.run()                                              # a rerun keeps the same view
    assert_view(at, "story-lstm", SENTENCE)


@pytest.mark.parametrize("name", ["story-gru", "sentiment-rnn", "recall-lstm", "sentiment-lstm"])
def test_changing_the_model_redraws_with_that_model(name):
    at = open_app(text=SENTENCE)
    at.selectbox(key="model").set_value(name).run()
    assert_view(at, name, SENTENCE)
    assert at.text_area(key="text").value == SENTENCE, "the sentence survives a change of model"


def test_a_step_from_the_browser_reaches_the_url_and_the_figures():
    at = open_app(text=SENTENCE)
    assert_view(at, "story-lstm", SENTENCE, column=0)
    move_to(at, 4)
    assert_view(at, "story-lstm", SENTENCE, column=4)
    assert at.query_params.get("step") == "4"
    at.toggle(key="as_figures").set_value(True).run()
    figs = charts(at)
    trace = expected_trace("story-lstm", SENTENCE)
    assert {"chain", "hidden", "cell", "gates", "prediction"} <= set(figs)
    np.testing.assert_allclose(heatmap_z(figs["hidden"]), trace.hidden[0, 0].T, atol=6e-5)   # the payload's 4 decimals
    assert highlighted_columns(figs["hidden"]) == highlighted_columns(figs["cell"]) == {4}
    assert len(tick_tokens(figs["hidden"])) == trace.steps
    move_to(at, 0)
    assert "step" not in at.query_params, "token 0 needs no step in the URL"
    assert highlighted_columns(charts(at)["hidden"]) == {0}


def test_the_view_carries_what_each_step_shows():
    at = open_app(text=SENTENCE)
    view, trace = live_view(at), expected_trace("story-lstm", SENTENCE)
    top = view["prediction"]["top"]
    assert len(top) == trace.steps
    for t, words in enumerate(top):
        best = int(np.argmax(trace.probs[t]))
        assert words[0][0] == trace.labels[best] and abs(words[0][1] - trace.probs[t, best]) < 1e-4
    at.selectbox(key="model").set_value("sentiment-lstm").run()
    view, trace = live_view(at), expected_trace("sentiment-lstm", SENTENCE)
    assert view["prediction"]["labels"] == list(trace.labels)
    np.testing.assert_allclose(view["prediction"]["probs"], trace.probs, atol=6e-5)


def test_a_shorter_sentence_brings_a_far_cursor_back_inside_it():
    at = open_app(text=SENTENCE, step="9")
    assert live_view(at)["step"] == 9
    at.text_area(key="text").input("good movie").run()
    assert_view(at, "story-lstm", "good movie")
    at.text_area(key="text").input("good").run()
    assert_view(at, "story-lstm", "good", column=0)
    at.text_area(key="text").input(SENTENCE).run()
    assert_view(at, "story-lstm", SENTENCE, column=0)
    move_to(at, 1)
    assert_view(at, "story-lstm", SENTENCE, column=1)


def test_a_link_restores_text_step_and_model():
    at = open_app(text=SENTENCE, step="3", model="story-gru")
    assert at.text_area(key="text").value == SENTENCE
    assert_view(at, "story-gru", SENTENCE, column=3)
    assert not at.info and not at.warning, "a good link needs no notice"


@pytest.mark.parametrize("asked", ["99", "abc", "-1", "2.5", "[a](//evil)"])
def test_a_bad_step_in_the_link_falls_back_with_a_notice(asked):
    at = open_app(text=SENTENCE, step=asked)
    assert_view(at, "story-lstm", SENTENCE, column=0)
    notices = [rendered(n) for n in texts(at.info) + texts(at.warning)]
    assert any("step" in n.lower() for n in notices), (
        f"step={asked!r} fell back to the first token without a notice on this run: {notices}")
    assert_no_live_markup(at, f" (step={asked!r})")


@pytest.mark.parametrize("asked", ["no-such-model", "[click](http://evil)", "<script>alert(1)</script>",
                                   ":red[x]"])
def test_an_unknown_model_in_the_link_falls_back_with_a_notice(asked):
    at = open_app(text=SENTENCE, model=asked)
    assert_view(at, "story-lstm", SENTENCE)
    notices = [rendered(n) for n in texts(at.info) + texts(at.warning)]
    assert any("story-lstm" in n for n in notices), f"no notice names the fallback model: {notices}"
    assert_no_live_markup(at, f" (model={asked!r})")


# ---- the bad-input corpus --------------------------------------------------------------------

LONG = "alice says the movie was good . " * 200            # 1,400 words and marks
EMPTY, CAPPED, READ = "empty", "capped", "read"
CORPUS = {
    "empty": ("", EMPTY),
    "whitespace": ("   \n\t  \u3000 ", EMPTY),
    "zero-width only": ("\u200b\u200c\u200d\u2060\ufeff", EMPTY),
    "1000+ words": (LONG, CAPPED),
    "emoji": ("alice 😀 says the 🎬 movie was 👍🏽 good !", READ),
    "right-to-left": ("הסרט היה טוב מאוד . الفيلم كان جيدا", READ),
    "mixed direction": ("alice says \u202ethe movie\u202c was good", READ),
    "zero-width inside words": ("ali\u200bce sa\u200cys the mo\u200dvie\u2060 was\ufeff good", READ),
    "script tag": ("<script>alert(1)</script>", READ),
    "img onerror": ("<img src=x onerror=alert(1)>", READ),
    "bold tag": ("<b>bold</b> the movie was good", READ),
    "markdown link": ("[click](http://evil) the movie was good", READ),
    "markdown image": ("![x](http://evil/x.png)", READ),
    "colour directive": (":red[x] the movie was :red[good]", READ),
    "html entities": ("&lt;b&gt; &amp; &#60;script&#62; the movie", READ),
    "backslashes and backticks": ("\\[click\\](http://evil) `code` \\\\ * _ # >", READ),
    "only unknown words": ("qwzx plorb frimble zzyzx", READ),
    "one token": ("good", READ),
    "one emoji": ("🎬", READ),
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_bad_input_corpus(case):
    text, kind = CORPUS[case]
    at = open_app()
    at.text_area(key="text").input(text).run()
    assert_ok(at)
    assert_no_live_markup(at, f" (typed {case})")
    if kind == EMPTY:
        assert not charts(at) and live_view(at) is None, "nothing to draw for a text without tokens"
        assert any("sentence" in n.lower() for n in texts(at.info)), "a friendly prompt to type"
        return
    assert_view(at, "story-lstm", text, column=0)
    trace = expected_trace("story-lstm", text)
    if kind == CAPPED:
        notes = texts(at.warning) + texts(at.info)
        assert any(str(MAX_TOKENS) in n for n in notes), f"no notice mentions the cap of {MAX_TOKENS}: {notes}"
        assert trace.steps == MAX_TOKENS
        assert len(live_view(at)["tokens"]) == MAX_TOKENS
    else:
        readable = rnnviz.analysis.reading.reading(trace, model("story-lstm").vocab).readable
        assert len(at.warning) == (0 if readable else 1), "no warning but the cannot-read notice"
        assert readable or at.warning[0].icon == ":material/help:"
    if case == "only unknown words":
        assert any("4 of 4" in c for c in texts(at.caption)), "unknown words are counted"
        assert " ".join(texts(at.markdown)).count("?") >= 4, "unknown words are marked"
    if "zero-width" in case or "direction" in case:
        shown = " ".join(texts(at.markdown)) + " ".join(live_view(at)["tokens"])
        assert not any(ch in shown for ch in "\u200b\u200c\u200d\u2060\ufeff\u202e\u202c")


@pytest.mark.parametrize("case", ["script tag", "img onerror", "markdown link", "colour directive"])
def test_hostile_text_in_the_link_is_shown_as_text(case):
    text, _ = CORPUS[case]
    at = open_app(text=text)
    assert at.text_area(key="text").value == text
    assert_view(at, "story-lstm", text, column=0)
    assert_no_live_markup(at, f" (?text= {case})")
    at.toggle(key="as_figures").set_value(True).run()
    assert_no_raw_html_in_charts(at)


@pytest.mark.parametrize("name, slices, labels", [
    ("sentiment-bilstm", ["0:0", "0:1"], ["forward", "backward"]),
    ("story-lstm-2layer", ["0:0", "1:0"], ["layer 0", "layer 1"])])
def test_a_deep_model_shows_the_layer_and_direction_picked(name, slices, labels):
    at = open_app(text=SENTENCE, model=name)
    trace = expected_trace(name, SENTENCE)
    picker = at.segmented_control(key="live_slice")
    assert picker.options == labels and picker.value == "0:0"
    layer, direction = (int(v) for v in slices[1].split(":"))
    picker.set_value(slices[1]).run()
    assert_ok(at)
    view = live_view(at)
    np.testing.assert_allclose(view["hidden"]["values"], trace.hidden[layer, direction], atol=6e-5)
    for gate in view["gates"]:
        np.testing.assert_allclose(gate["values"], trace.gates[gate["name"]][layer, direction], atol=6e-5)
    at.toggle(key="as_figures").set_value(True).run()
    np.testing.assert_allclose(heatmap_z(charts(at)["hidden"]), trace.hidden[layer, direction].T, atol=6e-5)


def test_a_one_layer_model_has_no_slice_picker():
    at = open_app(text=SENTENCE)
    assert not [w for w in at.get("button_group") if getattr(w, "key", None) == "live_slice"]
    assert "live_slice" not in at.session_state


# ---- one screen: teacher mode's answer waits beside the view; one colour range per quantity ----

def test_teacher_mode_hides_the_final_answer_until_it_is_revealed():
    at = open_app(text=SENTENCE, teacher="1", step="2")
    assert_ok(at)
    best, p = expected_trace("story-lstm", SENTENCE).top_predictions(top=1)[0]
    assert not at.metric, "the final answer waits for its reveal"
    assert at.button(key="reveal") and at.button(key="reveal_final"), "both questions sit beside the view"
    at.button(key="reveal_final").click().run()
    assert_ok(at)
    assert [m.value for m in at.metric] == [best] and f"({p:.0%}" in at.metric[0].label
    move_to(at, 5)
    assert [m.value for m in at.metric] == [best], "a step does not hide it again"
    at.text_area(key="text").input("tom says the film was great .").run()
    assert not at.metric, "a new sentence asks again"


def test_outside_teacher_mode_the_final_answer_is_shown():
    at = open_app(text=SENTENCE)
    best, _ = expected_trace("story-lstm", SENTENCE).top_predictions(top=1)[0]
    assert [m.value for m in at.metric] == [best]
    assert not [b for b in at.button if b.key in ("reveal", "reveal_final")]


def test_teacher_mode_folds_the_sentence_box_beside_the_title():
    at = open_app(text=SENTENCE, teacher="1")
    folded = [e for e in at.expander if at.text_area(key="text") in e.text_area]
    assert folded and not folded[0].proto.expanded, "a sentence is there: its box is folded"
    assert at.text_area(key="text").value == SENTENCE


def test_the_cell_colour_range_is_the_models_not_the_sentences():
    from rnnviz.figures.common import cell_range
    from rnnviz.tasks import prepared

    expected = cell_range(*[expected_trace("story-lstm", s) for s in prepared()["tasks"]["story"]])[1]
    at = open_app(text=SENTENCE)
    first = live_view(at)["cellState"]
    at.text_area(key="text").input("tom near the dogs says the film was great .").run()
    second = live_view(at)["cellState"]
    assert first["range"] == second["range"] == expected, "one fixed range for every sentence"
    at.toggle(key="as_figures").set_value(True).run()
    cell = [d for d in charts(at)["cell"]["data"] if d.get("type") == "heatmap"][0]
    assert (cell["zmin"], cell["zmax"]) == (-expected, expected), "the plotly figure shows the same range"
    strips = [d for d in charts(at)["gates"]["data"] if d.get("type") == "heatmap"]
    assert (strips[-2]["zmin"], strips[-2]["zmax"]) == (-expected, expected), "so do the strips (c)"
