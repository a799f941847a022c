"""The registry is the one description of each cell kind and head, and it tells the truth."""
import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import registry
from rnnviz.cells import CELLS
from rnnviz.model import Model, ModelSpec
from rnnviz.text import Vocab
from tests.unit.reference import make_model

KINDS = list(registry.CELL_KINDS)


def test_every_kind_has_its_explicit_cell_and_no_other():
    assert list(CELLS) == KINDS == ["rnn", "gru", "lstm"]      # the lesson's order
    for name, cls in CELLS.items():
        assert cls.kind == name and cls.gate_names == registry.CELL_KINDS[name].gate_names


@pytest.mark.parametrize("name", KINDS)
def test_the_torch_module_stacks_as_many_blocks_as_the_registry_says(name):
    kind = registry.cell_kind(name)
    module = kind.torch_module(3, 5)
    assert module.weight_hh_l0.shape == (kind.blocks * 5, 5)
    _, state = module(torch.zeros(1, 2, 3))
    assert isinstance(state, tuple) == kind.carries_cell       # the LSTM hands (h, c) on


@pytest.mark.parametrize("name", KINDS)
def test_gates_come_out_in_the_registry_order_with_their_activation(name):
    kind = registry.cell_kind(name)
    rng = np.random.default_rng(0)
    cell = CELLS[name](rng.normal(size=(kind.blocks * 6, 4)) * 3, rng.normal(size=(kind.blocks * 6, 6)) * 3)
    _, gates = cell.step(rng.normal(size=4))
    assert tuple(gates) == kind.gate_names
    for gate in kind.gates:
        values = gates[gate.name]
        if gate.activation == "sigmoid":
            assert values.min() > 0 and values.max() < 1
        else:
            assert gate.activation == "tanh" and values.min() < 0 < values.max()


def test_letters_labels_and_forget_gate_agree():
    for kind in registry.CELL_KINDS.values():
        assert len(kind.letters) == kind.blocks
        for gate in kind.gates:
            assert gate.label.endswith(" " + gate.letter)
        assert kind.forget_gate is None or kind.forget_gate in kind.gate_names
        assert kind.memory_gate is None or kind.gate(kind.memory_gate).activation == "sigmoid"
        assert kind.lesson_pooling in registry.POOLINGS
        assert kind.flag_state == ("cell" if kind.carries_cell else "hidden")
    assert registry.cell_kind("lstm").letters == "ifgo" and registry.cell_kind("gru").letters == "rzn"


def test_unknown_names_are_refused_with_the_choices():
    with pytest.raises(ValueError, match="rnn, gru, lstm"):
        registry.cell_kind("transformer")
    with pytest.raises(ValueError, match="classifier, lm"):
        registry.head_kind("regression")


@pytest.mark.parametrize("name", KINDS)
def test_a_trace_carries_its_kind_and_head(name):
    trace = rnnviz.trace(make_model(name, 1, False), "alice said the movie was good")
    assert trace.kind == name and trace.cell_kind is registry.CELL_KINDS[name]
    assert trace.head == "classifier" and not trace.predicts_next_word
    assert (trace.cell is not None) == trace.cell_kind.carries_cell
    assert tuple(trace.gates) == trace.cell_kind.gate_names


def test_eleven_classes_are_still_a_classifier_and_a_next_word_model_says_so():
    words = ["<unk>", "<pad>", "a", "b", "c"]
    labels = tuple(f"class {k}" for k in range(11))
    many = Model(ModelSpec(cell="gru", vocab_size=5, emb_size=2, hidden_size=3, labels=labels), Vocab(words))
    assert not rnnviz.trace(many, "a b").predicts_next_word
    lm = Model(ModelSpec(cell="gru", vocab_size=5, emb_size=2, hidden_size=3, head="lm"), Vocab(words))
    trace = rnnviz.trace(lm, "a b")
    assert trace.predicts_next_word and trace.labels == words


def test_top_predictions_are_most_likely_first():
    trace = rnnviz.trace(rnnviz.load_model("story-lstm"), "alice says the movie was good . she is")
    top = trace.top_predictions(top=3)
    assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
    assert top[0][0] == trace.labels[int(trace.probs[-1].argmax())]
    assert trace.top_predictions(step=0)[0][1] == pytest.approx(float(trace.probs[0].max()))
