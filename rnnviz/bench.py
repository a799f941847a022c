"""Speed of trace() against the fused torch.nn forward + backward on the same weights and tokens,
trace() on real text with the real-English models, and how much of everyday text each bundled
model knows.

Both sides read T tokens and compute the gradient of one log-probability with respect to the
input embeddings; the fused side gets only that (no per-step states, gates or norms), which is
the least work torch.nn can do for the same question. Runs are interleaved so that a busy
machine slows both alike; the median is reported.

Real text (issue #14): english-lstm reads 60 word tokens and english-char-lstm 200 characters
made from the everyday sentences (rnnviz.analysis.coverage), each against its own fused pass.
Coverage: K / N, the share of those sentences' tokens each bundled model knows.
"""
from __future__ import annotations

import statistics
import time

import torch

from .analysis.coverage import everyday_sentences, everyday_text, known_share
from .checkpoints import list_models, load_model
from .model import Model, ModelSpec
from .registry import CELL_KINDS
from .text import Vocab
from .trace import trace

REAL_TEXT = {"english-lstm": 60, "english-char-lstm": 200}   # bundled model -> T of everyday text it reads


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
    return timings(model, text, runs)


def timings(model: Model, text: str, runs: int = 30) -> dict:
    """Median ms of trace(model, text) and of the fused pass over the same ids, interleaved."""
    ids = torch.tensor(model.vocab.ids(model.tokenize(text)))
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


def real_text(model: Model, count: int, runs: int = 30) -> dict:
    """Timings of `model` on `count` tokens of everyday text, with the text, its T and the sizes."""
    text = everyday_text(model, count)
    sizes = {"tokens": len(model.tokenize(text)), "hidden": model.spec.hidden_size, "vocab": len(model.vocab)}
    return {**sizes, **timings(model, text, runs), "text": text}


def real_text_rows(runs: int = 30) -> dict:
    """{model: real_text(...)} for each REAL_TEXT model that is bundled (a missing one has no row)."""
    bundled = list_models()
    return {name: real_text(load_model(name), count, runs) for name, count in REAL_TEXT.items() if name in bundled}


def coverage_rows() -> dict:
    """{model: known_share(...)} of the everyday sentences for every bundled model."""
    sentences = everyday_sentences()
    return {name: known_share(load_model(name), sentences) for name in list_models()}
