"""The controls every page shares, in Filipino: the model picker, the sentence box, the token chips,
the step cursor and its buttons, and the notices a bad link or a long text brings."""
from __future__ import annotations

import pytest

from rnnviz import i18n
from rnnviz.errors import RnnvizError
from rnnviz.text import MAX_TOKENS, tokenize
from rnnviz.ui import controls, keys, loaders

from . import appkit
from .appkit import assert_no_live_markup, assert_ok, charts, english_leftovers, fil, rendered, texts

PAGE = "views/anatomy.py"                 # a page with every shared control (its cursor in the browser)
SENTENCE = "alice says the movie was good . she is happy ."     # 11 tokens, all known to story-*


def open_in_filipino(**query):
    """The page of shared controls in Filipino."""
    return appkit.open_in_filipino(PAGE, **query)


def button(at, label: str):
    matches = [b for b in at.button if b.label == label]
    assert len(matches) == 1, f"expected one button {label!r}, found {[b.label for b in at.button]}"
    return matches[0]


def notices(at) -> list[str]:
    return [rendered(n) for n in texts(at.info) + texts(at.warning)]


def test_sentence_box_chips_and_cursor_in_filipino():
    at = open_in_filipino(text="qwzx alice says the movie was good .")
    box = at.text_area(key="text")
    assert box.label == fil("controls.sentence_label") != i18n.t("controls.sentence_label", lang="en")
    assert box.placeholder == fil("controls.sentence_placeholder", example="alice says the movie was good .")
    assert box.value == "qwzx alice says the movie was good ."      # the sentence itself stays English
    assert at.pills(key="example_pick").label == fil("controls.examples_label")
    assert fil("controls.unknown_tokens", unknown=1, steps=8) in texts(at.caption)
    vocab = loaders.bundled_model("story-lstm").vocab
    words = len([token for token in vocab.tokens if token in vocab])
    assert fil("controls.known_words", count=words) in [e.label for e in at.expander]
    words = appkit.live_view(at)["words"]          # the cursor's bar is drawn in the browser
    assert {k: words[k] for k in ("previous", "next", "keys", "at_end")} == {
        k: fil(f"live.{k}") for k in ("previous", "next", "keys", "at_end")}
    assert english_leftovers(at) == []


def test_the_cursor_in_filipino_stays_inside_the_sentence():
    at = open_in_filipino(text=SENTENCE)
    steps = len(tokenize(SENTENCE))
    at.session_state[keys.STEP] = 1                 # what the browser's "moved" event sets
    at.run()
    assert_ok(at)
    assert appkit.live_view(at)["step"] == 1
    at.session_state[keys.STEP] = steps + 3         # past the end: kept at the last token, no wrap
    at.run()
    assert appkit.live_view(at)["step"] == steps - 1
    assert english_leftovers(at) == []


def test_the_chain_names_its_head_in_filipino():
    at = appkit.open_app("views/step_through.py", lang="fil", text=SENTENCE)
    at.run()
    assert appkit.live_view(at)["headLabel"] == fil("fig.common.next_word")
    at.toggle(key="as_figures").set_value(True).run()
    notes = [a.get("text") for a in charts(at)["chain"]["layout"]["annotations"]]
    assert fil("fig.common.next_word") in notes and "next word" not in notes
    at.selectbox(key="model").set_value("sentiment-gru").run()
    assert_ok(at)
    notes = [a.get("text") for a in charts(at)["chain"]["layout"]["annotations"]]
    assert fil("fig.common.classifier") in notes
    assert appkit.live_view(at)["headLabel"] == fil("fig.common.classifier")


@pytest.mark.parametrize("asked", ["abc", "99", "[a](//evil)"])
def test_a_bad_step_in_the_link_is_explained_in_filipino(asked):
    at = appkit.open_app(PAGE, lang="fil", text=SENTENCE, step=asked)     # a notice shows on one run
    assert_ok(at)
    last = len(tokenize(SENTENCE)) - 1
    assert fil("controls.step_not_here", asked=asked, last=last) in notices(at)
    assert appkit.live_view(at)["step"] == 0
    assert_no_live_markup(at, f" (step={asked!r})")


@pytest.mark.parametrize("asked", ["nope", "[click](http://evil)"])
def test_an_unknown_model_in_the_link_is_explained_in_filipino(asked):
    at = appkit.open_app(PAGE, lang="fil", text=SENTENCE, model=asked)    # a notice shows on one run
    assert_ok(at)
    assert fil("controls.model_not_here", asked=asked, fallback=controls.DEFAULT_MODEL) in notices(at)
    assert at.selectbox(key="model").value == controls.DEFAULT_MODEL
    assert_no_live_markup(at, f" (model={asked!r})")


def test_too_long_and_empty_texts_in_filipino():
    long_text = "alice says the movie was good . " * 200
    at = open_in_filipino(text=long_text)
    count = f"{len(tokenize(long_text)):,}"
    assert texts(at.warning) == [fil("controls.too_long", count=count, limit=MAX_TOKENS)]
    at.text_area(key="text").input("   ").run()
    assert_ok(at)
    assert fil("controls.type_prompt") in texts(at.info)
    assert english_leftovers(at) == []


def test_model_picker_in_filipino():
    at = open_in_filipino(text=SENTENCE)
    picker = at.sidebar.selectbox(key="model")
    assert picker.label == fil("controls.model_label") and picker.help == fil("controls.model_help")
    caption = texts(at.sidebar.caption)
    assert any(c.startswith(fil("controls.task.story") + " — ") for c in caption), caption
    picker.set_value("sentiment-lstm").run()
    assert_ok(at)
    assert any(c.startswith(fil("controls.task.sentiment") + " — ") for c in texts(at.sidebar.caption))


def test_the_lesson_ideas_in_teacher_mode_are_named_in_filipino():
    at = open_in_filipino(text=SENTENCE, teacher="1")
    picker = at.selectbox(key=keys.PRESET_PICK)            # the ideas are presets, in teacher mode's top row
    assert picker.label == fil("presets.picker_label") and picker.placeholder == fil("presets.picker_placeholder")
    assert fil("controls.idea.order") in picker.options, picker.options
    assert i18n.t("controls.idea.order", lang="en") not in picker.options


def test_broken_and_missing_models_are_explained_in_filipino(monkeypatch):
    monkeypatch.setattr(loaders, "broken_models", lambda: {"bad<b>": "not a [model](http://evil)"})
    at = open_in_filipino(text=SENTENCE)
    expected = fil("controls.model_unreadable", name="bad<b>", why="not a [model](http://evil)")
    assert expected in [rendered(w) for w in texts(at.sidebar.warning)]
    assert_no_live_markup(at)
    monkeypatch.setattr(loaders, "model_names", lambda: [])
    at.run()
    assert texts(at.error) == [fil("controls.no_models")]


def test_a_model_that_cannot_open_is_explained_in_filipino(monkeypatch):
    def refuse(name):
        raise RnnvizError("The file is damaged.")
    monkeypatch.setattr(loaders, "get_model", refuse)
    at = appkit.open_app(PAGE, lang="fil", text=SENTENCE)
    assert_ok(at)
    expected = fil("controls.model_unopenable", name=controls.DEFAULT_MODEL, why="The file is damaged.")
    assert [rendered(e) for e in texts(at.error)] == [expected]


def test_task_and_idea_titles_follow_the_language():
    with i18n.speaking("en"):
        assert controls.task_title("story") == i18n.t("controls.task.story", lang="en")
        assert controls.task_title("nope") == "" and controls.idea_title("nope") == "nope"
    with i18n.speaking("fil"):
        assert {task: controls.task_title(task) for task in controls.TASKS} == {
            task: fil(f"controls.task.{task}") for task in controls.TASKS}
        assert {idea: controls.idea_title(idea) for idea in controls.IDEAS} == {
            idea: fil(f"controls.idea.{idea}") for idea in controls.IDEAS}
        assert controls.task_title("story") != i18n.t("controls.task.story", lang="en")
        assert set(controls.IDEAS) == set(controls.examples()["ideas"])


def test_switching_language_keeps_the_sentence_model_and_step():
    at = appkit.open_app(PAGE, text=SENTENCE, model="story-gru")
    at.session_state[keys.STEP] = 2                 # what the browser's "moved" event sets
    at.run()
    assert appkit.live_view(at)["step"] == 2
    at.segmented_control(key="lang").set_value("fil").run()
    assert_ok(at)
    assert at.text_area(key="text").value == SENTENCE
    assert at.selectbox(key="model").value == "story-gru"
    assert appkit.live_view(at)["step"] == 2
    assert appkit.live_view(at)["words"]["next"] == fil("live.next")
    assert at.text_area(key="text").label == fil("controls.sentence_label")
    assert english_leftovers(at) == []
