"""What the pages ask of a Trace beyond drawing it: the unit that moves most, the gate that opens
most, the targets a sentence offers for L. Pages show these; they compute nothing themselves.

Legend: T tokens, L layers, D directions, H hidden units. Every function only reads the Trace.
"""
from __future__ import annotations

import numpy as np

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
