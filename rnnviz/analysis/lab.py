"""What the pages ask of a Trace beyond drawing it: the unit that moves most, the gate that opens
most, where a prediction changes, the targets a sentence offers for L. Pages show these; they
compute nothing themselves.

Legend: T tokens, L layers, D directions, H hidden units. Every function only reads its input.
"""
from __future__ import annotations

import numpy as np

from ..errors import RnnvizError
from ..registry import CELL_KINDS
from ..trace import Trace

Unit = tuple[int, int, int]           # (layer, direction, unit)


def strongest_unit(trace: Trace) -> Unit:
    """The unit of layer 0, forward, whose flag state reaches the largest |value| over the
    sentence: argmax_u max_t |s_t[u]|, the unit a reader sees move most when no flag is known."""
    peaks = np.abs(trace.flag_states[0, 0]).max(axis=0)                 # [T, H] -> [H]
    return 0, 0, int(peaks.argmax())


def most_open_gate(trace: Trace, step: int) -> tuple[str, float] | None:
    """(gate, mean) of the σ-gate with the largest mean over the units of layer 0, forward, at
    token `step`: mean_u g_t[u] for g in the cell's gates that open and close (σ, not the tanh
    candidate). None for a cell without gates."""
    means = {g.name: float(trace.gates[g.name][0, 0, step].mean())
             for g in trace.cell_kind.gates if g.activation == "sigmoid"}
    if not means:
        return None
    best = max(means, key=means.get)
    return best, means[best]


def gradient_targets(trace: Trace, known) -> list:
    """What L = log p(target) can be on the gradients page: None (the model's own guess) first,
    then each class of a classifier, or, for a next-word model, each (word, k − 1) of the
    sentence that `known` (the vocabulary) holds: L read after token k − 1, where that word is
    the right next word. A model reading both directions has seen every next word already, so
    no word is offered to it."""
    if not trace.predicts_next_word:
        return [None, *trace.labels]
    last = 1 if trace.hidden.shape[1] == 2 else trace.steps           # D = 2: it read to the end
    return [None, *[(word, k - 1) for k, word in enumerate(trace.tokens[:last]) if k and word in known]]


def biggest_change(trace: Trace, unit: Unit) -> int:
    """The token where `unit`'s flag state moves most (its state before the first token is 0).

    In a direction that reads backwards the state "before" token t is the one at t + 1.
    """
    layer, direction, index = unit
    values = trace.flag_states[layer, direction, :, index].astype(float)     # [T]
    ordered = values[::-1] if direction else values                            # reading order
    jumps = np.abs(np.diff(ordered, prepend=0.0))                              # [T]
    k = int(np.argmax(jumps))
    return trace.steps - 1 - k if direction else k


def prediction_changes(before: Trace, after: Trace) -> list[tuple[int, str, str, float, str, float]]:
    """(t, token, label before, p, label after, p) wherever the most likely output differs."""
    a, b = before.probs.argmax(axis=1), after.probs.argmax(axis=1)            # [T] each
    return [(s, before.tokens[s], before.labels[a[s]], float(before.probs[s, a[s]]),
             after.labels[b[s]], float(after.probs[s, b[s]])) for s in np.flatnonzero(a != b)]


def label_position(trace: Trace, labels) -> int | None:
    """The first token that is one of `labels` (the recall colour), or None."""
    return next((k for k, tok in enumerate(trace.tokens) if tok in set(labels)), None)


def most_open_unit(sat: dict[str, tuple[np.ndarray, np.ndarray]], kind: str) -> tuple[str, int, int, int]:
    """(gate, layer, direction, unit) of the unit that is wide open most often in `sat`
    (analysis.saturation: gate -> (shut, open) fractions [L, D, H]), of the cell's memory gate
    (LSTM f, GRU z) if `kind` has one, else of its first gate."""
    if not sat:
        raise RnnvizError("A simple RNN has no gates, so there is no gate unit to choose.")
    memory = CELL_KINDS[kind].memory_gate
    gate = memory if memory in sat else next(iter(sat))
    high = sat[gate][1]
    layer, d, u = np.unravel_index(int(np.argmax(high)), high.shape)
    return gate, int(layer), int(d), int(u)
