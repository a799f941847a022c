"""Cell anatomy: the recomputed step equals the trace, and the figures show it with its shapes."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import rnnviz
from rnnviz.analysis.anatomy import cell_terms
from rnnviz.errors import RnnvizError
from rnnviz.figures import theme
from rnnviz.figures.anatomy import gate_equations_figure, simple_cell_figure
from tests.unit.figkit import plain_json
from tests.unit.reference import make_model, nn_layer_states

TEXT = "alice and tom was not very good ."          # 8 tokens, all known to the reference vocab
CELLS = ["rnn", "lstm", "gru"]
GATES = {"rnn": [], "lstm": ["input", "forget", "candidate", "output"],
         "gru": ["reset", "update", "candidate"]}
E, H = 6, 5                                          # make_model's default sizes


@pytest.fixture(scope="module")
def models():
    return {(cell, deep): make_model(cell, layers=2 if deep else 1, bidirectional=deep)
            for cell in CELLS for deep in (False, True)}


def read(models, cell, deep=False):
    model = models[cell, deep]
    return model, rnnviz.trace(model, TEXT)


def assert_matches_trace(terms, trace, layer, direction, t):
    assert np.allclose(terms.h, trace.hidden[layer, direction, t], atol=1e-5)
    if trace.cell is not None:
        assert np.allclose(terms.c, trace.cell[layer, direction, t], atol=1e-5)
    assert set(terms.gates) == set(trace.gates)
    for name, values in terms.gates.items():
        assert np.allclose(values, trace.gates[name][layer, direction, t], atol=1e-5)


# --- cell_terms: exact numbers ----------------------------------------------------------------

@pytest.mark.parametrize("cell", CELLS)
def test_terms_reproduce_the_trace_at_every_step(models, cell):
    model, trace = read(models, cell)
    for t in range(trace.steps):
        terms = cell_terms(model, trace, t)
        assert_matches_trace(terms, trace, 0, 0, t)
        assert terms.kind == cell and terms.prev_step == (None if t == 0 else t - 1)
        assert np.allclose(terms.x, model.embeddings(trace.ids)[t])
        expected_prev = np.zeros(H) if t == 0 else trace.hidden[0, 0, t - 1]
        assert np.allclose(terms.h_prev, expected_prev)
        assert np.allclose(terms.a, terms.W @ terms.x + terms.H @ terms.h_prev + terms.b)
    if cell == "rnn":
        assert np.allclose(terms.h, np.tanh(terms.a))


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("t", [0, 3])
def test_terms_second_layer_backward_direction(models, cell, t):
    model, trace = read(models, cell, deep=True)
    terms = cell_terms(model, trace, t, layer=1, direction=1)
    assert_matches_trace(terms, trace, 1, 1, t)
    assert np.allclose(terms.x, trace.hidden[0, :, t].ravel())      # [h_forward; h_backward]
    assert terms.W.shape == (len(GATES[cell] or [0]) * H, 2 * H)
    assert terms.prev_step == t + 1 and terms.prev == "t+1"    # read from the end
    reference, _ = nn_layer_states(model, list(trace.ids))               # torch.nn, independent
    assert np.allclose(terms.h, reference[1, 1, t].numpy(), atol=1e-5)


def test_terms_backward_direction_starts_from_zeros_at_the_last_token(models):
    model, trace = read(models, "lstm", deep=True)
    terms = cell_terms(model, trace, trace.steps - 1, layer=0, direction=1)
    assert terms.prev_step is None
    assert not terms.h_prev.any() and not terms.c_prev.any()
    assert_matches_trace(terms, trace, 0, 1, trace.steps - 1)


def test_the_gru_candidate_keeps_the_inputs_part_apart_from_the_states(models):
    """n = tanh(W_n x + b_in + r ⊙ (H_n h_prev + b_hn)): the parts the gate figure draws."""
    model, trace = read(models, "gru")
    terms = cell_terms(model, trace, 3)
    n = slice(2 * H, 3 * H)
    assert np.allclose(terms.x_part + terms.h_part, terms.a)
    assert np.allclose(np.tanh(terms.x_part[n] + terms.gates["reset"] * terms.h_part[n]),
                       terms.gates["candidate"], atol=1e-6)


def test_terms_refuse_bad_indices_and_another_models_trace(models):
    model, trace = read(models, "gru")
    with pytest.raises(RnnvizError):
        cell_terms(model, trace, trace.steps)
    with pytest.raises(RnnvizError):
        cell_terms(model, trace, 0, layer=1)
    with pytest.raises(RnnvizError):
        cell_terms(models["lstm", False], trace, 0)


# --- figures ----------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", CELLS)
def test_simple_cell_figure_panels_and_shapes(models, cell):
    model, trace = read(models, cell)
    terms = cell_terms(model, trace, 3)
    fig = simple_cell_figure(terms)
    heatmaps = [d for d in fig.data if d.type == "heatmap"]
    assert len(heatmaps) == len(fig.data) == (7 if cell == "rnn" else 6)
    rows = max(1, len(GATES[cell])) * H
    titles = [fig.layout[f"xaxis{k if k > 1 else ''}"].title.text for k in range(1, len(heatmaps) + 1)]
    assert f"{rows} × {E}" in titles[0] and "emb_size" in titles[0]      # W
    assert f"{rows} × {H}" in titles[2] and "hid_size" in titles[2]      # H
    if cell == "rnn":
        assert "hid_size × emb_size" in titles[0] and "5 × 6" in titles[0]
        assert np.allclose(np.asarray(heatmaps[-1].z)[:, 0], trace.hidden[0, 0, 3], atol=1e-5)
    assert np.allclose(np.asarray(heatmaps[0].z), terms.W, atol=1e-5)       # drawn from a record rounded
    assert np.allclose(np.asarray(heatmaps[1].z)[:, 0], terms.x, atol=1e-5)  # to 5 decimals
    for axis in ("coloraxis", "coloraxis2", "coloraxis3"):              # diverging, centred at 0
        assert fig.layout[axis].cmin == -fig.layout[axis].cmax
    assert len(fig.layout.shapes) == (0 if cell == "rnn" else 4 * (len(GATES[cell]) - 1))


def test_simple_cell_figure_second_layer_names_its_input(models):
    model, trace = read(models, "rnn", deep=True)
    fig = simple_cell_figure(cell_terms(model, trace, 0, layer=1, direction=1))
    assert "input_size" in fig.layout.xaxis.title.text and f"{H} × {2 * H}" in fig.layout.xaxis.title.text
    assert "layer 1" in fig.layout.title.text and "backward" in fig.layout.title.text


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gate_equations_figure_rows(models, cell):
    model, trace = read(models, cell)
    fig = gate_equations_figure(cell_terms(model, trace, 2))
    gates = GATES[cell]
    strips = 5 * len(gates) + (5 + 3 if cell == "lstm" else 5)         # gate rows, then state rows
    assert len([d for d in fig.data if d.type == "heatmap"]) == len(fig.data) == strips
    for k, gate in enumerate(gates):                                  # each row ends with the gate
        assert np.allclose(np.asarray(fig.data[5 * k + 4].z)[0], trace.gates[gate][0, 0, 2], atol=1e-5)
        axis = fig.data[5 * k + 4].coloraxis
        assert axis == ("coloraxis2" if gate == "candidate" else "coloraxis")
    assert np.allclose(np.asarray(fig.data[-1].z)[0], trace.hidden[0, 0, 2], atol=1e-5)
    text = " ".join(a.text for a in fig.layout.annotations)
    for gate in gates:
        assert theme.gate_label(gate, cell) in text
    assert "c<sub>t</sub> = f ⊙ c<sub>t−1</sub> + i ⊙ g" in text if cell == "lstm" else "(1 − z) ⊙ n" in text
    assert (fig.layout.coloraxis.cmin, fig.layout.coloraxis.cmax) == theme.GATE_RANGE
    if cell == "lstm":
        assert np.allclose(np.asarray(fig.data[-4].z)[0], trace.cell[0, 0, 2], atol=1e-5)   # c_t


def test_gate_equations_figure_refuses_a_simple_rnn(models):
    model, trace = read(models, "rnn")
    with pytest.raises(RnnvizError):
        gate_equations_figure(cell_terms(model, trace, 0))


@pytest.mark.parametrize("cell", CELLS)
def test_token_text_is_escaped(models, cell):
    model, trace = read(models, cell)
    tricky = dataclasses.replace(trace, tokens=["<b>x</b>"] + trace.tokens[1:])
    terms = cell_terms(model, tricky, 0)
    figures = [simple_cell_figure(terms)] + ([gate_equations_figure(terms)] if cell != "rnn" else [])
    for fig in figures:
        text = plain_json(fig)
        assert "&lt;b&gt;x&lt;/b&gt;" in text and "<b>x</b>" not in text


def test_scale_grows_the_figures(models):
    model, trace = read(models, "lstm")
    terms = cell_terms(model, trace, 1)
    for build in (simple_cell_figure, gate_equations_figure):
        assert build(terms, scale=1.5).layout.height > build(terms).layout.height
