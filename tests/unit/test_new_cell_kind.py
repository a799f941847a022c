"""Adding a cell kind takes a registry line and its class: the engine, the analyses and every
figure then work for it, with labels, letters, title and colour from the registry.

The kind added here is a GRU whose class and entry are new (a "twin" of the GRU): nothing else
in rnnviz is told about it.
"""
import json

import pytest

import rnnviz
from rnnviz import cells, registry
from rnnviz.analysis.anatomy import cell_terms
from rnnviz.analysis.gradients import forget_product
from rnnviz.analysis.saturation import saturation
from rnnviz.figures import gate_heatmap_figure, gate_strips_figure, prediction_figure, state_heatmap_figure, theme
from rnnviz.figures.anatomy import gate_equations_figure, simple_cell_figure
from rnnviz.figures.deep import layers_figure
from rnnviz.figures.diagram import unrolled_figure
from rnnviz.figures.flags import unit_gates_figure
from rnnviz.figures.gradients import forget_product_figure, gradient_curves_figure
from rnnviz.figures.live import live_view
from rnnviz.figures.saturation import saturation_figure
from rnnviz.i18n import speaking
from tests.unit.reference import make_model

TEXT = "alice and tom said the movie was not good"


class TwinCell(cells.GRUCell):
    """The GRU's equations under a new kind's name."""

    kind = "twin"


TWIN = registry.CellKind("twin", "Twin", registry.CELL_KINDS["gru"].torch_module,
                         registry.CELL_KINDS["gru"].gates, carries_cell=False, memory_gate="update")


@pytest.fixture
def twin(monkeypatch):
    """The new kind registered (and unregistered after the test), and a model of it."""
    monkeypatch.setitem(registry.CELL_KINDS, "twin", TWIN)
    monkeypatch.setitem(cells.CELLS, "twin", TwinCell)
    gru = make_model("gru", layers=2, bidirectional=True)
    model = make_model("twin", layers=2, bidirectional=True)
    model.load_state_dict(gru.state_dict())
    return model, gru


def test_the_engine_runs_the_new_kind_exactly_like_its_twin(twin):
    model, gru = twin
    mine, theirs = rnnviz.trace(model, TEXT), rnnviz.trace(gru, TEXT)
    assert mine.kind == "twin" and mine.cell_kind is TWIN
    assert (mine.hidden == theirs.hidden).all() and (mine.grad_hidden == theirs.grad_hidden).all()
    assert (forget_product(mine) == forget_product(theirs)).all()
    assert set(saturation(model, [TEXT])) == {"reset", "update"}


@pytest.mark.parametrize("lang", ["en", "fil"])
def test_every_figure_draws_the_new_kind_with_the_registry_words(twin, lang):
    model, _ = twin
    trace = rnnviz.trace(model, TEXT)
    with speaking(lang):
        figures = [
            state_heatmap_figure(trace, "hidden", step=2), gate_strips_figure(trace, 2),
            gate_heatmap_figure(trace, "update", step=2), prediction_figure(trace, 2),
            unrolled_figure(trace, 2), layers_figure(trace, 2), unit_gates_figure(trace, (1, 1, 3), 2),
            gradient_curves_figure({"twin": trace}), forget_product_figure(trace),
            saturation_figure(saturation(model, [TEXT]), "twin"),
            simple_cell_figure(cell_terms(model, trace, 2, 1, 1)),
            gate_equations_figure(cell_terms(model, trace, 2, 0, 0)),
        ]
        view = live_view(trace, 2)
    text = " ".join(json.dumps(json.loads(f.to_json()), ensure_ascii=False) for f in figures)
    assert "Twin" in text                                       # the registry's title names the cell
    assert "update gate z" in text or theme.gate_label("update", "gru", lang) in text
    assert theme.gate_symbol("update", "twin") == "z" and theme.cell_colour("twin")
    assert view["cellName"] == "Twin" and len(view["gates"]) == len(TWIN.gates) and view["cellState"] is None
