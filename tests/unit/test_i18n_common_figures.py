"""The shared figures (states, gates, predictions, diagrams) built in Filipino: their titles, axis
titles, colour bars, annotations and hover words come from the Filipino catalogue."""
from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from rnnviz import i18n
from rnnviz.figures import (
    gate_heatmap_figure,
    gate_strips_figure,
    prediction_figure,
    state_heatmap_figure,
    unrolled_figure,
)
from rnnviz.figures.common import cell_range
from rnnviz.registry import CELL_KINDS
from tests.unit.figkit import CELLS, annotations, fil, make_trace


def axis_title(fig: go.Figure, name: str) -> str:
    return fig.layout[name].title.text


def hover_templates(fig: go.Figure) -> list[str]:
    return [d.hovertemplate for d in fig.data if d.hovertemplate]


def words_shown(fig: go.Figure) -> list[str]:
    """Every label the figure carries: title, subtitle, axis, colour bar and legend titles,
    annotations, trace names, hover templates and hover texts."""
    spec = json.loads(fig.to_json())
    found = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ("text", "hovertemplate", "hovertext", "name", "title"):
            found.append(node)

    walk(spec)
    return found


def english_only_texts() -> set[str]:
    """Catalogue texts (without fields) whose Filipino differs: showing one means a missed t().
    Cell names (LSTM, GRU, RNN) stay English on the blocks even if a title elsewhere says "Ang GRU"."""
    english, filipino = i18n.catalogue("en"), i18n.catalogue("fil")
    return {text for key, text in english.items()
            if filipino[key] != text and "{" not in text} - {kind.title for kind in CELL_KINDS.values()}


# ---- each builder ----------------------------------------------------------------------------

def test_state_heatmap_in_filipino(filipino):
    trace = make_trace("lstm", T=5, L=2, D=2)
    fig = state_heatmap_figure(trace, "hidden", layer=1, direction=1, step=2)
    assert fig.layout.title.text == " · ".join(
        [fil("fig.state.hidden"), fil("fig.common.layer", layer=1), fil("fig.direction.backward")])
    assert axis_title(fig, "xaxis") == fil("fig.common.token")
    assert axis_title(fig, "yaxis") == fil("fig.common.unit")
    (hover,) = hover_templates(fig)
    assert hover.startswith(f"{fil('fig.common.token')} %{{text}}<br>{fil('fig.common.unit')} %{{y}}")
    cell = state_heatmap_figure(make_trace("lstm"), "cell")
    assert cell.layout.title.text == fil("fig.state.cell")


def test_gate_strips_in_filipino(filipino):
    trace = make_trace("lstm", T=4, H=6)
    fig = gate_strips_figure(trace, step=2)
    assert fig.layout.title.text == fil("fig.common.step_token", step=2, token="w2")
    assert fig.layout.title.text.startswith("hakbang 2")
    rows = annotations(fig)
    assert rows[:4] == [fil(f"fig.gate.lstm.{g}") for g in ("input", "forget", "candidate", "output")]
    bound = f"{cell_range(trace)[1]:g}"                         # the page's fixed range for c
    assert rows[4] == fil("fig.gates.cell_row", state=fil("fig.state.cell"), bound=bound)
    assert "saklaw ng kulay" in rows[4]
    assert rows[5] == fil("fig.state.hidden")
    assert [strip.colorbar.title.text for strip in fig.data] == ["i", "f", "g", "o", "c", "h"]   # a legend per strip
    assert axis_title(fig, f"xaxis{len(rows)}") == fil("fig.common.unit")
    assert all(f"{fil('fig.common.value')} %{{z:+.3f}}" in h for h in hover_templates(fig))


def test_gate_strips_of_a_simple_rnn_say_so_in_filipino(filipino):
    fig = gate_strips_figure(make_trace("rnn", T=3), step=0)
    assert fig.layout.title.subtitle.text == fil("fig.no_gates_note")
    assert annotations(fig) == [fil("fig.state.hidden")]


@pytest.mark.parametrize("cell,gate", [("lstm", "candidate"), ("gru", "candidate"), ("gru", "update")])
def test_gate_heatmap_in_filipino(filipino, cell, gate):
    fig = gate_heatmap_figure(make_trace(cell, T=4), gate, step=1)
    assert fig.layout.title.text == fil(f"fig.gate.{cell}.{gate}")
    assert axis_title(fig, "xaxis") == fil("fig.common.token")
    assert axis_title(fig, "yaxis") == fil("fig.common.unit")


def test_class_lines_in_filipino(filipino):
    fig = prediction_figure(make_trace("gru", T=5, C=3), step=2)
    assert fig.layout.title.text == fil("fig.predictions.lines_title")
    assert axis_title(fig, "yaxis") == fil("fig.common.probability") == "probabilidad"
    assert axis_title(fig, "xaxis") == fil("fig.common.token")
    assert fig.layout.legend.title.text == fil("fig.predictions.class")
    assert [d.name for d in fig.data] == ["class 0", "class 1", "class 2"]   # model labels stay English
    after = fil("fig.predictions.after", token="%{customdata}")
    assert after.startswith("pagkatapos ng")
    assert all(h.startswith(after + "<br>") for h in hover_templates(fig))


def test_next_words_in_filipino(filipino):
    trace = make_trace(T=4, C=20, head="lm")
    fig = prediction_figure(trace, step=3, top=4)
    assert fig.layout.title.text == fil("fig.predictions.next_word_title", token="3 · w3")
    assert axis_title(fig, "xaxis") == fil("fig.common.probability")
    assert axis_title(fig, "yaxis") == fil("fig.common.next_word") == "susunod na salita"


def test_unrolled_chain_in_filipino(filipino):
    trace = make_trace("lstm", T=5)
    fig = unrolled_figure(trace, step=2)
    assert fig.layout.title.text == fil("fig.diagram.unrolled_title", cell="LSTM")
    notes = annotations(fig)
    assert fil("fig.shared_weights_note") in notes
    assert fil("fig.diagram.prediction") in notes and "prediction" not in notes   # the default head
    hover = list(fig.data[0].hovertext)
    assert hover[0] == fil("fig.common.step_token", step=0, token="w0")
    assert hover[3].startswith("hakbang 3: ")
    named = unrolled_figure(trace, head_label=fil("fig.common.next_word"))
    assert "susunod na salita" in annotations(named)


# ---- all of them -----------------------------------------------------------------------------

def every_figure(cell: str) -> list[go.Figure]:
    trace = make_trace(cell, T=5, L=2, D=2)
    figures = [state_heatmap_figure(trace, layer=1, direction=1, step=1),
               gate_strips_figure(trace, step=1, layer=1, direction=1),
               prediction_figure(trace, step=1), prediction_figure(make_trace(cell, T=5, C=20, head="lm")),
               unrolled_figure(trace, step=1)]
    if cell == "lstm":
        figures.append(state_heatmap_figure(trace, "cell", step=1))
    if cell != "rnn":
        figures.append(gate_heatmap_figure(trace, "candidate", step=1))
    return figures


@pytest.mark.parametrize("cell", CELLS)
def test_no_english_label_is_left_in_filipino(filipino, cell):
    english_only = english_only_texts()
    english_words = ("step ", "after ", "probability", "prediction", "next word", "value",
                     "colour range", "unrolled", "rolled up")
    for fig in every_figure(cell):
        shown = words_shown(fig)
        assert not [s for s in shown if s in english_only], f"English labels in {fig.layout.title.text!r}"
        leftovers = [s for s in shown for word in english_words
                     if word in s and not s.startswith("class ")]    # class names stay English
        assert leftovers == [], f"English words in {fig.layout.title.text!r}: {leftovers}"


def test_the_language_is_read_at_each_build():
    trace = make_trace("lstm", T=4)
    english = prediction_figure(trace).layout.title.text
    with i18n.speaking("fil"):
        filipino = prediction_figure(trace).layout.title.text
    assert english == "prediction after each token"
    assert filipino == fil("fig.predictions.lines_title") != english
    assert prediction_figure(trace).layout.title.text == english
