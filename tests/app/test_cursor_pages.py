"""RNN vs LSTM vs GRU and Deeper networks in AppTest: one panels view with the whole sentence, a
cursor the server follows (session, URL), a new sentence or model at token 0, plotly on request."""
from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

import rnnviz
from rnnviz.text import tokenize
from rnnviz.ui import keys

from .appkit import assert_ok, charts, live_view, open_app, panels_of

SENTENCE = "alice says the movie was good . she is happy ."
OTHER = "tom says the film was bad ."
COMPARE, DEEP = "views/compare.py", "views/deep.py"


def step_in_url(at) -> str | None:
    value = at.query_params.get("step")
    return value[0] if isinstance(value, list) else value


def test_compare_sends_three_columns_with_the_whole_sentence_once():
    at = open_app(page=COMPARE, text=SENTENCE, step="3")
    assert_ok(at)
    view = live_view(at)
    assert view["view"] == "panels" and view["step"] == 3, "the link's step is honoured"
    assert [p["label"] for p in view["positions"]] == tokenize(SENTENCE)
    titles = [c["title"] for c in view["rows"][0]["columns"]]
    assert titles == [f"{kind} · story-{kind.lower()}" for kind in ("RNN", "GRU", "LSTM")]
    heatmaps = [p for p in panels_of(at) if p["kind"] == "heatmap"]
    for panel, name in zip(heatmaps, ("story-rnn", "story-gru", "story-lstm")):
        trace = rnnviz.trace(rnnviz.load_model(name), SENTENCE)
        np.testing.assert_allclose(np.array(panel["values"]), trace.hidden[0, 0], atol=1e-4)
    assert not [k for k in charts(at) if k.startswith("compare_")], "plotly only when asked for"


def test_the_server_follows_the_browsers_step_and_writes_it_to_the_url():
    for page in (COMPARE, DEEP):
        at = open_app(page=page, text=SENTENCE)
        at.session_state[keys.STEP] = 5                 # what the component's "moved" callback sets
        at.run()
        assert_ok(at)
        assert live_view(at)["step"] == 5 and step_in_url(at) == "5", page


def test_a_new_sentence_or_model_starts_at_token_0():
    at = open_app(page=COMPARE, text=SENTENCE, step="6")
    assert live_view(at)["step"] == 6
    at.text_area(key="text").input(OTHER).run()
    assert_ok(at)
    assert live_view(at)["step"] == 0 and step_in_url(at) is None
    at.session_state[keys.STEP] = 4
    at.run()
    assert live_view(at)["step"] == 4
    at.switch_page(DEEP).run()
    assert live_view(at)["step"] == 4, "the same sentence on another page keeps its step"
    at.selectbox(key="model").set_value("sentiment-bilstm").run()
    assert_ok(at)
    assert live_view(at)["step"] == 0


def test_the_plotly_figures_follow_the_cursor_on_request():
    at = open_app(page=DEEP, text=SENTENCE, model="story-lstm-2layer", step="2")
    at.toggle(key=keys.DEEP_FIGURES).set_value(True).run()
    assert_ok(at)
    assert {"deep_layers", "deep_gates_0_0", "deep_gates_1_0"} <= set(charts(at))
    at = open_app(page=COMPARE, text=SENTENCE, step="2")
    at.toggle(key=keys.COMPARE_FIGURES).set_value(True).run()
    assert_ok(at)
    shapes = charts(at)["compare_gradient_story-rnn"]["layout"]["shapes"]
    assert any(s.get("x0") == 2 for s in shapes), "the figure is drawn at the cursor"


def test_deep_bidirectional_view_reads_both_directions():
    at = open_app(page=DEEP, text=SENTENCE, model="sentiment-bilstm")
    assert_ok(at)
    kinds = [p["kind"] for p in panels_of(at)]
    assert kinds == ["heatmap", "heatmap", "strips", "strips", "strips"]


def test_a_move_in_the_browser_lands_in_the_session():
    """The component's "moved" callback (rnnviz.ui.live._moved) writes a step inside the
    sentence to its target key and ignores anything else."""
    def script():
        import streamlit as st

        from rnnviz.ui import live
        for moved in (4, 99, -1, "3"):
            st.session_state["probe"] = {"moved": moved}
            live._moved(10, "probe", "where")
            st.write(repr(st.session_state.get("where")))

    at = AppTest.from_function(script).run()
    assert [m.value for m in at.markdown] == ["4", "4", "4", "4"]
