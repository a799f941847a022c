"""The step-through view's payload (rnnviz.figures.live): the trace's numbers, words, colours."""
import json
from pathlib import Path

import numpy as np
import pytest

import rnnviz
from rnnviz import i18n
from rnnviz.errors import RnnvizError
from rnnviz.figures import prediction_figure, theme
from rnnviz.figures.common import CELL_QUANTILE, cell_range, nice_bound
from rnnviz.figures.live import (
    TOP_UNITS,
    _fingerprint,
    choose_units,
    colour_scale,
    grid_values,
    live_view,
    shown_units,
    slim,
    view_figure,
    with_flags,
)
from tests.unit.figkit import make_trace

SENTENCE = "alice says the movie was not good . she is sad ."


@pytest.fixture(scope="module")
def story():
    return rnnviz.trace(rnnviz.load_model("story-lstm"), SENTENCE)


def test_every_number_is_the_traces(story):
    view = json.loads(json.dumps(live_view(story, 3)))          # what reaches the browser
    assert view["tokens"] == list(story.tokens) and view["step"] == 3
    np.testing.assert_allclose(view["hidden"]["values"], story.hidden[0, 0], atol=5.1e-5)
    np.testing.assert_allclose(view["cellState"]["values"], story.cell[0, 0], atol=5.1e-5)
    assert [g["name"] for g in view["gates"]] == ["input", "forget", "candidate", "output"]
    for gate in view["gates"]:
        np.testing.assert_allclose(gate["values"], story.gates[gate["name"]][0, 0], atol=5.1e-5)
    assert view["cellState"]["range"] == cell_range(story)[1], "without the model's range: this sentence's"
    for t, top in enumerate(view["prediction"]["top"]):
        order = np.argsort(-story.probs[t], kind="stable")[:5]
        assert [w for w, _ in top] == [story.labels[c] for c in order]
        np.testing.assert_allclose([p for _, p in top], story.probs[t, order], atol=5.1e-5)


def test_a_classifier_sends_every_class_after_every_token():
    trace = rnnviz.trace(rnnviz.load_model("sentiment-gru"), "the movie was not good")
    view = live_view(trace)
    assert view["prediction"]["kind"] == "classes" and view["cellState"] is None
    assert view["prediction"]["labels"] == list(trace.labels)
    np.testing.assert_allclose(view["prediction"]["probs"], trace.probs, atol=5.1e-5)
    assert [g["name"] for g in view["gates"]] == ["reset", "update", "candidate"]


def test_a_plain_rnn_says_it_has_no_gates():
    view = live_view(rnnviz.trace(rnnviz.load_model("sentiment-rnn"), "good"))
    assert view["gates"] == [] and view["words"]["no_gates"] == i18n.t("fig.no_gates_note")


def test_colours_are_the_figures_scales(story):
    view = live_view(story)
    assert view["colours"]["state"][0] == [0.0, [5, 48, 97]]       # RdBu_r runs blue → red
    assert view["colours"]["state"][-1] == [1.0, [103, 0, 31]]
    assert view["colours"]["gate"] == colour_scale(theme.GATE_SCALE)
    assert view["colours"]["highlight"] == theme.HIGHLIGHT


def test_the_step_outline_is_the_figures_own():
    """One source (theme.STEP_OUTLINE) for the plotly figures and the browser, which draws what the
    payload says instead of widths of its own."""
    outline = live_view(rnnviz.trace(rnnviz.load_model("sentiment-rnn"), "good"))["colours"]["outline"]
    assert outline == [list(pair) for pair in theme.STEP_OUTLINE]
    script = (Path(rnnviz.__file__).parent / "ui" / "live" / "live.js").read_text(encoding="utf-8")
    assert "data.colours.outline" in script and "data.colours.halo" not in script


def test_an_eleven_class_classifier_sends_classes_not_words():
    trace = make_trace("gru", T=4, C=11)
    view = live_view(trace)
    assert view["prediction"]["kind"] == "classes" and len(view["prediction"]["labels"]) == 11
    assert live_view(make_trace("gru", T=4, C=3, head="lm"))["prediction"]["kind"] == "words"


def test_the_fingerprint_changes_with_the_view_not_the_step(story):
    a, b = live_view(story, 0), live_view(story, 5)
    assert a["id"] == b["id"], "a step alone must not redraw the browser's view"
    assert live_view(story, 0, scale=1.5)["id"] != a["id"]
    other = rnnviz.trace(rnnviz.load_model("story-lstm"), "tom says the film was good .")
    assert live_view(other)["id"] != a["id"]
    with i18n.speaking("fil"):
        filipino = live_view(story)
    assert filipino["id"] != a["id"]
    assert filipino["words"]["previous"] == i18n.catalogue("fil")["live.previous"] != a["words"]["previous"]
    assert filipino["hidden"]["title"] == i18n.catalogue("fil")["fig.state.hidden"]


def test_hostile_tokens_travel_as_they_are():
    """The browser sets them with textContent: escaping here would show "&lt;" to the student."""
    trace = rnnviz.trace(rnnviz.load_model("story-lstm"), "<b>bold</b> & says")
    tokens = live_view(trace)["tokens"]
    assert tokens == list(trace.tokens) and "<" in tokens and "&" in tokens


@pytest.mark.parametrize("step", [12, -13])
def test_a_step_outside_the_sentence_is_refused(story, step):
    with pytest.raises(RnnvizError):
        live_view(story, step)


# ---- one fixed, labelled colour range per quantity -------------------------------------------

@pytest.mark.parametrize("value", [0.0, 0.4, 1.0, 1.2, 2.0, 3.7, 5.0, 9.99, 10.0, 10.5, 123.0])
def test_a_range_is_the_smallest_nice_number_that_covers_the_value(value):
    bound = nice_bound(value)
    nice = sorted(m * 10.0 ** k for m in (1, 2, 5) for k in range(0, 4))
    assert bound in nice and bound >= max(1.0, value)
    assert all(n < max(1.0, value) - 1e-9 for n in nice if n < bound), "no smaller nice number covers it"


def test_the_cell_range_covers_most_of_c_over_the_models_sentences():
    model = rnnviz.load_model("story-lstm")
    traces = [rnnviz.trace(model, text) for text in (SENTENCE, "tom says the film was great .", "she is happy .")]
    bound = cell_range(*traces)[1]
    every = np.concatenate([np.abs(t.cell).ravel() for t in traces])
    assert np.mean(every <= bound) >= CELL_QUANTILE, "the range covers the quantile it promises"
    assert bound == nice_bound(np.quantile(every, CELL_QUANTILE))
    assert cell_range(rnnviz.trace(rnnviz.load_model("sentiment-gru"), "good"))[1] == 1.0, "no c: ±1"


def test_a_models_range_is_the_same_for_every_sentence(story):
    other = rnnviz.trace(rnnviz.load_model("story-lstm"), "tom near the dogs says the film was great .")
    a, b = live_view(story, cell_bound=20.0), live_view(other, cell_bound=20.0)
    assert a["cellState"]["range"] == b["cellState"]["range"] == 20.0
    assert a["cellState"]["legend"] == "−20 … +20"
    assert a["hidden"]["legend"] == "−1 … +1" and a["hidden"]["range"] == 1.0
    legends = {g["name"]: g["legend"] for g in a["gates"]}
    assert legends == {"input": "0 … 1", "forget": "0 … 1", "candidate": "−1 … +1", "output": "0 … 1"}


# ---- one renderer: the page's plotly figures are drawn from the browser's payload ------------

def _bar_range(trace) -> tuple[float, float]:
    return trace.zmin, trace.zmax


@pytest.mark.parametrize("step", [0, 4, 11])
def test_the_plotly_heatmaps_show_the_browsers_numbers_and_ranges(story, step):
    view = json.loads(json.dumps(live_view(story, step, cell_bound=20.0)))
    for part, state in (("hidden", view["hidden"]), ("cell", view["cellState"])):
        fig = view_figure(story, view, part, step)
        heat = next(t for t in fig.data if t.type == "heatmap")
        np.testing.assert_array_equal(np.asarray(heat.z), np.asarray(state["values"]).T)
        assert _bar_range(heat) == (-state["range"], state["range"])
        assert state["legend"] in fig.layout.title.text
        outline = [s for s in fig.layout.shapes if s.type == "rect"]
        assert outline and all(s.x0 == step - 0.5 for s in outline), "the step's column is outlined"


@pytest.mark.parametrize("name, step", [("story-lstm", 3), ("sentiment-gru", 0), ("sentiment-rnn", 2)])
def test_the_plotly_strips_are_the_browsers_rows_each_with_a_legend(name, step):
    trace = rnnviz.trace(rnnviz.load_model(name), "the movie was not good at all")
    view = live_view(trace, step, cell_bound=5.0)
    fig = view_figure(trace, view, "strips", step)
    rows = [(g["label"], g["values"], g["range"], g["diverging"], g["legend"]) for g in view["gates"]]
    for state in (view["cellState"], view["hidden"]):
        if state:
            rows.append((state["label"], state["values"], state["range"], True, state["legend"]))
    strips = [t for t in fig.data if t.type == "heatmap"]
    titles = [a.text for a in fig.layout.annotations]
    assert len(strips) == len(rows) == len(titles)
    for strip, title, (label, values, bound, diverging, legend) in zip(strips, titles, rows):
        np.testing.assert_array_equal(np.asarray(strip.z)[0], values[step])
        assert _bar_range(strip) == ((-bound, bound) if diverging else (0.0, bound))
        assert label in title and legend in title, "every strip says what it is and its range"
        assert strip.showscale is not False and strip.colorbar.tickvals == _bar_range(strip), "its own colour bar"
    if not view["gates"]:
        assert fig.layout.title.subtitle.text == i18n.t("fig.no_gates_note")


@pytest.mark.parametrize("step", [0, 6])
def test_the_plotly_prediction_shows_the_browsers_words(story, step):
    view = live_view(story, step)
    bars = prediction_figure(story, step).data[0]
    assert list(bars.y) == [w for w, _ in view["prediction"]["top"][step]]
    np.testing.assert_allclose(bars.x, [p for _, p in view["prediction"]["top"][step]], atol=5.1e-5)


# ---- many units: the top TOP_UNITS of an order, every unit on request --------------------------

def _wide(units=128, seed=5):
    return make_trace("lstm", T=9, H=units, C=6, head="lm", seed=seed)


def _by_size(h) -> list[int]:
    size = [sum(abs(float(row[j])) for row in h) / len(h) for j in range(h.shape[1])]
    return sorted(range(h.shape[1]), key=lambda j: (-size[j], j))


@pytest.mark.parametrize("units", [128, 256])
def test_a_wide_model_shows_its_32_most_active_units_by_default(units):
    trace = _wide(units)
    view = json.loads(json.dumps(live_view(trace, 2)))
    block = view["units"]
    assert block["count"] == units and block["top"] == TOP_UNITS == 32 and block["choose"]
    assert view["unitChoice"] == {"order": "activity", "all": False}
    assert block["orders"]["activity"] == _by_size(trace.hidden[0, 0])
    assert shown_units(view) == _by_size(trace.hidden[0, 0])[:32]
    hidden = grid_values(view["hidden"]["values"])
    assert hidden.shape == (9, units), "every unit travels: “all units” needs no server"
    np.testing.assert_allclose(hidden, trace.hidden[0, 0], atol=5.1e-5)
    assert isinstance(view["hidden"]["values"], dict), "packed: a rerun re-sends it cheaply"
    for gate in view["gates"]:
        np.testing.assert_allclose(grid_values(gate["values"]), trace.gates[gate["name"]][0, 0], atol=5.1e-5)
    np.testing.assert_allclose(grid_values(view["cellState"]["values"]), trace.cell[0, 0], atol=5.1e-5)
    assert block["words"]["all"] == i18n.t("live.all_units", count=units)


def test_a_32_unit_model_keeps_its_units_in_order_and_no_choice(story):
    view = live_view(story)
    assert not view["units"]["choose"] and view["unitChoice"]["order"] == "natural"
    assert shown_units(choose_units(view, "activity", True)) == list(range(32)), "nothing to choose"


def test_the_student_chooses_the_order_and_all_units_without_a_new_view():
    view = live_view(_wide())
    first = _fingerprint(view)
    assert first == view["id"]
    assert shown_units(choose_units(view, "natural")) == list(range(32))
    assert shown_units(choose_units(view, all_units=True)) == list(range(128))
    assert shown_units(choose_units(view, "made up")) == list(range(128)), "an unknown order keeps the current"
    assert _fingerprint(view) == first, "a choice of units never redraws the browser's view"


def test_the_cards_flags_lead_the_flags_order_with_their_names():
    trace = _wide()
    flags = [{"concept": "female", "unit": 40, "auroc": 0.9}, {"concept": "plural", "unit": 7, "auroc": 0.99},
             {"concept": "elsewhere", "unit": 1, "direction": 1, "auroc": 1.0}]
    view = with_flags(live_view(trace), flags, str.upper)
    assert view["units"]["flagged"] == [[7, "PLURAL"], [40, "FEMALE"]]
    rest = [j for j in _by_size(trace.hidden[0, 0]) if j not in (7, 40)]
    assert view["units"]["orders"]["flags"] == [7, 40, *rest]
    assert shown_units(choose_units(view, "flags"))[:3] == [7, 40, rest[0]]
    assert "flags" not in with_flags(live_view(trace), flags[2:], str)["units"]["orders"]


@pytest.mark.parametrize("order, every", [("activity", False), ("natural", False), ("activity", True)])
def test_the_plotly_copies_show_the_browsers_rows_with_their_unit_numbers(order, every):
    trace = _wide()
    view = choose_units(live_view(trace, 4), order, every)
    units = shown_units(view)
    for part, state in (("hidden", view["hidden"]), ("cell", view["cellState"])):
        fig = view_figure(trace, view, part, 4)
        heat = next(t for t in fig.data if t.type == "heatmap")
        np.testing.assert_array_equal(np.asarray(heat.z), grid_values(state["values"])[:, units].T)
        if units != list(range(len(units))):
            assert list(fig.layout.yaxis.ticktext) == [str(u) for u in units], "rows name their units"
        hover = next(t for t in fig.data if t.type == "scatter")
        rows = np.asarray(hover.y).astype(int)
        assert np.asarray(hover.customdata)[:, 0].astype(int).tolist() == [units[r] for r in rows]
        assert "%{y}" not in hover.hovertemplate or units == list(range(len(units)))
    strips = [t for t in view_figure(trace, view, "strips", 4).data if t.type == "heatmap"]
    np.testing.assert_array_equal(np.asarray(strips[-1].z)[0], grid_values(view["hidden"]["values"])[4, units])
    assert np.asarray(strips[-1].customdata)[0].tolist() == units


def test_the_panels_heatmap_of_a_wide_model_carries_its_orders_and_a_narrow_one_none(story):
    from rnnviz.figures.panels import compare_payload, hidden_panel
    trace = _wide(256)
    panel = hidden_panel(trace)
    assert panel["units"]["orders"]["activity"] == _by_size(trace.hidden[0, 0])
    assert panel["units"]["top"] == 32 and panel["units"]["count"] == 256
    assert np.asarray(panel["values"]).shape == (9, 256)
    assert "units" not in hidden_panel(story)
    wide = compare_payload({"wide": trace})
    heat = wide["rows"][0]["columns"][0]["panels"][0]
    assert heat["kind"] == "heatmap" and heat["units"]["choose"]
    assert wide["wide"] and not compare_payload({"story": story})["wide"], "only a wide view leaves its numbers out"
    assert "rows" not in slim(wide) and slim(wide)["id"] == wide["id"]


def test_a_slim_copy_keeps_the_view_but_not_its_numbers():
    """Reruns re-send the view; a browser that holds its numbers only needs the step."""
    view = live_view(_wide(256), 3)
    thin = slim(view)
    assert thin["slim"] and thin["id"] == view["id"] and thin["step"] == 3
    assert not {"hidden", "cellState", "gates", "prediction", "units"} & set(thin)
    assert len(json.dumps(thin)) * 20 < len(json.dumps(view)), "9 tokens already; 200 characters: 1.6 MB → 4 kB"
    assert "slim" not in view and view["hidden"]["values"], "the page's own payload keeps everything"
