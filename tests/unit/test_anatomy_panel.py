"""The anatomy's "terms" panel: every token's numbers, exact, JSON-ready, and the plotly figures
drawn from the same record (so the browser view and the figures cannot disagree)."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import rnnviz
from rnnviz.analysis.anatomy import cell_terms, sentence_terms
from rnnviz.figures import theme
from rnnviz.figures.anatomy import gate_equations_figure, simple_cell_figure
from rnnviz.figures.anatomy_panel import anatomy_panel, markup_html, picture
from tests.unit.reference import make_model

TEXT = "alice and tom was not very good ."          # 8 tokens, all known to the reference vocab
CELLS = ["rnn", "lstm", "gru"]
EXACT = 1e-5                                         # the record keeps 5 decimals


@pytest.fixture(scope="module")
def panels():
    """(model, trace, panel) per (cell, deep); the deep ones open layer 1, backward."""
    out = {}
    for cell in CELLS:
        for deep in (False, True):
            model = make_model(cell, layers=2 if deep else 1, bidirectional=deep)
            trace = rnnviz.trace(model, TEXT)
            where = (1, 1) if deep else (0, 0)
            out[cell, deep] = model, trace, anatomy_panel(sentence_terms(model, trace, *where))
    return out


def close(a, b) -> bool:
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), atol=EXACT)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("deep", [False, True])
def test_every_frame_holds_the_engines_numbers_at_its_token(panels, cell, deep):
    model, trace, panel = panels[cell, deep]
    layer, direction = (1, 1) if deep else (0, 0)
    assert json.loads(json.dumps(panel)) == panel                     # JSON-ready as it is
    assert [f["step"] for f in panel["frames"]] == list(range(trace.steps))
    assert close(panel["weights"]["W"], model.cell(layer, direction).w_ih)
    for t, frame in enumerate(panel["frames"]):
        terms = cell_terms(model, trace, t, layer, direction)
        assert close(frame["h"], trace.hidden[layer, direction, t])
        assert close(frame["x"], terms.x) and close(frame["a"], terms.a) and close(frame["h_prev"], terms.h_prev)
        if cell == "rnn":
            assert frame["rows"] == []
            continue
        assert close(frame["rows"][-1][-1], trace.hidden[layer, direction, t])      # … = h_t ends the rows
        for k, gate in enumerate(model.spec.cell_kind.gates):                        # each gate row ends in it
            assert close(frame["rows"][k][-1], trace.gates[gate.name][layer, direction, t])
        if trace.cell is not None:
            assert close(frame["rows"][-2][-1], trace.cell[layer, direction, t])      # … = c_t


@pytest.mark.parametrize("cell", CELLS)
def test_the_plotly_figures_draw_the_panels_numbers_at_each_step(panels, cell):
    _, trace, panel = panels[cell, False]
    for t in (0, 5):
        simple = simple_cell_figure(panel, step=t)
        for part, heatmap in zip(panel["simple"], simple.data):
            drawn = np.asarray(heatmap.z, dtype=float)
            expected = picture(panel, part["name"], t)
            assert np.array_equal(drawn if expected.ndim == 2 else drawn[:, 0], expected)
        if cell == "rnn":
            continue
        gates = gate_equations_figure(panel, step=t)
        shown = [np.asarray(d.z, dtype=float)[0] for d in gates.data]
        expected = [np.asarray(v) for row in panel["frames"][t]["rows"] for v in row]
        assert len(shown) == len(expected) and all(np.array_equal(a, b) for a, b in zip(shown, expected))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_colour_ranges_are_fixed_over_the_sentence_and_cover_every_value(panels, cell):
    _, _, panel = panels[cell, False]
    axes = panel["axes"]
    first, later = gate_equations_figure(panel, step=0), gate_equations_figure(panel, step=6)
    for name in ("coloraxis", "coloraxis2", "coloraxis3"):
        assert (first.layout[name].cmin, first.layout[name].cmax) == (later.layout[name].cmin, later.layout[name].cmax)
    assert axes["gate"]["range"] == list(theme.GATE_RANGE)
    for frame in panel["frames"]:                      # every drawn value sits inside its axis's range
        for row, values in zip(panel["rows"], frame["rows"]):
            for strip, strip_values in zip(row["strips"], values):
                low, high = axes[strip["axis"]]["range"]
                assert low - EXACT <= min(strip_values) and max(strip_values) <= high + EXACT
        low, high = axes["sum"]["range"]
        assert low - EXACT <= min(frame["a"]) and max(frame["a"]) <= high + EXACT


def test_a_single_steps_figure_equals_the_sentences_panel_at_that_step(panels):
    """simple_cell_figure(cell_terms(...)) still works: a one-step panel, same numbers and titles."""
    model, trace, panel = panels["lstm", False]
    alone = gate_equations_figure(cell_terms(model, trace, 3))
    within = gate_equations_figure(panel, step=3)
    assert [list(d.z[0]) for d in alone.data] == [list(d.z[0]) for d in within.data]
    assert alone.layout.title.text == within.layout.title.text


def test_tokens_travel_as_plain_text_and_figures_escape_them(panels):
    model, trace, _ = panels["gru", False]
    tricky = dataclasses.replace(trace, tokens=["<b>x</b>"] + trace.tokens[1:])
    panel = anatomy_panel(sentence_terms(model, tricky))
    assert panel["tokens"][0] == "<b>x</b>"                               # the browser sets textContent
    assert "&lt;b&gt;x&lt;/b&gt;" in simple_cell_figure(panel, step=0).layout.title.text


def test_subscript_markup():
    assert markup_html("h_{t−1} = W_{i}·x") == "h<sub>t−1</sub> = W<sub>i</sub>·x"
    assert markup_html("a + b") == "a + b"
