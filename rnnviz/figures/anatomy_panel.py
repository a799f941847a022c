"""Cell anatomy for every token at once: one JSON-ready record that the browser and plotly both draw.

`anatomy_panel` turns the CellTerms of every step (rnnviz.analysis.anatomy.cell_terms, one per
token) into the "terms" panel of the live view (rnnviz/ui/live/anatomy.js draws it, a step only
repaints it) and `figures.anatomy` draws its plotly figures from the same record, so the two
cannot disagree. What is the same at every step is sent once (the layout: titles, equations,
shapes; the weights W, H, b; the colour ranges, fixed over the whole sentence so a colour means
the same value at every token); what changes is in `frames[t]`.

Titles use a small markup for subscripts, `h_{t−1}`: plotly gets <sub>, the browser a tspan.
Weights keep torch.nn's layout: W [G*hid_size, emb_size], H [G*hid_size, hid_size], gate blocks
in the registry's order (LSTM i, f, g, o; GRU r, z, n).
Legend: emb_size the input's size, hid_size the state's units, G gate blocks, T tokens.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..analysis.anatomy import CellTerms
from ..errors import RnnvizError
from ..i18n import t
from . import theme
from .common import slice_name, symmetric_range
from .live import colour_scale

DIGITS = 5                    # values are rounded to this many decimals (hover prints three)
WEIGHTS, INPUTS, STATES = "weights", "inputs", "states"      # the simple cell's colour axes
GATE, BOUNDED, SUM = "gate", "bounded", "sum"                 # the gate equations' colour axes
SYMBOLS = {"sigmoid": "σ", "tanh": "tanh"}                    # a gate's activation, as written
_SUB = re.compile(r"_\{([^}]*)\}")


def sub(letter: str, index: str) -> str:
    """`letter` with subscript `index`, in the panel's markup: "h_{t−1}"."""
    return f"{letter}_{{{index}}}"


def markup_html(text: str) -> str:
    """The panel's markup as plotly's HTML subset: "h_{t}" -> "h<sub>t</sub>"."""
    return _SUB.sub(r"<sub>\1</sub>", text)


def _round(values) -> list:
    return np.round(np.asarray(values, dtype=float), DIGITS).tolist()


def interpolates(terms: CellTerms) -> bool:
    """A gated cell without a cell state (the GRU): h_t = (1 − z) ⊙ n + z ⊙ h_prev, and its reset
    gate r acts inside the candidate, n = tanh(W_n x_t + b_in + r ⊙ (H_n h_prev + b_hn))."""
    kind = terms.cell_kind
    return bool(kind.gates) and not kind.carries_cell


# ---- the simple cell: h_t = tanh(W·x_t + H·h_prev + b) -----------------------------------------

def _simple_parts(terms: CellTerms) -> list[tuple[str, str, str, str]]:
    """(name, title, colour axis, shape) of each picture of the simple-cell equation, in order.
    The names are CellTerms' fields; W, H and b are the same at every step."""
    x, units = terms.x, terms.h_prev.shape[0]
    rows, blocks = terms.W.shape[0], terms.cell_kind.blocks
    out = "hid_size" if blocks == 1 else f"{blocks}·hid_size"
    inputs = "emb_size" if terms.layer == 0 else "input_size"           # a layer above reads the one below
    xt, hp, ht = sub("x", "t"), sub("h", terms.prev), sub("h", "t")
    parts = [("W", "W", WEIGHTS, f"W: {out} × {inputs} = {rows} × {len(x)}"),
             ("x", f"· {xt}", INPUTS, f"{xt}: {len(x)}"),
             ("H", "+ H", WEIGHTS, f"H: {out} × hid_size = {rows} × {units}"),
             ("h_prev", f"· {hp}", STATES, f"{hp}: {units}"),
             ("b", "+ b", WEIGHTS, f"b: {rows}"),
             ("a", "= a", SUM, f"a: {rows}")]
    if not terms.cell_kind.gates:
        parts.append(("h", f"{ht} = {terms.activation}(a)", STATES, f"{ht}: {units}"))
    return parts


def _equation(terms: CellTerms) -> str:
    """The simple cell's equation, or for a gated cell the sum every gate block starts from."""
    kind, xt, hp = terms.cell_kind, sub("x", "t"), sub("h", terms.prev)
    if not kind.gates:
        return f"{sub('h', 't')} = {terms.activation}(W·{xt} + H·{hp} + b)"
    equation = f"a = W·{xt} + H·{hp} + b, {t('anatomy.fig.blocks', letters=', '.join(kind.letters))}"
    return equation + (f": {t('anatomy.fig.gru_reset_note')}" if interpolates(terms) else "")


# ---- the gates' own equations, one row of 1 × hid_size strips each -----------------------------

Row = tuple[str, list[tuple[str, np.ndarray, str]]]      # (equation, [(strip title, values [hid_size], axis)])


def _gate_row(terms: CellTerms, k: int) -> Row:
    """Gate block k: s = act(W_s x_t + H_s h_prev + b_s), term by term."""
    gate, units = terms.cell_kind.gates[k], terms.h_prev.shape[0]
    s, part = gate.letter, slice(k * units, (k + 1) * units)
    act, axis = SYMBOLS[gate.activation], (BOUNDED if gate.activation == "tanh" else GATE)
    xt, hp = sub("x", "t"), sub("h", terms.prev)
    return (f"{theme.gate_label(gate.name, terms.kind)}: {s} = {act}({sub('W', s)}·{xt} + {sub('H', s)}·{hp} "
            f"+ {sub('b', s)})",
            [(f"{sub('W', s)}·{xt}", terms.Wx[part], SUM),
             (f"+ {sub('H', s)}·{hp}", terms.Hh[part], SUM),
             (f"+ {sub('b', s)}", terms.b[part], SUM),
             (f"= {sub('a', s)}", terms.a[part], SUM),
             (f"{s} = {act}({sub('a', s)})", terms.gates[gate.name], axis)])


def _reset_candidate_row(terms: CellTerms, k: int) -> Row:
    """The GRU's candidate (block k): n = tanh(W_n x_t + b_in + r ⊙ (H_n h_prev + b_hn))."""
    gate, units = terms.cell_kind.gates[k], terms.h_prev.shape[0]
    part = slice(k * units, (k + 1) * units)
    xn, hn, r = terms.x_part[part], terms.h_part[part], terms.gates["reset"]     # [hid_size] each
    xt, hp = sub("x", "t"), sub("h", terms.prev)
    return (f"{theme.gate_label(gate.name, terms.kind)}: n = tanh(W_{{n}}·{xt} + b_{{in}} + r ⊙ "
            f"(H_{{n}}·{hp} + b_{{hn}}))",
            [(f"W_{{n}}·{xt} + b_{{in}}", xn, SUM),
             (f"H_{{n}}·{hp} + b_{{hn}}", hn, SUM),
             (f"r ⊙ (H_{{n}}·{hp} + b_{{hn}})", r * hn, SUM),
             (f"a_{{n}} = {t('anatomy.fig.first_plus_third')}", xn + r * hn, SUM),
             ("n = tanh(a_{n})", terms.gates[gate.name], BOUNDED)])


def _state_rows(terms: CellTerms) -> list[Row]:
    """The new state from the gates: LSTM c_t = f ⊙ c_prev + i ⊙ g, h_t = o ⊙ tanh(c_t);
    GRU h_t = (1 − z) ⊙ n + z ⊙ h_prev."""
    g, ht, hp = terms.gates, sub("h", "t"), sub("h", terms.prev)
    if terms.cell_kind.carries_cell:
        cp, ct = sub("c", terms.prev), sub("c", "t")
        return [(f"{t('anatomy.fig.new_cell_state')}: {ct} = f ⊙ {cp} + i ⊙ g",
                 [("f", g["forget"], GATE), (cp, terms.c_prev, SUM), (f"f ⊙ {cp}", g["forget"] * terms.c_prev, SUM),
                  ("+ i ⊙ g", g["input"] * g["candidate"], SUM), (f"= {ct}", terms.c, SUM)]),
                (f"{t('anatomy.fig.new_hidden_vector')}: {ht} = o ⊙ tanh({ct})",
                 [(f"tanh({ct})", np.tanh(terms.c), BOUNDED), ("⊙ o", g["output"], GATE),
                  (f"= {ht}", terms.h, BOUNDED)])]
    z = g["update"]
    return [(f"{t('anatomy.fig.new_hidden_state')}: {ht} = (1 − z) ⊙ n + z ⊙ {hp}",
             [("z", z, GATE), ("(1 − z) ⊙ n", (1 - z) * g["candidate"], BOUNDED),
              (hp, terms.h_prev, BOUNDED), (f"+ z ⊙ {hp}", z * terms.h_prev, BOUNDED), (f"= {ht}", terms.h, BOUNDED)])]


def gate_rows(terms: CellTerms) -> list[Row]:
    """A row for each gate in the registry's order, then the state updates ([] for a simple cell)."""
    kind = terms.cell_kind
    if not kind.gates:
        return []
    rows = [_reset_candidate_row(terms, k) if interpolates(terms) and gate.activation == "tanh"
            else _gate_row(terms, k) for k, gate in enumerate(kind.gates)]
    return rows + _state_rows(terms)


# ---- the record ---------------------------------------------------------------------------------

def _frame(terms: CellTerms, rows: list[Row]) -> dict:
    """What changes from token to token: x_t, h_prev, a, h_t and every gate strip's values."""
    return {"step": int(terms.step), "x": _round(terms.x), "h_prev": _round(terms.h_prev), "a": _round(terms.a),
            "h": _round(terms.h), "rows": [[_round(values) for _, values, _ in parts] for _, parts in rows]}


def _axes(steps: Sequence[CellTerms], rows: list[list[Row]]) -> dict:
    """One colour range per quantity for the whole sentence: {axis: {title, scale, range}}. The
    sum a (and its parts, and c) share one range in both pictures: a colour means one value."""
    first = steps[0]
    weights = np.concatenate([first.W.ravel(), first.H.ravel(), first.b])
    inputs = np.concatenate([s.x for s in steps])
    sums = [s.a for s in steps] + [v for step in rows for _, parts in step for _, v, axis in parts if axis == SUM]
    sum_title = t("anatomy.fig.sum") + (", c" if first.cell_kind.carries_cell else "")

    def axis(title, scale, bounds):
        return {"title": title, "scale": "gate" if scale == theme.GATE_SCALE else "state",
                "range": [float(bounds[0]), float(bounds[1])]}
    return {WEIGHTS: axis("W, H, b", theme.STATE_SCALE, symmetric_range(weights)),
            INPUTS: axis("x", theme.STATE_SCALE, symmetric_range(inputs)),
            STATES: axis("h", theme.STATE_SCALE, theme.STATE_RANGE),
            GATE: axis(t("anatomy.fig.gate"), theme.GATE_SCALE, theme.GATE_RANGE),
            BOUNDED: axis("tanh", theme.STATE_SCALE, theme.STATE_RANGE),
            SUM: axis(sum_title, theme.STATE_SCALE, symmetric_range(np.concatenate(sums)))}


def anatomy_panel(steps: Sequence[CellTerms], title: str = "") -> dict:
    """The "terms" panel: the cell's equation terms at every token of one (layer, direction).

    `steps` holds cell_terms(model, trace, t, layer, direction) for t = 0 … T−1 (or any run of
    steps of one slice: frames[i] is steps[i]). JSON-ready; the tokens stay plain text.
    """
    if not steps:
        raise RnnvizError(t("anatomy.fig.other_model"))
    first = steps[0]
    trace, kind = first.trace, first.cell_kind
    every = [gate_rows(s) for s in steps]
    rows = every[0]
    return {
        "kind": "terms", "title": title, "cell": kind.name, "cellName": kind.title,
        "layer": int(first.layer), "direction": int(first.direction),
        "slice": slice_name(*trace.hidden.shape[:2], first.layer, first.direction),
        "tokens": [str(tok) for tok in trace.tokens], "known": [bool(k) for k in trace.known],
        "letters": list(kind.letters), "units": int(first.h_prev.shape[0]), "blocks": int(kind.blocks),
        "equation": _equation(first),
        "simple": [{"name": name, "title": ttl, "axis": axis, "shape": shape}
                   for name, ttl, axis, shape in _simple_parts(first)],
        "weights": {"W": _round(first.W), "H": _round(first.H), "b": _round(first.b)},
        "rows": [{"equation": equation, "strips": [{"title": ttl, "axis": axis} for ttl, _, axis in parts]}
                 for equation, parts in rows],
        "axes": _axes(steps, every),
        "colours": {"state": colour_scale(theme.STATE_SCALE), "gate": colour_scale(theme.GATE_SCALE)},
        "words": {"unit": t("anatomy.fig.unit_row", unit="{unit}"),
                  "input": t("anatomy.fig.input_row", index="{index}"), "value": t("anatomy.fig.value"),
                  "no_gates": "" if kind.gates else t("anatomy.no_gates")},
        "frames": [_frame(s, r) for s, r in zip(steps, every)],
    }


def frame_index(panel: dict, step: int) -> int:
    """The index in panel["frames"] of token `step`."""
    for i, frame in enumerate(panel["frames"]):
        if frame["step"] == step:
            return i
    raise RnnvizError(t("anatomy.fig.other_model"))


def picture(panel: dict, name: str, step: int) -> np.ndarray:
    """The values of the simple-cell picture `name` (W, x, H, h_prev, b, a, h) at token `step`."""
    if name in panel["weights"]:
        return np.asarray(panel["weights"][name], dtype=float)
    return np.asarray(panel["frames"][frame_index(panel, step)][name], dtype=float)
