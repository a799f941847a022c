"""A next-token model on a corpus: batches of items of about one length, the sampled softmax that
trains a large vocabulary cheaply, and held-out scores (cross-entropy, perplexity, top-1) with the
full softmax. rnnviz.train runs the loop; this is what a corpus task adds to it.

Legend: B batch, T tokens, N scored positions, H outputs of the top layer, K sampled words, V vocab.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from .model import Model


def rows_of(tensors: dict, rows: torch.Tensor) -> dict:
    """The chosen rows, cut to the longest sentence among them."""
    picked = {k: v[rows] for k, v in tensors.items()}
    picked["ids"] = picked["ids"][:, :int(picked["lengths"].max())]          # [B, T]
    return picked


def bucketed(lengths: torch.Tensor, order: torch.Generator) -> Callable[[int], torch.Tensor]:
    """Batches of items of about one length: `size` neighbours in length order from a random place.
    A corpus's items run from 2 to 240 tokens; a random batch would wait for its longest item at
    every step, a bucketed one reads about as many steps as its items have (a few times faster)."""
    by_length = torch.argsort(lengths, stable=True)

    def pick(size: int) -> torch.Tensor:
        first = int(torch.randint(max(len(by_length) - size, 0) + 1, (1,), generator=order))
        return by_length[first:first + size]
    return pick


def has_next(rows: dict) -> torch.Tensor:
    """[B, T-1]: True at every token that has a next token in its sentence."""
    width = rows["ids"].shape[1] - 1
    return torch.arange(width) < (rows["lengths"] - 1).unsqueeze(1)


def next_token_scores(model: Model, tensors: dict, chunk: int = 256) -> dict:
    """A language model on a corpus part: mean cross-entropy of the next token (nats per token;
    the first token of each item has no context and is not scored), its perplexity and its top-1
    accuracy. Unknown words count as the <unk> token, which the model predicts like any word."""
    total, right, count = 0.0, 0, 0
    with torch.no_grad():
        for start in range(0, len(tensors["lengths"]), chunk):
            rows = rows_of(tensors, torch.arange(start, min(start + chunk, len(tensors["lengths"]))))
            out, _ = model.states(rows["ids"], rows["lengths"])
            where = has_next(rows)
            logits, expected = model.fc(out[:, :-1][where]), rows["ids"][:, 1:][where]
            total += float(nn.functional.cross_entropy(logits, expected, reduction="sum"))
            right += int((logits.argmax(1) == expected).sum())
            count += int(expected.numel())
    mean = total / max(count, 1)
    return {"cross_entropy": mean, "perplexity": float(np.exp(mean)), "bits": mean / np.log(2),
            "accuracy": right / max(count, 1), "count": count}


def sampled_softmax(fc: nn.Linear, h: torch.Tensor, y: torch.Tensor, negatives: torch.Tensor,
                    log_q: torch.Tensor) -> tuple[torch.Tensor, int]:
    """Sampled softmax (Jean et al. 2015): the next token y against K sampled words instead of all V.

    For each row, z_y = W_y · h + b_y and z_k = W_k · h + b_k for the K negatives, each corrected by
    the log of how often it is sampled: z - log(K q), so the sampled loss is an estimate of the full
    one; a negative equal to y is removed (-inf). Loss = -log softmax([z_y, z_1 … z_K])[0].
    h [N, H], y [N], negatives [K], log_q [V] -> (mean loss, rows where z_y beats every negative)."""
    k = negatives.numel()
    true = (fc.weight[y] * h).sum(1) + fc.bias[y] - log_q[y] - np.log(k)                   # [N]
    other = h @ fc.weight[negatives].T + fc.bias[negatives] - log_q[negatives] - np.log(k)  # [N, K]
    other = other.masked_fill(negatives.unsqueeze(0) == y.unsqueeze(1), float("-inf"))
    logits = torch.cat([true.unsqueeze(1), other], 1)                                      # [N, 1+K]
    loss = nn.functional.cross_entropy(logits, torch.zeros_like(y))
    return loss, int((logits.detach().argmax(1) == 0).sum())


def unigram_sampler(tensors: dict, size: int, k: int, order: torch.Generator):
    """K distinct words per step, drawn by the training part's counts to the power 0.75 (Mikolov et
    al. 2013), with log q: the log of each word's chance to be among them (approximately K·p)."""
    ids = tensors["ids"][torch.arange(tensors["ids"].shape[1]) < tensors["lengths"].unsqueeze(1)]
    p = torch.bincount(ids, minlength=size).double().pow(0.75)
    p /= p.sum()
    log_q = torch.log1p(-torch.exp(k * torch.log1p(-p.clamp(max=1 - 1e-12)))).float() - float(np.log(k))

    def draw() -> tuple[torch.Tensor, torch.Tensor]:
        return torch.multinomial(p, k, replacement=False, generator=order), log_q
    return draw
