"""The Trace record: everything one sentence does inside a model, as numpy arrays.

Shapes use the legend T tokens, L layers, D directions, H hidden units, C outputs.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property

import numpy as np

from . import head, network
from .errors import EmptyTextError, RnnvizError, TargetError
from .registry import CELL_KINDS, HEADS, CellKind, HeadKind
from .text import MAX_TOKENS


@dataclass(frozen=True)
class Trace:
    """One sentence's forward and backward pass, every layer, direction and step.

    Shapes:
        tokens, ids, known: [T]
        hidden: [L, D, T, H]            h_t
        cell: [L, D, T, H] or None      c_t (LSTM only)
        gates: name -> [L, D, T, H]     LSTM input/forget/candidate/output, GRU reset/update/candidate
        probs: [T, C], labels: [C]      prediction after each token
        grad_hidden: [L, D, T]          ‖∂L/∂h_t‖, L = log-probability of the target
        grad_cell: [L, D, T] or None    ‖∂L/∂c_t‖ (LSTM only)
        connectivity: [T]               ‖∂L/∂x_t‖, x_t the embedding of token t
        target: what L is, in words
        kind: the cell kind ("rnn" | "gru" | "lstm"), head: "classifier" | "lm" (see registry)
        tokenizer: how the text became tokens (ModelSpec.tokenizer, or "custom": the student's own)
    """

    tokens: list[str]
    ids: np.ndarray
    known: np.ndarray
    hidden: np.ndarray
    cell: np.ndarray | None
    gates: dict[str, np.ndarray]
    probs: np.ndarray
    labels: list[str]
    grad_hidden: np.ndarray
    grad_cell: np.ndarray | None
    connectivity: np.ndarray
    target: str
    kind: str
    head: str
    tokenizer: str = "words"

    @property
    def steps(self) -> int:
        """T, the number of tokens."""
        return len(self.tokens)

    @property
    def cell_kind(self) -> CellKind:
        """The registry entry of the cell that made this trace (gates, letters, title)."""
        return CELL_KINDS[self.kind]

    @property
    def flag_states(self) -> np.ndarray:
        """The state whose units act as flags: c where the cell carries one, else h.  [L, D, T, H]"""
        return getattr(self, self.cell_kind.flag_state)

    @property
    def head_kind(self) -> HeadKind:
        return HEADS[self.head]

    @property
    def predicts_next_word(self) -> bool:
        """True for a language model (labels = its vocabulary), False for a classifier."""
        return self.head_kind.next_word

    def top_predictions(self, step: int = -1, top: int | None = None) -> list[tuple[str, float]]:
        """(label, p) after token `step` (default: the last), most likely first; the first `top`.

        Labels are plain text, not escaped. Ties keep the labels' order.
        """
        probs = self.probs[step]                                      # [C]
        order = np.argsort(-probs, kind="stable")[:top]
        return [(self.labels[c], float(probs[c])) for c in order]

    def to_json(self) -> dict:
        """The fields under their own names; arrays as nested lists, None as null."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def check_index(index: int, size: int, name: str) -> int:
    """`index` as a non-negative position in range(size); negative counts from the end.

    Anything else is a readable RnnvizError ("step 12 does not exist: choose 0 to 9.").
    """
    if not -size <= index < size:
        raise RnnvizError(f"{name} {index} does not exist: choose 0 to {size - 1}.")
    return int(index) % size


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def trace(model, text: str, target=None, clamp=None) -> Trace:
    """Read `text` with `model`: every state, gate and prediction, and the gradients of L.

    L = log p(target): by default the class predicted after the whole text (classifier) or the
    most likely next word after the last token (language model). `target` may name a label
    ("negative", "she") or a label and the token position it is read after (("she", 12)).
    `clamp` = {(layer, direction, unit): value} pins that unit of the carried state (c for the
    LSTM, h otherwise) at every step. The model is only read, never changed.
    """
    r = read(model, text, clamp)
    spec, tokens, labels = model.spec, r.tokens, model.labels
    carries_cell = spec.cell_kind.carries_cell
    k, pos, described = _resolve_target(spec, labels, tokens, r.probs, target)
    d_top = head.seed_gradient(spec, r.w_fc, r.logits[pos], k, pos, len(tokens))
    grads, d_x = network.backward(r.cells, r.runs, d_top)
    return Trace(
        tokens=tokens,
        ids=np.array(r.ids, dtype=np.int64),
        known=np.array(model.vocab.known(tokens), dtype=bool),
        hidden=_stack(r.runs, lambda run: run.h),
        cell=_stack(r.runs, lambda run: run.c) if carries_cell else None,
        gates={name: _stack(r.runs, lambda run, n=name: run.gates[n]) for name in spec.cell_kind.gate_names},
        probs=r.probs.astype(np.float32),
        labels=labels,
        grad_hidden=_stack(grads, lambda g: np.linalg.norm(g.h, axis=1)),
        grad_cell=_stack(grads, lambda g: np.linalg.norm(g.c, axis=1)) if carries_cell else None,
        connectivity=np.linalg.norm(d_x, axis=1).astype(np.float32),
        target=described,
        kind=spec.cell,
        head=spec.head,
        tokenizer=model.tokenizer_name,
    )


@dataclass(frozen=True)
class Reading:
    """The forward pass alone (no gradients): for analyses that read many sentences.

    runs[layer][direction] hold h, c and gates in token order (float64); features [T, F] (what
    the head reads); logits = features W_fcᵀ + b_fc and probs [T, C], computed when first asked
    for: with a large vocabulary an analysis that needs a few positions asks `logits_at(t)`.
    """

    tokens: list[str]
    ids: list[int]
    cells: list
    runs: list
    features: np.ndarray
    w_fc: np.ndarray
    b_fc: np.ndarray

    @cached_property
    def logits(self) -> np.ndarray:
        return self.features @ self.w_fc.T + self.b_fc

    @cached_property
    def probs(self) -> np.ndarray:
        return head.softmax(self.logits)

    def logits_at(self, t: int) -> np.ndarray:
        """The logits [C] after token t alone (the whole [T, C] only if it was already computed)."""
        return self.logits[t] if "logits" in self.__dict__ else self.features[t] @ self.w_fc.T + self.b_fc


def read(model, text, clamp=None) -> Reading:
    """Forward pass of `text` (a string, or a list of tokens) with optional clamped units."""
    tokens = (model.tokenize(text) if isinstance(text, str) else list(text))[:MAX_TOKENS]
    if not tokens:
        raise EmptyTextError("There is nothing to read: type a sentence with at least one word.")
    clamp = _checked_clamp(model.spec, clamp)
    ids = model.vocab.ids(tokens)
    x = model.embeddings(ids)                                           # [T, E]
    cells = model.cells()
    runs = network.forward(cells, x, clamp)
    w_fc, b_fc = model.head_weights()
    return Reading(tokens, ids, cells, runs, head.features(model.spec, cells, x, runs, clamp), w_fc, b_fc)


def _stack(rows, pick) -> np.ndarray:
    """[layer][direction] of per-step arrays -> one float32 array [L, D, ...]."""
    return np.array([[pick(item) for item in row] for row in rows], dtype=np.float32)


def _resolve_target(spec, labels, tokens, probs, target) -> tuple[int, int, str]:
    """(label index, position, description) of L = log p(label) after token `position`."""
    last = len(tokens) - 1
    label, pos = (target if isinstance(target, tuple) else (target, last))
    if not isinstance(pos, (int, np.integer)) or not -len(tokens) <= pos <= last:
        raise TargetError(f"The target position must be a token number from 0 to {last}.")
    pos = int(pos) % len(tokens)
    if spec.bidirectional and pos != last:
        raise TargetError("A bidirectional model reads the whole text: its target is after the last token.")
    if label is None:
        k = int(np.argmax(probs[pos]))
    elif label in labels:
        k = labels.index(label)
    else:
        raise TargetError(f"{label!r} is not one of the model's outputs.")
    where = "the whole text" if not spec.head_kind.next_word and pos == last else f"token {pos} ({tokens[pos]!r})"
    return k, pos, f"log p({labels[k]}) after {where}"


def _checked_clamp(spec, clamp) -> dict:
    """Validate {(layer, direction, unit): value} against the model's shape."""
    checked = {}
    for key, value in (clamp or {}).items():
        try:
            layer, direction, unit = (int(v) for v in key)
            value = float(value)
        except (TypeError, ValueError):
            raise TargetError("A clamp is written (layer, direction, unit): value, all numbers.") from None
        if not (0 <= layer < spec.layers and 0 <= direction < spec.directions and 0 <= unit < spec.hidden_size):
            raise TargetError(f"There is no unit {unit} in layer {layer}, direction {direction} of this model.")
        if not np.isfinite(value):
            raise TargetError("A clamp value must be a finite number.")
        checked[(layer, direction, unit)] = value
    return checked
