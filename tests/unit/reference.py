"""An independent reference for the tests: torch.nn states, and an unrolled autograd graph.

Nothing here uses rnnviz's cells: states come from torch.nn modules, gradients from autograd on
torch equations written out step by step, so agreement is evidence and not a tautology.
"""
from __future__ import annotations

import torch
from torch import nn

from rnnviz.model import Model, ModelSpec
from rnnviz.text import Vocab

WORDS = "<pad> <unk> the movie was not very good bad alice and tom she he they is are happy sad .".split()


def make_model(cell="lstm", layers=1, bidirectional=False, head="classifier", pooling="last",
               nonlinearity="tanh", emb=6, hidden=5, seed=0) -> Model:
    torch.manual_seed(seed)
    spec = ModelSpec(cell=cell, vocab_size=len(WORDS), emb_size=emb, hidden_size=hidden, layers=layers,
                     bidirectional=bidirectional, head=head, pooling=pooling,
                     labels=() if head == "lm" else ("negative", "neutral", "positive"),
                     nonlinearity=nonlinearity)
    model = Model(spec, Vocab(WORDS))
    with torch.no_grad():                     # larger weights than the default, so gates saturate a bit
        for p in model.parameters():
            p.mul_(2.0)
    return model


def nn_layer_states(model: Model, ids: list[int]):
    """h (and c) of every layer and direction from torch.nn, one single-layer module per layer."""
    spec, x = model.spec, model.embedding.weight.detach()[ids].unsqueeze(0)     # [1, T, E]
    hidden, cells = [], []
    for layer in range(spec.layers):
        kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[spec.cell]
        extra = {"nonlinearity": spec.nonlinearity} if spec.cell == "rnn" else {}
        one = kind(x.shape[-1], spec.hidden_size, bidirectional=spec.bidirectional, batch_first=True, **extra)
        for name, _ in one.named_parameters():
            getattr(one, name).data.copy_(getattr(model.rnn, name.replace("_l0", f"_l{layer}")).detach())
        with torch.no_grad():
            out, _ = one(x)                                                  # [1, T, D*H]
        hidden.append(out[0].reshape(len(ids), spec.directions, spec.hidden_size).permute(1, 0, 2))
        cells.append(_lstm_cells(one, x) if spec.cell == "lstm" else None)
        x = out
    return torch.stack(hidden), (torch.stack(cells) if spec.cell == "lstm" else None)


def _lstm_cells(one: nn.LSTM, x: torch.Tensor) -> torch.Tensor:
    """c_t for every t: torch.nn.LSTM gives only the last c, so feed prefixes (and suffixes)."""
    steps, rows = x.shape[1], []
    for d in range(2 if one.bidirectional else 1):
        row = []
        for t in range(steps):
            with torch.no_grad():
                if d == 0:
                    _, (_, c) = one(x[:, : t + 1])
                else:
                    _, (_, c) = one(x[:, t:])
            row.append(c[d, 0])
        rows.append(torch.stack(row))
    return torch.stack(rows)


def _step(spec, w, x, h, c, pins):
    """One step written with torch ops, float64, autograd on."""
    w_ih, w_hh, b_ih, b_hh = w
    a = x @ w_ih.T + b_ih
    b = h @ w_hh.T + b_hh
    if spec.cell == "rnn":
        h = torch.tanh(a + b) if spec.nonlinearity == "tanh" else torch.relu(a + b)
        return _pin(h, pins), None
    if spec.cell == "gru":
        ar, az, an = a.chunk(3)
        br, bz, bn = b.chunk(3)
        r, z = torch.sigmoid(ar + br), torch.sigmoid(az + bz)
        n = torch.tanh(an + r * bn)
        return _pin((1 - z) * n + z * h, pins), None
    i, f, g, o = (a + b).chunk(4)
    c = _pin(torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g), pins)
    return torch.sigmoid(o) * torch.tanh(c), c


def _pin(v, pins):
    for unit, value in pins.items():
        mask = torch.zeros_like(v, dtype=torch.bool)
        mask[unit] = True
        v = torch.where(mask, torch.full_like(v, value), v)
    return v


def autograd_reference(model: Model, ids: list[int], k: int, pos: int, clamp=None):
    """Unrolled graph; returns (grad_hidden [L,D,T], grad_cell or None, connectivity [T], logits)."""
    spec, steps = model.spec, len(ids)
    x0 = model.embedding.weight.detach().double()[ids].clone().requires_grad_()
    inputs, hs, cs = x0, {}, {}
    for layer in range(spec.layers):
        outs = []
        for d in range(spec.directions):
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            w = [getattr(model.rnn, n + sfx).detach().double()
                 for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            pins = {u: v for (l_, d_, u), v in (clamp or {}).items() if (l_, d_) == (layer, d)}
            h = torch.zeros(spec.hidden_size, dtype=torch.float64)
            c = torch.zeros_like(h)
            seq = [None] * steps
            for t in (range(steps) if d == 0 else reversed(range(steps))):
                h, c = _step(spec, w, inputs[t], h, c, pins)
                hs[layer, d, t], cs[layer, d, t], seq[t] = h, c, h
            outs.append(torch.stack(seq))
        inputs = torch.cat(outs, dim=1)
    read = _read(spec, model, inputs, hs, pos)
    logits = read @ model.fc.weight.detach().double().T + model.fc.bias.detach().double()
    loss = torch.log_softmax(logits, -1)[k]
    keys = sorted(hs)
    wanted = [hs[key] for key in keys] + ([cs[key] for key in keys] if spec.cell == "lstm" else []) + [x0]
    g = torch.autograd.grad(loss, wanted, materialize_grads=True)
    shape = (spec.layers, spec.directions, steps)
    grad_h = torch.stack([t.norm() for t in g[: len(keys)]]).reshape(shape)
    grad_c = None
    if spec.cell == "lstm":
        grad_c = torch.stack([t.norm() for t in g[len(keys): 2 * len(keys)]]).reshape(shape)
    return grad_h, grad_c, g[-1].norm(dim=1), logits.detach()


def _read(spec, model, top, hs, pos):
    if spec.head == "lm":
        return top[pos]
    if spec.pooling == "mean":
        return top[: pos + 1].mean(0)
    last = spec.layers - 1
    return torch.cat([hs[last, 0, pos]] + ([hs[last, 1, 0]] if spec.bidirectional else []))
