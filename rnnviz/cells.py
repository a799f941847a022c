"""RNN, LSTM and GRU cells written out as the lesson's equations, forwards and backwards.

The weights use torch.nn's names and layout (gate blocks stacked in the order i, f, g, o for the
LSTM and r, z, n for the GRU, as `registry.CELL_KINDS` lists them), so these cells reproduce
torch.nn to rounding error. They compute in numpy float64: a sentence is one short loop of small
vectors, where numpy is quicker than autograd, and every number the app shows comes from here.

Legend (the lesson's letters, and torch.nn's names for the same things):
    W = w_ih     weight_ih, the input's weights           [G * hid_size, emb_size]
    H = w_hh     weight_hh, the previous state's weights  [G * hid_size, hid_size]
    b_ih, b_hh   the two biases                           [G * hid_size]
    x, h_prev    the input at this step, the state before it
    a            a pre-activation W x + b_ih + H h_prev + b_hh, one block a_i, a_f, … per gate
    hid_size     units in the state (torch's hidden_size, H_out); emb_size the input's size (H_in)
    G            gate blocks: RNN 1, GRU 3, LSTM 4;  T tokens;  ⊙ elementwise product
The backward pass writes ∂L/∂v as dL_dv, next to the forward line it differentiates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .registry import CELL_KINDS


class State(NamedTuple):
    """What one step hands to the next: h, and c for the LSTM."""

    h: np.ndarray
    c: np.ndarray | None = None


@dataclass
class Run:
    """A cell's pass over a sequence, in the order it read it.

    Shapes: x [T, emb_size], input_term [T, G*hid_size], h [T, hid_size], c [T, hid_size] or None,
    gates name -> [T, hid_size], free [hid_size].
    """

    x: np.ndarray
    input_term: np.ndarray        # W x_t + b_ih for every t: the input's part of each pre-activation
    h: np.ndarray
    c: np.ndarray | None
    gates: dict[str, np.ndarray]
    free: np.ndarray = field(default_factory=lambda: np.ones(0))  # 0 where a unit is clamped

    def h_prev(self) -> np.ndarray:
        """h_{t-1} for every t, with h_{-1} = 0.  [T, hid_size]"""
        return np.vstack([np.zeros_like(self.h[:1]), self.h[:-1]])

    def c_prev(self) -> np.ndarray:
        """c_{t-1} for every t, with c_{-1} = 0.  [T, hid_size]"""
        return np.vstack([np.zeros_like(self.c[:1]), self.c[:-1]])


@dataclass
class Grads:
    """Total derivatives of L with respect to each state, and to the input, over the sequence.

    Shapes: h [T, hid_size], c [T, hid_size] or None, x [T, emb_size].
    """

    h: np.ndarray
    c: np.ndarray | None
    x: np.ndarray


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + e^(−a)), computed as (1 + tanh(a/2)) / 2: the same value, never overflows."""
    return 0.5 + 0.5 * np.tanh(0.5 * a)


class Cell:
    """Shared machinery: weights, the input's term, the loop over time, clamping."""

    kind = ""                         # a key of registry.CELL_KINDS
    gate_names: tuple[str, ...] = ()

    def __init__(self, w_ih, w_hh, b_ih=None, b_hh=None):
        self.w_ih = np.asarray(w_ih, dtype=np.float64)      # W  [G*hid_size, emb_size]
        self.w_hh = np.asarray(w_hh, dtype=np.float64)      # H  [G*hid_size, hid_size]
        rows = self.w_hh.shape[0]
        self.b_ih = np.zeros(rows) if b_ih is None else np.asarray(b_ih, dtype=np.float64)
        self.b_hh = np.zeros(rows) if b_hh is None else np.asarray(b_hh, dtype=np.float64)
        self.hidden_size = self.w_hh.shape[1]                # hid_size

    def zero_state(self) -> State:
        return State(np.zeros(self.hidden_size))

    def project(self, x: np.ndarray) -> np.ndarray:
        """W x + b_ih for one input [emb_size] or all at once [T, emb_size] -> [G*hid_size] / [T, G*hid_size]."""
        return x @ self.w_ih.T + self.b_ih

    def step(self, x: np.ndarray, state: State | None = None) -> tuple[State, dict[str, np.ndarray]]:
        """One step from input x [emb_size] and the previous state: the new state and the named gates."""
        state = self.zero_state() if state is None else state
        return self._advance(self.project(np.asarray(x, dtype=np.float64)), state, {})

    def run(self, x: np.ndarray, clamp: dict[int, float] | None = None) -> Run:
        """Read x [T, emb_size] from first to last; `clamp` pins units of the carried state to values."""
        clamp = clamp or {}
        input_term = self.project(x)                          # [T, G*hid_size], one matmul for all steps
        state, states, gates = self.zero_state(), [], []
        for wx_t in input_term:
            state, g = self._advance(wx_t, state, clamp)
            states.append(state)
            gates.append(g)
        free = np.ones(self.hidden_size)
        free[list(clamp)] = 0.0
        return Run(
            x=x,
            input_term=input_term,
            h=np.array([s.h for s in states]),
            c=np.array([s.c for s in states]) if CELL_KINDS[self.kind].carries_cell else None,
            gates={name: np.array([g[name] for g in gates]) for name in self.gate_names},
            free=free,
        )

    @staticmethod
    def _clamp(v: np.ndarray, clamp: dict[int, float]) -> np.ndarray:
        for unit, value in clamp.items():
            v[unit] = value
        return v

    def _advance(self, wx: np.ndarray, state: State, clamp: dict[int, float]):
        """One step from the input's term wx = W x + b_ih [G*hid_size] and the previous state."""
        raise NotImplementedError

    def backprop(self, run: Run, dh_out: np.ndarray) -> Grads:
        """Backpropagation through time: dh_out [T, hid_size] is ∂L/∂h_t from outside the chain."""
        raise NotImplementedError


class RNNCell(Cell):
    """Simple recurrent cell: h = tanh(W x + H h_prev + b).

    Equations (torch.nn.RNNCell):
        a = W x + b_ih + H h_prev + b_hh
        h = tanh(a)            (or relu(a))
    Shapes: x [emb_size], h_prev, a, h [hid_size].
    """

    kind = "rnn"
    gate_names = CELL_KINDS[kind].gate_names

    def __init__(self, w_ih, w_hh, b_ih=None, b_hh=None, nonlinearity="tanh"):
        super().__init__(w_ih, w_hh, b_ih, b_hh)
        self.nonlinearity = nonlinearity

    def _advance(self, wx, state, clamp):
        # a = W x + b_ih + H h_prev + b_hh
        a = wx + self.w_hh @ state.h + self.b_hh
        # h = tanh(a)   (or relu(a))
        h = np.tanh(a) if self.nonlinearity == "tanh" else np.maximum(a, 0.0)
        return State(self._clamp(h, clamp)), {}

    def backprop(self, run, dh_out):
        # dh/da = 1 − h², or 1 where relu passes a; a clamped unit passes nothing back
        dh_da = (1.0 - run.h**2 if self.nonlinearity == "tanh" else (run.h > 0).astype(float)) * run.free
        dL_dh, dL_da = np.empty_like(run.h), np.empty_like(run.h)
        dL_dh_later = np.zeros(self.hidden_size)                   # what h_t gets from step t + 1
        for t in range(len(run.h) - 1, -1, -1):
            dL_dh[t] = dh_out[t] + dL_dh_later
            # h = tanh(a)
            dL_da[t] = dL_dh[t] * dh_da[t]
            # a = … + H h_prev + …   so ∂L/∂h_prev = Hᵀ ∂L/∂a
            dL_dh_later = self.w_hh.T @ dL_da[t]
        # a = W x + …   so ∂L/∂x = Wᵀ ∂L/∂a
        return Grads(h=dL_dh, c=None, x=dL_da @ self.w_ih)


class LSTMCell(Cell):
    """Long short-term memory cell: gates decide what the cell state forgets, stores and shows.

    Equations (torch.nn.LSTMCell), with a = W x + b_ih + H h_prev + b_hh cut into a_i, a_f, a_g, a_o:
        i = σ(a_i)                  input gate
        f = σ(a_f)                  forget gate
        g = tanh(a_g)               candidate
        o = σ(a_o)                  output gate
        c = f ⊙ c_prev + i ⊙ g
        h = o ⊙ tanh(c)
    Symbols: c the cell state, h the hidden vector; W, H hold the four blocks stacked (G = 4).
    Shapes: x [emb_size], a [4*hid_size], h_prev, c_prev, i, f, g, o, c, h [hid_size].
    """

    kind = "lstm"
    gate_names = CELL_KINDS[kind].gate_names

    def zero_state(self) -> State:
        return State(np.zeros(self.hidden_size), np.zeros(self.hidden_size))

    def _advance(self, wx, state, clamp):
        # a = W x + b_ih + H h_prev + b_hh, in four blocks
        a = wx + self.w_hh @ state.h + self.b_hh                      # [4*hid_size]
        a_g = a.reshape(4, -1)[2]
        # i = σ(a_i), f = σ(a_f), o = σ(a_o): one σ over the four blocks, whose σ(a_g) is not used
        i, f, _, o = sigmoid(a).reshape(4, -1)
        # g = tanh(a_g)
        g = np.tanh(a_g)
        # c = f ⊙ c_prev + i ⊙ g
        c = self._clamp(f * state.c + i * g, clamp)
        # h = o ⊙ tanh(c)
        h = o * np.tanh(c)
        return State(h, c), dict(zip(self.gate_names, (i, f, g, o)))

    def backprop(self, run, dh_out):
        i, f, g, o = (run.gates[name] for name in self.gate_names)   # [T, hid_size] each
        tanh_c, c_prev = np.tanh(run.c), run.c_prev()
        # each gate's slope, for all t at once: σ' = σ(1 − σ), tanh' = 1 − tanh²
        di_da, df_da, dg_da, do_da = i * (1 - i), f * (1 - f), 1 - g**2, o * (1 - o)
        T, hid_size = run.h.shape
        dL_dh, dL_dc, dL_da = np.empty_like(run.h), np.empty_like(run.h), np.empty((T, 4, hid_size))
        dL_dh_later, dL_dc_later = np.zeros(hid_size), np.zeros(hid_size)
        for t in range(T - 1, -1, -1):
            dL_dh[t] = dh_out[t] + dL_dh_later
            # h = o ⊙ tanh(c)
            dL_do = dL_dh[t] * tanh_c[t]
            dL_dc[t] = dL_dc_later + dL_dh[t] * o[t] * (1.0 - tanh_c[t] ** 2)
            dL_dc_in = dL_dc[t] * run.free                        # a clamped c_t ignores its inputs
            # c = f ⊙ c_prev + i ⊙ g
            dL_di, dL_df, dL_dg = dL_dc_in * g[t], dL_dc_in * c_prev[t], dL_dc_in * i[t]
            # i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o):  ∂L/∂a_i = ∂L/∂i ⊙ σ'(a_i), … (rows i, f, g, o)
            np.multiply(dL_di, di_da[t], out=dL_da[t, 0])
            np.multiply(dL_df, df_da[t], out=dL_da[t, 1])
            np.multiply(dL_dg, dg_da[t], out=dL_da[t, 2])
            np.multiply(dL_do, do_da[t], out=dL_da[t, 3])
            # the carousel: ∂c_t/∂c_{t-1} = f
            dL_dc_later = dL_dc_in * f[t]
            # a = … + H h_prev + …
            dL_dh_later = self.w_hh.T @ dL_da[t].ravel()
        # a = W x + …
        return Grads(h=dL_dh, c=dL_dc, x=dL_da.reshape(T, -1) @ self.w_ih)


class GRUCell(Cell):
    """Gated recurrent unit: one state, blended between its old value and a candidate.

    Equations (torch.nn.GRUCell), with the blocks of W x + b_ih and of H h_prev + b_hh:
        r = σ(W_r x + b_ir + H_r h_prev + b_hr)             reset gate
        z = σ(W_z x + b_iz + H_z h_prev + b_hz)             update gate
        n = tanh(W_n x + b_in + r ⊙ (H_n h_prev + b_hn))    candidate
        h = (1 − z) ⊙ n + z ⊙ h_prev
    Symbols: W, H hold the three blocks stacked (G = 3); a_r, a_z, a_n the three pre-activations.
    Shapes: x [emb_size], h_prev, r, z, n, h [hid_size].
    """

    kind = "gru"
    gate_names = CELL_KINDS[kind].gate_names

    def _advance(self, wx, state, clamp):
        hid_size = self.hidden_size
        hh = self.w_hh @ state.h + self.b_hh                          # H_· h_prev + b_h·, blocks r, z, n
        # r = σ(a_r), z = σ(a_z), a_· = W_· x + b_i· + H_· h_prev + b_h·: one σ over both blocks
        r, z = sigmoid(wx[:2 * hid_size] + hh[:2 * hid_size]).reshape(2, hid_size)
        # n = tanh(W_n x + b_in + r ⊙ (H_n h_prev + b_hn))
        n = np.tanh(wx[2 * hid_size:] + r * hh[2 * hid_size:])
        # h = (1 − z) ⊙ n + z ⊙ h_prev
        h = self._clamp((1.0 - z) * n + z * state.h, clamp)
        return State(h), dict(zip(self.gate_names, (r, z, n)))

    def backprop(self, run, dh_out):
        r, z, n = (run.gates[name] for name in self.gate_names)      # [T, hid_size] each
        h_prev = run.h_prev()
        T, hid_size = run.h.shape
        hh_n = h_prev @ self.w_hh[2 * hid_size:].T + self.b_hh[2 * hid_size:]   # H_n h_prev + b_hn  [T, hid_size]
        dL_dh, dL_dwx = np.empty_like(run.h), np.empty((T, 3 * hid_size))
        dL_dh_later = np.zeros(hid_size)
        for t in range(T - 1, -1, -1):
            dL_dh[t] = dh_out[t] + dL_dh_later
            dL_dh_in = dL_dh[t] * run.free                           # a clamped h_t ignores its inputs
            # h = (1 − z) ⊙ n + z ⊙ h_prev
            dL_dn, dL_dz = dL_dh_in * (1.0 - z[t]), dL_dh_in * (h_prev[t] - n[t])
            # n = tanh(a_n),  a_n = W_n x + b_in + r ⊙ (H_n h_prev + b_hn)
            dL_da_n = dL_dn * (1.0 - n[t] ** 2)
            dL_dr = dL_da_n * hh_n[t]
            # r = σ(a_r), z = σ(a_z)
            dL_da_r, dL_da_z = dL_dr * r[t] * (1.0 - r[t]), dL_dz * z[t] * (1.0 - z[t])
            # the input's term W x + b_ih enters a_r, a_z, a_n as it is
            dL_dwx[t] = np.concatenate([dL_da_r, dL_da_z, dL_da_n])
            # h_prev reaches h through H (a_n's part is gated by r) and directly through z
            dL_dh_later = (self.w_hh.T @ np.concatenate([dL_da_r, dL_da_z, dL_da_n * r[t]])
                           + dL_dh_in * z[t])
        return Grads(h=dL_dh, c=None, x=dL_dwx @ self.w_ih)


CELLS: dict[str, type[Cell]] = {cls.kind: cls for cls in (RNNCell, GRUCell, LSTMCell)}
"""The explicit cell of every kind in registry.CELL_KINDS (a test checks they are the same kinds)."""
