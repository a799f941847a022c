"""Every page shows a model of a cell kind that only the registry and its class know about.

The kind ("twin", the GRU's equations under a new name, see tests/unit/test_new_cell_kind.py) is
registered for the test; the model is a copy of story-gru's weights, opened as this session's
own model, as a trained or uploaded one would be.
"""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import rnnviz
from rnnviz import cells, registry
from rnnviz.model import Model
from rnnviz.ui import keys, pages
from tests.unit.test_new_cell_kind import TWIN, TwinCell

from .appkit import APP, TIMEOUT, assert_ok, charts, live_view, markdown_texts

NAME = "my-twin"
SENTENCE = "alice and tom say the movie was not good . they are"


@pytest.fixture
def twin_model(monkeypatch) -> Model:
    monkeypatch.setitem(registry.CELL_KINDS, "twin", TWIN)
    monkeypatch.setitem(cells.CELLS, "twin", TwinCell)
    gru = rnnviz.load_model("story-gru")
    model = Model(gru.spec.__class__(**{**gru.spec.to_dict(), "cell": "twin", "labels": ()}), gru.vocab,
                  {**gru.card, "description": "a GRU under a new kind's name"})
    model.load_state_dict(gru.state_dict())
    return model


@pytest.mark.parametrize("page", [p.path for p in pages.PAGES])
def test_every_page_draws_a_new_cell_kind(twin_model, page):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state[keys.SESSION_MODELS] = {NAME: twin_model}
    at.query_params.update({keys.MODEL: NAME, keys.TEXT: SENTENCE})
    at.switch_page(page)
    at.run()
    assert_ok(at)
    assert at.session_state[keys.MODEL] == NAME
    shown = json.dumps([charts(at), live_view(at), markdown_texts(at)], ensure_ascii=False)
    if page in DRAWS_THE_CELL:
        assert TWIN.title in shown                   # the registry's title names the cell it draws


# the pages that name the cell they draw (a chart title, the live view, a heading)
DRAWS_THE_CELL = ("views/step_through.py", "views/anatomy.py", "views/compare.py")
