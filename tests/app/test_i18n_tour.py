"""The guided tour, teacher mode and the share box in Filipino: every word from the catalogues,
the sentence and the model's own words (tokens, labels) still English."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest

import rnnviz
from rnnviz import i18n, tasks
from rnnviz.figures import theme
from rnnviz.ui import teacher, tour

from .appkit import FIL, assert_no_live_markup, assert_ok, english_leftovers, open_app, open_in_filipino, rendered

SENTENCE = "alice says the movie was good . she is happy ."
HOSTILE = "<script>alert(1)</script> [click](http://evil) ![x](http://evil/x.png) :red[x] <b>bold</b>"
TOUR = "views/tour.py"
STEP_PAGE = "views/step_through.py"
KEYS = [s.key for s in tour.TOUR]         # the sections, in the lesson's order


def labels(elements) -> list[str]:
    return [e.proto.label for e in elements]


# ---- the tour page ----------------------------------------------------------------------------

def test_the_tour_speaks_filipino():
    at = open_in_filipino(TOUR, text=SENTENCE)
    assert at.title[0].value == FIL["tour.title"]
    assert FIL["tour.intro"] in [c.value for c in at.caption]
    assert [h.value for h in at.header] == [f"{k} · {FIL[f'tour.{key}.title']}"
                                            for k, key in enumerate(KEYS, start=1)]
    shown = [m.value for m in at.markdown]
    assert all(FIL[f"tour.{key}.text"] in shown for key in KEYS)
    assert labels(at.get("page_link")) == [FIL[f"tour.{key}.link"] for key in KEYS]
    assert {FIL["share.json"], FIL["share.states"], FIL["share.tokens"]} <= set(labels(at.get("download_button")))
    assert english_leftovers(at) == []


def test_the_tours_order_pair_keeps_the_models_words():
    """The two sentences and the labels the model says stay English; the words around them do not."""
    at = open_in_filipino(TOUR, text=SENTENCE)
    model = rnnviz.load_model("sentiment-lstm")
    texts = " ".join(rendered(m.value) for m in at.markdown).replace("**", "")
    for sentence in ("the acting was bad but the story was great .", "the acting was great but the story was bad ."):
        trace = rnnviz.trace(model, sentence)
        best = int(trace.probs[-1].argmax())
        said = FIL["tour.order.says"].format(model="sentiment-lstm", label=model.labels[best],
                                             share=f"{trace.probs[-1][best]:.0%}").replace("**", "")
        assert f"“{sentence}”" in texts and said in texts, said
    assert " says " not in texts


def test_the_tour_in_filipino_answers_a_model_change_and_a_new_sentence():
    at = open_in_filipino(TOUR, text=SENTENCE)
    at.selectbox(key="model").set_value("sentiment-gru").run()
    assert_ok(at)
    assert at.title[0].value == FIL["tour.title"]
    assert english_leftovers(at) == []
    assert any(FIL["tour.read_by"].format(model="sentiment-gru") == rendered(c.value) for c in at.caption)
    at.text_area(key="text").input("the film was not good .").run()
    assert_ok(at)
    assert [h.value for h in at.header][0] == f"1 · {FIL['tour.order.title']}"
    assert english_leftovers(at) == []


def test_the_tour_in_filipino_still_shows_hostile_text_as_text():
    at = open_in_filipino(TOUR)
    at.text_area(key="text").input(HOSTILE).run()
    assert_ok(at)
    assert_no_live_markup(at, " on the Filipino tour")


def test_the_copy_link_keeps_filipino():
    at = open_in_filipino(TOUR, text=SENTENCE)
    link = next(c.value for c in at.code if "text=" in c.value)
    params = dict(parse_qsl(urlsplit(link).query))
    assert params["lang"] == "fil"
    again = open_app(TOUR, **params)          # the link alone: lang comes from it
    assert_ok(again)
    assert again.title[0].value == FIL["tour.title"]
    assert again.text_area(key="text").value == SENTENCE


# ---- teacher mode ------------------------------------------------------------------------------

def test_teacher_mode_in_filipino_has_no_english_leftovers():
    at = open_in_filipino(TOUR, text=SENTENCE, teacher="1")
    assert at.sidebar.toggle(key="teacher").value
    assert at.sidebar.toggle(key="teacher").proto.label == FIL["teacher.toggle"]
    assert FIL["teacher.leave"] in [b.label for b in at.button]
    assert at.subheader[0].value == FIL["tour.title"], "on a projector the title is a subheading"
    assert english_leftovers(at) == []
    next(b for b in at.button if b.label == FIL["teacher.leave"]).click().run()
    assert_ok(at)
    assert not at.sidebar.toggle(key="teacher").value
    assert at.query_params["lang"] in ("fil", ["fil"]), "leaving teacher mode keeps the language"


def expected(trace, step: int) -> tuple[str, str]:
    """The Filipino question and answer for the step, computed from the trace alone."""
    nxt = step + 1
    word = trace.tokens[nxt]
    if step % 2 == 0:
        means = {g: float(v[0, 0, nxt].mean()) for g, v in trace.gates.items() if g != "candidate"}
        best = max(means, key=means.get)
        return (FIL["teacher.gate_question"].format(word=word),
                FIL["teacher.gate_answer"].format(gate=theme.gate_label(best, "lstm", "fil"),
                                                  mean=f"{means[best]:.2f}"))
    best = int(np.argmax(trace.probs[nxt]))
    return (FIL["teacher.predict_question"].format(word=word), f"{trace.labels[best]} ({trace.probs[nxt][best]:.0%})")


@pytest.mark.parametrize("step", [2, 3])            # a gate question, then a prediction question
def test_predict_then_reveal_in_filipino(step):
    trace = rnnviz.trace(rnnviz.load_model("story-lstm"), SENTENCE)
    at = open_in_filipino(STEP_PAGE, text=SENTENCE, step=str(step), teacher="1")
    assert "#### " + FIL["teacher.heading"] in [m.value for m in at.markdown]    # beside the view
    question, answer = expected(trace, step)
    assert f"**{question}**" in [rendered(m.value) for m in at.markdown], question
    reveal = at.button(key="reveal")
    assert reveal.label == FIL["teacher.reveal"]
    assert not at.success, "the answer is hidden before the reveal"
    reveal.click().run()
    assert_ok(at)
    assert [rendered(s.value) for s in at.success] == [answer]


def test_the_last_token_says_so_in_filipino():
    last = len(SENTENCE.split()) - 1
    at = open_in_filipino(STEP_PAGE, text=SENTENCE, step=str(last), teacher="1")
    assert FIL["teacher.last_token"] in [c.value for c in at.caption]
    assert not [b for b in at.button if b.key == "reveal"]


# ---- without the app: the language of the moment ----------------------------------------------

def test_the_sections_follow_the_language(filipino):
    assert [heading for _, heading, _, _ in tour.sections()] == [FIL[f"tour.{key}.title"] for key in KEYS]
    with i18n.speaking("en"):
        assert [words for _, _, words, _ in tour.sections()][0] == i18n.catalogue("en")["tour.order.text"]


def test_every_flag_concept_has_a_name_in_every_language(filipino):
    from rnnviz.analysis.flags import FLAG_CONCEPTS
    concepts = {c for names in FLAG_CONCEPTS.values() for c in names}
    assert concepts <= set(tasks.CONCEPTS)
    caption = tour._flag_caption("story-lstm", 7, "female")
    assert caption == FIL["tour.flags.flag"].format(model="story\\-lstm", unit=7,
                                                    concept=FIL["tour.flags.concept.female"])
    assert tour._flag_caption("a*b", 3, None) == FIL["tour.flags.moving"].format(model="a\\*b", unit=3)


def test_next_question_is_filipino_around_the_models_words(filipino):
    trace = rnnviz.trace(rnnviz.load_model("story-gru"), "[x](http://evil) is here .")
    question, answer = teacher.next_question(trace, 1, escape=lambda s: f"<{s}>")
    assert question == FIL["teacher.predict_question"].format(word=f"<{trace.tokens[2]}>")
    assert answer.startswith("<") and answer.split(">")[0][1:] in trace.labels
    question, answer = teacher.next_question(trace, 0)
    assert question == FIL["teacher.gate_question"].format(word=trace.tokens[1])
    gates = [theme.gate_label(g, "gru", "fil") for g in ("reset", "update")]
    assert any(answer.startswith(FIL["teacher.gate_answer"].split("{")[0] + gate + " ") for gate in gates), answer
