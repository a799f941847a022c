"""Open a classifier trained in the lesson's notebook: its state_dict and its vocabulary.

The notebook's model is `embedding` → `rnn` (torch.nn RNN/LSTM/GRU, batch_first) → `fc`,
which is rnnviz's own layout, so only the sizes need to be read off the tensors' shapes.
How the classifier reads its states is the lesson's: its RNNClassifier averages the outputs of
every step (`fc(x.mean(dim=1))`, pooling "mean"), its LSTMClassifier and LSTMPackClassifier read
the final state (`fc(h[-1])`, "last"); a GRU reads the last state too (registry: lesson_pooling).
Text is split with the lesson's tokenizer, torchtext's basic_english, unless told otherwise.
"""
from __future__ import annotations

import re

from .checkpoints import LESSON_CLASSES, load_weights, read_weights
from .errors import CheckpointError
from .model import Model, ModelSpec
from .registry import CELL_KINDS
from .text import TOKENIZERS, Vocab
from .vocab_files import EXPORT_CODE, describe_unknown, read_vocab

__all__ = ["EXPORT_CODE", "describe_unknown", "infer_spec", "lesson_pooling", "load_lesson_model", "read_vocab"]


def load_lesson_model(state_dict, vocab, cell: str = "lstm", pooling: str | None = None, labels=None,
                      nonlinearity: str = "tanh", tokenizer: str = "basic_english") -> Model:
    """A Model from the notebook's weights and vocabulary.

    state_dict: a path or bytes of `torch.save(net.state_dict(), …)` (saved on a GPU or not), a
        checkpoint dict holding one under "model_state_dict" or "state_dict" (its other entries,
        optimizer, epoch…, are ignored; the card's "weights" says which), or such a dict in memory.
    vocab: anything read_vocab reads (a file, bytes, a token list, a token→id dict, a torchtext
        vocab object); its unknown-word rule is the card's "unknown_words".
    pooling: None = the lesson's for `cell` ("mean" for "rnn", "last" for "lstm" and "gru").
    tokenizer: a name in rnnviz.text.TOKENIZERS; the lesson's is "basic_english".
    """
    if cell not in CELL_KINDS:
        raise CheckpointError(f"The cell kind must be one of {', '.join(CELL_KINDS)}, not {cell!r}.")
    if tokenizer not in TOKENIZERS:
        raise CheckpointError(f"The tokenizer must be one of {', '.join(TOKENIZERS)}, not {tokenizer!r}.")
    state, found = read_weights(state_dict)
    vocab = read_vocab(vocab)
    spec = infer_spec(state, cell, pooling or lesson_pooling(cell), labels, nonlinearity, tokenizer)
    if len(vocab) != spec.vocab_size:
        raise CheckpointError(size_mismatch(vocab, spec.vocab_size))
    card = {"task": "lesson", "source": "a model from the lesson notebook", "weights": found,
            "unknown_words": describe_unknown(vocab)}
    model = Model(spec, vocab, card)
    load_weights(model, state)
    return model


def lesson_pooling(cell: str) -> str:
    """How the lesson's classifier of this cell kind reads its states: "mean" (RNN) or "last"."""
    return CELL_KINDS[cell].lesson_pooling


def size_mismatch(vocab: Vocab, rows: int) -> str:
    """Why a vocabulary of the wrong size may have come, with both numbers: the likely causes first."""
    causes = []
    if len(vocab) == rows + 1 and vocab.tokens[-1] == "":
        causes.append("an empty last line in the file")
    if len(vocab) < rows:
        causes.append("an empty or partial vocabulary file (the export stopped early)")
    if rows - len(vocab) == 2 and vocab.layout == "no_unk":
        causes.append("the specials missing: torchtext 0.9's Vocab starts with <unk> and <pad>, which this list lacks")
    causes.append("a vocabulary from another run or notebook (a vocabulary built again changes its size and order)")
    return (f"The vocabulary has {len(vocab):,} tokens but the embedding has {rows:,} rows, and they must match. "
            f"Likely causes: {'; '.join(causes)}.")


def infer_spec(state: dict, cell: str, pooling: str, labels, nonlinearity: str,
               tokenizer: str = "basic_english") -> ModelSpec:
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
    classes, reads = state["fc.weight"].shape
    directions = 2 if bidirectional else 1
    if reads != directions * hidden:
        raise CheckpointError(
            f"The linear layer fc (fc.weight has shape {[int(classes), int(reads)]}) reads {reads} numbers, "
            f"but the {kind.title} gives {directions * hidden} "
            f"({directions} direction(s) × {hidden} hidden units), whether it reads the last state or the mean "
            "of all states: these weights are not the lesson's embedding → rnn → fc classifier.")
    if labels is None:
        labels = LESSON_CLASSES if classes == len(LESSON_CLASSES) else [f"class {i}" for i in range(classes)]
    if len(labels) != classes:
        raise CheckpointError(f"The model has {classes} classes but {len(labels)} class names were given.")
    spec = ModelSpec(cell=cell, vocab_size=int(vocab_size), emb_size=int(emb_size), hidden_size=int(hidden),
                     layers=layers, bidirectional=bidirectional, head="classifier", pooling=pooling,
                     labels=tuple(str(x) for x in labels), nonlinearity=nonlinearity,
                     tokenizer=tokenizer)
    spec.validate()
    return spec

