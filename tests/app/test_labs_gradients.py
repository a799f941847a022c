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

import rnnviz
from rnnviz import recipes
from rnnviz.analysis.gradients import gradient_curve, spectral_radius, untrained_model
from rnnviz.analysis.lab import most_open_unit
from rnnviz.analysis.saturation import saturation
from rnnviz.checkpoints import MODELS_DIR, read_card
from rnnviz.text import MAX_TOKENS, tokenize
from rnnviz.trace import read
from rnnviz.train import make_data
from rnnviz.ui import controls

from .appkit import (
    array,
    assert_no_live_markup,
    assert_no_raw_html_in_charts,
    assert_ok,
    charts,
    cursor,
    heatmap_z,
    highlighted_columns,
    open_app,
    texts,
    title,
)

GRADIENTS, COMPARE = "views/gradients.py", "views/compare.py"
SENTENCE = "alice says the movie was not very good . she is sad ."        # 13 tokens, "she" is token 9
TRIO = ["story-rnn", "story-gru", "story-lstm"]
LAB_TEXT = controls.examples()["ideas"]["vanishing"][0]
RECALL_TEXT = "the key is red . the cat sat on the mat . we walked home . what colour was the key ?"
TARGET_LABEL = "What the network must predict: L = log p(this)"


@cache
def model(name: str):
    return rnnviz.load_model(name)


def expected(name: str, text: str, target=None):
    return rnnviz.trace(model(name), text, target=target)


def lab_trace(cell: str, scale=1.0, act="tanh", bias=0.0):
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
    assert any("read here" in a.get("text", "") for a in spec["layout"]["annotations"])
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
    rho = spectral_radius(untrained_model("rnn", scale=1.0).rnn.weight_hh_l0)
    assert metric(at, "Spectral radius") == f"{rho:.2f}"
    assert_curve(before, gradient_curve(lab_trace("rnn")))
    assert before[0] / before[-1] < 1, "at ρ = 1 the plain RNN's gradient shrinks going back"

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


def test_the_forget_bias_changes_the_lstm_and_only_the_lstm():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    before = charts(at)["lab_curves"]
    at.slider(key="lab_bias").set_value(3.0).run()
    assert_ok(at)
    after = charts(at)["lab_curves"]
    assert_curve(curve(after, "LSTM · c"), gradient_curve(lab_trace("lstm", bias=3.0), state="cell"))
    assert curve(after, "LSTM · c")[0] > 100 * curve(before, "LSTM · c")[0], "the memory lane keeps it"
    np.testing.assert_allclose(curve(after, "RNN · h"), curve(before, "RNN · h"))
    carousel = charts(at)["lab_forget"]["data"][0]
    assert array(carousel["y"])[0] > 0.01


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


def test_the_per_step_gain_chart_is_there():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    spec = charts(at)["lab_gain"]
    assert spec["layout"]["yaxis"]["type"] == "log"
    assert [d["name"] for d in spec["data"]] == ["RNN", "GRU", "LSTM"]


# ---- trained contrast: the recall models --------------------------------------------------

def test_recall_rnn_and_lstm_on_a_typed_recall_sentence():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    at.text_input(key="recall_text").input(RECALL_TEXT).run()
    assert_ok(at)
    spec = charts(at)["recall_curves"]
    for name in ("recall-rnn", "recall-lstm"):
        assert_curve(curve(spec, f"{name} · h"), gradient_curve(expected(name, RECALL_TEXT, "red")))
    assert any(s.get("x0") == 3 for s in spec["layout"]["shapes"]), "the colour word is marked"
    answers = metrics(at, "Its answer")
    assert answers == [max(zip(expected(n, RECALL_TEXT).probs[-1], model(n).labels))[1]
                       for n in ("recall-rnn", "recall-lstm")]
    reaching = metrics(at, "Gradient reaching")
    assert reaching == [f"{gradient_curve(expected(n, RECALL_TEXT, 'red'))[3]:.1e}"
                        for n in ("recall-rnn", "recall-lstm")]
    lstm = expected("recall-lstm", RECALL_TEXT, "red")
    assert metrics(at, "…along the cell state c") == [f"{gradient_curve(lstm, state='cell')[3]:.1e}"]
    assert sum("Guessing scores 25%" in c for c in texts(at.caption)) == 2, "chance with four colours"
    for name, shown in zip(("recall-rnn", "recall-lstm"), metrics(at, "Held-out accuracy")):
        accuracy = read_card(MODELS_DIR / f"{name}.json").get("metrics", {}).get("accuracy")
        assert shown == ("not measured" if accuracy is None else f"{accuracy:.0%}")


def test_a_recall_sentence_without_a_colour_asks_for_one():
    at = open_app(page=GRADIENTS, text=SENTENCE)
    at.text_input(key="recall_text").input("the key is . what colour was the key ?").run()
    assert_ok(at)
    assert any("Name a colour" in i for i in texts(at.info))
    assert "recall_curves" in charts(at)


# ---- RNN vs LSTM vs GRU -------------------------------------------------------------------

def next_button(at):
    return next(b for b in at.button if "Next" in b.label)


def assert_columns_at(at, column: int) -> None:
    figs = charts(at)
    for name in TRIO:
        spec = figs[f"compare_hidden_{name}"]
        np.testing.assert_allclose(heatmap_z(spec), expected(name, SENTENCE).hidden[0, 0].T, atol=1e-6)
        assert highlighted_columns(spec) == {column}, f"{name}'s heatmap outlines the wrong column"
        gradient = figs[f"compare_gradient_{name}"]
        assert any(s.get("x0") == column for s in gradient["layout"]["shapes"])


def test_compare_has_three_columns_and_one_shared_cursor():
    at = open_app(page=COMPARE, text=SENTENCE)
    assert_ok(at)
    assert cursor(at) == 0
    assert_columns_at(at, 0)
    next_button(at).click().run()
    assert_ok(at)
    assert cursor(at) == 1
    assert_columns_at(at, 1)
    next_button(at).click().run()
    assert_columns_at(at, 2)
    at.slider(key="step").set_value(9).run()
    assert_columns_at(at, 9)
    spec = charts(at)["compare_gradient_story-rnn"]
    assert f"{gradient_curve(expected('story-rnn', SENTENCE))[9]:.1e}" in title(spec)


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
    assert {f"compare_hidden_sentiment-{c}" for c in ("rnn", "gru", "lstm")} <= set(charts(at))
    at = open_app(page=COMPARE, text=SENTENCE, model="story-lstm-2layer")
    assert_ok(at)
    assert [k for k in charts(at) if k.startswith("compare_hidden_")] == ["compare_hidden_story-lstm-2layer"]
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
    main = figs["gradient_curves"] if page == GRADIENTS else figs["compare_gradient_story-lstm"]
    steps = expected("story-lstm", text).steps
    assert len(array(main["data"][0]["y"])) == steps
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
        assert "&lt;" in json.dumps(charts(at), ensure_ascii=False), "the typed < is shown, escaped"
