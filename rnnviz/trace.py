"""The Trace record: everything one sentence does inside a model, as numpy arrays.

Shapes use the legend T tokens, L layers, D directions, H hidden units, C outputs.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


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

    @property
    def steps(self) -> int:
        """T, the number of tokens."""
        return len(self.tokens)

    def to_json(self) -> dict:
        """The fields under their own names; arrays as nested lists, None as null."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
