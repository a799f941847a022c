"""Gradient and saturation figures: what they draw equals what rnnviz.analysis computes on the Trace."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

import rnnviz
from rnnviz.analysis.gradients import clip, forget_product, gradient_curve, spectral_radius, step_gain, untrained_model
from rnnviz.analysis.lab import label_position, most_open_unit
from rnnviz.analysis.saturation import saturation
from rnnviz.errors import RnnvizError
from rnnviz.figures.common import token_axis_depth, token_label
from rnnviz.figures.gradients import (
    connectivity_figure,
    forget_product_figure,
    gradient_curves_figure,
    signal_words,
    step_gain_figure,
)
from rnnviz.figures.saturation import saturation_figure, unit_gate_figure
from tests.unit.figkit import plain_json
from tests.unit.reference import make_model

TEXT = ("the key is red . the cat sat on the mat . we walked home . it rained . "
        "snow fell all morning . what colour was the key ?")                       # 28 tokens
HOSTILE = "<b>bold</b> <script>alert(1)</script> & the key is red ."
CELLS = ("rnn", "gru", "lstm")


@pytest.fixture(scope="module")
def traces():
    return {c: rnnviz.trace(untrained_model(c), TEXT) for c in CELLS}


def ys(trace_obj) -> np.ndarray:
    """A plotly trace's y as floats, None (a gap on the log axis) as NaN."""
    return np.array([np.nan if v is None else v for v in trace_obj.y], dtype=float)


def named(fig: go.Figure, name: str):
    found = [d for d in fig.data if d.name == name]
    assert len(found) == 1, f"expected one trace named {name!r}, found {[d.name for d in fig.data]}"
    return found[0]


def assert_curve(drawn: np.ndarray, expected: np.ndarray) -> None:
    """Drawn values equal the analysis values where positive; zeros are gaps (NaN) on a log axis."""
    expected = np.asarray(expected, dtype=float)
    positive = expected > 0
    np.testing.assert_allclose(drawn[positive], expected[positive], rtol=1e-12)
    assert np.isnan(drawn[~positive]).all()


# --- gradient curves -----------------------------------------------------------------------

def test_curves_log_axis_one_line_per_model_equal_to_gradient_curve(traces):
    fig = gradient_curves_figure(traces, cell=False)
    assert fig.layout.yaxis.type == "log"
    assert [d.name for d in fig.data] == ["rnn · h", "gru · h", "lstm · h"]
    for d, tr in zip(fig.data, traces.values()):
        assert_curve(ys(d), gradient_curve(tr))
        assert ys(d)[-1] == pytest.approx(1.0), "normalised at the last token"
        assert [c[0] for c in d.customdata] == list(range(tr.steps)), "customdata [step] for clicks"
    assert len({d.line.color for d in fig.data}) == 3


def test_the_lstm_adds_its_cell_state_curve_dashed(traces):
    fig = gradient_curves_figure(traces)
    assert len(fig.data) == 4
    c = named(fig, "lstm · c")
    assert c.line.dash == "dash" and named(fig, "lstm · h").line.dash == "solid"
    assert_curve(ys(c), gradient_curve(traces["lstm"], state="cell"))


def test_a_target_before_the_end_leaves_later_tokens_out_and_marks_it():
    model = untrained_model("lstm")
    tr = rnnviz.trace(model, TEXT, target=("positive", 5))
    fig = gradient_curves_figure({"lstm": tr}, marks={5: "L is read here"})
    y = ys(named(fig, "‖∂L/∂h‖"))
    assert y[5] == pytest.approx(1.0) and np.isnan(y[6:]).all()
    assert_curve(y, gradient_curve(tr))
    assert any(a.text == "L is read here: 5 · the" for a in fig.layout.annotations)
    assert any(s.x0 == 5 for s in fig.layout.shapes)


def test_the_cursor_is_a_line_and_a_single_model_titles_its_value(traces):
    fig = gradient_curves_figure({"rnn": traces["rnn"]}, step=3)
    assert any(s.x0 == 3 and s.x1 == 3 for s in fig.layout.shapes)
    assert f"{gradient_curve(traces['rnn'])[3]:.1e}" in fig.layout.title.text
    assert "3 · red" in fig.layout.title.text


@pytest.mark.parametrize("scale", [0.5, 1.0, 3.0])
def test_the_spectral_radius_shown_is_the_one_of_the_scaled_matrix(scale):
    model = untrained_model("rnn", scale=scale)
    rho = spectral_radius(model.rnn.weight_hh_l0)
    assert rho == pytest.approx(scale, abs=1e-5), "orthogonal × s has ρ = s"
    fig = gradient_curves_figure({"RNN": rnnviz.trace(model, TEXT)}, spectral_radius=rho)
    assert f"ρ(W_hh) = {scale:.2f}" in fig.layout.title.text


def test_three_times_the_rotation_explodes_the_plain_rnn():
    exploding = rnnviz.trace(untrained_model("rnn", scale=3.0), TEXT)
    y = ys(gradient_curves_figure({"RNN": exploding}).data[0])
    assert y[0] / y[-1] > 1
    vanishing = rnnviz.trace(untrained_model("rnn", scale=0.5), TEXT)
    assert ys(gradient_curves_figure({"RNN": vanishing}).data[0])[0] < 1e-3


def test_clipped_curve_is_the_minimum_of_norm_and_threshold():
    tr = rnnviz.trace(untrained_model("rnn", scale=3.0), TEXT)
    fig = gradient_curves_figure({"RNN": tr}, threshold=10)
    clipped = named(fig, "‖∂L/∂h‖ clipped")
    assert clipped.line.dash == "dot"
    expected = np.minimum(gradient_curve(tr), 10)
    assert_curve(ys(clipped), expected)
    np.testing.assert_allclose(expected, clip(gradient_curve(tr), 10))
    assert np.nanmax(ys(clipped)) == 10 < np.nanmax(ys(named(fig, "‖∂L/∂h‖")))
    assert any(s.y0 == 10 and s.y1 == 10 for s in fig.layout.shapes), "the threshold line"
    label = next(a for a in fig.layout.annotations if a.text == "clip at 10")
    assert label.y == pytest.approx(1.0), "a log axis's annotations take log10 (else the axis stretches to 10¹⁰)"
    assert gradient_curves_figure({"RNN": tr}, threshold=1e9).data[-1].name == "‖∂L/∂h‖", "nothing to clip"


def test_no_curve_means_an_explanation_not_an_empty_chart():
    tr = rnnviz.trace(untrained_model("rnn"), TEXT)
    silent = type(tr)(**{**tr.__dict__, "grad_hidden": np.zeros_like(tr.grad_hidden)})
    fig = gradient_curves_figure({"RNN": silent})
    assert any("no gradient" in a.text for a in fig.layout.annotations)


def test_no_traces_is_an_error():
    with pytest.raises(RnnvizError):
        gradient_curves_figure({})


# --- per-step gain and the forget-gate carousel -----------------------------------------------

def test_step_gain_equals_the_analysis(traces):
    fig = step_gain_figure(traces)
    assert fig.layout.yaxis.type == "log" and len(fig.data) == 3
    for d, tr in zip(fig.data, traces.values()):
        assert_curve(ys(d), np.nan_to_num(step_gain(tr)))
        assert len(d.y) == tr.steps - 1
    assert any(s.y0 == 1 and s.y1 == 1 for s in fig.layout.shapes), "the no-change line at 1"


@pytest.mark.parametrize("bias", [0.0, 3.0])
def test_forget_product_equals_the_analysis(bias):
    tr = rnnviz.trace(untrained_model("lstm", forget_bias=bias), TEXT)
    fig = forget_product_figure(tr)
    assert fig.layout.yaxis.type == "log"
    assert_curve(ys(fig.data[0]), forget_product(tr))
    assert ys(fig.data[0])[-1] == pytest.approx(1.0)


def test_a_larger_forget_bias_keeps_more_of_the_memory():
    low, high = (forget_product(rnnviz.trace(untrained_model("lstm", forget_bias=b), TEXT))[0] for b in (0, 3))
    assert high > 100 * low


def test_a_plain_rnn_has_no_carousel(traces):
    with pytest.raises(RnnvizError):
        forget_product_figure(traces["rnn"])


# --- connectivity strip --------------------------------------------------------------------

def test_connectivity_rows_hold_the_traces_connectivity(traces):
    fig = connectivity_figure(traces)
    heat = fig.data[0]
    assert heat.type == "heatmap" and list(heat.y) == list(traces)
    for row, tr in enumerate(traces.values()):
        np.testing.assert_allclose(np.asarray(heat.customdata)[row], tr.connectivity, rtol=1e-6)
        ratio = tr.connectivity / tr.connectivity.max()
        np.testing.assert_allclose(np.asarray(heat.z, dtype=float)[row], np.log10(ratio), rtol=1e-6)
    assert heat.zmax == 0 and heat.zmin < 0, "log colour scale, strongest word = 10⁰"


def test_tokens_after_the_target_get_no_colour():
    tr = rnnviz.trace(untrained_model("gru"), TEXT, target=("negative", 4))
    z = np.asarray(connectivity_figure({"gru": tr}).data[0].z, dtype=float)[0]
    assert np.isnan(z[5:]).all() and np.isfinite(z[:5]).all()


# --- saturation ----------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_saturation_scatter_has_one_point_per_gate_unit_with_customdata(cell):
    model = make_model(cell, layers=2, bidirectional=True)
    texts = ["alice and tom was not very good .", "the movie was good"]
    sat = saturation(model, texts)
    fig = saturation_figure(sat, cell)
    spec = model.spec
    points = [d for d in fig.data if d.customdata is not None]
    assert sum(len(d.x) for d in points) == len(sat) * spec.layers * spec.directions * spec.hidden_size
    for d in points:
        for (gate, layer, direction, unit), x, y in zip(d.customdata, d.x, d.y):
            low, high = sat[gate]
            assert (x, y) == (low[layer, direction, unit], high[layer, direction, unit])
    assert fig.layout.xaxis.range[1] > 1 and "0.1" in fig.layout.xaxis.title.text


def test_the_chosen_unit_is_ringed_and_drawn_over_the_sentence():
    model = untrained_model("lstm", forget_bias=3.0)
    sat = saturation(model, [TEXT])
    unit = most_open_unit(sat, "lstm")
    gate, layer, direction, u = unit
    assert gate == "forget" and sat[gate][1][layer, direction, u] == sat[gate][1].max()
    ring = named(saturation_figure(sat, "lstm", unit), "chosen unit")
    assert (ring.x[0], ring.y[0]) == (sat[gate][0][layer, direction, u], sat[gate][1][layer, direction, u])
    tr = rnnviz.trace(model, TEXT)
    fig = unit_gate_figure(tr, *unit, step=2)
    np.testing.assert_allclose(fig.data[0].y, tr.gates[gate][layer, direction, :, u])
    assert f"unit {u}" in fig.layout.title.text


def test_a_plain_rnn_has_nothing_to_saturate():
    with pytest.raises(RnnvizError):
        saturation_figure(saturation(untrained_model("rnn"), [TEXT]), "rnn")
    with pytest.raises(RnnvizError):
        most_open_unit({}, "rnn")


# --- escaping and helpers ------------------------------------------------------------------

def test_typed_tokens_are_escaped_in_every_figure():
    model = untrained_model("lstm")
    tr = rnnviz.trace(model, HOSTILE)
    sat = saturation(model, [HOSTILE])
    figs = [gradient_curves_figure({"<i>x</i>": tr, "m": tr}, step=1, marks={2: "<b>mark"}),
            step_gain_figure({"m": tr}),
            forget_product_figure(tr), connectivity_figure({"m": tr}), saturation_figure(sat, "lstm"),
            unit_gate_figure(tr, *most_open_unit(sat, "lstm"))]
    for fig in figs:
        text = plain_json(fig)
        for raw in ("<b>bold", "<script", "<i>x", "<b>mark"):
            assert raw not in text
    assert "&lt;b&gt;" in plain_json(figs[0])


def test_label_position_finds_the_first_label():
    tr = rnnviz.trace(untrained_model("rnn"), TEXT)
    assert label_position(tr, ["blue", "red"]) == 3
    assert label_position(tr, ["purple"]) is None


# --- readable: decade ticks, values in words, whole tokens --------------------------------

def log_figures(traces) -> dict[str, go.Figure]:
    exploding = rnnviz.trace(untrained_model("rnn", scale=3.0), TEXT)
    return {"curves": gradient_curves_figure(traces), "compact": gradient_curves_figure(traces, compact=True),
            "clipped": gradient_curves_figure({"RNN": exploding}, threshold=10),
            "gain": step_gain_figure(traces), "product": forget_product_figure(traces["lstm"])}


def test_every_log_axis_is_labelled_at_whole_powers_of_ten_only(traces):
    for name, fig in log_figures(traces).items():
        axis = fig.layout.yaxis
        assert axis.type == "log" and axis.tickmode == "array", name
        powers = np.log10(np.asarray(axis.tickvals, dtype=float))
        np.testing.assert_allclose(powers, np.round(powers), err_msg=name)
        assert not {"2", "5"} & set(axis.ticktext), f"{name}: a bare minor label"
        assert "D" not in str(axis.dtick or ""), name
        low, high = axis.range                                      # log10 units
        for d in fig.data:
            y = ys(d)
            y = y[np.isfinite(y) & (y > 0)]
            if y.size:
                assert low <= np.log10(y.min()) + 1e-9 and np.log10(y.max()) <= high + 1e-9, f"{name}: {d.name} cut"


def test_a_page_can_keep_one_y_range_while_the_curves_move(traces):
    span = (1e-10, 10.0)
    small = gradient_curves_figure({"rnn": traces["rnn"]}, y_span=span)
    assert small.layout.yaxis.range[0] <= -10 and small.layout.yaxis.range[1] >= 1
    vanishing = rnnviz.trace(untrained_model("rnn", scale=0.25), TEXT)
    deeper = gradient_curves_figure({"rnn": vanishing}, y_span=span)
    assert deeper.layout.yaxis.range[0] <= np.log10(np.nanmin(ys(deeper.data[0]))), "a curve below still shows"


def test_hovers_read_each_value_out_in_words(traces):
    fig = gradient_curves_figure(traces, cell=False)
    for d, tr in zip(fig.data, traces.values()):
        values = gradient_curve(tr)
        for s in (0, tr.steps // 2, tr.steps - 1):
            assert d.text[s].endswith(signal_words(values[s])), d.text[s]
    assert signal_words(1e-4) == "1 in 10,000" and signal_words(0.5) == "50%" and signal_words(1.0) == "100%"
    assert signal_words(1.4e-15) == "1 in 7 × 10¹⁴" and signal_words(3e8) == "3 × 10⁸×"
    assert signal_words(0.0) == signal_words(float("nan")) == "none at all"
    assert signal_words(1e-4, "fil") == "1 sa bawat 10,000"


def test_the_compact_chart_names_whole_words_and_puts_its_notes_in_the_legend():
    long_words = rnnviz.trace(untrained_model("lstm"), TEXT + " the extraordinarily long sentence")
    fig = gradient_curves_figure({"lstm": long_words}, marks={3: "the colour"}, compact=True)
    axis = fig.layout.xaxis
    assert 3 in axis.tickvals, "the marked token is named even when labels are thinned"
    assert all("…" not in text for text in axis.ticktext)
    assert [token_label(long_words, s, position=False) for s in axis.tickvals] == list(axis.ticktext), \
        "whole words (unknown ones marked), without their positions"
    assert any(str(long_words.tokens[s]) == "extraordinarily" for s in range(long_words.steps))
    assert not (axis.title.text or "") and not (fig.layout.yaxis.title.text or "")
    assert fig.layout.legend.x > 1, "the legend beside the plot, not over the curves"
    assert [d.name for d in fig.data if d.name.startswith("the colour")] == ["the colour: red"]
    assert not fig.layout.annotations, "nothing written over the curves"
    assert fig.layout.margin.b >= token_axis_depth(axis.to_plotly_json()), "room for the labels under the plot"
