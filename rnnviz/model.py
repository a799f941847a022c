"""The model: embedding → recurrent layers × directions → linear head, laid out as the lesson's.

Its state_dict has the lesson notebook's keys (`embedding.weight`, `rnn.weight_ih_l0`, …,
`fc.weight`, `fc.bias`), so a student's classifier loads as it is. Training runs the fused
torch.nn module; `cells()` hands the same weights to the explicit cells that the app shows.

Legend: B batch, T tokens, L layers, D directions, H hidden units, E embedding, V vocab, C outputs.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from .cells import CELLS, Cell
from .errors import CheckpointError, RnnvizError
from .registry import CELL_KINDS, HEADS, POOLINGS, CellKind, HeadKind, cell_kind, head_kind
from .text import TOKENIZERS, Vocab

LIMITS = {"vocab_size": 200_000, "emb_size": 1024, "hidden_size": 1024, "layers": 4}
NONLINEARITIES = tuple(dict.fromkeys(n for kind in CELL_KINDS.values() for n in kind.nonlinearities))


@dataclass(frozen=True)
class ModelSpec:
    """Everything needed to build the model's shapes."""

    cell: str                      # "rnn" | "lstm" | "gru"
    vocab_size: int
    emb_size: int
    hidden_size: int
    layers: int = 1
    bidirectional: bool = False
    head: str = "classifier"       # "classifier" (one label per text) | "lm" (next word)
    pooling: str = "last"          # classifier reads the last state, or the mean of all states
    labels: tuple[str, ...] = ()   # class names (classifier only)
    nonlinearity: str = "tanh"     # plain RNN only: "tanh" | "relu"
    tokenizer: str = "words"       # how text becomes tokens: a name in text.TOKENIZERS

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def cell_kind(self) -> CellKind:
        """The registry entry of `cell` (torch module, gates, letters)."""
        return CELL_KINDS[self.cell]

    @property
    def head_kind(self) -> HeadKind:
        return HEADS[self.head]

    @property
    def activation(self) -> dict:
        """{"nonlinearity": …} for a cell kind whose h may use more than one activation, else {}:
        the keyword both torch.nn's module and the explicit cell take."""
        return {"nonlinearity": self.nonlinearity} if len(self.cell_kind.nonlinearities) > 1 else {}

    @property
    def outputs(self) -> int:
        """C: classes for a classifier, the vocabulary for a language model."""
        return self.vocab_size if self.head_kind.next_word else len(self.labels)

    def to_dict(self) -> dict:
        return {**asdict(self), "labels": list(self.labels)}

    @classmethod
    def from_dict(cls, d: dict) -> ModelSpec:
        if not isinstance(d, dict):
            raise CheckpointError("The model card has no valid 'spec'.")
        try:
            spec = cls(**{**d, "labels": tuple(str(x) for x in d.get("labels", ()))})
        except TypeError as err:
            raise CheckpointError(f"The model card's spec is not understood: {err}") from None
        spec.validate()
        return spec

    def validate(self) -> None:
        """Raise a readable CheckpointError unless every field is sensible."""
        problems = layout_problems(self.cell, self.head, self.pooling, self.bidirectional)
        for name, top in LIMITS.items():
            problems += whole_number_problems(name, getattr(self, name), 1, top)
        if self.head in HEADS and not self.head_kind.next_word and not 2 <= len(self.labels) <= 1000:
            problems.append("a classifier needs between 2 and 1,000 labels")
        if self.nonlinearity not in NONLINEARITIES:
            problems.append(f"nonlinearity must be one of {', '.join(NONLINEARITIES)}")
        if self.tokenizer not in TOKENIZERS:
            problems.append(f"tokenizer must be one of {', '.join(TOKENIZERS)}")
        if problems:
            raise CheckpointError("This model does not fit: " + "; ".join(problems) + ".")


def layout_problems(cell: str, head: str, pooling: str, bidirectional: bool) -> list[str]:
    """What no model can be, whatever its sizes: an unknown cell, head or pooling, or a next-word
    model that reads the future. One list for ModelSpec.validate and for train()'s options."""
    problems = []
    for name, entry in ((cell, cell_kind), (head, head_kind)):
        try:
            entry(name)
        except ValueError as err:
            problems.append(str(err))
    if pooling not in POOLINGS:
        problems.append(f"pooling must be one of {', '.join(POOLINGS)}, not {pooling!r}")
    if bidirectional and head in HEADS and not HEADS[head].reads_future:
        problems.append("a next-word model cannot read the future, so it cannot be bidirectional")
    return problems


def whole_number_problems(name: str, value, low: int, top: int) -> list[str]:
    """[] when `value` is a whole number from `low` to `top` (True and 2.0 are not), else its problem."""
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= top:
        return []
    return [f"{name} must be a whole number from {low} to {top:,}"]


class Model(nn.Module):
    """Embedding + torch.nn RNN/LSTM/GRU + Linear, with the vocabulary and the model card."""

    def __init__(self, spec: ModelSpec, vocab: Vocab, card: dict | None = None):
        super().__init__()
        spec.validate()
        if len(vocab) != spec.vocab_size:
            raise CheckpointError(
                f"The vocabulary has {len(vocab):,} tokens but the model expects {spec.vocab_size:,}.")
        self.spec, self.vocab, self.card = spec, vocab, dict(card or {})
        self.custom_tokenizer = None     # a notebook's own callable (str -> list[str]) overrides spec.tokenizer
        self.embedding = nn.Embedding(spec.vocab_size, spec.emb_size)
        self.rnn = spec.cell_kind.torch_module(spec.emb_size, spec.hidden_size, num_layers=spec.layers,
                             bidirectional=spec.bidirectional, batch_first=True, **spec.activation)
        self.fc = nn.Linear(spec.hidden_size * spec.directions, spec.outputs)

    @property
    def labels(self) -> list[str]:
        """Names of the C outputs: the classes, or the vocabulary for a language model."""
        return list(self.vocab.tokens) if self.spec.head_kind.next_word else list(self.spec.labels)

    @property
    def tokenizer_name(self) -> str:
        """spec.tokenizer, or "custom" when the student's own tokenizer is in use."""
        return "custom" if self.custom_tokenizer else self.spec.tokenizer

    def tokenize(self, text: str) -> list[str]:
        """`text` as this model reads it: with the student's own tokenizer when one is set, else
        spec.tokenizer's (words, characters, basic_english, keras)."""
        if self.custom_tokenizer is None:
            return TOKENIZERS[self.spec.tokenizer](text)
        return custom_tokens(self.custom_tokenizer, text)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Fused pass for training. ids [B, T], lengths [B] -> logits [B, C] or [B, T, V] (lm)."""
        out, state = self.states(ids, lengths)
        if self.spec.head_kind.next_word:
            return self.fc(out)                                         # [B, T, V]
        if self.spec.pooling == "mean":
            return self.fc(out.sum(1) / lengths.unsqueeze(1).to(out))    # [B, C]
        h_n = state[0] if isinstance(state, tuple) else state           # [L*D, B, H]
        return self.fc(torch.cat(list(h_n[-self.spec.directions:]), dim=1))  # [B, C]

    def states(self, ids: torch.Tensor, lengths: torch.Tensor, dropout: float = 0.0) -> tuple[torch.Tensor, object]:
        """The top layer's outputs [B, T, D*H] (zero past each length) and torch's final state:
        what the head reads (a language model's training applies it only where there is a next token).
        `dropout` > 0 (training only) zeroes that share of the embeddings and of the outputs (Zaremba,
        Sutskever & Vinyals 2014): nothing a student sees ever runs with it."""
        x = nn.functional.dropout(self.embedding(ids), dropout) if dropout else self.embedding(ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, state = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])
        return (nn.functional.dropout(out, dropout) if dropout else out), state

    def cells(self) -> list[list[Cell]]:
        """Explicit cells over this model's weights (float64 copies), indexed [layer][direction]."""
        return [[self.cell(layer, d) for d in range(self.spec.directions)] for layer in range(self.spec.layers)]

    def cell(self, layer: int = 0, direction: int = 0) -> Cell:
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        w = [getattr(self.rnn, f"{name}{suffix}").detach().numpy()
             for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
        return CELLS[self.spec.cell](*w, **self.spec.activation)

    def head_weights(self):
        """The linear head as float64 numpy: W_fc [C, D*H], b_fc [C] (read-only arrays).

        Kept between calls while the weights stay the same (torch counts every in-place change in
        a tensor's `_version`): a 16,000-word head is 2 million numbers to convert per sentence."""
        w, b = self.fc.weight, self.fc.bias
        key = (w.data_ptr(), w._version, b.data_ptr(), b._version)
        if getattr(self, "_head_cache", (None,))[0] != key:
            arrays = tuple(t.detach().numpy().astype(np.float64) for t in (w, b))
            for array in arrays:
                array.flags.writeable = False
            self._head_cache = (key, arrays)
        return self._head_cache[1]

    def embeddings(self, ids) -> np.ndarray:
        """x_t for each id, float64 [T, E]."""
        return self.embedding.weight.detach()[torch.as_tensor(ids, dtype=torch.long)].numpy().astype(np.float64)


def custom_tokens(tokenizer, text: str) -> list[str]:
    """A student's tokenizer applied to `text`, checked: it must give a list of strings."""
    try:
        given = tokenizer(text)
        tokens = None if isinstance(given, str) else list(given)     # a generator is read once, here
    except Exception as err:                     # the student's own code: say whose error it is
        raise RnnvizError(f"Your tokenizer raised {type(err).__name__}: {err}") from None
    if tokens is None or not all(isinstance(t, str) for t in tokens):
        raise RnnvizError("Your tokenizer must return a list of strings (one per token), "
                          f"but it returned {type(given).__name__}.")
    return tokens


def set_forget_bias(model: Model, value: float) -> None:
    """Start every forget gate at pre-activation `value`: b_ih + b_hh = value in the forget block
    (CellKind.forget_gate's rows of the stacked biases), split evenly between the two, in every
    layer and direction. Every other weight keeps its value.

    An open forget gate (f = σ(value) near 1) lets c_t, and the gradient along it, last across
    long lags from the first step of training (Gers, Schmidhuber & Cummins 2000; Jozefowicz,
    Zaremba & Sutskever 2015 recommend a positive forget bias). The bundled LSTMs that must
    remember over a long stretch start at +3 (see recipes.RECIPES).
    A cell without a forget gate takes only 0, and is then left as it is.
    """
    kind = model.spec.cell_kind
    if kind.forget_gate is None:
        if value:
            raise RnnvizError(f"A forget bias needs a cell with a forget gate ({', '.join(forget_gate_cells())}).")
        return
    h = model.spec.hidden_size
    block = kind.gate_names.index(kind.forget_gate)
    with torch.no_grad():
        for name, tensor in model.rnn.named_parameters():
            if name.startswith("bias_"):
                tensor[block * h:(block + 1) * h] = value / 2


def forget_gate_cells() -> list[str]:
    """The titles of the cell kinds that have a forget gate (["LSTM"])."""
    return [kind.title for kind in CELL_KINDS.values() if kind.forget_gate]
