"""rnnviz.analysis.lab: what the pages ask of a Trace, checked against brute force on synthetic traces."""
from __future__ import annotations

import numpy as np
import pytest

import rnnviz
from rnnviz.analysis import lab
from rnnviz.registry import CELL_KINDS
from tests.unit.figkit import make_trace


@pytest.mark.parametrize("cell", list(CELL_KINDS))
def test_the_flag_state_is_c_where_the_cell_carries_one(cell):
    trace = make_trace(cell, L=2, D=2)
    expected = trace.cell if CELL_KINDS[cell].carries_cell else trace.hidden
    assert trace.flag_states is expected


@pytest.mark.parametrize("cell", list(CELL_KINDS))
def test_the_strongest_unit_reaches_the_largest_absolute_value(cell):
    trace = make_trace(cell, T=5, H=6, seed=3)
    values = trace.flag_states[0, 0]                                       # [T, H]
    layer, direction, unit = lab.strongest_unit(trace)
    assert (layer, direction) == (0, 0)
    assert all(abs(values[:, unit]).max() >= abs(values[:, u]).max() for u in range(values.shape[1]))


def test_the_strongest_unit_is_the_planted_one():
    trace = make_trace("gru", T=4, H=5)
    trace.hidden[0, 0, 2, 3] = -5.0                                            # far beyond tanh's range
    assert lab.strongest_unit(trace) == (0, 0, 3)


@pytest.mark.parametrize("cell", [name for name, kind in CELL_KINDS.items() if kind.gates])
def test_the_most_open_gate_has_the_largest_mean_among_the_sigmoid_gates(cell):
    trace = make_trace(cell, T=4, H=7, seed=1)
    sigmoid = [g.name for g in CELL_KINDS[cell].gates if g.activation == "sigmoid"]
    for step in range(trace.steps):
        gate, mean = lab.most_open_gate(trace, step)
        means = {g: float(trace.gates[g][0, 0, step].mean()) for g in sigmoid}
        assert gate in sigmoid and mean == pytest.approx(max(means.values()))
        assert means[gate] == pytest.approx(mean)


def test_the_candidate_is_never_the_most_open_gate():
    trace = make_trace("lstm", T=3, H=4)
    trace.gates["candidate"][...] = 1.0                                        # the largest possible value
    assert lab.most_open_gate(trace, 1)[0] != "candidate"


def test_a_cell_without_gates_has_no_most_open_gate():
    assert lab.most_open_gate(make_trace("rnn"), 0) is None


def test_a_classifier_offers_its_own_guess_then_its_classes():
    trace = make_trace("lstm", C=3)
    assert lab.gradient_targets(trace, set()) == [None, "class 0", "class 1", "class 2"]


def test_a_next_word_model_offers_each_known_word_after_the_token_before_it():
    trace = make_trace("gru", T=4, tokens=["alice", "says", "zzyzx", "she"], head="lm")
    assert lab.gradient_targets(trace, {"alice", "says", "she"}) == [None, ("says", 0), ("she", 2)]


def test_the_targets_match_what_a_bundled_model_can_read():
    model = rnnviz.load_model("story-gru")
    trace = rnnviz.trace(model, "alice says the movie was good . she is happy .")
    targets = lab.gradient_targets(trace, model.vocab)
    assert targets[0] is None and targets[1:] == [(w, k - 1) for k, w in enumerate(trace.tokens) if k]
    for word, position in targets[1:3]:
        read = rnnviz.trace(model, " ".join(trace.tokens), target=(word, position))
        assert np.isfinite(read.grad_hidden).all()
