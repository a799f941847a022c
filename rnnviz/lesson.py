"""Open a classifier trained in the lesson's notebook: its state_dict and its vocabulary.

The notebook's model is `embedding` → `rnn` (torch.nn RNN/LSTM/GRU, batch_first) → `fc`,
which is rnnviz's own layout, so only the sizes need to be read off the tensors' shapes.
"""
from __future__ import annotations

import re

from .checkpoints import LESSON_CLASSES, load_weights, read_state_dict
from .errors import CheckpointError
from .model import Model, ModelSpec
from .registry import CELL_KINDS
from .text import Vocab


def load_lesson_model(state_dict, vocab, cell: str = "lstm", pooling: str = "last",
                      labels=None, nonlinearity: str = "tanh") -> Model:
    """A Model from the notebook's files (paths or bytes): `torch.save(model.state_dict(), …)` and
    a vocabulary with one token per line (line i = id i)."""
    if cell not in CELL_KINDS:
        raise CheckpointError(f"The cell kind must be one of {', '.join(CELL_KINDS)}, not {cell!r}.")
    state = read_state_dict(state_dict)
    vocab = vocab if isinstance(vocab, Vocab) else (
        Vocab.from_text(vocab) if isinstance(vocab, bytes) else Vocab.from_file(vocab))
    spec = infer_spec(state, cell, pooling, labels, nonlinearity)
    if len(vocab) != spec.vocab_size:
        raise CheckpointError(f"The vocabulary has {len(vocab):,} tokens but the embedding has "
                              f"{spec.vocab_size:,} rows: they must come from the same notebook run.")
    model = Model(spec, vocab, {"task": "lesson", "source": "a model from the lesson notebook"})
    load_weights(model, state)
    return model


def infer_spec(state: dict, cell: str, pooling: str, labels, nonlinearity: str) -> ModelSpec:
    """Sizes from shapes: embedding [V, E], rnn.weight_hh_l0 [G*H, H], fc.weight [C, D*H]
    (G = CellKind.blocks: the gate blocks stacked in the recurrent matrix)."""
    for key in ("embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "fc.weight"):
        if key not in state or state[key].dim() != 2:
            raise CheckpointError(f"This does not look like the lesson's classifier: {key} is missing. "
                                  "Expected keys embedding.weight, rnn.weight_ih_l0, …, fc.weight, fc.bias.")
    vocab_size, emb_size = state["embedding.weight"].shape
    rows, hidden = state["rnn.weight_hh_l0"].shape
    kind = CELL_KINDS[cell]
    if rows != kind.blocks * hidden:
        found = next((k for k in CELL_KINDS.values() if rows == k.blocks * hidden), None)
        hint = f" It looks like a {found.title}." if found else ""
        raise CheckpointError(f"These weights are not a {kind.title}: its recurrent matrix has "
                              f"{rows // hidden} gate block(s), a {kind.title} has {kind.blocks}.{hint}")
    layers = 1 + max(int(m.group(1)) for k in state if (m := re.fullmatch(r"rnn\.weight_ih_l(\d+)", k)))
    bidirectional = "rnn.weight_ih_l0_reverse" in state
    classes = state["fc.weight"].shape[0]
    if labels is None:
        labels = LESSON_CLASSES if classes == len(LESSON_CLASSES) else [f"class {i}" for i in range(classes)]
    if len(labels) != classes:
        raise CheckpointError(f"The model has {classes} classes but {len(labels)} class names were given.")
    spec = ModelSpec(cell=cell, vocab_size=int(vocab_size), emb_size=int(emb_size), hidden_size=int(hidden),
                     layers=layers, bidirectional=bidirectional, head="classifier", pooling=pooling,
                     labels=tuple(str(x) for x in labels), nonlinearity=nonlinearity)
    spec.validate()
    return spec

