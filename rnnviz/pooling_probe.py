"""What a student's classifier head reads, asked of the module itself: its last state or the mean.

"last" = the top layer's final state (both directions joined), fc(h_n[-1]) in the lesson's
LSTMClassifier; "mean" = the mean of the top layer's outputs over the text, fc(x.mean(dim=1)) in
its RNNClassifier. rnnviz calls the student's `net` on the text's ids (net(ids), then
net(ids, lengths); ids shaped [1, T] or [T, 1], batch_first's first) with no gradients and in
eval mode, and keeps the pooling whose logits equal its output (≤ MATCH, absolute and relative;
its softmax or log-softmax counts too). Nothing is cached; the module is only read.

Legend: T tokens, C classes.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

import torch
from torch import nn

from .errors import RnnvizError
from .model import Model
from .registry import POOLINGS
from .text import MAX_TOKENS
from .trace import read

MATCH = 1e-5          # the module's output and rnnviz's logits agree to this


def infer_pooling(net: nn.Module, model: Model, text: str, batch_first: bool) -> str:
    """"last" or "mean": the pooling whose logits equal `net`'s own output on `text`'s ids.

    Probes with at least two tokens (one token's last state is its mean). Both matching is only
    possible when the two agree on this text: then the lesson's pooling for the cell kind."""
    tokens = model.tokenize(text)[:MAX_TOKENS] if text else []
    tokens = tokens if len(tokens) > 1 else (tokens or list(model.vocab.tokens[:1])) * 3
    ids = model.vocab.ids(tokens)
    outputs, failures = _module_outputs(net, ids, batch_first, model.spec.outputs)
    if not outputs:
        said = "; ".join(failures) or "it gave no tensor with one number per class"
        raise RnnvizError(f"rnnviz could not run your model to see what its head reads ({said}). "
                          "Pass pooling='last' (the final state, fc(h_n[-1])) or pooling='mean' "
                          "(the mean of all outputs, fc(x.mean(dim=1))).")
    distance = {}
    for pooling in POOLINGS:
        logits = read(pooled(model, pooling), tokens).logits_at(len(tokens) - 1)     # [C] float64
        logits = torch.from_numpy(logits)
        distance[pooling] = min(_off(out, candidate) for out in outputs for candidate in
                                (logits, torch.log_softmax(logits, 0), torch.softmax(logits, 0)))
    matched = [p for p in POOLINGS if distance[p] <= MATCH]
    if not matched:
        closest = min(distance, key=distance.get)
        raise RnnvizError(f"Your model's output matches neither pooling (closest: {closest}, off by "
                          f"{distance[closest]:.3g}): its head may read something else. Pass pooling='last' or "
                          "pooling='mean' to show it anyway.")
    return matched[0] if len(matched) == 1 else model.spec.cell_kind.lesson_pooling


def pooled(model: Model, pooling: str) -> Model:
    """`model` reading with `pooling` (the same weights: the explicit cells read copies)."""
    if model.spec.pooling == pooling:
        return model
    twin = Model(replace(model.spec, pooling=pooling), model.vocab, model.card)
    twin.load_state_dict(model.state_dict())
    twin.custom_tokenizer = model.custom_tokenizer
    return twin


def _off(out: torch.Tensor, candidate: torch.Tensor) -> float:
    """The largest difference beyond the relative tolerance (0 when allclose at MATCH)."""
    gap = (out - candidate).abs() - MATCH * candidate.abs()
    return float(gap.max().clamp(min=0)) if gap.numel() else float("inf")


def _module_outputs(net: nn.Module, ids: list[int], batch_first: bool, classes: int):
    """`net`'s outputs [C] (float64, CPU) for every way it can be called on one text, and what failed."""
    device = next(net.parameters()).device
    x = torch.tensor(ids, dtype=torch.long, device=device)
    shapes = (x[None, :], x[:, None]) if batch_first else (x[:, None], x[None, :])    # [1, T] or [T, 1]
    lengths = torch.tensor([len(ids)])
    outputs, failures = [], []
    with torch.no_grad(), evaluating(net):
        for batch in shapes:
            for extra in ((), (lengths,)):
                call = f"net(ids{', lengths' if extra else ''}) with ids {list(batch.shape)}"
                try:
                    out = net(batch, *extra)
                except Exception as err:                    # the student's own code: any error means "not this way"
                    failures.append(f"{call}: {type(err).__name__}: {err}")
                    continue
                out = out[0] if isinstance(out, (tuple, list)) and out else out
                if isinstance(out, torch.Tensor) and out.numel() == classes and out.is_floating_point():
                    outputs.append(out.detach().to("cpu", torch.float64).reshape(-1))   # [C]
    return outputs, failures[-2:]


@contextmanager
def evaluating(net: nn.Module):
    """`net` in eval mode (no dropout) inside the block; every submodule's own mode restored after."""
    modes = [(m, m.training) for m in net.modules()]
    net.eval()
    try:
        yield net
    finally:
        for m, training in modes:
            m.training = training
