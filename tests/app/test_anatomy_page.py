"""Cell anatomy in AppTest: every token's terms go to the browser once (a panels view with one
"terms" panel); the server follows the browser's step; the plotly figures, on request, draw the
same record at the cursor."""
from __future__ import annotations

import numpy as np
import pytest

import rnnviz
from rnnviz import i18n
from rnnviz.analysis.anatomy import cell_terms
from rnnviz.ui import keys

from .appkit import array, assert_ok, charts, live_view, open_app

FIL = i18n.catalogue("fil")

ANATOMY = "views/anatomy.py"
SENTENCE = "alice says the movie was good ."


def terms_panel(at) -> dict:
    view = live_view(at)
    assert view is not None and view["view"] == "panels"
    panels = [p for row in view["rows"] for column in row["columns"] for p in column["panels"]]
    assert [p["kind"] for p in panels] == ["terms"]
    return panels[0]


@pytest.mark.parametrize("name", ["story-lstm", "story-rnn"])
def test_every_token_arrives_once_and_the_server_follows(name):
    at = open_app(page=ANATOMY, text=SENTENCE, model=name, step="2")
    assert_ok(at)
    view, panel = live_view(at), terms_panel(at)
    trace = rnnviz.trace(rnnviz.load_model(name), SENTENCE)
    assert view["step"] == 2 and [p["label"] for p in view["positions"]] == trace.tokens
    assert len(panel["frames"]) == trace.steps
    for t, frame in enumerate(panel["frames"]):
        np.testing.assert_allclose(frame["h"], trace.hidden[0, 0, t], atol=1e-5)
    assert bool(panel["rows"]) == bool(trace.cell_kind.gates)
    at.session_state[keys.STEP] = 5                      # what the browser's "moved" trigger does
    at.run()
    assert_ok(at)
    assert live_view(at)["step"] == 5 and live_view(at)["id"] == view["id"], "a step redraws nothing"
    assert at.query_params[keys.STEP] in ("5", ["5"])                 # the link follows
    assert not charts(at), "the plotly figures wait for the toggle"


def test_the_figures_draw_the_panels_record_at_the_cursor():
    at = open_app(page=ANATOMY, text=SENTENCE, model="story-gru", step="3")
    at.toggle(key=keys.ANATOMY_FIGURES).set_value(True).run()
    assert_ok(at)
    shown = charts(at)
    assert {"anatomy_simple", "anatomy_gates"} <= set(shown)
    model = rnnviz.load_model("story-gru")
    terms = cell_terms(model, rnnviz.trace(model, SENTENCE), 3)
    x = array(shown["anatomy_simple"]["data"][1]["z"]).astype(float).reshape(-1)
    np.testing.assert_allclose(x, terms.x, atol=1e-5)
    last = array(shown["anatomy_gates"]["data"][-1]["z"]).astype(float).reshape(-1)
    np.testing.assert_allclose(last, terms.h, atol=1e-5)
    assert "t = 3" in [s.value for s in at.subheader][0]


def test_the_panel_speaks_filipino():
    at = open_app(page=ANATOMY, text=SENTENCE, model="story-lstm", lang="fil")
    assert_ok(at)
    panel = terms_panel(at)
    equations = " ".join(row["equation"] for row in panel["rows"])
    assert FIL["anatomy.fig.new_cell_state"] in equations and "new cell state" not in equations
    assert panel["words"]["unit"] == FIL["anatomy.fig.unit_row"]          # "{unit}" filled in the browser
    assert live_view(at)["words"]["next"] == FIL["live.next"]
