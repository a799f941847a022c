"""The cell pages in Filipino: Cell anatomy, RNN vs LSTM vs GRU and Deeper networks.

Each page opens with lang=fil, shows its Filipino title and no English catalogue text, and its
main controls (the cell picker, the gates' model picker, the deep-model buttons, the step
cursor) work in Filipino without a traceback.
"""
from __future__ import annotations

import pytest

from rnnviz import i18n
from rnnviz.registry import CELL_KINDS

from .appkit import (
    FIL,
    assert_no_live_markup,
    assert_ok,
    charts,
    english_leftovers,
    fil,
    live_view,
    open_in_filipino,
    panels_of,
    rendered,
    texts,
)

ANATOMY, COMPARE, DEEP = "views/anatomy.py", "views/compare.py", "views/deep.py"
SENTENCE = "alice says the movie was good . she is happy ."
REVIEW = "the movie was not very good"


def shown(at) -> list[str]:
    """Markdown, captions, subheaders and notices as they read on screen."""
    return [rendered(s) for s in texts(at.markdown) + texts(at.caption) + texts(at.subheader)
            + texts(at.header) + texts(at.info)]


def annotations(at, key: str) -> list[str]:
    return [a.get("text", "") for a in charts(at)[key]["layout"].get("annotations", [])]


def test_filipino_differs_from_english_for_these_pages():
    """Otherwise every check below would pass on an English page too."""
    for key in ("anatomy.title", "compare.title", "deep.title", "anatomy.intro", "deep.explain.layers"):
        assert FIL[key] != i18n.t(key, lang="en")


# ---- cell anatomy ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["story-lstm", "story-gru"])
def test_anatomy_in_filipino(name):
    at = open_in_filipino(ANATOMY, text=SENTENCE, model=name)
    assert at.title[0].value == FIL["anatomy.title"]
    on_screen = shown(at)
    assert FIL["anatomy.intro"] in on_screen and FIL["anatomy.shapes_note"] in on_screen
    kind = name.split("-")[1]
    assert FIL[f"anatomy.gated.{kind}"] in on_screen
    assert english_leftovers(at) == []
    at.session_state["step"] = 2                        # what the browser's "moved" event sets
    at.toggle(key="anatomy_figures").set_value(True).run()
    assert_ok(at)
    assert fil("anatomy.cell_heading", cell=CELL_KINDS[kind].title, step=2) in texts(at.subheader)
    notes = " ".join(annotations(at, "anatomy_gates"))
    state = "anatomy.fig.new_cell_state" if kind == "lstm" else "anatomy.fig.new_hidden_state"
    assert FIL[state] in notes and i18n.t(state, lang="en") not in notes
    assert english_leftovers(at) == []


def test_anatomy_cell_picker_and_plain_rnn_in_filipino():
    at = open_in_filipino(ANATOMY, text=REVIEW, model="sentiment-bilstm")
    picker = next(g for g in at.get("button_group") if g.key == "anatomy_slice")
    assert picker.proto.label == FIL["anatomy.which_cell"]
    assert list(picker.options) == [FIL["fig.direction.forward"], FIL["fig.direction.backward"]]
    picker.set_value(1).run()                             # the backward direction
    assert_ok(at)
    assert FIL["anatomy.backward_note"] in shown(at)
    assert english_leftovers(at) == []
    at.selectbox(key="model").set_value("story-rnn").run()
    assert_ok(at)
    assert FIL["anatomy.no_gates"] in shown(at)
    assert "anatomy_gates" not in charts(at)
    assert english_leftovers(at) == []


# ---- RNN vs LSTM vs GRU ----------------------------------------------------------------------

def test_compare_in_filipino():
    at = open_in_filipino(COMPARE, text=SENTENCE)
    assert at.title[0].value == FIL["compare.title"]
    on_screen = shown(at)
    for key in ("compare.intro", "compare.gradient_caption", "compare.gates_header", "compare.gates_intro",
                "compare.counted_probe", "compare.bands"):
        assert FIL[key] in on_screen, key
    assert english_leftovers(at) == []
    group = next(g for g in at.get("button_group") if "GRU" in g.options)
    assert group.proto.label == FIL["compare.whose_gates"]
    group.set_value("story-gru").run()
    assert_ok(at)
    names = {d.get("name") for d in charts(at)["saturation_click"]["data"]}
    assert {FIL["fig.gate.gru.reset"], FIL["fig.gate.gru.update"]} <= names
    at.session_state["step"] = 4                     # the browser's step, as the server hears it
    at.run()
    assert_ok(at)
    assert live_view(at)["step"] == 4 and live_view(at)["words"]["at_end"] == FIL["live.at_end"]
    assert english_leftovers(at) == []


def test_compare_alone_and_without_gates_in_filipino():
    at = open_in_filipino(COMPARE, text=SENTENCE, model="story-lstm-2layer")
    assert fil("compare.alone", name="story-lstm-2layer") in [rendered(i) for i in texts(at.info)]
    assert english_leftovers(at) == []
    assert_no_live_markup(at)


# ---- deeper networks -------------------------------------------------------------------------

def test_deep_one_layer_model_and_its_buttons_in_filipino():
    at = open_in_filipino(DEEP, text=SENTENCE)
    assert at.title[0].value == FIL["deep.title"]
    assert FIL["deep.caption"] in texts(at.caption)
    assert rendered(texts(at.info)[0]) == fil("deep.one_layer", name="story-lstm")
    label = fil("deep.open", model="story-lstm-2layer", what=FIL["deep.kind.layers"])
    assert label in [b.label for b in at.button]
    assert english_leftovers(at) == []
    at.button(key="open_story-lstm-2layer").click().run()
    assert_ok(at)
    assert at.selectbox(key="model").value == "story-lstm-2layer"
    assert FIL["deep.explain.layers"] in shown(at)
    rows = [row["title"] for row in live_view(at)["rows"]]
    assert FIL["deep.gates_heading"] in rows and fil("deep.fig.layer_feeds", below=0, above=1) in rows
    assert english_leftovers(at) == []


def test_deep_bidirectional_model_in_filipino():
    at = open_in_filipino(DEEP, text=REVIEW, model="sentiment-bilstm")
    assert FIL["deep.explain.directions"] in shown(at)
    opening = {FIL[key].split("{")[0] for key in ("deep.concat_last", "deep.concat_mean")}
    assert any(c.startswith(tuple(opening)) for c in texts(at.caption)), "the concat caption in Filipino"
    concat = next(p for p in panels_of(at) if p["title"] == FIL["panels.side_by_side"])
    assert [r["label"] for r in concat["rows"]] == [FIL["panels.at_cursor"], FIL["deep.fig.classifier_reads"]]
    at.session_state["step"] = 3
    at.toggle(key="deep_figures").set_value(True).run()     # the plotly figures, at the cursor
    assert_ok(at)
    assert charts(at)["deep_concat"]["layout"]["yaxis"]["ticktext"][0] == fil("deep.fig.at_step_row", step=3)
    assert charts(at)["deep_concat"]["layout"]["xaxis"]["title"]["text"] == FIL["deep.fig.concat_axis"]
    assert english_leftovers(at) == []
