"""Gate saturation: how often each gate unit is (nearly) shut or (nearly) open.

Karpathy, Johnson & Fei-Fei (2015) plot, for every gate unit, the fraction of steps where it is
left-saturated (value < 0.1) against the fraction where it is right-saturated (value > 0.9):

    low_j  = #{t : a_t,j < 0.1} / N        high_j = #{t : a_t,j > 0.9} / N

N = every step of every sentence given. A forget-gate unit far right (high ≈ 1) is an
integrator that remembers; a unit near both axes' zero is an ordinary soft gate.
A block whose activation is tanh (the candidate, LSTM g, GRU n: Gate.activation in the registry)
is in [−1, 1], not a gate: it is left out unless asked for, and then counts |a| < 0.1 as low and
|a| > 0.9 as high. The plain RNN has no gates: {}.

Legend: L layers, D directions, H hidden units.
"""
from __future__ import annotations

import numpy as np

from ..trace import read
from .flags import as_tokens

LOW, HIGH = 0.1, 0.9


def saturation(model, texts_or_examples, low: float = LOW, high: float = HIGH,
               candidate: bool = False) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """gate name → (fraction of steps below `low`, fraction above `high`), each [L, D, H].

    Counted over every step of every sentence (forward pass only, the model is not changed).
    """
    counts: dict[str, list[np.ndarray]] = {}
    steps = 0
    gates = [g for g in model.spec.cell_kind.gates if candidate or g.activation != "tanh"]
    for item in texts_or_examples:
        tokens = as_tokens(item)
        if not tokens:
            continue
        runs = read(model, tokens).runs
        steps += len(runs[0][0].h)
        for gate in gates:
            name = gate.name
            values = np.array([[run.gates[name] for run in row] for row in runs])     # [L, D, T, H]
            values = np.abs(values) if gate.activation == "tanh" else values
            below, above = (values < low).sum(axis=2), (values > high).sum(axis=2)     # [L, D, H]
            if name in counts:
                counts[name][0] += below
                counts[name][1] += above
            else:
                counts[name] = [below, above]
    return {name: (below / steps, above / steps) for name, (below, above) in counts.items()}
