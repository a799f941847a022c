"""The Labs pages (Vanishing gradients, Flags) in Filipino: titles, widgets, charts and notices come
from the Filipino catalogue, no English catalogue text is left on the page, and the main
interactions run without a traceback. The sentences the models read stay English."""
from __future__ import annotations

import pytest

import rnnviz
from rnnviz import i18n
from rnnviz.ui import keys, units

from .appkit import (
    FIL,
    assert_no_live_markup,
    assert_ok,
    charts,
    english_leftovers,
    fil,
    open_in_filipino,
    texts,
    title,
)

GRADIENTS, FLAGS = "views/gradients.py", "views/flags.py"
SENTENCE = "alice says the movie was not very good . she is sad ."        # "she" is token 9
RECALL_TEXT = "the key is red . the cat sat on the mat . we walked home . what colour was the key ?"


def assert_filipino(at, page_title_key: str) -> None:
    assert [h.value for h in at.title] == [FIL[page_title_key]]
    assert english_leftovers(at) == []


def names(spec: dict) -> list[str]:
    return [d.get("name") for d in spec["data"]]


# ---- vanishing gradients ---------------------------------------------------------------------

def test_the_gradients_page_opens_in_filipino():
    at = open_in_filipino(GRADIENTS, text=SENTENCE)
    assert_filipino(at, "gradients.title")
    assert fil("gradients.vanish_header") in [h.value for h in at.header]
    box = at.selectbox[0]
    assert box.label == FIL["gradients.target_label"]
    assert box.options[0] == FIL["gradients.target.own"]
    assert fil("gradients.target.word", word="she", position=9, after=8) in box.options, "the word stays English"
    rho = at.metric[0]
    assert rho.label.startswith("Spectral radius")       # kept as the technical term
    lab_title = fil("gradients.fig.untrained_title", rho=rho.value, title="")[:-1]
    assert title(charts(at)["lab_curves"]).startswith(lab_title)
    assert at.select_slider(key="lab_clip").options[0] == FIL["gradients.clip_off"]


def test_the_gradients_page_works_in_filipino():
    at = open_in_filipino(GRADIENTS, text=SENTENCE)
    at.selectbox[0].set_value(("she", 8)).run()
    assert_ok(at)
    curves = charts(at)["gradient_curves"]                  # the mark's note: in the legend (compact) or on the chart
    notes = [a.get("text", "") for a in curves["layout"].get("annotations", [])] + names(curves)
    assert any(n.startswith(FIL["gradients.mark_read"]) for n in notes), notes

    at.slider(key="lab_scale").set_value(3.0).run()
    at.select_slider(key="lab_clip").set_value(10).run()
    next(g for g in at.get("button_group") if "relu" in g.options).set_value("relu").run()
    assert_ok(at)
    lab = charts(at)["lab_curves"]
    assert fil("gradients.fig.clipped", label="RNN · h") in names(lab)
    assert any(a.get("text") == fil("gradients.fig.clip_at", threshold="10") for a in lab["layout"]["annotations"])
    assert charts(at)["lab_gain"]["layout"]["yaxis"]["title"]["text"] == FIL["gradients.fig.gain_axis"]
    assert english_leftovers(at) == []


def test_the_recall_contrast_in_filipino():
    at = open_in_filipino(GRADIENTS, text=SENTENCE)
    at.text_input(key="recall_text").input(RECALL_TEXT).run()
    assert_ok(at)
    labels = [m.label for m in at.metric]
    recall = len([n for n in rnnviz.list_models() if n.startswith("recall-")])     # every recall model answers
    assert labels.count(FIL["gradients.answer_label"]) == recall
    assert labels.count(fil("gradients.reaching_label", colour="red")) == recall, "the colour word stays English"
    assert sum(c.startswith(fil("gradients.guessing", chance="25%")) for c in texts(at.caption)) == recall
    assert english_leftovers(at) == []

    at.text_input(key="recall_text").input("the key is . what colour was the key ?").run()
    assert_ok(at)
    assert FIL["gradients.name_colour"] in texts(at.info)


# ---- flags -----------------------------------------------------------------------------------

def test_the_flags_page_opens_in_filipino():
    at = open_in_filipino(FLAGS, text=SENTENCE)
    assert_filipino(at, "flags.title")
    concept = at.radio(key=keys.FLAG_CONCEPT)
    assert concept.value == "female", "the code keeps the English concept ids"
    assert concept.options == [FIL[f"units.concept.{c}"] for c in ("female", "plural", "negation", "word")]
    assert at.radio(key=keys.CLAMP_TO).options[0].startswith(FIL["units.clamp.off"])
    assert at.text_input(key=keys.PAIR_A).label == FIL["units.sentence_a"]
    assert at.text_input(key=keys.PAIR_A).value == units.PAIRS["story"][0][0], "the pair stays English"
    table = at.dataframe[0].value
    assert FIL["units.col.concept"] in table.columns
    assert set(table[FIL["units.col.concept"]]) <= {FIL[f"units.concept_name.{c}"] for c in units.CONCEPTS}
    assert title(charts(at)["flag_ranking"]) == FIL["flags.fig.ranking_title"]


def test_the_flags_page_works_in_filipino():
    at = open_in_filipino(FLAGS, text=SENTENCE)
    at.radio(key=keys.FLAG_CONCEPT).set_value("plural").run()
    assert_ok(at)
    assert at.radio(key=keys.FLAG_CONCEPT).value == "plural"
    for choice in ("on", "zero"):
        at.radio(key=keys.CLAMP_TO).set_value(choice).run()
        assert_ok(at)
    assert at.radio(key=keys.CLAMP_TO).value == "zero"
    at.selectbox(key=keys.PAIR_PICK).set_value(2).run()
    assert_ok(at)
    assert at.text_input(key=keys.PAIR_B).value == units.PAIRS["story"][2][1]
    at.radio(key=keys.FLAG_CONCEPT).set_value(units.WORD_CHOICE).run()
    at.text_input(key=keys.FLAG_WORD).input("zzyzx").run()
    assert_ok(at)
    assert FIL["flags.no_ranking"] in texts(at.info)
    at.text_input(key=keys.PAIR_B).input("").run()
    assert_ok(at)
    assert FIL["flags.type_both"] in texts(at.info)
    assert english_leftovers(at) == []


def test_a_bidirectional_models_units_are_named_in_filipino():
    at = open_in_filipino(FLAGS, text="the movie was not very good", model="sentiment-bilstm")
    picker = at.selectbox(key=keys.UNIT)
    backward = FIL["fig.direction.backward"]
    assert picker.label == FIL["units.picker_label"]
    assert any(backward in option for option in picker.options)
    picker.set_value((0, 1, 3)).run()
    assert_ok(at)
    assert at.query_params.get("unit") == "0:1:3"
    assert fil("flags.gates_subheader", unit=f"{backward} · unit 3") in [h.value for h in at.subheader]
    assert english_leftovers(at) == []


@pytest.mark.parametrize("asked", ["abc", "<script>alert(1)</script>"])
def test_a_bad_unit_link_is_explained_in_the_language_of_the_moment(asked):
    at = open_in_filipino(FLAGS, text=SENTENCE, unit=asked)
    start = FIL["units.bad_link"].split("“")[0]
    assert any(n.startswith(start) for n in texts(at.info)), texts(at.info)
    assert_no_live_markup(at, f" (unit={asked!r})")
    next(g for g in at.get("button_group") if g.key == "lang").set_value("en").run()
    assert_ok(at)
    english = i18n.catalogue("en")["units.bad_link"].split("“")[0]
    assert any(n.startswith(english) for n in texts(at.info)), "the notice follows the language switch"
