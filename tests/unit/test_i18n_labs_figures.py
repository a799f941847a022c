"""The Labs figures (gradients, saturation, flags) built in Filipino: their titles, axis titles,
legend names, annotations and hover words come from the Filipino catalogue, while tokens,
class names and equation letters stay as they are."""
from __future__ import annotations

import pytest

import rnnviz
from rnnviz import i18n
from rnnviz.analysis.flags import minimal_pair, trigger_scores
from rnnviz.analysis.gradients import untrained_model
from rnnviz.analysis.lab import most_open_unit
from rnnviz.analysis.saturation import saturation
from rnnviz.figures import theme
from rnnviz.figures.flags import (
    clamp_effect_figure,
    flag_lines_figure,
    pair_diff_figure,
    unit_gates_figure,
    unit_label,
    unit_ranking_figure,
)
from rnnviz.figures.gradients import (
    connectivity_figure,
    forget_product_figure,
    gradient_curves_figure,
    step_gain_figure,
)
from rnnviz.figures.saturation import saturation_figure, unit_gate_figure
from rnnviz.ui import units
from tests.unit.figkit import FIL, annotations, fil
from tests.unit.reference import make_model

TEXT = "the key is red . the cat sat on the mat . what colour was the key ?"
FLAG_TEXT = "alice and tom was not very good ."
TEXTS = ["the movie was not good .", "the movie was good .", "alice was not very bad .", "tom is happy .",
         "they are not sad .", "she was good ."]


@pytest.fixture(scope="module")
def cells():
    return {c: rnnviz.trace(untrained_model(c, scale=3.0), TEXT) for c in ("rnn", "gru", "lstm")}


def test_the_filipino_texts_differ_from_the_english_ones():
    """Otherwise the tests below could not tell the languages apart."""
    for key in ("gradients.fig.untrained_title", "gradients.fig.clipped", "saturation.shut_axis",
                "flags.fig.ranking_title", "flags.fig.clamp_title_class", "units.concept.female"):
        assert i18n.t(key, "en", **dict.fromkeys(("rho", "title", "label", "low"), "x")) != \
            fil(key, **dict.fromkeys(("rho", "title", "label", "low"), "x"))


# ---- gradients -------------------------------------------------------------------------------

def test_gradient_curves_in_filipino(filipino, cells):
    fig = gradient_curves_figure(cells, threshold=10, spectral_radius=3.0, marks={3: fil("gradients.mark_colour")})
    assert fig.layout.title.text == fil("gradients.fig.untrained_title", rho="3.00",
                                        title=FIL["fig.curve_title"])
    assert fig.layout.yaxis.title.text == FIL["fig.curve_axis"]
    assert fil("gradients.fig.clipped", label="rnn · h") in [d.name for d in fig.data]
    assert fil("gradients.fig.clip_at", threshold="10") in annotations(fig)
    assert any(a.startswith(fil("gradients.mark_colour") + ": ") for a in annotations(fig))
    assert all(d.hovertemplate.startswith(fil("gradients.fig.token", token="%{text}")) for d in fig.data)


def test_a_single_curve_titles_the_signal_at_the_cursor_in_filipino(filipino, cells):
    fig = gradient_curves_figure({"lstm": cells["lstm"]}, step=3)
    assert fig.layout.title.text.startswith(fil("gradients.fig.signal_at", token="", value="").split(":")[0])
    assert "red" in fig.layout.title.text, "the token stays English"


def test_gain_product_and_connectivity_in_filipino(filipino, cells):
    gain = step_gain_figure(cells)
    assert gain.layout.yaxis.title.text == fil("gradients.fig.gain_axis")
    assert fil("gradients.fig.no_change") in annotations(gain)
    lstm, gru = forget_product_figure(cells["lstm"]), forget_product_figure(cells["gru"])
    assert lstm.layout.title.text == fil("fig.product_title", gate="forget")
    assert gru.layout.title.text == fil("fig.product_title", gate="update")
    assert "update gate" in gru.layout.title.text
    assert lstm.layout.yaxis.title.text == fil("gradients.fig.product_axis")
    strip = connectivity_figure(cells)
    assert strip.layout.title.text == FIL["fig.connectivity_title"]
    assert strip.data[0].colorbar.title.text == fil("gradients.fig.strongest")
    assert fil("gradients.fig.token", token="%{x}") in strip.data[0].hovertemplate


# ---- saturation ------------------------------------------------------------------------------

def test_saturation_figures_in_filipino(filipino):
    model = make_model("lstm")
    sat = saturation(model, TEXTS)
    unit = most_open_unit(sat, "lstm")
    fig = saturation_figure(sat, "lstm", selected=unit)
    assert fig.layout.title.text == FIL["fig.saturation_title"]
    assert fig.layout.xaxis.title.text == fil("saturation.shut_axis", low="0.1")
    assert fig.layout.yaxis.title.text == fil("saturation.open_axis", high="0.9")
    assert fil("saturation.chosen") in [d.name for d in fig.data]
    assert fil("saturation.hover_shut", share="%{x:.0%}") in fig.data[0].hovertemplate
    one = unit_gate_figure(rnnviz.trace(model, TEXTS[0]), *unit)
    gate, _, _, index = unit
    assert one.layout.title.text == fil("saturation.gate_unit", gate=theme.gate_label(gate, "lstm", "fil"),
                                        unit=index)
    assert one.layout.yaxis.title.text == fil("saturation.value")


# ---- flags -----------------------------------------------------------------------------------

def test_unit_names_in_filipino(filipino):
    assert unit_label((1, 1, 3), layers=2, directions=2) == " · ".join(
        [fil("fig.common.layer", layer=1), FIL["fig.direction.backward"],
         fil("flags.fig.unit", index=3)])
    assert units.concept_label("female") == fil("units.concept.female")
    assert units.concept_label("female", "en") == i18n.t("units.concept.female", "en")
    assert units.concept_name("negation") == fil("units.concept_name.negation")
    assert units.concept_label("mystery") == "mystery", "an unknown concept id is shown as it is"


def test_ranking_and_lines_in_filipino(filipino):
    model = make_model("lstm", head="lm")
    scores = trigger_scores(model, TEXTS, "not")
    ranking = unit_ranking_figure(scores, top=4)
    assert ranking.layout.title.text == fil("flags.fig.ranking_title")
    assert ranking.layout.xaxis.title.text == fil("flags.fig.auroc_axis")
    assert fil("flags.fig.hover_typical", letter="c", on="%{customdata[3]:+.2f}",
               off="%{customdata[4]:+.2f}") in ranking.data[0].hovertemplate
    trace = rnnviz.trace(model, FLAG_TEXT)
    lines = flag_lines_figure(trace, [(0, 0, 1), (0, 0, 2)], mark=4)
    assert lines.layout.title.text == fil("flags.fig.lines_title", state=FIL["fig.state.cell"])
    assert fil("flags.fig.after", token="%{text}") in lines.data[0].hovertemplate


def test_unit_gates_pair_and_clamp_in_filipino(filipino):
    model = make_model("lstm")
    trace = rnnviz.trace(model, FLAG_TEXT)
    gates = unit_gates_figure(trace, (0, 0, 2), mark=1)
    assert gates.layout.title.text == fil("flags.fig.gates_title", unit=fil("flags.fig.unit", index=2))
    assert {fil("flags.fig.state_row"), fil("flags.fig.gates_row")} <= set(annotations(gates))
    assert gates.layout.xaxis2.title.text == fil("flags.fig.token_axis")

    pair = minimal_pair(model, "alice was good .", "alice and tom was not good .")
    diff = pair_diff_figure(pair)
    assert diff.layout.title.text == fil("flags.fig.pair_title", letter="c")
    assert f"<br>{fil('flags.fig.at', token='alice')}" in diff.data[1].text[0]

    after = rnnviz.trace(model, FLAG_TEXT, clamp={(0, 0, 1): -4.0})
    clamp = clamp_effect_figure(trace, after, "unit 1 = -4.00")
    assert clamp.layout.title.text == fil("flags.fig.clamp_title_class")
    assert list(clamp.data[0].y) == [fil("flags.fig.as_trained"), fil("flags.fig.clamped", what="unit 1 = -4.00")]
    lm = make_model("lstm", head="lm")
    clamp_lm = clamp_effect_figure(rnnviz.trace(lm, FLAG_TEXT), rnnviz.trace(lm, FLAG_TEXT), "x")
    assert clamp_lm.layout.title.text == fil("flags.fig.clamp_title_lm")
