"""The cell-anatomy and deeper-network figures speak the current language (here Filipino).

Each figure is built in Filipino and its titles, axis titles, notes and hover words are compared
with the Filipino catalogue; the same figure in English must differ, so a forgotten t() fails.
"""
from __future__ import annotations

import pytest

import rnnviz
from rnnviz import head
from rnnviz.analysis.anatomy import cell_terms
from rnnviz.errors import RnnvizError
from rnnviz.figures import theme
from rnnviz.figures.anatomy import gate_equations_figure, simple_cell_figure
from rnnviz.figures.deep import concat_figure, layers_figure, top_outputs
from tests.unit.figkit import FIL, axis_titles, fil, plain_json
from tests.unit.reference import make_model

TEXT = "alice and tom was not very good ."


def read(cell: str, **options):
    model = make_model(cell, **options)
    return model, rnnviz.trace(model, TEXT)


# --- anatomy ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_simple_cell_figure_in_filipino(filipino, cell):
    model, trace = read(cell)
    fig = simple_cell_figure(cell_terms(model, trace, 2))
    text = plain_json(fig)
    assert f"<br>{fil('anatomy.fig.value')} %{{z" in text and "<br>value %" not in text
    if cell != "rnn":
        letters = ", ".join("ifgo" if cell == "lstm" else "rzn")
        assert fil("anatomy.fig.blocks", letters=letters) in fig.layout.title.text
        assert "one block per gate" not in fig.layout.title.text
        assert fil("anatomy.fig.column") in text and "column %" not in text
    if cell == "gru":
        assert fil("anatomy.fig.gru_reset_note") in fig.layout.title.text
    shape = fig.layout.xaxis.title.text
    assert shape.startswith("W: ") and "emb_size" in shape, "the shapes keep their symbols"


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gate_equations_figure_in_filipino(filipino, cell):
    model, trace = read(cell)
    fig = gate_equations_figure(cell_terms(model, trace, 2))
    notes = " ".join(a.text for a in fig.layout.annotations)
    for gate in trace.gates:
        assert theme.gate_label(gate, cell) in notes
    if cell == "lstm":
        assert f"{fil('anatomy.fig.new_cell_state')}: c<sub>t</sub> = f ⊙ c<sub>t−1</sub> + i ⊙ g" in notes
        assert fil("anatomy.fig.new_hidden_vector") in notes and "new hidden vector" not in notes
        assert fig.layout.coloraxis3.colorbar.title.text == f"{fil('anatomy.fig.sum')}, c"
    else:
        assert fil("anatomy.fig.new_hidden_state") in notes and "new hidden state" not in notes
        assert fil("anatomy.fig.first_plus_third") in notes and "1st + 3rd" not in notes
        assert fig.layout.coloraxis3.colorbar.title.text == fil("anatomy.fig.sum")
    assert fig.layout.coloraxis.colorbar.title.text == fil("anatomy.fig.gate")
    hover = " ".join(d.hovertemplate for d in fig.data)
    assert fil("anatomy.fig.unit_row", unit="%{x}") in hover


def test_anatomy_errors_in_filipino(filipino):
    model, trace = read("rnn")
    with pytest.raises(RnnvizError, match=fil("anatomy.fig.no_gates")[:20]):
        gate_equations_figure(cell_terms(model, trace, 0))
    with pytest.raises(RnnvizError, match=fil("anatomy.fig.other_model")[:20]):
        cell_terms(make_model("lstm"), trace, 0)


# --- deeper networks --------------------------------------------------------------------------

def test_layers_figure_in_filipino(filipino):
    _, trace = read("lstm", layers=2, bidirectional=True)
    fig = layers_figure(trace, step=3)
    state = theme.state_label("hidden")
    assert state == FIL["fig.state.hidden"]
    expected = f"{fil('deep.fig.every_layer_direction', state=state)} {fil('deep.fig.at_step', step=3, token='was')}"
    assert fig.layout.title.text == expected
    notes = [a.text for a in fig.layout.annotations]
    assert fil("deep.fig.layer_feeds", below=0, above=1) in notes
    forward = f"{FIL['fig.direction.forward']} ({FIL['deep.fig.reads_forward']})"
    assert f"{fil('fig.common.layer', layer=1)} · {forward}" in notes
    assert fil("deep.fig.unit") in axis_titles(fig)
    assert all(fil("deep.fig.token") in d.hovertemplate for d in fig.data)


def test_one_layer_title_in_filipino(filipino):
    _, trace = read("gru")
    fig = layers_figure(trace)
    assert fig.layout.title.text == fil("deep.fig.every_layer", state=FIL["fig.state.hidden"])
    assert fil("deep.fig.only_layer") in [a.text for a in fig.layout.annotations]


def test_concat_figure_in_filipino(filipino):
    _, trace = read("lstm", bidirectional=True)
    fig = concat_figure(trace, 2)
    assert fig.layout.title.text == fil("deep.fig.side_by_side", step=2, token="tom")
    assert fig.layout.xaxis.title.text == fil("deep.fig.concat_axis")
    assert list(fig.layout.yaxis.ticktext) == [fil("deep.fig.at_step_row", step=2), fil("deep.fig.classifier_reads")]
    backward = f"{FIL['fig.direction.backward']} ({FIL['deep.fig.reads_backward']})"
    assert backward in [a.text for a in fig.layout.annotations]
    assert fil("deep.fig.direction_unit", direction=FIL["fig.direction.forward"], unit=0) in plain_json(fig)
    with pytest.raises(RnnvizError, match="pooling"):
        head.pooled_states(top_outputs(trace), "max", 2)


def test_the_same_figures_are_english_by_default():
    """Without a language installed the figures keep their English words (the tests above can fail)."""
    _, trace = read("lstm", layers=2, bidirectional=True)
    fig = layers_figure(trace, step=3)
    assert "every layer and direction at step 3" in fig.layout.title.text
    assert fig.layout.title.text != fil("deep.fig.every_layer_direction", state=FIL["fig.state.hidden"])
    model, trace = read("lstm")
    notes = " ".join(a.text for a in gate_equations_figure(cell_terms(model, trace, 1)).layout.annotations)
    assert "new cell state" in notes and fil("anatomy.fig.new_cell_state") not in notes
