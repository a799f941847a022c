"""The panels payload (rnnviz.figures.panels): the numbers the browser draws under one cursor are
the engine's, side-by-side panels share their ranges, and every word is in the current language."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

import rnnviz
from rnnviz import i18n
from rnnviz.analysis.gradients import gradient_curve
from rnnviz.figures import gate_strips_figure, panels
from rnnviz.figures.common import cell_range, decade_text, range_text
from rnnviz.figures.deep import concat_figure, layers_figure
from rnnviz.figures.gradients import gradient_curves_figure, signal_words
from rnnviz.head import pooled_states

from .figkit import FIL, fil, make_trace

SENTENCE = "alice says the movie was good . she is happy ."
REVIEW = "the movie was not good but the actors were great ."


@pytest.fixture(scope="module")
def traces():
    names = ["story-rnn", "story-gru", "story-lstm", "sentiment-bilstm", "story-lstm-2layer", "sentiment-gru"]
    text = {"sentiment-bilstm": REVIEW, "sentiment-gru": REVIEW}
    return {n: rnnviz.trace(rnnviz.load_model(n), text.get(n, SENTENCE)) for n in names}


def every_panel(payload: dict) -> list[dict]:
    return [p for row in payload["rows"] for column in row["columns"] for p in column["panels"]]


def test_the_payload_is_plain_json_with_the_sentence_as_positions(traces):
    trio = {n: traces[n] for n in ("story-rnn", "story-gru", "story-lstm")}
    payload = panels.compare_payload(trio, step=3)
    json.dumps(payload, allow_nan=False)                      # NaN would break the browser's JSON
    first = traces["story-rnn"]
    assert payload["view"] == "panels" and payload["step"] == 3
    assert payload["positions"] == [{"label": tok, "known": bool(k)} for tok, k in zip(first.tokens, first.known)]


def test_the_fingerprint_follows_everything_but_the_step(traces):
    trio = {n: traces[n] for n in ("story-rnn", "story-gru", "story-lstm")}
    at_0, at_5 = panels.compare_payload(trio, step=0), panels.compare_payload(trio, step=5)
    assert at_0["id"] == at_5["id"] and at_0["step"] != at_5["step"]
    assert panels.compare_payload(trio, scale=1.5)["id"] != at_0["id"]
    other = {"x": make_trace("lstm", T=11, H=32)}
    assert panels.compare_payload(other)["id"] != at_0["id"]
    with i18n.speaking("fil"):
        assert panels.compare_payload(trio)["id"] != at_0["id"], "a new language redraws the words"


def test_a_step_outside_the_sentence_is_kept_inside():
    trace = make_trace("gru", T=6)
    assert panels.deep_payload(trace, step=99)["step"] == 5
    assert panels.deep_payload(trace, step=-3)["step"] == 0


def test_compare_columns_carry_each_models_own_numbers(traces):
    trio = {f"{n} column": traces[n] for n in ("story-rnn", "story-gru", "story-lstm")}
    payload = panels.compare_payload(trio)
    columns = payload["rows"][0]["columns"]
    assert [c["title"] for c in columns] == list(trio)
    for column, trace in zip(columns, trio.values()):
        heat, prediction, curve = column["panels"]
        assert heat["kind"] == "heatmap" and heat["range"] == [-1.0, 1.0]
        np.testing.assert_allclose(np.array(heat["values"]), trace.hidden[0, 0], atol=1e-4)
        assert prediction["kind"] == "bars"                  # a language model: its top next words
        for t in (0, trace.steps - 1):
            best = trace.top_predictions(t, panels.TOP_WORDS)
            assert [w for w, _ in prediction["values"][t]] == [w for w, _ in best]
            assert [p for _, p in prediction["values"][t]] == pytest.approx([p for _, p in best], abs=1e-4)
        h = gradient_curve(trace, -1, 0)
        assert curve["series"][0]["values"] == pytest.approx(list(h), rel=1e-3, abs=1e-4)
        assert len(curve["series"]) == (2 if trace.cell_kind.carries_cell else 1)
        assert curve["readout"][2] == i18n.t("gradients.fig.signal_at", token=trace.tokens[2],
                                             value=signal_words(h[2]))


def test_side_by_side_curves_share_one_decade_range_that_holds_every_value(traces):
    trio = {n: traces[n] for n in ("story-rnn", "story-gru", "story-lstm")}
    curves = [p for p in every_panel(panels.compare_payload(trio)) if p["kind"] == "curve"]
    assert len({tuple(c["decades"]) for c in curves}) == 1
    low, high = curves[0]["decades"]
    values = [v for c in curves for s in c["series"] for v in s["values"] if v is not None]
    assert 10.0 ** low <= min(values) and max(values) <= 10.0 ** high
    assert low < high and all(isinstance(d, int) for d in (low, high))
    powers = [k for k, _ in curves[0]["ticks"]]
    assert powers[-1] == high and all(low <= k <= high for k in powers), "whole decades only"
    assert [text for _, text in curves[0]["ticks"]] == [decade_text(k) for k in powers]


def test_a_classifier_draws_its_class_lines(traces):
    trace = traces["sentiment-gru"]
    lines = panels.prediction_panel(trace)
    assert lines["kind"] == "lines" and lines["labels"] == list(trace.labels)
    np.testing.assert_allclose(np.array(lines["values"]), trace.probs, atol=1e-4)


def test_deep_bidirectional_rows_heatmaps_concat_and_gates(traces):
    trace = traces["sentiment-bilstm"]
    payload = panels.deep_payload(trace, "last", step=2)
    rows = payload["rows"]
    heats = [c["panels"][0] for c in rows[0]["columns"]]
    assert [h["kind"] for h in heats] == ["heatmap", "heatmap"]
    for d, heat in enumerate(heats):
        np.testing.assert_allclose(np.array(heat["values"]), trace.hidden[0, d], atol=1e-4)
    concat = rows[1]["columns"][0]["panels"][0]
    top = np.concatenate(list(trace.hidden[-1]), axis=1)                       # [T, D*H]
    units = trace.hidden.shape[3]
    assert concat["split"] == units and len(concat["splitLabels"]) == 2
    np.testing.assert_allclose(np.array(concat["rows"][0]["values"]), top, atol=1e-4)
    np.testing.assert_allclose(concat["rows"][1]["same"], pooled_states(top, "last", 2), atol=1e-4)
    np.testing.assert_allclose(concat["rows"][1]["same"][:units], trace.hidden[0, 0, -1], atol=1e-4)
    strips = [c["panels"][0] for c in rows[2]["columns"]]
    assert len(strips) == 2 and rows[2]["title"] == i18n.t("deep.gates_heading")


def test_deep_cell_rows_share_one_labelled_range_per_page(traces):
    trace = traces["story-lstm-2layer"]
    rows = panels.deep_payload(trace)["rows"]
    assert rows[1]["title"] == i18n.t("deep.fig.layer_feeds", below=0, above=1)
    tops = [c["panels"][0] for c in rows[0]["columns"]]
    np.testing.assert_allclose(np.array(tops[0]["values"]), trace.hidden[1, 0], atol=1e-4)   # the top layer first
    strips = [c["panels"][0] for c in rows[-1]["columns"]]
    cell_rows = [r for s in strips for r in s["rows"] if r["label"] == i18n.t("fig.state.cell")]
    low, high = cell_range(trace)
    assert len(cell_rows) == 2 and all(r["range"] == [low, high] for r in cell_rows)
    assert len({r["legend"] for r in cell_rows}) == 1 and range_text(low, high) in cell_rows[0]["legend"]
    for strip, layer in zip(strips, (0, 1)):
        gates = {r["label"]: r for r in strip["rows"]}
        forget = gates[i18n.t("fig.gate.lstm.forget")]
        assert forget["range"] == [0.0, 1.0] and forget["colour"] == "gate"
        np.testing.assert_allclose(np.array(forget["values"]), trace.gates["forget"][layer, 0], atol=1e-4)
        assert all(r["legend"] for r in strip["rows"]), "every strip has a legend"


def test_a_plain_rnn_has_no_gate_rows_and_says_so():
    trace = make_trace("rnn", T=5, H=6)
    strip = panels.strips_panel(trace, title="x")
    assert [r["label"] for r in strip["rows"]] == [i18n.t("fig.state.hidden")]
    assert strip["note"] == i18n.t("fig.no_gates_note")


def test_missing_values_travel_as_null():
    assert panels.grid([[1.23456, math.nan], [math.inf, 2]]) == [[1.2346, None], [None, 2.0]]
    assert panels.log_ticks([0.0, math.nan])["decades"] == [-1, 0]
    assert panels.log_ticks([1e-3, 0.5])["decades"] == [-3, 0]


# ---- one renderer: the plotly copies ("as figures") show the very numbers of the panels ---------

def test_the_plotly_layers_concat_and_strips_show_the_panels_numbers(traces):
    trace = traces["sentiment-bilstm"]
    step = 4
    payload = panels.deep_payload(trace, "last", step=step)
    heat = [c["panels"][0] for c in payload["rows"][0]["columns"]]
    z = [np.array(d.z, dtype=float) for d in layers_figure(trace, step).data if d.type == "heatmap"]   # [H, T]
    for panel, values in zip(heat, z):
        np.testing.assert_allclose(np.array(panel["values"]), values.T, atol=1e-4)
    concat = payload["rows"][1]["columns"][0]["panels"][0]
    cz = np.array(concat_figure(trace, step, "last").data[0].z, dtype=float)                         # [2, D*H]
    np.testing.assert_allclose(concat["rows"][0]["values"][step], cz[0], atol=1e-4)
    np.testing.assert_allclose(concat["rows"][1]["same"], cz[1], atol=1e-4)
    strips = payload["rows"][2]["columns"][1]["panels"][0]                                       # backward
    fig = gate_strips_figure(trace, step, layer=0, direction=1)
    shown = [d for d in fig.data if d.type == "heatmap"]
    assert len(shown) == len(strips["rows"])
    for row, strip in zip(strips["rows"], shown):
        np.testing.assert_allclose(row["values"][step], np.array(strip.z, dtype=float)[0], atol=1e-4)
        assert row["range"] == pytest.approx([strip.zmin, strip.zmax]), f"{row['label']}: the same colour range"


def test_the_plotly_curve_and_the_panel_agree(traces):
    trace = traces["story-lstm"]
    curve = panels.curve_panel(trace)
    fig = gradient_curves_figure({"x": trace}, step=3)
    for series, line in zip(curve["series"], fig.data):
        drawn = np.array(line.y, dtype=float)
        np.testing.assert_allclose(np.array(series["values"], dtype=float), drawn, rtol=1e-3, atol=1e-6)


def test_every_word_in_filipino(traces):
    with i18n.speaking("fil"):
        payload = panels.deep_payload(traces["sentiment-bilstm"])
        trio = panels.compare_payload({n: traces[n] for n in ("story-rnn", "story-gru", "story-lstm")})
    assert payload["words"]["at_end"] == FIL["live.at_end"] != i18n.t("live.at_end")
    assert payload["rows"][1]["columns"][0]["panels"][0]["title"] == FIL["panels.side_by_side"]
    assert payload["rows"][2]["title"] == FIL["deep.gates_heading"]
    curve = every_panel(trio)[2]
    assert curve["title"] == FIL["fig.curve_title"]
    assert curve["readout"][0].startswith(fil("gradients.fig.signal_at", token="alice", value=""))
