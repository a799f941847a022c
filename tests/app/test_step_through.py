"""The Step-through page in AppTest: typing, the model, the step controls, autoplay, the URL,
and the sentences and links a student (or a prankster) may throw at it."""
from __future__ import annotations

import time
from functools import lru_cache

import numpy as np
import pytest

import rnnviz
from rnnviz.figures.theme import HIGHLIGHT
from rnnviz.text import MAX_TOKENS, tokenize

from . import appkit
from .appkit import (assert_no_live_markup, assert_no_raw_html_in_charts, assert_ok, charts,
                     column_of_step_param, cursor, heatmap_z, highlighted_columns,
                     rendered, step_slider, texts, tick_tokens)

SENTENCE = "alice says the movie was good . she is happy ."     # 11 tokens, all known to story-*


def open_app(**query):
    """The step-through page, opened as a link to it would (the guided tour is the landing page)."""
    return appkit.open_app(page="views/step_through.py", **query)


@lru_cache(maxsize=None)
def model(name: str):
    return rnnviz.load_model(name)


def expected_trace(name: str, text: str):
    return rnnviz.trace(model(name), text)


def button(at, word: str):
    matches = [b for b in at.button if word in b.label]
    assert len(matches) == 1, f"expected one button labelled …{word}…, found {[b.label for b in at.button]}"
    return matches[0]


def assert_view(at, name: str, text: str, column: int | None = None) -> None:
    """The page shows `text` read by `name`, with every chart at token column `column`."""
    assert_ok(at)
    assert at.selectbox(key="model").value == name
    trace = expected_trace(name, text)
    figs = charts(at)
    expected = {"chain", "loop", "hidden", "gates", "prediction"} | ({"cell"} if trace.cell is not None else set())
    assert expected <= set(figs), f"charts on the page: {sorted(figs)}"
    if trace.cell is None:
        assert "cell" not in figs, "only an LSTM has a cell state"
    z = heatmap_z(figs["hidden"])
    assert z.shape == (trace.hidden.shape[-1], trace.steps)
    np.testing.assert_allclose(z, trace.hidden[0, 0].T, atol=1e-6)
    if trace.cell is not None:
        np.testing.assert_allclose(heatmap_z(figs["cell"]), trace.cell[0, 0].T, atol=1e-6)
    assert 0 < len(tick_tokens(figs["hidden"])) <= trace.steps
    if trace.steps == 1:                                  # one token: nothing to step through
        assert not any(w.key == "step" for w in at.slider)
        here = 0
    else:
        here = cursor(at)
    column = here if column is None else column
    assert here == column, f"the slider is at column {here}, expected {column}"
    assert 0 <= column < trace.steps
    for key in ("hidden", "cell"):
        if key in figs:
            assert highlighted_columns(figs[key]) == {column}, f"{key} heatmap outlines the wrong column"
    lit = [s for s in figs["chain"]["layout"].get("shapes", []) if s.get("fillcolor") == HIGHLIGHT]
    assert len(lit) == 1, "the unrolled chain highlights exactly one block"
    if trace.probs.shape[1] <= 10:                        # a classifier: a line at the current token
        lines = [s for s in figs["prediction"]["layout"].get("shapes", []) if s.get("type") == "line"]
        assert [s["x0"] for s in lines] == [column]


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
    figs = charts(at)
    ticks = tick_tokens(figs["hidden"])
    assert len(ticks) == len(tokenize(SENTENCE))
    assert all(tok in tick for tick, tok in zip(ticks, tokenize(SENTENCE))), ticks
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


def test_next_previous_and_the_slider_move_every_highlight():
    at = open_app(text=SENTENCE)
    steps = len(tokenize(SENTENCE))
    assert_view(at, "story-lstm", SENTENCE, column=0)

    button(at, "Next").click().run()
    assert_view(at, "story-lstm", SENTENCE, column=1)
    assert at.query_params.get("step") == str(step_slider(at).value), "the URL follows the cursor"
    button(at, "Next").click().run()
    assert_view(at, "story-lstm", SENTENCE, column=2)
    button(at, "Previous").click().run()
    assert_view(at, "story-lstm", SENTENCE, column=1)
    button(at, "Previous").click().run()
    button(at, "Previous").click().run()                 # before the first token: wraps to the last
    assert_view(at, "story-lstm", SENTENCE, column=steps - 1)
    button(at, "Next").click().run()                     # after the last token: wraps to the first
    assert_view(at, "story-lstm", SENTENCE, column=0)

    slider = step_slider(at)
    slider.set_value(slider.min + 5).run()
    assert_view(at, "story-lstm", SENTENCE, column=5)
    step_slider(at).set_value(step_slider(at).max).run()
    assert_view(at, "story-lstm", SENTENCE, column=steps - 1)


def test_a_shorter_sentence_brings_a_far_cursor_back_inside_it():
    at = open_app(text=SENTENCE, step="9")
    assert cursor(at) == column_of_step_param(at, 9)
    at.text_area(key="text").input("good movie").run()
    assert_view(at, "story-lstm", "good movie")
    at.text_area(key="text").input("good").run()
    assert_view(at, "story-lstm", "good", column=0)
    at.text_area(key="text").input(SENTENCE).run()
    assert_view(at, "story-lstm", SENTENCE)
    button(at, "Next").click().run()
    assert_view(at, "story-lstm", SENTENCE)


def test_autoplay_steps_forward_about_once_a_second_and_stops():
    at = open_app(text=SENTENCE)
    at.toggle(key="play").set_value(True).run()
    seen = [cursor(at)]
    for _ in range(3):
        time.sleep(1.05)
        last_tick = time.monotonic()
        at.run()
        assert_view(at, "story-lstm", SENTENCE)
        seen.append(cursor(at))
    assert [b - a for a, b in zip(seen, seen[1:])] == [1, 1, 1], f"autoplay cursor went {seen}"
    if time.monotonic() - last_tick < 0.8:               # a rerun within the second: no extra step
        at.run()
        assert cursor(at) == seen[-1], "a rerun between ticks stepped again"
    at.toggle(key="play").set_value(False).run()
    stopped = cursor(at)
    time.sleep(1.05)
    at.run()
    assert cursor(at) == stopped, "autoplay kept stepping after it was switched off"


def test_a_link_restores_text_step_and_model():
    at = open_app(text=SENTENCE, step="3", model="story-gru")
    assert at.text_area(key="text").value == SENTENCE
    assert step_slider(at).value == 3
    assert_view(at, "story-gru", SENTENCE, column=column_of_step_param(at, 3))
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
        assert not charts(at), "nothing to draw for a text without tokens"
        assert any("sentence" in n.lower() for n in texts(at.info)), "a friendly prompt to type"
        return
    assert_no_raw_html_in_charts(at)
    assert_view(at, "story-lstm", text, column=0)
    trace = expected_trace("story-lstm", text)
    if kind == CAPPED:
        notes = texts(at.warning) + texts(at.info)
        assert any(str(MAX_TOKENS) in n for n in notes), f"no notice mentions the cap of {MAX_TOKENS}: {notes}"
        assert trace.steps == MAX_TOKENS
        assert heatmap_z(charts(at)["hidden"]).shape[1] == MAX_TOKENS
        assert step_slider(at).max - step_slider(at).min == MAX_TOKENS - 1
    else:
        assert not at.warning
    if case == "only unknown words":
        assert any("4 of 4" in c for c in texts(at.caption)), "unknown words are counted"
        assert " ".join(texts(at.markdown)).count("?") >= 4, "unknown words are marked"
    if "zero-width" in case or "direction" in case:
        shown = " ".join(texts(at.markdown)) + " ".join(tick_tokens(charts(at)["hidden"]))
        assert not any(ch in shown for ch in "\u200b\u200c\u200d\u2060\ufeff\u202e\u202c")


@pytest.mark.parametrize("case", ["script tag", "img onerror", "markdown link", "colour directive"])
def test_hostile_text_in_the_link_is_shown_as_text(case):
    text, _ = CORPUS[case]
    at = open_app(text=text)
    assert at.text_area(key="text").value == text
    assert_view(at, "story-lstm", text, column=0)
    assert_no_live_markup(at, f" (?text= {case})")
    assert_no_raw_html_in_charts(at)
