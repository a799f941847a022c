"""The Flags and Deeper-networks labs in AppTest: concepts, a typed trigger, minimal pairs, clamping,
the unit in the URL, hostile text, the shared model left untouched, and both deep sections.

Every expected number is recomputed here from rnnviz itself, so the tests hold for any trained
bundled model (the bundled cards' flag units included)."""
from __future__ import annotations

import hashlib
from functools import cache

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import rnnviz
from rnnviz import recipes
from rnnviz.analysis import flags
from rnnviz.analysis.lab import prediction_changes
from rnnviz.figures.theme import safe
from rnnviz.head import pooled_states
from rnnviz.train import make_data
from rnnviz.ui import keys, units

from .appkit import (
    APP,
    TIMEOUT,
    array,
    assert_no_live_markup,
    assert_no_raw_html_in_charts,
    assert_ok,
    charts,
    heatmap_z,
    live_view,
    panels_of,
    texts,
)

FLAGS, DEEP = "views/flags.py", "views/deep.py"
SENTENCE = "alice says the movie was good . she is happy ."
LONG = "alice says the movie was good . " * 200
CORPUS = {"empty": "", "1000+ words": LONG, "emoji": "alice 😀 says the 🎬 movie was 👍🏽 good !",
          "script": "<script>alert(1)</script>", "markdown link": "[x](http://y) the movie was good",
          "only unknown words": "qwzx plorb frimble zzyzx", "one token": "good"}


@cache
def model(name: str):
    return rnnviz.load_model(name)


@cache
def probe(task: str) -> tuple:
    """The probe set the page ranks units on: the one the model cards were measured on."""
    return tuple(recipes.probe_set(make_data(task), recipes.CARD_PROBE_SEED))


@cache
def scores(name: str, concept: str) -> list:
    m = model(name)
    return flags.unit_scores(m, list(probe(m.card["task"])), concept)


def card_unit(name: str, concept: str):
    found = [(f["layer"], f["direction"], f["unit"]) for f in model(name).card.get("flags", [])
             if f["concept"] == concept]
    return found[0] if found else scores(name, concept)[0].key


def open_page(page: str, **query: str) -> AppTest:
    """The app opened on the first page with `query` in the URL, then switched to `page` (the
    extra run: the first run after a switch sees an empty sentence)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    return at.run()


def unit_of(at: AppTest):
    return tuple(at.selectbox(key=keys.UNIT).value)


def ranking_bars(at: AppTest) -> tuple[list[float], list[tuple]]:
    bar = charts(at)["flag_ranking"]["data"][0]
    return list(array(bar["x"]).astype(float)), [tuple(int(v) for v in row[:3]) for row in bar["customdata"]]


def assert_ranking(at: AppTest, expected) -> None:
    x, keys = ranking_bars(at)
    assert keys == [s.key for s in expected[:len(keys)]]
    np.testing.assert_allclose(x, [s.auroc for s in expected[:len(keys)]])


def clamp_rows(at: AppTest) -> list[list[str]]:
    return [list(row) for row in charts(at)["clamp_effect"]["data"][0]["text"]]


def predicted(trace) -> list[str]:
    return [safe(trace.labels[k]) for k in trace.probs.argmax(1)]


def checksum(m) -> str:
    digest = hashlib.sha256()
    for key, tensor in sorted(m.state_dict().items()):
        digest.update(key.encode() + tensor.detach().numpy().tobytes())
    return digest.hexdigest()


# ---- the unit's URL form ---------------------------------------------------------------------

def test_unit_text_round_trips_and_rejects_what_a_model_does_not_have():
    one, deep = model("story-lstm").spec, model("story-lstm-2layer").spec
    assert keys.UNIT == "unit"
    assert units.unit_text(one, (0, 0, 11)) == "11" and units.unit_text(deep, (1, 0, 7)) == "1:0:7"
    assert units.parse_unit(one, "11") == (0, 0, 11) == units.parse_unit(one, " 0:0:11 ")
    assert units.parse_unit(deep, "1:0:7") == (1, 0, 7)
    for bad in ["", "abc", "-1", "2.5", "1:0", "0:1:3", "1:0:3", str(one.hidden_size), "9" * 30, None]:
        assert units.parse_unit(one, bad) is None, bad
    assert units.parse_unit(deep, "7") is None, "a bare unit number is ambiguous in a 2-layer model"


# ---- 1 · find a flag -------------------------------------------------------------------------

def test_first_visit_ranks_units_and_starts_from_the_cards_flag():
    at = open_page(FLAGS, text=SENTENCE)
    assert_ok(at)
    assert {"flag_ranking", "flag_lines", "flag_gates", "pair_flag", "pair_hidden", "clamp_effect"} <= set(charts(at))
    assert at.radio(key=keys.FLAG_CONCEPT).value == "female"
    assert_ranking(at, scores("story-lstm", "female"))
    assert unit_of(at) == card_unit("story-lstm", "female")
    assert at.query_params.get("unit") == str(unit_of(at)[2])
    assert at.dataframe, "the card's measured flags are listed with their numbers"
    lines = charts(at)["flag_lines"]["data"]
    trace = rnnviz.trace(model("story-lstm"), SENTENCE)
    first = tuple(int(v) for v in array(lines[0]["customdata"])[0][:3])
    assert first == unit_of(at), "the selected unit is the first line"
    np.testing.assert_allclose(array(lines[0]["y"]).astype(float), trace.cell[first[0], first[1], :, first[2]],
                               atol=1e-6)


@pytest.mark.parametrize("concept", ["plural", "negation"])
def test_choosing_a_concept_reranks_and_moves_to_its_flag(concept):
    at = open_page(FLAGS, text=SENTENCE)
    at.radio(key=keys.FLAG_CONCEPT).set_value(concept).run()
    assert_ok(at)
    assert_ranking(at, scores("story-lstm", concept))
    assert unit_of(at) == card_unit("story-lstm", concept)


def test_a_typed_trigger_word_ranks_units_after_that_word():
    at = open_page(FLAGS, text=SENTENCE)
    at.radio(key=keys.FLAG_CONCEPT).set_value(units.WORD_CHOICE).run()
    at.text_input(key=keys.FLAG_WORD).input("and").run()
    assert_ok(at)
    expected = flags.trigger_scores(model("story-lstm"), list(probe("story")), "and")
    assert_ranking(at, expected)
    assert unit_of(at) == expected[0].key
    assert not at.metric, "a typed word decides no prediction: no flip rate"
    at.text_input(key=keys.FLAG_WORD).input("zzyzx").run()
    assert_ok(at)
    assert "flag_ranking" not in charts(at)
    assert any("no ranking" in i.lower() for i in texts(at.info))
    assert {"flag_gates", "clamp_effect"} <= set(charts(at)), "the rest of the page still works"


# ---- 2 · minimal pairs -----------------------------------------------------------------------

def pair_rows(at: AppTest, key: str = "pair_flag") -> np.ndarray:
    return heatmap_z(charts(at)[key])


def test_minimal_pairs_are_prefilled_editable_and_recomputed():
    at = open_page(FLAGS, text=SENTENCE)
    a, b = at.text_input(key=keys.PAIR_A).value, at.text_input(key=keys.PAIR_B).value
    assert (a, b) == units.PAIRS["story"][0]
    for text_b in (b, "alice says the movie was not good . she is sad ."):
        if text_b != b:
            at.text_input(key=keys.PAIR_B).input(text_b).run()
            assert_ok(at)
        pair = flags.minimal_pair(model("story-lstm"), a, text_b)
        top = [r[:3] for r in pair.ranking[:len(pair_rows(at))]]
        np.testing.assert_allclose(pair_rows(at), [pair.diff[l_, d, :, u] for l_, d, u in top], atol=1e-5)
        np.testing.assert_allclose(pair_rows(at, "pair_hidden"), [pair.diff_hidden[l_, d, :, u] for l_, d, u in top],
                                   atol=1e-5)
    at.selectbox(key=keys.PAIR_PICK).set_value(2).run()
    assert (at.text_input(key=keys.PAIR_A).value, at.text_input(key=keys.PAIR_B).value) == units.PAIRS["story"][2]


# ---- 3 · switch a unit -----------------------------------------------------------------------

def test_clamping_off_on_and_zero_changes_the_prediction_shown():
    at = open_page(FLAGS, text=SENTENCE)
    unit = unit_of(at)
    score = next(s for s in scores("story-lstm", "female") if s.key == unit)
    before = rnnviz.trace(model("story-lstm"), SENTENCE)
    for choice, value in (("off", score.off), ("on", score.on), ("zero", 0.0)):
        at.radio(key=keys.CLAMP_TO).set_value(choice).run()
        assert_ok(at)
        after = rnnviz.trace(model("story-lstm"), SENTENCE, clamp={unit: value})
        assert clamp_rows(at) == [predicted(before), predicted(after)], choice
        changes = prediction_changes(before, after)
        said = " ".join(texts(at.markdown))
        assert ("→" in said) == bool(changes)
        if choice == "off":     # the female flag switched off in a female sentence: the pronoun flips
            assert changes, "switching the card's female flag off changes no prediction"
            assert any(was == "she" and now != "she" for _, _, was, _, now, _ in changes)


def test_the_flip_rates_shown_are_the_analysis_functions():
    at = open_page(FLAGS, text=SENTENCE)
    m, concept = model("story-lstm"), "female"
    for unit in (unit_of(at), (0, 0, 3)):
        if unit != unit_of(at):
            at.selectbox(key=keys.UNIT).set_value(unit).run()
        ranked = scores("story-lstm", concept)
        score = next(s for s in ranked if s.key == unit)
        rate = flags.flip_rate(m, list(probe("story")), concept, unit, score.on, score.off)
        baseline = flags.random_flip_rate(m, list(probe("story")), concept, exclude=[unit], scores=ranked)
        assert [x.value for x in at.metric] == [f"{rate:.1%}", f"{baseline:.1%}"]
        assert at.query_params.get("unit") == str(unit[2])


def test_clamping_never_changes_the_shared_model():
    from rnnviz.ui import loaders
    shared = loaders.bundled_model("story-lstm")
    before = checksum(shared)
    assert before == checksum(rnnviz.load_model("story-lstm"))
    at = open_page(FLAGS, text=SENTENCE)
    for unit in ((0, 0, 11), (0, 0, 2)):
        at.selectbox(key=keys.UNIT).set_value(unit).run()
        for choice in ("off", "on", "zero"):
            at.radio(key=keys.CLAMP_TO).set_value(choice).run()
            assert_ok(at)
    assert checksum(loaders.bundled_model("story-lstm")) == before == checksum(rnnviz.load_model("story-lstm"))
    plain = rnnviz.trace(loaders.bundled_model("story-lstm"), SENTENCE)
    np.testing.assert_array_equal(plain.probs, rnnviz.trace(model("story-lstm"), SENTENCE).probs)


# ---- the unit in the URL ---------------------------------------------------------------------

@pytest.mark.parametrize("name, asked, unit", [("story-lstm", "5", (0, 0, 5)), ("story-lstm", "0:0:7", (0, 0, 7)),
                                               ("story-lstm-2layer", "1:0:7", (1, 0, 7))])
def test_a_link_opens_on_its_unit(name, asked, unit):
    at = open_page(FLAGS, text=SENTENCE, model=name, unit=asked)
    assert_ok(at)
    assert unit_of(at) == unit
    assert not at.info, f"a good link needs no notice: {texts(at.info)}"
    assert at.query_params.get("unit") == units.unit_text(model(name).spec, unit)
    first = array(charts(at)["flag_lines"]["data"][0]["customdata"])[0]
    assert tuple(int(v) for v in first[:3]) == unit


@pytest.mark.parametrize("asked", ["abc", "32", "99999", "1:0:3", "0:1:3", "-1", "2.5", "<script>alert(1)</script>",
                                   "[x](http://evil)"])
def test_a_bad_unit_in_the_link_falls_back_with_a_notice(asked):
    at = open_page(FLAGS, text=SENTENCE, unit=asked)
    assert_ok(at)
    assert any("unit" in n.lower() for n in texts(at.info)), f"unit={asked!r}: no notice in {texts(at.info)}"
    assert unit_of(at) == card_unit("story-lstm", "female")
    assert at.query_params.get("unit") == str(unit_of(at)[2])
    assert_no_live_markup(at, f" (unit={asked!r})")


# ---- hostile and odd text --------------------------------------------------------------------

@pytest.mark.parametrize("case", list(CORPUS))
def test_bad_input_corpus(case):
    at = open_page(FLAGS, text=SENTENCE)
    at.text_area(key="text").input(CORPUS[case]).run()
    assert_ok(at)
    assert_no_live_markup(at, f" (typed {case})")
    assert_no_raw_html_in_charts(at)
    if case == "empty":
        assert not charts(at) and any("sentence" in i.lower() for i in texts(at.info))
        return
    assert "clamp_effect" in charts(at)
    for text_b in ("", "<script>alert(1)</script> [x](http://evil)"):
        at.text_input(key=keys.PAIR_B).input(text_b).run()
        assert_ok(at)
        assert_no_live_markup(at, f" (pair B {text_b!r})")


# ---- deeper networks -------------------------------------------------------------------------

def test_the_bidirectional_section_shows_both_directions_and_what_the_head_reads():
    at = open_page(DEEP, model="sentiment-bilstm")
    assert_ok(at)
    text = at.text_area(key="text").value
    trace = rnnviz.trace(model("sentiment-bilstm"), text)
    heat, _, concat, *gates = panels_of(at)                 # the browser's panels (rnnviz.figures.panels)
    assert len(gates) == 2, "the gates of both directions"
    for d, panel in enumerate((heat, _)):
        np.testing.assert_allclose(np.array(panel["values"]), trace.hidden[0, d], atol=1e-4)
    at_cursor, reads = concat["rows"]
    for step in (0, 1):                                     # the row at the cursor moves with the step
        np.testing.assert_allclose(at_cursor["values"][step],
                                   np.concatenate([trace.hidden[0, 0, step], trace.hidden[0, 1, step]]), atol=1e-4)
    np.testing.assert_allclose(reads["same"], np.concatenate([trace.hidden[0, 0, -1], trace.hidden[0, 1, 0]]),
                               atol=1e-4)
    top = np.concatenate(list(trace.hidden[-1]), axis=1)                      # [T, D*H]
    np.testing.assert_allclose(reads["same"], pooled_states(top, model("sentiment-bilstm").spec.pooling, 2),
                               atol=1e-4)
    assert any("Two directions" in m for m in texts(at.markdown))


def test_the_two_layer_section_stacks_the_layers():
    at = open_page(DEEP, model="story-lstm-2layer", text=SENTENCE)
    assert_ok(at)
    trace = rnnviz.trace(model("story-lstm-2layer"), SENTENCE)
    rows = live_view(at)["rows"]
    heat = [row["columns"][0]["panels"][0] for row in rows[:2]]
    for panel, layer in zip(heat, (1, 0)):                        # the top layer is drawn on top
        np.testing.assert_allclose(np.array(panel["values"]), trace.hidden[layer, 0], atol=1e-4)
    assert "layer 1's input" in rows[1]["title"]
    assert [p["kind"] for p in panels_of(at)] == ["heatmap", "heatmap", "strips", "strips"], "no concat"
    assert any("Two layers" in m for m in texts(at.markdown))


def test_a_one_layer_model_offers_the_deep_models_in_one_click():
    at = open_page(DEEP, text=SENTENCE)
    assert_ok(at)
    assert [p["kind"] for p in panels_of(at)] == ["heatmap", "strips"], "the one-layer model is drawn too"
    for target, count in (("story-lstm-2layer", 4), ("sentiment-bilstm", 5)):
        at.button(key=f"open_{target}").click().run()
        assert_ok(at)
        assert at.selectbox(key="model").value == target
        assert len(panels_of(at)) == count
        at.selectbox(key="model").set_value("story-lstm").run()


@pytest.mark.parametrize("case", ["script", "markdown link", "1000+ words", "only unknown words"])
def test_deep_page_shows_hostile_text_as_text(case):
    at = open_page(DEEP, model="sentiment-bilstm")
    at.text_area(key="text").input(CORPUS[case]).run()
    assert_ok(at)
    assert_no_live_markup(at, f" (typed {case})")
    assert_no_raw_html_in_charts(at)
