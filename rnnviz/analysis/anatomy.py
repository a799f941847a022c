"""One cell at one token, with its real numbers: every term of the lesson's equations.

`cell_terms` recomputes the step with the explicit cell over the model's weights, from the
trace's previous state, so every number the anatomy figures show is exact. Weights keep
torch.nn's layout: W = weight_ih [G*hid_size, emb_size], H = weight_hh [G*hid_size, hid_size],
gate blocks in the registry's order (LSTM i, f, g, o; GRU r, z, n).
Legend: emb_size the input's size, hid_size the state's units, G gate blocks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..cells import State
from ..errors import RnnvizError
from ..i18n import t
from ..registry import CELL_KINDS, CellKind
from ..trace import Trace, check_index


@dataclass(frozen=True, eq=False)
class CellTerms:
    """Every vector and matrix of one cell's step at token `step` of `trace`.

    Shapes: x [emb_size]; W [G*hid_size, emb_size]; H [G*hid_size, hid_size];
    b_ih, b_hh, b, Wx, Hh, a, x_part, h_part [G*hid_size]; h_prev, h, c_prev, c [hid_size]
    (c_prev and c None without a cell state); gates name -> [hid_size].
    """

    trace: Trace                 # the sentence the step belongs to (its tokens name the step)
    kind: str                    # the cell's registry name
    activation: str              # the plain RNN's nonlinearity ("tanh" or "relu")
    step: int
    layer: int
    direction: int
    prev_step: int | None        # the token read just before (step ± 1), None at the start
    x: np.ndarray                # the token's embedding (layer 0), else [h_forward; h_backward] below
    W: np.ndarray
    H: np.ndarray
    b_ih: np.ndarray
    b_hh: np.ndarray
    b: np.ndarray                # b_ih + b_hh
    Wx: np.ndarray               # W x
    Hh: np.ndarray               # H h_prev
    a: np.ndarray                # W x + H h_prev + b: one pre-activation block per gate
    x_part: np.ndarray           # W x + b_ih: the input's part of a (the GRU's candidate keeps it apart)
    h_part: np.ndarray           # H h_prev + b_hh: the previous state's part
    h_prev: np.ndarray
    c_prev: np.ndarray | None
    h: np.ndarray
    c: np.ndarray | None
    gates: dict[str, np.ndarray]

    @property
    def cell_kind(self) -> CellKind:
        return CELL_KINDS[self.kind]

    @property
    def prev(self) -> str:
        """The previous state's subscript in the equations: "t−1", or "t+1" reading backwards."""
        return "t+1" if self.direction else "t−1"


def cell_terms(model, trace: Trace, step: int, layer: int = 0, direction: int = 0) -> CellTerms:
    """Every term of one cell's step at token `step`, recomputed exactly with `model`'s cell.

    x is the token's embedding (layer 0) or [h_forward; h_backward] of layer − 1 at `step`;
    h_prev (and c_prev) come from trace.hidden (trace.cell) at step − 1, or step + 1 for the
    backward direction, zeros before the first token it reads. Then:
        Wx = W x,  Hh = H h_prev,  b = b_ih + b_hh,  a = Wx + Hh + b    [G*hid_size]
        RNN:  h = tanh(a)
        LSTM: i, f, o = σ(a_i), σ(a_f), σ(a_o);  g = tanh(a_g);  c = f ⊙ c_prev + i ⊙ g;  h = o ⊙ tanh(c)
        GRU:  r, z = σ(a_r), σ(a_z);  n = tanh(x_part_n + r ⊙ h_part_n);  h = (1 − z) ⊙ n + z ⊙ h_prev
    h, c and gates come from `cell.step` itself: they equal trace.hidden, trace.cell, trace.gates.
    """
    layers, directions, steps, units = trace.hidden.shape
    layer, direction = check_index(layer, layers, "layer"), check_index(direction, directions, "direction")
    at = check_index(step, steps, "step")
    cell = model.cell(layer, direction)
    if cell.kind != trace.kind or cell.hidden_size != units:
        raise RnnvizError(t("anatomy.fig.other_model"))
    if layer == 0:
        x = model.embeddings(trace.ids[at:at + 1])[0]                          # [emb_size]
    else:
        x = trace.hidden[layer - 1, :, at].astype(np.float64).ravel()          # [D*H]
    prev = at + 1 if direction else at - 1                                      # the step read before
    first = not 0 <= prev < steps
    h_prev = np.zeros(units) if first else trace.hidden[layer, direction, prev].astype(np.float64)
    c_prev = None
    if trace.cell_kind.carries_cell:
        c_prev = np.zeros(units) if first else trace.cell[layer, direction, prev].astype(np.float64)
    state, gates = cell.step(x, State(h_prev, c_prev))
    wx, hh, b = cell.w_ih @ x, cell.w_hh @ h_prev, cell.b_ih + cell.b_hh      # [G*hid_size] each
    return CellTerms(
        trace=trace, kind=cell.kind, activation=getattr(cell, "nonlinearity", "tanh"), step=at, layer=layer,
        direction=direction, prev_step=None if first else prev,
        x=x, W=cell.w_ih, H=cell.w_hh, b_ih=cell.b_ih, b_hh=cell.b_hh, b=b, Wx=wx, Hh=hh, a=wx + hh + b,
        x_part=wx + cell.b_ih, h_part=hh + cell.b_hh,
        h_prev=h_prev, c_prev=c_prev, h=state.h, c=state.c, gates=gates,
    )


def sentence_terms(model, trace: Trace, layer: int = 0, direction: int = 0) -> list[CellTerms]:
    """cell_terms at every token t = 0 … T−1 of one (layer, direction): what the anatomy view
    sends to the browser once per sentence."""
    return [cell_terms(model, trace, step, layer, direction) for step in range(trace.steps)]
