"""The Labs pages in AppTest: vanishing gradients (typed sentence, target, untrained lab, trained
recall contrast) and RNN vs LSTM vs GRU (shared cursor, gate saturation), and the bad-input corpus.

Every number a chart shows is compared with one recomputed here from rnnviz.trace and
rnnviz.analysis, never with a constant, so the tests hold for whatever the bundled models learned.
"""
from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import rnnviz
from rnnviz import recipes
from rnnviz.analysis.gradients import LAB_TEXT, LESSON_LAB, gradient_curve, spectral_radius, untrained_model
from rnnviz.analysis.lab import most_open_unit
from rnnviz.analysis.saturation import saturation
from rnnviz.checkpoints import MODELS_DIR, read_card
from rnnviz.figures.gradients import signal_words
from rnnviz.i18n import t
from rnnviz.text import MAX_TOKENS, tokenize
from rnnviz.trace import read
from rnnviz.train import make_data
from rnnviz.ui import gradient_lab, keys

from .appkit import (
    APP,
    TIMEOUT,
    array,
    assert_no_live_markup,
    assert_no_raw_html_in_charts,
    assert_ok,
    charts,
    live_view,
    open_app,
    texts,
    title,
)

GRADIENTS, COMPARE = "views/gradients.py", "views/compare.py"
SENTENCE = "alice says the movie was not very good . she is sad ."        # 13 tokens, "she" is token 9
TRIO = ["story-rnn", "story-gru", "story-lstm"]
RECALL_TEXT = "the key is red . the cat sat on the mat . we walked home . what colour was the key ?"
TARGET_LABEL = "What the network must predict: L = log p(this)"


@cache
def model(name: str):
    return rnnviz.load_model(name)


def expected(name: str, text: str, target=None):
    return rnnviz.trace(model(name), text, target=target)


def lab_trace(cell: str, scale=LESSON_LAB.scale, act=LESSON_LAB.activation, bias=LESSON_LAB.forget_bias):
    """What the lab draws: the untrained model, L = log p(the class it finds less likely)."""
    m = untrained_model(cell, scale=scale, nonlinearity=act, forget_bias=bias)
    return rnnviz.trace(m, LAB_TEXT, target=m.labels[int(read(m, LAB_TEXT).probs[-1].argmin())])


def curve(spec: dict, name: str) -> np.ndarray:
    """y of the line called `name`; null (a gap on the log axis) as NaN."""
    found = [d for d in spec["data"] if d.get("name") == name]
    assert len(found) == 1, f"no single line {name!r} in {[d.get('name') for d in spec['data']]}"
    y = array(found[0]["y"])
    return np.array([np.nan if v is None else v for v in y.tolist()], dtype=float)


def assert_curve(drawn: np.ndarray, values: np.ndarray) -> None:
    positive = np.asarray(values) > 0
    np.testing.assert_allclose(drawn[positive], np.asarray(values)[positive], rtol=1e-5)
    assert np.isnan(drawn[~positive]).all()


def metric(at, label: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(label)]
    assert len(found) == 1, f"expected one metric {label!r}, found {[m.label for m in at.metric]}"
    return found[0]


def metrics(at, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label.startswith(label)]


def target_box(at):
    return next(s for s in at.selectbox if s.label == TARGET_LABEL)


# ---- the typed sentence -------------------------------------------------------------------

def test_the_tasks_three_cells_are_overlaid_on_a_log_axis():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    assert_ok(at)
    spec = charts(at)["gradient_curves"]
    assert spec["layout"]["yaxis"]["type"] == "log"
    assert [d["name"] for d in spec["data"]] == [f"{n} · h" for n in TRIO] + ["story-lstm · c"]
    for name in TRIO:
        trace = expected(name, SENTENCE)
        assert_curve(curve(spec, f"{name} · h"), gradient_curve(trace))
    assert_curve(curve(spec, "story-lstm · c"), gradient_curve(expected("story-lstm", SENTENCE), state="cell"))
    strip = charts(at)["connectivity"]["data"][0]
    for row, name in enumerate(TRIO):
        np.testing.assert_allclose(array(strip["customdata"])[row], expected(name, SENTENCE).connectivity,
                                   rtol=1e-5)
    assert_no_live_markup(at)


def test_the_target_can_be_the_pronoun_and_the_curves_follow_it():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    box = target_box(at)
    assert box.value is None, "the default target is each model's own prediction"
    assert "she" in " ".join(box.options)
    box.set_value(("she", 8)).run()
    assert_ok(at)
    spec = charts(at)["gradient_curves"]
    for name in TRIO:
        trace = expected(name, SENTENCE, ("she", 8))
        drawn = curve(spec, f"{name} · h")
        assert_curve(drawn, gradient_curve(trace))
        assert drawn[8] == pytest.approx(1.0) and np.isnan(drawn[9:]).all()
    read_at = expected("story-rnn", SENTENCE).tokens[8]                   # L is read after token 8
    assert any(d.get("name") == f"L is read here: {read_at}" for d in spec["data"]), "the note, in the legend"
    assert any(s.get("x0") == 8 for s in spec["layout"]["shapes"])
    assert 8 in spec["layout"]["xaxis"]["tickvals"], "the marked token is named on the axis"
    strip = charts(at)["connectivity"]["data"][0]
    np.testing.assert_allclose(array(strip["customdata"])[0],
                               expected("story-rnn", SENTENCE, ("she", 8)).connectivity, rtol=1e-5)


def test_a_classifiers_target_is_a_class():
    text = "the movie was not very good"
    at = open_app(page=GRADIENTS, text=text, model="sentiment-lstm")
    box = target_box(at)
    assert box.options[1:] == [f"the class “{label}”" for label in model("sentiment-lstm").labels]
    box.set_value("positive").run()
    assert_ok(at)
    spec = charts(at)["gradient_curves"]
    for name in ("sentiment-rnn", "sentiment-gru", "sentiment-lstm"):
        assert_curve(curve(spec, f"{name} · h"), gradient_curve(expected(name, text, "positive")))


def test_a_model_without_siblings_is_shown_alone():
    at = open_app(page=GRADIENTS, text=SENTENCE, model="story-lstm-2layer")
    assert_ok(at)
    spec = charts(at)["gradient_curves"]
    assert {d["name"] for d in spec["data"]} == {"‖∂L/∂h‖", "‖∂L/∂c‖"}
    assert_curve(curve(spec, "‖∂L/∂h‖"), gradient_curve(expected("story-lstm-2layer", SENTENCE)))


# ---- the untrained lab --------------------------------------------------------------------

def test_the_scale_of_w_hh_sets_the_spectral_radius_shown_and_three_explodes():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    before = curve(charts(at)["lab_curves"], "RNN · h")
    rho = spectral_radius(untrained_model("rnn", scale=LESSON_LAB.scale).rnn.weight_hh_l0)
    assert metric(at, "Spectral radius") == f"{rho:.2f}" == f"{LESSON_LAB.scale:.2f}", "opens on the lesson's scale"
    assert_curve(before, gradient_curve(lab_trace("rnn")))
    assert before[0] / before[-1] < 1e-3, "at the lesson's ρ the plain RNN's gradient vanishes going back"

    at.slider(key="lab_scale").set_value(3.0).run()
    assert_ok(at)
    rho = spectral_radius(untrained_model("rnn", scale=3.0).rnn.weight_hh_l0)
    assert metric(at, "Spectral radius") == f"{rho:.2f}" == "3.00"
    spec = charts(at)["lab_curves"]
    assert f"ρ(W_hh) = {rho:.2f}" in title(spec)
    after = curve(spec, "RNN · h")
    assert_curve(after, gradient_curve(lab_trace("rnn", scale=3.0)))
    assert after[0] / after[-1] > 1, "×3 explodes: the first token gets more than the last"
    for cell in ("GRU", "LSTM"):
        assert_curve(curve(spec, f"{cell} · h"), gradient_curve(lab_trace(cell.lower(), scale=3.0)))


def test_forget_bias_zero_breaks_the_lstm_and_only_the_lstm():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    before = charts(at)["lab_curves"]
    kept = array(charts(at)["lab_forget"]["data"][0]["y"])[0]
    at.slider(key="lab_bias").set_value(0.0).run()
    assert_ok(at)
    after = charts(at)["lab_curves"]
    assert_curve(curve(after, "LSTM · c"), gradient_curve(lab_trace("lstm", bias=0.0), state="cell"))
    assert curve(after, "LSTM · c")[0] * 100 < curve(before, "LSTM · c")[0], "the memory lane lost it"
    np.testing.assert_allclose(curve(after, "RNN · h"), curve(before, "RNN · h"))
    carousel = charts(at)["lab_forget"]["data"][0]
    assert array(carousel["y"])[0] * 100 < kept, "gates near ½ multiply the memory away"


def test_relu_changes_the_plain_rnn():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    before = curve(charts(at)["lab_curves"], "RNN · h")
    group = next(g for g in at.get("button_group") if "tanh" in g.options)
    group.set_value("relu").run()
    assert_ok(at)
    after = curve(charts(at)["lab_curves"], "RNN · h")
    assert_curve(after, gradient_curve(lab_trace("rnn", act="relu")))
    assert not np.allclose(after, before, equal_nan=True)


def test_clipping_caps_the_exploding_curve_at_the_threshold():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    assert not any("clipped" in d.get("name", "") for d in charts(at)["lab_curves"]["data"])
    at.slider(key="lab_scale").set_value(3.0).run()
    at.select_slider(key="lab_clip").set_value(10).run()
    assert_ok(at)
    spec = charts(at)["lab_curves"]
    full = gradient_curve(lab_trace("rnn", scale=3.0))
    assert_curve(curve(spec, "RNN · h clipped"), np.minimum(full, 10))
    assert np.nanmax(curve(spec, "RNN · h clipped")) == 10 < full.max()


def lab_claim(at) -> str:
    found = [i for i in texts(at.info) if i.startswith(t("gradients.lab_claim.more", ratio="", lstm="", rnn="",
                                                           word="")[:20])
             or i.startswith(t("gradients.lab_claim.same", lstm="", rnn="")[:20])
             or i.startswith(t("gradients.lab_claim.less", ratio="", lstm="", rnn="")[:20])]
    assert len(found) == 1, f"no single lab claim in {texts(at.info)}"
    return found[0]


def lab_traces(**setting) -> dict:
    return {cell.upper(): lab_trace(cell, **setting) for cell in ("rnn", "gru", "lstm")}


def test_the_lab_opens_on_the_lesson_setting_and_says_what_it_shows():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    assert_ok(at)
    assert {key: at.session_state[key] for key in gradient_lab.LESSON} == gradient_lab.LESSON
    said = lab_claim(at)
    assert said == gradient_lab.claim(lab_traces()) + " " + t("gradients.lab_try")
    lstm, rnn = curve(charts(at)["lab_curves"], "LSTM · h")[0], curve(charts(at)["lab_curves"], "RNN · h")[0]
    assert f"**{signal_words(lstm / rnn)}**" in said, "the ratio printed is the one drawn"
    assert lstm / rnn > 1000


def test_breaking_it_changes_the_claim_and_reset_restores_every_control():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    lesson = charts(at)["lab_curves"]
    at.slider(key=keys.LAB_BIAS).set_value(0.0).run()
    assert lab_claim(at) == gradient_lab.claim(lab_traces(bias=0.0)) + " " + t("gradients.lab_try")
    assert lab_claim(at).startswith(t("gradients.lab_claim.same", lstm="", rnn="")[:20])
    at.slider(key=keys.LAB_SCALE).set_value(3.0).run()
    next(g for g in at.get("button_group") if "tanh" in g.options).set_value("relu").run()
    at.select_slider(key=keys.LAB_CLIP).set_value(10).run()
    assert_ok(at)
    at.button(key=keys.LAB_RESET).click().run()
    assert_ok(at)
    assert {key: at.session_state[key] for key in gradient_lab.LESSON} == gradient_lab.LESSON
    assert at.slider(key=keys.LAB_SCALE).value == LESSON_LAB.scale
    assert at.slider(key=keys.LAB_BIAS).value == LESSON_LAB.forget_bias
    after = charts(at)["lab_curves"]
    assert [d["name"] for d in after["data"]] == [d["name"] for d in lesson["data"]]
    np.testing.assert_allclose(curve(after, "LSTM · h"), curve(lesson, "LSTM · h"))
    assert lab_claim(at) == gradient_lab.claim(lab_traces()) + " " + t("gradients.lab_try")


def test_a_preset_may_set_the_lab_before_the_page_runs():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(text=SENTENCE)
    at.switch_page(GRADIENTS)
    at.session_state[keys.LAB_BIAS] = 3            # an int, as a link may give it: the float slider takes 3.0
    at.session_state[keys.LAB_SCALE] = 7.5         # out of the slider's range: the lesson's scale instead
    at.run()
    assert_ok(at)
    assert at.slider(key=keys.LAB_BIAS).value == 3.0
    assert at.slider(key=keys.LAB_SCALE).value == LESSON_LAB.scale
    assert_curve(curve(charts(at)["lab_curves"], "LSTM · h"), gradient_curve(lab_trace("lstm", bias=3.0)))


def test_the_per_step_gain_chart_is_there():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    spec = charts(at)["lab_gain"]
    assert spec["layout"]["yaxis"]["type"] == "log"
    assert [d["name"] for d in spec["data"]] == ["RNN", "GRU", "LSTM"]


# ---- trained contrast: the recall models --------------------------------------------------

RECALL = ("recall-rnn", "recall-gru", "recall-lstm")


def metric_deltas(at, label: str) -> list[str]:
    return [m.proto.delta for m in at.metric if m.label.startswith(label)]


def assert_recall_answers(at, text: str, colour: str, pos: int) -> None:
    """Each recall model's answer, the gradient reaching the colour (in words, the number under
    it), the LSTM's along c, and the held-out accuracy, all recomputed here."""
    assert metrics(at, "Its answer") == [max(zip(expected(n, text).probs[-1], model(n).labels))[1] for n in RECALL]
    reach = [gradient_curve(expected(n, text, colour))[pos] for n in RECALL]
    assert metrics(at, "Gradient reaching") == [signal_words(v) for v in reach]
    assert metric_deltas(at, "Gradient reaching") == [f"{v:.1e}" for v in reach]
    along = gradient_curve(expected("recall-lstm", text, colour), state="cell")[pos]
    assert metrics(at, "…along the cell state c") == [signal_words(along)]
    assert sum("Guessing scores 25%" in c for c in texts(at.caption)) == 3, "chance with four colours"
    for name, shown in zip(RECALL, metrics(at, "Held-out accuracy")):
        accuracy = read_card(MODELS_DIR / f"{name}.json").get("metrics", {}).get("accuracy")
        assert shown == ("not measured" if accuracy is None else f"{accuracy:.0%}")


def test_recall_models_on_a_typed_recall_sentence():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    at.text_input(key="recall_text").input(RECALL_TEXT).run()
    assert_ok(at)
    spec = charts(at)["recall_curves"]
    for name in RECALL:
        assert_curve(curve(spec, f"{name} · h"), gradient_curve(expected(name, RECALL_TEXT, "red")))
    assert any(s.get("x0") == 3 for s in spec["layout"]["shapes"]), "the colour word is marked"
    assert_recall_answers(at, RECALL_TEXT, "red", 3)


def test_the_recall_models_open_on_their_point_and_the_section_below_agrees():
    """The vanishing preset's view: the first chart is the recall models on the key sentence, asked
    for the colour it names; the recall section shows their answers on that sentence, no second chart."""
    at = open_app(page=GRADIENTS, text=LAB_TEXT, model="recall-lstm")
    assert_ok(at)
    assert target_box(at).value == "green", "a sentence naming a class asks for that class"
    spec = charts(at)["gradient_curves"]
    for name in RECALL:
        assert_curve(curve(spec, f"{name} · h"), gradient_curve(expected(name, LAB_TEXT, "green")))
    assert any(s.get("x0") == 3 for s in spec["layout"]["shapes"]), "the colour word is marked"
    assert "green" in spec["layout"]["xaxis"]["ticktext"], "the marked word is named on the axis"
    rnn, lstm = (gradient_curve(expected(n, LAB_TEXT, "green"))[3] for n in ("recall-rnn", "recall-lstm"))
    assert lstm > 1000 * rnn, "the chart shows the lesson: the LSTM keeps far more at the key"
    readout = next(c for c in texts(at.caption) if c.startswith("What gets back to"))
    assert signal_words(rnn) in readout and signal_words(lstm) in readout and "(token 3)" in readout
    assert "recall_curves" not in charts(at), "their curves are the first chart: not drawn twice"
    assert not [w for w in at.text_input if w.key == "recall_text"]
    assert_recall_answers(at, LAB_TEXT, "green", 3)


def test_a_recall_sentence_without_a_colour_asks_for_one():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    at.text_input(key="recall_text").input("the key is . what colour was the key ?").run()
    assert_ok(at)
    assert any("Name a colour" in i for i in texts(at.info))
    assert "recall_curves" in charts(at)


# ---- RNN vs LSTM vs GRU (a panels view in the browser: rnnviz.figures.panels) ----------------

def assert_columns_at(at, column: int) -> None:
    view = live_view(at)
    assert view["step"] == column, "the view is sent at the session's step"
    columns = view["rows"][0]["columns"]
    assert [c["title"].split(" · ")[-1] for c in columns] == TRIO
    for name, col in zip(TRIO, columns):
        heat, _, curve = col["panels"]
        np.testing.assert_allclose(np.array(heat["values"]), expected(name, SENTENCE).hidden[0, 0], atol=1e-4)
        assert curve["series"][0]["values"][column] == pytest.approx(
            gradient_curve(expected(name, SENTENCE))[column], rel=1e-3, abs=1e-4)


def test_compare_has_three_columns_and_one_shared_cursor():
    at = open_app(page=COMPARE, text=SENTENCE)
    assert_ok(at)
    assert_columns_at(at, 0)
    for step in (1, 2, 9):                              # what the browser's "moved" event sets
        at.session_state["step"] = step
        at.run()
        assert_ok(at)
        assert_columns_at(at, step)
    curve = live_view(at)["rows"][0]["columns"][0]["panels"][2]
    share = signal_words(gradient_curve(expected("story-rnn", SENTENCE))[9])
    assert share in curve["readout"][9] and expected("story-rnn", SENTENCE).tokens[9] in curve["readout"][9]


def test_compare_shows_gate_saturation_over_the_probe_set_and_the_sentence():
    at = open_app(page=COMPARE, text=SENTENCE)
    probe = recipes.probe_set(make_data("story"), recipes.CARD_PROBE_SEED)    # the cards' held-out probe set
    sat = saturation(model("story-lstm"), [*probe, SENTENCE])
    scatter = charts(at)["saturation_click"]
    points = [d for d in scatter["data"] if d.get("customdata")]
    hidden = model("story-lstm").spec.hidden_size
    assert sum(len(array(d["x"])) for d in points) == len(sat) * hidden == 3 * hidden
    for d in points:
        for (gate, layer, direction, unit), x, y in zip(d["customdata"], array(d["x"]), array(d["y"])):
            low, high = sat[gate]
            assert (x, y) == pytest.approx((low[layer, direction, unit], high[layer, direction, unit]))
    gate, layer, direction, unit = most_open_unit(sat, "lstm")
    shown = charts(at)["saturation_unit"]
    assert f"unit {unit}" in title(shown)
    gates = expected("story-lstm", SENTENCE).gates
    np.testing.assert_allclose(array(shown["data"][0]["y"]), gates[gate][layer, direction, :, unit], atol=1e-6)

    group = next(g for g in at.get("button_group") if "GRU" in g.options)
    group.set_value("story-gru").run()
    assert_ok(at)
    names = {d.get("name") for d in charts(at)["saturation_click"]["data"]}
    assert {"reset gate r", "update gate z"} <= names


def test_compare_for_a_classifier_task_and_for_a_model_alone():
    at = open_app(page=COMPARE, text="the movie was not very good", model="sentiment-gru")
    assert_ok(at)
    columns = live_view(at)["rows"][0]["columns"]
    assert [c["title"].split(" · ")[-1] for c in columns] == [f"sentiment-{c}" for c in ("rnn", "gru", "lstm")]
    assert [c["panels"][1]["kind"] for c in columns] == ["lines"] * 3, "a classifier's class lines"
    at = open_app(page=COMPARE, text=SENTENCE, model="story-lstm-2layer")
    assert_ok(at)
    assert [c["title"] for c in live_view(at)["rows"][0]["columns"]] == ["LSTM · story-lstm-2layer"]
    assert any("alone" in i for i in texts(at.info))


# ---- the bad-input corpus -----------------------------------------------------------------

LONG = "alice says the movie was good . " * 200            # 1,400 words and marks
CORPUS = {
    "empty": "",
    "whitespace": "   \n\t ",
    "1000+ words": LONG,
    "emoji": "alice 😀 says the 🎬 movie was 👍🏽 good !",
    "script tag": "<script>alert(1)</script>",
    "bold tag": "<b>bold</b> the movie was good",
    "markdown link": "[click](http://evil) the movie was good",
    "colour directive": ":red[x] the movie was :red[good]",
    "only unknown words": "qwzx plorb frimble zzyzx",
}


@pytest.mark.parametrize("page", [GRADIENTS, COMPARE])
@pytest.mark.parametrize("case", list(CORPUS))
def test_bad_input_corpus(page, case):
    text = CORPUS[case]
    at = open_app(page=page)
    at.text_area(key="text").input(text).run()
    assert_ok(at)
    assert_no_live_markup(at, f" (typed {case} on {page})")
    assert_no_raw_html_in_charts(at)
    figs = charts(at)
    if not text.split():
        assert any("sentence" in i.lower() for i in texts(at.info)), "a friendly prompt to type"
        assert not {"gradient_curves", "connectivity"} & set(figs)
        return
    steps = expected("story-lstm", text).steps
    if page == GRADIENTS:
        assert len(array(figs["gradient_curves"]["data"][0]["y"])) == steps
    else:
        assert [p["label"] for p in live_view(at)["positions"]] == tokenize(text)[:MAX_TOKENS]
        assert len(live_view(at)["rows"][0]["columns"][-1]["panels"][2]["series"][0]["values"]) == steps
    if case == "1000+ words":
        assert steps == MAX_TOKENS
        assert any(str(MAX_TOKENS) in n for n in texts(at.warning)), "the cut is announced"


@pytest.mark.parametrize("case", ["empty", "script tag", "markdown link", "colour directive", "1000+ words"])
def test_bad_input_in_the_recall_box(case):
    at = open_app(page=GRADIENTS, text=SENTENCE)
    at.text_input(key="recall_text").input(CORPUS[case][:2000]).run()
    assert_ok(at)
    assert_no_live_markup(at, f" (recall box: {case})")
    assert_no_raw_html_in_charts(at)
    if case == "empty":
        assert any("sentence" in i.lower() for i in texts(at.info))
    else:
        assert "recall_curves" in charts(at)
        named = set(tokenize(CORPUS[case][:2000])) & set(model("recall-lstm").labels)
        asked = any("Name a colour" in i for i in texts(at.info))
        assert asked != bool(named), "ask for a colour exactly when the sentence names none"


def test_hostile_text_in_the_link_reaches_both_pages_as_text():
    hostile = "<script>alert(1)</script> [click](http://evil) :red[x] <b>bold</b> she is sad ."
    for page in (GRADIENTS, COMPARE):
        at = open_app(page=page, text=hostile)
        assert_ok(at)
        assert_no_live_markup(at, f" on {page}")
        assert_no_raw_html_in_charts(at)
        if page == GRADIENTS:
            assert "&lt;" in json.dumps(charts(at), ensure_ascii=False), "the typed < is shown, escaped"
        else:                                           # the browser sets it as text (textContent)
            assert [p["label"] for p in live_view(at)["positions"]] == tokenize(hostile)
