"""The Flags page with a character model: no word flags, but the cells that track quotes, word
starts and the position in a word, each colouring the sentence character by character with a
caption of its measured AUROC. A small character LSTM (random weights: the page must read any
character model) is opened as this session's own model; every expected number is recomputed here
from rnnviz.analysis.char_cells."""
from __future__ import annotations

from functools import cache

import pytest
import torch
from streamlit.testing.v1 import AppTest

import rnnviz
from rnnviz import i18n
from rnnviz.analysis import char_cells as cc
from rnnviz.figures.theme import safe
from rnnviz.model import Model, ModelSpec
from rnnviz.tasks.english import ALPHABET
from rnnviz.text import Vocab
from rnnviz.ui import keys

from .appkit import (
    APP,
    TIMEOUT,
    array,
    assert_no_live_markup,
    assert_no_raw_html_in_charts,
    assert_ok,
    charts,
    fil,
    rendered,
    texts,
)

FLAGS = "views/flags.py"
NAME = "my-chars"
BUNDLED = "english-char-lstm"
SENTENCE = 'She said, "I will be there at 5 o\'clock."'
HOSTILE = 'He said "<script>alert(1)</script>" [x](http://evil.example) :red[no] <b>bold'
CHART_KEYS = [keys.char_cells_chart(f) for f in cc.FEATURES]


def char_model(card: dict | None = None, cell: str = "lstm") -> Model:
    """A small character model with seeded random weights (the same weights on every call)."""
    torch.manual_seed(0)
    spec = ModelSpec(cell=cell, vocab_size=len(ALPHABET) + 2, emb_size=4, hidden_size=8, head="lm",
                     tokenizer="chars")
    return Model(spec, Vocab(["<pad>", "<unk>", *ALPHABET]), {"task": "english-chars", **(card or {})}).eval()


@cache
def measured() -> tuple:
    """The cells of c the page should show, measured here."""
    return tuple(cc.in_state(cc.state_cells(char_model()), "c"))


def open_flags(model: Model, text: str = SENTENCE, **query: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state[keys.SESSION_MODELS] = {NAME: model}
    at.query_params.update({keys.MODEL: NAME, keys.TEXT: text, **query})
    at.switch_page(FLAGS)
    return at.run()


def text_rows(spec: dict) -> list[list[str]]:
    return [list(d["text"]) for d in spec["data"] if d.get("mode") == "text"]


def test_a_character_model_shows_its_cells_not_word_flags():
    model = char_model()
    at = open_flags(model)
    assert_ok(at)
    shown = charts(at)
    assert list(shown)[:3] == CHART_KEYS, "the first pictures are the three cells"
    for key in CHART_KEYS:
        rows = text_rows(shown[key])
        assert rows == [[safe(c) for c in model.tokenize(s)] for s in (SENTENCE, cc.EXAMPLE)]
    assert keys.FLAG_RANKING not in shown and keys.FLAG_CONCEPT not in at.session_state   # no word concepts
    captions = [rendered(c) for c in texts(at.caption)]
    for entry in measured():
        line = next((c for c in captions if i18n.t(f"flags.chars.name.{entry['feature']}") in c), None)
        assert line is not None, f"no caption for {entry['feature']}: {captions}"
        assert f"**unit {entry['unit']}**" in line and f"AUROC {entry['auroc']:.2f}" in line
        assert f"{entry['positions_on'] + entry['positions_off']:,} characters of {entry['items']:,}" in line
    assert at.session_state[keys.UNIT] == (0, 0, measured()[0]["unit"])      # the quote cell is picked


def test_the_cells_colour_the_values_of_the_measured_unit():
    model = char_model()
    at = open_flags(model)
    for entry, key in zip(measured(), CHART_KEYS):
        markers = [d for d in charts(at)[key]["data"] if d.get("mode") == "markers" and d.get("customdata")]
        for row, text in zip(markers, (SENTENCE, cc.EXAMPLE)):
            _, values = cc.unit_values(model, text, "c", (0, 0, entry["unit"]))
            assert [c[2] for c in row["customdata"]] == [entry["unit"]] * len(values)
            assert array(row["marker"]["color"]) == pytest.approx(values, abs=1e-5)


def test_a_card_with_measured_cells_is_read_not_measured_again():
    entries = [{**e, "unit": 5, "auroc": 0.9321} for e in measured()]
    entries[0]["auroc_quoted_items"] = 0.4812          # the quote cell fails its control (analysis.char_cells)
    at = open_flags(char_model({cc.CARD_FIELD: entries}))
    assert_ok(at)
    captions = " ".join(texts(at.caption))
    assert captions.count("**unit 5**") == 3 and captions.count("AUROC 0.93") == 3
    assert i18n.t("flags.chars.quoted_only.no", auroc="0.48") in captions
    assert (keys.SESSION_FLAGS not in at.session_state
            or not any(k[0] == "char_cells" for k in at.session_state[keys.SESSION_FLAGS]))


def test_the_clamp_offers_the_cells_typical_values():
    at = open_flags(char_model())
    quote = measured()[0]
    options = at.radio(key=keys.CLAMP_TO).options
    assert any(f"{quote['on']:+.2f}" in o for o in options) and any(f"{quote['off']:+.2f}" in o for o in options)


def test_picking_a_unit_and_a_clamp_value_keeps_the_page_whole():
    at = open_flags(char_model())
    other = (0, 0, (measured()[0]["unit"] + 1) % 8)              # not the quote cell the page opens on
    at.selectbox(key=keys.UNIT).set_value(other).run()
    assert_ok(at)
    assert at.session_state[keys.UNIT] == other
    assert i18n.t("flags.gates_subheader", unit=f"unit {other[2]}") in [h.value for h in at.subheader]
    assert at.radio(key=keys.CLAMP_TO).options and len(at.radio(key=keys.CLAMP_TO).options) == 1   # zero alone
    at.selectbox(key=keys.UNIT).set_value((0, 0, measured()[0]["unit"])).run()
    at.radio(key=keys.CLAMP_TO).set_value("off").run()
    assert_ok(at)
    assert list(charts(at))[:3] == CHART_KEYS and "clamp_effect" in charts(at)


def test_a_cell_without_c_shows_its_cells_of_h():
    model = char_model(cell="gru")
    at = open_flags(model)
    assert_ok(at)
    assert list(charts(at))[:3] == CHART_KEYS
    captions = " ".join(texts(at.caption))
    for entry in cc.state_cells(model):
        assert entry["state"] == "h" and f"**unit {entry['unit']}**" in captions
    assert "hidden state h" in captions and "cell state c" not in captions


def test_in_filipino_and_in_teacher_mode():
    at = open_flags(char_model(), **{keys.LANG: "fil", keys.TEACHER: "1"})
    assert_ok(at)
    assert fil("flags.chars.header") in [h.value for h in at.header]
    assert any(fil("flags.chars.row.example") in str(spec) for spec in charts(at).values())


def test_a_hostile_sentence_stays_text():
    at = open_flags(char_model(), HOSTILE)
    assert_ok(at)
    assert_no_live_markup(at)
    assert_no_raw_html_in_charts(at)


def test_the_bundled_character_model_shows_the_cells_of_its_card():
    model = rnnviz.load_model(BUNDLED)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update({keys.MODEL: BUNDLED, keys.TEXT: SENTENCE})
    at.switch_page(FLAGS)
    at.run()
    assert_ok(at)
    assert list(charts(at))[:3] == CHART_KEYS
    captions = [rendered(c) for c in texts(at.caption)]
    for entry in cc.in_state(model.card[cc.CARD_FIELD], "c"):
        line = next(c for c in captions if i18n.t(f"flags.chars.name.{entry['feature']}") in c)
        assert f"**unit {entry['unit']}**" in line and f"AUROC {entry['auroc']:.2f}" in line
