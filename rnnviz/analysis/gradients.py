"""Vanishing and exploding gradients: curves, per-step gains, spectral radius, forget products,
and the Gradients lab's untrained models.

Backpropagation through time multiplies one Jacobian per step (plain RNN: ∂h_t/∂h_{t−1} =
diag(1 − h_t²) W_hh), so ‖∂L/∂h_t‖ shrinks or grows roughly geometrically as t moves away from
the token where L is read (Pascanu, Mikolov, Bengio 2013). The LSTM's cell path has the factor
∂c_t/∂c_{t−1} = diag(f_t): the gradient survives while forget gates stay near 1.
Every function reads a Trace, a model or a matrix; none changes a model or calls .backward().

Legend: T tokens, L layers, D directions, H hidden units, G gate blocks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..errors import RnnvizError
from ..model import Model, ModelSpec, set_forget_bias
from ..tasks import TASKS, get_task
from ..text import PAD, UNK, Vocab
from ..trace import Trace, read, trace


def _norms(tr: Trace, layer: int, direction: int, state: str) -> np.ndarray:
    if state not in ("hidden", "cell"):
        raise RnnvizError("state must be 'hidden' (h) or 'cell' (c).")
    grads = tr.grad_hidden if state == "hidden" else tr.grad_cell
    if grads is None:
        raise RnnvizError("Only an LSTM has a cell state c: choose state='hidden'.")
    return np.asarray(grads[layer, direction], dtype=np.float64)          # [T]


def gradient_curve(tr: Trace, layer: int = -1, direction: int = 0, normalise: bool = True,
                   state: str = "hidden") -> np.ndarray:
    """‖∂L/∂h_t‖ (state="hidden") or ‖∂L/∂c_t‖ (state="cell") for t = 0..T−1.  [T]

    normalise: divide by the value at the last token, g_t / g_T, so the curve ends at 1 and an
    early value reads as "this fraction of the signal reaches token t". When L is read before the
    end (target at position k < T−1), every later g_t is 0: the curve is then divided by the last
    non-zero value instead (it is 1 there and stays 0 after). An all-zero curve stays zero.
    """
    norms = _norms(tr, layer, direction, state)
    if not normalise:
        return norms
    nonzero = np.flatnonzero(norms > 0)
    return norms / norms[nonzero[-1]] if nonzero.size else norms


def step_gain(tr: Trace, layer: int = -1, direction: int = 0, state: str = "hidden") -> np.ndarray:
    """Per-step gain g_t / g_{t+1} = ‖∂L/∂h_t‖ / ‖∂L/∂h_{t+1}‖ for t = 0..T−2 (NaN where g_{t+1} = 0).

    Below 1 the signal shrinks by that factor with each step back, above 1 it grows.  [T−1]
    """
    norms = _norms(tr, layer, direction, state)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(norms[1:] > 0, norms[:-1] / np.where(norms[1:] > 0, norms[1:], 1.0), np.nan)


def block_spectral_radii(w_hh) -> list[float]:
    """ρ = max |λ| of each H×H block of a recurrent matrix [G·H, H] (RNN 1 block, GRU 3, LSTM 4)."""
    w = w_hh.detach().cpu().numpy() if isinstance(w_hh, torch.Tensor) else np.asarray(w_hh)
    hidden = w.shape[1]
    if w.ndim != 2 or w.shape[0] % hidden:
        raise RnnvizError("A recurrent matrix has shape [G·H, H]: G square blocks stacked.")
    return [float(np.abs(np.linalg.eigvals(w[k:k + hidden])).max()) for k in range(0, w.shape[0], hidden)]


def spectral_radius(w_hh) -> float:
    """ρ(W_hh) = max |λ|; for a gated cell the largest over its gate blocks (i, f, g, o / r, z, n).

    Each block H_k maps h_{t−1} to one gate's pre-activation, so the largest ρ bounds how strongly
    any single path through the state can grow; the plain RNN has the one H×H matrix.
    """
    return max(block_spectral_radii(w_hh))


def recurrent_radius(model: Model) -> float:
    """spectral_radius of the model's first recurrent matrix: layer 0, forward direction."""
    return spectral_radius(model.rnn.weight_hh_l0)


def forget_product(tr: Trace, layer: int = 0, direction: int = 0) -> np.ndarray:
    """How much of c_t survives along the carousel to the last token: P_t averaged over units.  [T]

    P_t,j = ∏_{s=t+1}^{T−1} f_s,j = ∂c_{T−1,j}/∂c_{t,j} along the cell path (P_{T−1} = 1), in
    the direction's reading order (a backward direction's "last token" is token 0). Averaged over
    units arithmetically (the mean of the products, not a geometric mean), so a few units that
    remember keep the curve up, as they keep the memory. For a GRU the same product of update
    gates z (∂h_t/∂h_{t−1} on the direct path is diag(z_t)); a plain RNN has no such gate.
    """
    gate = tr.cell_kind.memory_gate
    if gate is None:
        raise RnnvizError("Only an LSTM (forget gate) or a GRU (update gate) has a gated memory path.")
    f = np.asarray(tr.gates[gate][layer, direction], dtype=np.float64)    # [T, H], token order
    f = f[::-1] if direction else f                                      # reading order
    after = np.vstack([f[1:], np.ones((1, f.shape[1]))])                 # f_{t+1}, and 1 past the end
    products = np.cumprod(after[::-1], axis=0)[::-1]                     # ∏_{s>t} f_s   [T, H]
    mean = products.mean(axis=1)
    return mean[::-1].copy() if direction else mean


def default_vocab() -> list[str]:
    """<pad>, <unk> and every word of every bundled task, so any demo sentence is known."""
    return [PAD, UNK] + sorted({w for name in TASKS for w in get_task(name).vocabulary()})


def untrained_model(cell: str, hidden: int = 32, emb: int = 16, scale: float = 1.0,
                    nonlinearity: str = "tanh", forget_bias: float = 0.0, seed: int = 0,
                    vocab=None) -> Model:
    """A fresh 1-layer classifier (2 labels) for init experiments; the same seed gives the same model.

    Each H×H block of W_hh (the whole matrix for the RNN) is orthogonal × `scale`, so ρ = scale.
    A cell with a forget gate starts it at b_if + b_hf = forget_bias (model.set_forget_bias, as
    training does); other cells ignore forget_bias, so one lab setting serves every cell.
    The global torch random state is left as it was.
    """
    vocab = vocab if isinstance(vocab, Vocab) else Vocab(list(vocab) if vocab is not None else default_vocab())
    spec = ModelSpec(cell=cell, vocab_size=len(vocab), emb_size=emb, hidden_size=hidden, head="classifier",
                     labels=("negative", "positive"), nonlinearity=nonlinearity)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Model(spec, vocab)
        with torch.no_grad():
            w_hh = model.rnn.weight_hh_l0
            for k in range(0, w_hh.shape[0], hidden):
                torch.nn.init.orthogonal_(w_hh[k:k + hidden])
                w_hh[k:k + hidden].mul_(scale)
        if spec.cell_kind.forget_gate:
            set_forget_bias(model, forget_bias)
    return model.eval()


def lab_trace(model, text: str) -> Trace:
    """The model's Trace of `text` with L = log p(the class it finds least likely after the whole text).

    An untrained head may be so sure of its favourite class that log p of it has no slope at
    all (p = 1.0 exactly when the state explodes); the other class's log-probability always has.
    """
    least = model.labels[int(read(model, text).probs[-1].argmin())]
    return trace(model, text, target=least)


@dataclass(frozen=True)
class LabSetting:
    """The Gradients lab's untrained cells: W_hh = orthogonal × `scale` (ρ = scale), the plain RNN's
    `activation`, the LSTM's `forget_bias` (b_if + b_hf) and the clipping `clip` (None: off)."""
    scale: float
    activation: str
    forget_bias: float
    clip: float | None = None


# The lesson's setting, found by measuring (tests/unit/test_lab_defaults.py keeps it true): with
# ρ = 0.75 every step back shrinks the plain RNN's gradient, while forget gates that start near
# σ(2) ≈ 0.88 let the LSTM's cell carry it; on the lab sentence (37 tokens) the LSTM keeps about
# 10⁵–10⁶ times more at the first token. Forget bias 0 (gates near ½) or scale 3 break it.
LESSON_LAB = LabSetting(scale=0.75, activation="tanh", forget_bias=2.0)
LAB_TEXT = ("the key is green . the cat sat on the mat . we walked home . it rained . "
            "the children played in the park . snow fell all morning . what colour was the key ?")   # 37 tokens


def kept_at(tr: Trace, token: int = 0, state: str = "hidden") -> float:
    """How much of the signal reaches `token`: gradient_curve(tr, state=state)[token] (1 = all of
    what L gives where it is read; 0 when nothing arrives; above 1 it grew on the way)."""
    return float(gradient_curve(tr, state=state)[token])


def keeps_more(tr: Trace, than: Trace, token: int = 0) -> float:
    """kept_at(tr, token) ÷ kept_at(than, token): how many times more of the signal `tr` keeps at
    `token` than `than` does, both on their hidden state h (inf when `than` keeps nothing at all)."""
    mine, theirs = kept_at(tr, token), kept_at(than, token)
    if theirs > 0:
        return mine / theirs
    return float("inf") if mine > 0 else float("nan")


def clip(norms, threshold: float) -> np.ndarray:
    """What each norm becomes under norm clipping at `threshold`: min(‖g‖, threshold)."""
    return np.minimum(np.asarray(norms, dtype=np.float64), threshold)
