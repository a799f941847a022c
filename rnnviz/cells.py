"""RNN, LSTM and GRU cells written out as the lesson's equations, forwards and backwards.

The weights use torch.nn's names and layout (gate blocks stacked in the order i, f, g, o for the
LSTM and r, z, n for the GRU), so these cells reproduce torch.nn to rounding error. They compute
in numpy float64: a sentence is one short loop of small vectors, where numpy is quicker than
autograd, and every number the app shows comes from these equations.

Legend: T tokens, E input size, H hidden units, G gate blocks (RNN 1, GRU 3, LSTM 4).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np


class State(NamedTuple):
    """What one step hands to the next: h, and c for the LSTM."""

    h: np.ndarray
    c: np.ndarray | None = None


@dataclass
class Run:
    """A cell's pass over a sequence, in the order it read it.

    Shapes: x [T, E], xw [T, G*H], h [T, H], c [T, H] or None, gates name -> [T, H].
    """

    x: np.ndarray
    xw: np.ndarray
    h: np.ndarray
    c: np.ndarray | None
    gates: dict[str, np.ndarray]
    free: np.ndarray = field(default_factory=lambda: np.ones(0))  # [H] 0 where a unit is clamped

    def h_prev(self) -> np.ndarray:
        """h_{t-1} for every t, with h_{-1} = 0.  [T, H]"""
        return np.vstack([np.zeros_like(self.h[:1]), self.h[:-1]])

    def c_prev(self) -> np.ndarray:
        return np.vstack([np.zeros_like(self.c[:1]), self.c[:-1]])


@dataclass
class Grads:
    """Total derivatives of L with respect to each state, and to the input, over the sequence.

    Shapes: h [T, H], c [T, H] or None, x [T, E].
    """

    h: np.ndarray
    c: np.ndarray | None
    x: np.ndarray


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + e^(−a)), computed as (1 + tanh(a/2)) / 2: the same value, never overflows."""
    return 0.5 + 0.5 * np.tanh(0.5 * a)


class Cell:
    """Shared machinery: weights, the input projection, the loop over time, clamping."""

    kind = ""
    blocks = 1
    gate_names: tuple[str, ...] = ()

    def __init__(self, w_ih, w_hh, b_ih=None, b_hh=None):
        self.w_ih = np.asarray(w_ih, dtype=np.float64)      # [G*H, E]
        self.w_hh = np.asarray(w_hh, dtype=np.float64)      # [G*H, H]
        rows = self.w_hh.shape[0]
        self.b_ih = np.zeros(rows) if b_ih is None else np.asarray(b_ih, dtype=np.float64)
        self.b_hh = np.zeros(rows) if b_hh is None else np.asarray(b_hh, dtype=np.float64)
        self.hidden_size = self.w_hh.shape[1]

    def zero_state(self) -> State:
        return State(np.zeros(self.hidden_size))

    def project(self, x: np.ndarray) -> np.ndarray:
        """W x + b_ih for one input [E] or all inputs at once [T, E] -> [G*H] / [T, G*H]."""
        return x @ self.w_ih.T + self.b_ih

    def step(self, x: np.ndarray, state: State | None = None) -> tuple[State, dict[str, np.ndarray]]:
        """One step from input x [E] and the previous state: the new state and the named gates."""
        state = self.zero_state() if state is None else state
        return self._advance(self.project(np.asarray(x, dtype=np.float64)), state, {})

    def run(self, x: np.ndarray, clamp: dict[int, float] | None = None) -> Run:
        """Read x [T, E] from first to last; `clamp` pins units of the carried state to values."""
        clamp = clamp or {}
        xw = self.project(x)                                  # [T, G*H], one matmul for all steps
        state, states, gates = self.zero_state(), [], []
        for xw_t in xw:
            state, g = self._advance(xw_t, state, clamp)
            states.append(state)
            gates.append(g)
        free = np.ones(self.hidden_size)
        free[list(clamp)] = 0.0
        return Run(
            x=x,
            xw=xw,
            h=np.array([s.h for s in states]),
            c=np.array([s.c for s in states]) if self.kind == "lstm" else None,
            gates={name: np.array([g[name] for g in gates]) for name in self.gate_names},
            free=free,
        )

    @staticmethod
    def _clamp(v: np.ndarray, clamp: dict[int, float]) -> np.ndarray:
        for unit, value in clamp.items():
            v[unit] = value
        return v

    def _advance(self, xw, state, clamp):
        raise NotImplementedError

    def backprop(self, run: Run, dh_out: np.ndarray) -> Grads:
        """Backpropagation through time: dh_out [T, H] is ∂L/∂h_t from outside the chain."""
        raise NotImplementedError


class RNNCell(Cell):
    """Simple recurrent cell: h = tanh(W x + H h_prev + b).

    Equations (torch.nn.RNNCell):
        a = W x + b_ih + H h_prev + b_hh
        h = tanh(a)            (or relu(a))
    Symbols: x input, h_prev previous state, W = weight_ih [H, E], H = weight_hh [H, H].
    Shapes: x [E], h_prev [H], h [H].
    """

    kind = "rnn"

    def __init__(self, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
        super().__init__(w_ih, w_hh, b_ih, b_hh)
        self.nonlinearity = nonlinearity

    def _advance(self, xw, state, clamp):
        a = xw + self.w_hh @ state.h + self.b_hh
        h = np.tanh(a) if self.nonlinearity == "tanh" else np.maximum(a, 0.0)
        return State(self._clamp(h, clamp)), {}

    def backprop(self, run, dh_out):
        slope = 1.0 - run.h**2 if self.nonlinearity == "tanh" else (run.h > 0).astype(float)
        slope = slope * run.free                               # a clamped unit passes nothing back
        dh, da = np.empty_like(run.h), np.empty_like(run.h)
        carry = np.zeros(self.hidden_size)
        for t in range(len(run.h) - 1, -1, -1):
            dh[t] = dh_out[t] + carry                          # ∂L/∂h_t, through every later step
            da[t] = dh[t] * slope[t]                           # ∂L/∂a_t
            carry = self.w_hh.T @ da[t]                        # Hᵀ ∂L/∂a_t flows to h_{t-1}
        return Grads(h=dh, c=None, x=da @ self.w_ih)


class LSTMCell(Cell):
    """Long short-term memory cell: gates decide what the cell state forgets, stores and shows.

    Equations (torch.nn.LSTMCell):
        i = σ(W_i x + b_ii + H_i h_prev + b_hi)     input gate
        f = σ(W_f x + b_if + H_f h_prev + b_hf)     forget gate
        g = tanh(W_g x + b_ig + H_g h_prev + b_hg)  candidate
        o = σ(W_o x + b_io + H_o h_prev + b_ho)     output gate
        c = f ⊙ c_prev + i ⊙ g
        h = o ⊙ tanh(c)
    Symbols: c cell state, h hidden vector, W = weight_ih [4H, E], H = weight_hh [4H, H].
    Shapes: x [E], h_prev, c_prev, i, f, g, o, c, h [H].
    """

    kind = "lstm"
    blocks = 4
    gate_names = ("input", "forget", "candidate", "output")

    def zero_state(self) -> State:
        return State(np.zeros(self.hidden_size), np.zeros(self.hidden_size))

    def _advance(self, xw, state, clamp):
        n = self.hidden_size
        a = xw + self.w_hh @ state.h + self.b_hh                # [4H]
        s = sigmoid(a)                                          # i, f, o read from here; g is not a σ
        i, f, g, o = s[:n], s[n:2 * n], np.tanh(a[2 * n:3 * n]), s[3 * n:]
        c = self._clamp(f * state.c + i * g, clamp)
        h = o * np.tanh(c)
        return State(h, c), {"input": i, "forget": f, "candidate": g, "output": o}

    def backprop(self, run, dh_out):
        i, f, g, o = (run.gates[n] for n in self.gate_names)
        tanh_c, c_prev, n = np.tanh(run.c), run.c_prev(), self.hidden_size
        # ∂c_t/∂(pre-activations of i, f, g) and ∂h_t/∂(pre-activation of o), for all t at once
        slope_c = np.stack([g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g**2)], axis=1)  # [T, 3, H]
        slope_o = tanh_c * o * (1 - o)                                                     # [T, H]
        dh, dc, da = np.empty_like(run.h), np.empty_like(run.h), np.empty((len(run.h), 4, n))
        carry_h, carry_c = np.zeros(self.hidden_size), np.zeros(self.hidden_size)
        for t in range(len(run.h) - 1, -1, -1):
            dh[t] = dh_out[t] + carry_h
            dc[t] = carry_c + dh[t] * o[t] * (1.0 - tanh_c[t] ** 2)   # ∂L/∂c_t, total
            dc_in = dc[t] * run.free                                  # a clamped c_t ignores its inputs
            np.multiply(dc_in, slope_c[t], out=da[t, :3])             # through i, f, g
            np.multiply(dh[t], slope_o[t], out=da[t, 3])              # through o
            carry_c = dc_in * f[t]                                    # the carousel: ∂c_t/∂c_{t-1} = f
            carry_h = self.w_hh.T @ da[t].ravel()
        return Grads(h=dh, c=dc, x=da.reshape(len(da), -1) @ self.w_ih)


class GRUCell(Cell):
    """Gated recurrent unit: one state, blended between its old value and a candidate.

    Equations (torch.nn.GRUCell):
        r = σ(W_r x + b_ir + H_r h_prev + b_hr)             reset gate
        z = σ(W_z x + b_iz + H_z h_prev + b_hz)             update gate
        n = tanh(W_n x + b_in + r ⊙ (H_n h_prev + b_hn))    candidate
        h = (1 − z) ⊙ n + z ⊙ h_prev
    Symbols: W = weight_ih [3H, E], H = weight_hh [3H, H].
    Shapes: x [E], h_prev, r, z, n, h [H].
    """

    kind = "gru"
    blocks = 3
    gate_names = ("reset", "update", "candidate")

    def _advance(self, xw, state, clamp):
        k = self.hidden_size
        hh = self.w_hh @ state.h + self.b_hh                    # [3H]
        rz = sigmoid(xw[:2 * k] + hh[:2 * k])
        r, z = rz[:k], rz[k:]
        n = np.tanh(xw[2 * k:] + r * hh[2 * k:])
        h = self._clamp((1.0 - z) * n + z * state.h, clamp)
        return State(h), {"reset": r, "update": z, "candidate": n}

    def backprop(self, run, dh_out):
        r, z, n = (run.gates[k] for k in self.gate_names)
        h_prev, hidden = run.h_prev(), self.hidden_size
        h_n = h_prev @ self.w_hh[2 * hidden:].T + self.b_hh[2 * hidden:]   # H_n h_prev + b_hn  [T, H]
        dh, dx_a = np.empty_like(run.h), np.empty((len(run.h), 3 * hidden))
        carry = np.zeros(hidden)
        for t in range(len(run.h) - 1, -1, -1):
            dh[t] = dh_out[t] + carry
            d = dh[t] * run.free
            dn = d * (1.0 - z[t]) * (1.0 - n[t] ** 2)                 # through n's tanh
            dr = dn * h_n[t] * r[t] * (1.0 - r[t])
            dz = d * (h_prev[t] - n[t]) * z[t] * (1.0 - z[t])
            dx_a[t] = np.concatenate([dr, dz, dn])                      # ∂L/∂(W x + b_ih)
            carry = self.w_hh.T @ np.concatenate([dr, dz, dn * r[t]]) + d * z[t]
        return Grads(h=dh, c=None, x=dx_a @ self.w_ih)


CELLS = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}
