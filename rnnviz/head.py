"""The linear head: the prediction after each token, and where ∂L enters the recurrent chain.

A classifier reads the last state (pooling "last"; with two directions, the forward state after
the last token beside the backward state after the first) or the mean of every state ("mean").
A language model reads h_t to predict token t + 1. "The prediction after token t" is what the
model would say if the text ended at t.

Legend: T tokens, D directions, H hidden units, C outputs.
"""
from __future__ import annotations

import numpy as np

from .cells import Cell, Run
from .errors import RnnvizError
from .network import Clamp, forward, top_states
from .registry import POOLINGS


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def pooled_states(top: np.ndarray, pooling: str, directions: int) -> np.ndarray:
    """What the classifier reads after the whole text, from the top layer's outputs top [T, D*H].  [D*H]

    "last": each direction's final state, the forward h after the last token beside the backward
    h after the first; "mean": the mean over tokens of [forward h_t; backward h_t].
    """
    if pooling == "mean":
        return top.mean(axis=0)
    if pooling != "last":
        raise RnnvizError(f"pooling must be one of {', '.join(POOLINGS)}, not {pooling!r}.")
    hidden = top.shape[1] // directions                                 # H
    return np.concatenate([top[-1, :hidden], top[0, hidden:]])          # the backward half is empty if D = 1


def pooled(runs: list[list[Run]], pooling: str) -> np.ndarray:
    """What the classifier reads after the whole text (see pooled_states).  [D*H]"""
    return pooled_states(top_states(runs[-1]), pooling, len(runs[-1]))


def features(spec, cells: list[list[Cell]], x: np.ndarray, runs, clamp: Clamp | None) -> np.ndarray:
    """What the head reads after each token t = 0..T-1.  [T, D*H]"""
    top = top_states(runs[-1])                                          # [T, D*H]
    if spec.head_kind.next_word or (spec.pooling == "last" and not spec.bidirectional):
        return top
    if not spec.bidirectional:
        return np.cumsum(top, axis=0) / np.arange(1, len(top) + 1)[:, None]   # running mean
    # the backward direction changes with where the text ends: read every prefix again
    prefixes = [pooled(forward(cells, x[: t + 1], clamp), spec.pooling) for t in range(len(x) - 1)]
    return np.array(prefixes + [pooled(runs, spec.pooling)]).reshape(len(x), -1)


def seed_gradient(spec, w_fc: np.ndarray, logits: np.ndarray, k: int, pos: int, steps: int) -> np.ndarray:
    """∂L/∂(top-layer output) for L = log softmax(logits)[k] read after token `pos`.  [T, D*H]

    ∂L/∂z = onehot(k) − p for the logits z, then back through the linear head and the pooling.
    """
    dz = -softmax(logits)
    dz[k] += 1.0
    d_read = w_fc.T @ dz                                                # [D*H]
    d_top = np.zeros((steps, d_read.size))
    if spec.head_kind.next_word or (spec.pooling == "last" and not spec.bidirectional):
        d_top[pos] = d_read
    elif spec.pooling == "mean":
        d_top[: pos + 1] = d_read / (pos + 1)
    else:                                                               # bidirectional, last
        hidden = spec.hidden_size
        d_top[-1, :hidden] = d_read[:hidden]
        d_top[0, hidden:] = d_read[hidden:]
    return d_top
