"""The one table of what rnnviz knows how to run: the recurrent cells and the heads.

Everything that depends on the kind of a cell (its torch module, its gate blocks and their
letters, whether it carries a cell state c, which gate a forget bias goes to) reads it here, or
from a Trace (`trace.kind`, `trace.head`), never from the shape of an array or a gate's name.

Adding a cell kind: a line in CELL_KINDS, its class in `cells.py` (listed in `cells.CELLS`), and
its tests. Labels and colours fall back to the entry's own words where the catalogues and the
theme have none.

Gate order follows the equations and torch.nn's weight layout: LSTM i, f, g, o; GRU r, z, n.
"""
from __future__ import annotations

from dataclasses import dataclass

from torch import nn


@dataclass(frozen=True)
class Gate:
    """One gate block of a cell's stacked weights: its name, the equation's letter, σ or tanh."""

    name: str           # "forget"
    letter: str         # "f"
    activation: str     # "sigmoid" | "tanh"
    label: str          # English label, used where no catalogue has one ("forget gate f")


@dataclass(frozen=True)
class CellKind:
    """A recurrent cell as the lesson names it, and as torch.nn builds it."""

    name: str                         # "lstm": the key in specs, cards, URLs
    title: str                        # "LSTM": the name a student reads
    torch_module: type[nn.RNNBase]    # the fused module training runs
    gates: tuple[Gate, ...]           # () for the plain RNN: its one block is h itself
    carries_cell: bool                # a cell state c_t beside h_t
    forget_gate: str | None = None    # the gate a forget-bias initialisation opens
    memory_gate: str | None = None    # the gate whose product over steps is the direct path of memory
    lesson_pooling: str = "last"      # what the lesson notebook's classifier of this kind reads
    nonlinearities: tuple[str, ...] = ("tanh",)   # the activations h may use (torch's `nonlinearity`)

    @property
    def blocks(self) -> int:
        """G: weight blocks stacked in weight_ih / weight_hh (1 for the plain RNN)."""
        return len(self.gates) or 1

    @property
    def gate_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.gates)

    @property
    def letters(self) -> str:
        """The blocks' letters in weight order ("ifgo"); "h" for the plain RNN."""
        return "".join(g.letter for g in self.gates) or "h"

    @property
    def state_names(self) -> tuple[str, ...]:
        """The states handed from step to step: ("cell", "hidden") or ("hidden",)."""
        return ("cell", "hidden") if self.carries_cell else ("hidden",)

    @property
    def flag_state(self) -> str:
        """The state a flag is looked for in: the cell state c where there is one, else h."""
        return self.state_names[0]

    def gate(self, name: str) -> Gate:
        return next(g for g in self.gates if g.name == name)


_SIGMOID, _TANH = "sigmoid", "tanh"

CELL_KINDS: dict[str, CellKind] = {k.name: k for k in (
    CellKind("rnn", "RNN", nn.RNN, (), carries_cell=False, lesson_pooling="mean", nonlinearities=("tanh", "relu")),
    CellKind("gru", "GRU", nn.GRU, (
        Gate("reset", "r", _SIGMOID, "reset gate r"),
        Gate("update", "z", _SIGMOID, "update gate z"),
        Gate("candidate", "n", _TANH, "candidate n"),
    ), carries_cell=False, memory_gate="update"),
    CellKind("lstm", "LSTM", nn.LSTM, (
        Gate("input", "i", _SIGMOID, "input gate i"),
        Gate("forget", "f", _SIGMOID, "forget gate f"),
        Gate("candidate", "g", _TANH, "candidate g"),
        Gate("output", "o", _SIGMOID, "output gate o"),
    ), carries_cell=True, forget_gate="forget", memory_gate="forget"),
)}
"""Cell kinds in the lesson's order: the plain RNN, then the gated GRU and LSTM."""


def cell_kind(name: str) -> CellKind:
    """The registry entry of `name`; a ValueError that lists the choices for any other name."""
    if name not in CELL_KINDS:
        raise ValueError(f"cell must be one of {', '.join(CELL_KINDS)}, not {name!r}")
    return CELL_KINDS[name]


@dataclass(frozen=True)
class HeadKind:
    """What the linear head reads and predicts."""

    name: str                 # "classifier" | "lm"
    next_word: bool           # it predicts the next token (outputs = the vocabulary)
    reads_future: bool        # may read both directions (a next-word model may not)


HEADS: dict[str, HeadKind] = {h.name: h for h in (
    HeadKind("classifier", next_word=False, reads_future=True),
    HeadKind("lm", next_word=True, reads_future=False),
)}
POOLINGS = ("last", "mean")   # what a classifier reads: the last state, or the mean of all states


def head_kind(name: str) -> HeadKind:
    if name not in HEADS:
        raise ValueError(f"head must be one of {', '.join(HEADS)}, not {name!r}")
    return HEADS[name]
