"""rnnviz.export: the CSV tables hold exactly the trace's arrays, the JSON is trace.to_json()."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import plotly.graph_objects as go
import pytest

import rnnviz
from rnnviz import export

SENTENCE = "alice and tom say the movie was not good ."


@pytest.fixture(scope="module", params=["story-lstm", "story-gru", "sentiment-bilstm", "story-lstm-2layer",
                                        "sentiment-rnn"])
def trace(request):
    return rnnviz.trace(rnnviz.load_model(request.param), SENTENCE)


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_json_is_exactly_the_cli_fields(trace):
    assert json.loads(export.trace_json(trace)) == json.loads(json.dumps(trace.to_json()))


def test_states_csv_round_trips_every_array(trace):
    table = rows(export.states_csv(trace))
    layers, directions, steps, units = trace.hidden.shape
    assert list(table[0]) == export.STATE_COLUMNS + list(trace.gates)
    assert len(table) == steps * layers * directions * units
    index = tuple(np.array([[int(r[k]) for r in table] for k in ("layer", "direction", "t", "unit")]))
    hidden = np.zeros_like(trace.hidden)
    hidden[index] = [float(r["h"]) for r in table]
    np.testing.assert_array_equal(hidden, trace.hidden)
    for gate, values in trace.gates.items():
        got = np.zeros_like(values)
        got[index] = [float(r[gate]) for r in table]
        np.testing.assert_array_equal(got, values)
    if trace.cell is None:
        assert all(r["c"] == "" for r in table)
    else:
        cell = np.zeros_like(trace.cell)
        cell[index] = [float(r["c"]) for r in table]
        np.testing.assert_array_equal(cell, trace.cell)
    assert [r["token"] for r in table if r["layer"] == r["direction"] == r["unit"] == "0"] == trace.tokens


def test_tokens_csv_round_trips_probabilities_and_gradients(trace):
    table = rows(export.tokens_csv(trace))
    assert list(table[0]) == export.token_columns(trace)
    assert [r["token"] for r in table] == trace.tokens
    assert [r["known"] == "1" for r in table] == trace.known.tolist()
    probs = np.array([[float(r[f"p({label})"]) for label in trace.labels] for r in table], dtype=np.float32)
    np.testing.assert_array_equal(probs, trace.probs)
    layers, directions = trace.grad_hidden.shape[:2]
    for layer in range(layers):
        for d in range(directions):
            got = np.array([float(r[f"grad_h_l{layer}d{d}"]) for r in table], dtype=np.float32)
            np.testing.assert_array_equal(got, trace.grad_hidden[layer, d])
            if trace.grad_cell is not None:
                got = np.array([float(r[f"grad_c_l{layer}d{d}"]) for r in table], dtype=np.float32)
                np.testing.assert_array_equal(got, trace.grad_cell[layer, d])
    assert ("grad_c_l0d0" in table[0]) == (trace.grad_cell is not None)
    np.testing.assert_array_equal(np.array([float(r["connectivity"]) for r in table], dtype=np.float32),
                                  trace.connectivity)


def test_hostile_tokens_stay_one_field():
    t = rnnviz.trace(rnnviz.load_model("story-lstm"), 'alice , says "hi" ; =cmd')
    table = rows(export.tokens_csv(t))
    assert [r["token"] for r in table] == t.tokens


def test_figure_html_is_self_contained():
    page = export.figure_html(go.Figure(go.Scatter(x=[0, 1], y=[1, 0])))
    assert "<html>" in page and "</html>" in page and "Plotly.newPlot" in page
    assert '<script src="http' not in page and len(page) > 1_000_000       # plotly.js is inside
