"""Layers × directions of explicit cells, forwards and backwards, composed as torch.nn does.

Layer l > 0 reads the concatenation [h_forward; h_backward] of layer l − 1 at each token; the
backward direction reads the sequence from last token to first. Everything here is in token
order: a backward-direction run is flipped back before it is returned.

Legend: T tokens, L layers, D directions, H hidden units, E embedding.
"""
from __future__ import annotations

import numpy as np

from .cells import Cell, Grads, Run

Clamp = dict[tuple[int, int, int], float]   # (layer, direction, unit) -> value


def forward(cells: list[list[Cell]], x: np.ndarray, clamp: Clamp | None = None) -> list[list[Run]]:
    """Run every layer and direction over x [T, E]; returns runs[layer][direction] in token order."""
    runs, inputs = [], x
    for layer, row in enumerate(cells):
        layer_runs = []
        for d, cell in enumerate(row):
            pins = {u: v for (l_, d_, u), v in (clamp or {}).items() if (l_, d_) == (layer, d)}
            run = cell.run(inputs[::-1] if d else inputs, pins)
            layer_runs.append(_flip(run) if d else run)
        runs.append(layer_runs)
        inputs = top_states(layer_runs)                                # [T, D*H]
    return runs


def top_states(layer_runs: list[Run]) -> np.ndarray:
    """The layer's output at each token: its directions' h side by side.  [T, D*H]"""
    return np.concatenate([run.h for run in layer_runs], axis=1)


def backward(cells: list[list[Cell]], runs: list[list[Run]], d_top: np.ndarray) -> tuple[list[list[Grads]], np.ndarray]:
    """Backpropagate ∂L/∂(top layer output) [T, D*H] through every layer, direction and step.

    Returns grads[layer][direction] (total derivatives, token order) and ∂L/∂x [T, E].
    """
    grads: list[list[Grads]] = [[] for _ in cells]
    d_out = d_top
    for layer in range(len(cells) - 1, -1, -1):
        hidden = cells[layer][0].hidden_size
        d_in = 0.0
        for d, (cell, run) in enumerate(zip(cells[layer], runs[layer])):
            d_h = d_out[:, d * hidden:(d + 1) * hidden]               # [T, H]
            if d:
                g = _flip_grads(cell.backprop(_flip(run), d_h[::-1]))
            else:
                g = cell.backprop(run, d_h)
            grads[layer].append(g)
            d_in = d_in + g.x                                          # [T, input size]
        d_out = d_in
    return grads, d_out


def _flip(run: Run) -> Run:
    """The same run with time reversed (turns reading order into token order and back)."""
    return Run(x=run.x[::-1], input_term=run.input_term[::-1], h=run.h[::-1],
               c=None if run.c is None else run.c[::-1],
               gates={k: v[::-1] for k, v in run.gates.items()}, free=run.free)


def _flip_grads(g: Grads) -> Grads:
    return Grads(h=g.h[::-1], c=None if g.c is None else g.c[::-1], x=g.x[::-1])
