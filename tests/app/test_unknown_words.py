"""Unknown words in the app: what "?" means wherever it shows, a notice above the answer when the
model cannot read the sentence (with the nearest prepared sentence one click away), and a
classifier's answer on such a sentence shown as a guess, not as "99 % sure"."""
from __future__ import annotations

import rnnviz
from rnnviz import tasks
from rnnviz.analysis.reading import nearest_sentence
from rnnviz.i18n import t
from rnnviz.text import tokenize
from rnnviz.ui import keys

from .appkit import assert_ok, open_app

YOUR_MODEL, TOUR = "views/your_model.py", "views/tour.py"
EVERYDAY = "My little brother did not like the new teacher at school"
NO_KEY = "the cat sat on the mat . we walked home . what colour was the key ?"


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_a_keyless_recall_sentence_is_answered_as_a_guess_and_the_nearest_sentence_loads():
    at = open_app(page=YOUR_MODEL, model="recall-gru", text=NO_KEY)
    assert_ok(at)
    colours = ", ".join(rnnviz.load_model("recall-gru").spec.labels)
    assert any(t("controls.cannot_read_no_key", name="recall\\-gru", classes=colours) in w.value for w in at.warning)
    metric = at.metric[0]
    assert metric.label == t("controls.answer_no_key") and "%" not in metric.label
    nearest = nearest_sentence(tokenize(NO_KEY), rnnviz.load_model("recall-gru").vocab,
                               tasks.prepared()["tasks"]["recall"])
    at.button(key=keys.TRY_NEAREST).click().run()
    assert_ok(at)
    assert at.text_area(key=keys.TEXT).value == nearest
    assert not at.warning, "the prepared sentence has its key: nothing to warn about"
    assert "%" in at.metric[0].label, "a readable sentence's answer shows its confidence"


def test_a_mostly_unknown_sentence_says_so_above_the_answer_in_filipino():
    at = open_app(page=YOUR_MODEL, model="story-lstm", text=EVERYDAY, lang="fil")
    assert_ok(at)
    vocab = rnnviz.load_model("story-lstm").vocab
    tokens = tokenize(EVERYDAY)
    unknown = sum(tok not in vocab for tok in tokens)
    said = t("controls.cannot_read_unknown", lang="fil", name="story\\-lstm", unknown=unknown, steps=len(tokens))
    assert any(said in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.metric[0].label == t("controls.answer_unknown", lang="fil", unknown=unknown, steps=len(tokens))
    assert t("controls.unknown_tokens", lang="fil", unknown=unknown, steps=len(tokens)) in captions(at)


def test_the_tour_says_what_the_question_mark_means():
    at = open_app(page=TOUR, text=EVERYDAY)
    assert_ok(at)
    assert t("controls.unknown_mark") in captions(at)
    known_only = open_app(page=TOUR, text=tasks.prepared()["tasks"]["story"][0])
    assert t("controls.unknown_mark") not in captions(known_only), "no unknown word, nothing to explain"
