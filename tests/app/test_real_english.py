"""Real English in the app (#14): the two real-English models head the model picker under their
group's title, every page opens with each of them, their prepared sentences are offered, and
typed text is read with the model's own tokenizer (a character model's tokens are characters,
"␣" a space; its unknown tokens are characters outside its alphabet).

Expected values are computed here from the bundled models (rnnviz.load_model, rnnviz.trace)."""
from __future__ import annotations

from functools import cache

import pytest

import rnnviz
from rnnviz import tasks
from rnnviz.analysis.reading import nearest_sentence
from rnnviz.checkpoints import MODELS_DIR, read_card
from rnnviz.i18n import t
from rnnviz.text import MAX_TOKENS
from rnnviz.ui import controls, keys, pages

from .appkit import assert_ok, english_leftovers, live_view, open_app, rendered

WORD, CHARS = "english-lstm", "english-char-lstm"
STEP, COMPARE = "views/step_through.py", "views/compare.py"
# Every page but Flags, whose character-model view has its own tests (test_flags_chars.py).
PAGES = [p.path for p in pages.PAGES if p.name != "flags"]
LONG = "The quick brown fox jumps over the lazy dog, and the dog does not mind at all. " * 4   # > 200 characters
FOREIGN = "Ελληνικά γράμματα"          # Greek: no letter in the character model's ASCII alphabet


@cache
def model(name: str):
    return rnnviz.load_model(name)


@cache
def task(name: str) -> str:
    return read_card(MODELS_DIR / f"{name}.json")["task"]


def prepared(name: str) -> list[str]:
    return tasks.prepared()["tasks"][task(name)]


def opened(page: str, **query: str):
    """`page` opened by a link, run once more (the first run after a page switch sees no sentence)."""
    at = open_app(page, **query)
    at.run()
    assert_ok(at)
    return at


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


# ---- the picker ----------------------------------------------------------------------------------

def test_the_picker_lists_real_english_first_then_the_grammars_and_opens_on_story_lstm():
    at = opened(STEP)
    options = list(at.selectbox(key=keys.MODEL).options)
    assert options[:2] == [WORD, CHARS], options
    order = [controls.TASKS.index(task(name)) for name in options]
    assert order == sorted(order), f"grouped by task in the picker's order: {options}"
    assert {task(name) for name in options[2:]} <= set(tasks.TASKS), "the grammars follow real English"
    assert at.selectbox(key=keys.MODEL).value == controls.DEFAULT_MODEL == "story-lstm"
    teacher = opened(STEP, teacher="1")
    assert list(teacher.selectbox(key=keys.TEACHER_MODEL).options) == options, "teacher mode's row: the same order"


@pytest.mark.parametrize(("name", "lang"), [(WORD, "en"), (CHARS, "en"), (CHARS, "fil")])
def test_the_sidebar_names_the_real_english_group_in_the_current_language(name, lang):
    at = opened(STEP, model=name, lang=lang)
    group = t(f"controls.task.{task(name)}", lang=lang)
    line = group + " — " + t(f"controls.model.{name}", lang=lang)
    assert line in captions(at), captions(at)
    assert t("controls.task.english", lang=lang).split(" (")[0] in group, "both titles open with the group's name"
    if lang == "fil":
        assert not english_leftovers(at)


# ---- every page, with each model ---------------------------------------------------------------

@pytest.mark.parametrize("name", [WORD, CHARS])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_with_a_real_english_model_on_its_first_prepared_sentence(page, name):
    at = opened(page, model=name)
    assert at.selectbox(key=keys.MODEL).value == name
    assert at.text_area(key=keys.TEXT).value == prepared(name)[0]
    assert list(at.pills(key=keys.EXAMPLE_PICK).options) == prepared(name), "its own prepared sentences"
    view = live_view(at)
    if view is not None and "tokens" in view:          # a page that steps in the browser: the model's own tokens
        assert view["tokens"] == model(name).tokenize(prepared(name)[0])[:MAX_TOKENS]


@pytest.mark.parametrize("name", [WORD, CHARS])
def test_step_through_predicts_the_next_word_or_character_as_the_model_does(name):
    at = opened(STEP, model=name)
    sentence = prepared(name)[0]
    trace = rnnviz.trace(model(name), sentence)
    view = live_view(at)
    assert view["tokens"] == list(trace.tokens) == model(name).tokenize(sentence)
    top = view["prediction"]["top"]
    assert len(top) == trace.steps
    for step in (0, trace.steps - 1):
        expected = trace.top_predictions(step, len(top[step]))
        assert [label for label, _ in top[step]] == [label for label, _ in expected]
        guesses = [label for label, _ in top[step]]
        assert set(guesses) <= set(model(name).vocab.tokens), "every guess is one of the model's tokens"
        if name == CHARS:
            assert all(len(g) == 1 for g in guesses if g in model(name).vocab), "a character model guesses characters"
    what = "fig.common.next_word" + (".chars" if name == CHARS else "")
    assert view["headLabel"] == t(what)
    best, p = trace.top_predictions(top=1)[0]
    metric = at.metric[0]
    assert rendered(metric.value) == best and metric.value == controls.md_escape(best), "escaped: its value is markdown"
    assert metric.label == t("step.final", what=t("step.final_next_word" + (".chars" if name == CHARS else "")),
                             p=f"{p:.0%}")
    if name == CHARS:
        assert all(len(token) == 1 for token in view["tokens"]) and "␣" in view["tokens"]


def test_a_long_typed_text_is_cut_for_the_character_model_with_the_pages_notice():
    tokens = model(CHARS).tokenize(LONG)
    assert len(LONG) > MAX_TOKENS and len(tokens) > MAX_TOKENS
    at = opened(STEP, model=CHARS, text=LONG)
    notice = t("controls.too_long.chars", count=f"{len(tokens):,}", limit=MAX_TOKENS)
    assert notice in [w.value for w in at.warning]
    assert live_view(at)["tokens"] == tokens[:MAX_TOKENS]
    words = opened(STEP, model=WORD, text=LONG)
    assert len(model(WORD).tokenize(LONG)) <= MAX_TOKENS and not words.warning, "the word model reads it whole"
    assert live_view(words)["tokens"] == model(WORD).tokenize(LONG)


# ---- unknown tokens, said in the words that fit the model --------------------------------------

def test_the_character_model_marks_only_characters_outside_its_alphabet():
    text = "Café crème, s'il vous plaît!"
    chars = model(CHARS).tokenize(text)
    outside = [c for c in chars if c not in model(CHARS).vocab]
    assert outside == ["é", "è", "î"]
    at = opened(STEP, model=CHARS, text=text)
    chips = next(m.value for m in at.markdown if "background[" in m.value)
    assert rendered(chips).count(" ?]") == len(outside)
    assert all(f"orange-background[{c} ?]" in chips for c in outside)
    said = captions(at)
    assert t("controls.unknown_tokens.chars", unknown=len(outside), steps=len(chars)) in said
    assert t("controls.unknown_mark.chars") in said and t("controls.unknown_mark") not in said
    known = sum(token in model(CHARS).vocab for token in model(CHARS).vocab.tokens)
    assert t("controls.known_words.chars", count=known) in [e.label for e in at.expander]
    assert not at.warning, "three unknown characters do not make a sentence unreadable"


def test_the_word_model_counts_its_vocabulary_instead_of_listing_it():
    at = opened(STEP, model=WORD)
    vocab = model(WORD).vocab
    known = sum(token in vocab for token in vocab.tokens)
    assert t("controls.known_words_many", count=f"{known:,}") in captions(at)
    assert not any(e.label == t("controls.known_words", count=known) for e in at.expander)


def test_a_foreign_text_is_unreadable_to_the_character_model_and_the_nearest_sentence_loads():
    at = opened(STEP, model=CHARS, text=FOREIGN)
    chars = model(CHARS).tokenize(FOREIGN)
    unknown = sum(c not in model(CHARS).vocab for c in chars)
    said = t("controls.cannot_read_unknown.chars", name=controls.md_escape(CHARS), unknown=unknown, steps=len(chars))
    assert any(said in w.value for w in at.warning), [w.value for w in at.warning]
    nearest = nearest_sentence(chars, model(CHARS).vocab, prepared(CHARS), tokens_of=model(CHARS).tokenize)
    at.button(key=keys.TRY_NEAREST).click().run()
    assert_ok(at)
    assert at.text_area(key=keys.TEXT).value == nearest
    assert not at.warning


# ---- switching models ---------------------------------------------------------------------------

def test_switching_to_a_real_english_model_brings_its_prepared_sentence():
    at = opened(STEP)
    story = at.text_area(key=keys.TEXT).value
    assert story in tasks.prepared()["tasks"]["story"]
    at.selectbox(key=keys.MODEL).select(WORD).run()
    assert_ok(at)
    assert at.text_area(key=keys.TEXT).value == prepared(WORD)[0]
    at.selectbox(key=keys.MODEL).select(CHARS).run()
    assert_ok(at)
    assert at.text_area(key=keys.TEXT).value == prepared(CHARS)[0]
    assert live_view(at)["tokens"] == model(CHARS).tokenize(prepared(CHARS)[0])


def test_rnn_vs_lstm_vs_gru_shows_a_real_english_model_alone_and_says_what_its_gates_were_counted_on():
    for name, pool in ((WORD, "probe"), (CHARS, "sentence")):
        at = opened(COMPARE, model=name)
        assert t("compare.alone", name=controls.md_escape(name)) in [i.value for i in at.info]
        assert t(f"compare.counted_{pool}") in captions(at), (name, captions(at))
