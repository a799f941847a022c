"""What the figure tests share: a synthetic Trace, a figure's words, and Filipino's catalogue.

The `filipino` fixture lives in tests/conftest.py (pytest finds fixtures there); `fil` reads
one Filipino text with its fields filled in; the app tests use these too (through appkit).
"""
from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go

from rnnviz import i18n
from rnnviz.registry import CELL_KINDS
from rnnviz.trace import Trace

FIL = i18n.catalogue("fil")
CELLS = list(CELL_KINDS)                                  # rnn, gru, lstm
GATES = {name: list(kind.gate_names) for name, kind in CELL_KINDS.items()}


def fil(key: str, **fields) -> str:
    """The Filipino text under `key`, its fields filled in."""
    return i18n.t(key, "fil", **fields)


def make_trace(cell="lstm", T=6, H=8, L=1, D=1, C=3, tokens=None, seed=0, head="classifier") -> Trace:
    """A synthetic Trace with the engine's shapes and value ranges (no model involved).

    `head="lm"` makes a next-word model: its C labels are a vocabulary."""
    rng = np.random.default_rng(seed)
    shape = (L, D, T, H)
    kind = CELL_KINDS[cell]
    gates = {g.name: (np.tanh if g.activation == "tanh" else _sigmoid)(rng.normal(size=shape)).astype(np.float32)
             for g in kind.gates}
    logits = rng.normal(size=(T, C))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    tokens = tokens or [f"w{t}" for t in range(T)]
    return Trace(
        tokens=tokens, ids=np.arange(T), known=np.array([t != 1 for t in range(T)]),
        hidden=np.tanh(rng.normal(size=shape)).astype(np.float32),
        cell=(2 * rng.normal(size=shape)).astype(np.float32) if kind.carries_cell else None,
        gates=gates, probs=probs.astype(np.float32), labels=[f"class {c}" for c in range(C)],
        grad_hidden=np.ones((L, D, T), np.float32),
        grad_cell=np.ones((L, D, T), np.float32) if kind.carries_cell else None,
        connectivity=np.ones(T, np.float32), target="log p(class 0) after the whole text",
        kind=cell, head=head,
    )


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def plain_json(fig: go.Figure) -> str:
    """The figure's JSON with characters unescaped (plotly writes "<" as \\u003c): every text it carries."""
    return json.dumps(json.loads(fig.to_json()), ensure_ascii=False)


def of_type(fig: go.Figure, kind: str) -> list:
    return [d for d in fig.data if d.type == kind]


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def axis_titles(fig: go.Figure) -> list[str]:
    return [fig.layout[name].title.text for name in fig.layout if name.startswith(("xaxis", "yaxis"))
            and fig.layout[name].title.text]
