"""Speed of trace() against the fused torch.nn forward + backward on the same weights and tokens.

Both sides read T tokens and compute the gradient of one log-probability with respect to the
input embeddings; the fused side gets only that (no per-step states, gates or norms), which is
the least work torch.nn can do for the same question. Runs are interleaved so that a busy
machine slows both alike; the median is reported.
"""
from __future__ import annotations

import statistics
import time

import torch

from .model import Model, ModelSpec
from .registry import CELL_KINDS
from .text import Vocab
from .trace import trace


def bench_model(cell: str, steps: int, emb: int, hidden: int, seed: int = 0) -> tuple[Model, str]:
    torch.manual_seed(seed)
    words = [f"w{i}" for i in range(1000)]
    spec = ModelSpec(cell=cell, vocab_size=len(words), emb_size=emb, hidden_size=hidden, labels=("a", "b", "c", "d"))
    text = " ".join(words[(7 * i) % len(words)] for i in range(steps))
    return Model(spec, Vocab(words)), text


def fused_pass(model: Model, ids: torch.Tensor) -> None:
    """torch.nn forward over the sentence, then ∂ log p(class 0) / ∂ embeddings."""
    x = model.embedding.weight.detach()[ids].unsqueeze(0).requires_grad_()   # [1, T, E]
    _, state = model.rnn(x)
    h_n = state[0] if isinstance(state, tuple) else state
    loss = torch.log_softmax(model.fc(h_n[-1]), -1)[0, 0]
    torch.autograd.grad(loss, [x])


def measure(cell: str, steps: int = 50, emb: int = 64, hidden: int = 128, runs: int = 30) -> dict:
    model, text = bench_model(cell, steps, emb, hidden)
    ids = torch.tensor(model.vocab.ids(text.split()))
    ours, fused = [], []
    for _ in range(5):                                  # warm caches and allocators
        trace(model, text)
        fused_pass(model, ids)
    for _ in range(runs):
        t0 = time.perf_counter()
        trace(model, text)
        t1 = time.perf_counter()
        fused_pass(model, ids)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        fused.append(t2 - t1)
    trace_ms, fused_ms = 1000 * statistics.median(ours), 1000 * statistics.median(fused)
    return {"trace_ms": round(trace_ms, 3), "fused_ms": round(fused_ms, 3), "ratio": round(trace_ms / fused_ms, 2)}


def run_all(steps: int = 50, emb: int = 64, hidden: int = 128, runs: int = 30) -> dict:
    return {cell: measure(cell, steps, emb, hidden, runs) for cell in CELL_KINDS}
