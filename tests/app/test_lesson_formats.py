"""Your lesson model in AppTest: the page's own export code works in old and new torchtext, the
lesson's tokenizer and pooling are the defaults, the page says how the model reads, and a
checkpoint, a Windows or JSON vocabulary open while a pickled vocabulary is refused."""
from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.i18n import t
from rnnviz.text import basic_english
from rnnviz.ui import keys, lesson_upload
from tests.unit.test_lesson_formats import (
    LEGACY,
    TEXT,
    LegacyVocab,
    LSTMClassifier,
    NewVocab,
    RNNClassifier,
    lesson_net,
    notebook_probs,
    saved,
)

from .appkit import assert_ok, open_app

LESSON = "views/your_model.py"


def upload(weights: bytes, vocab: bytes, cell: str = "lstm", vocab_name: str = "vocab.txt", tokenizer=None):
    at = open_app(page=LESSON, text=TEXT)
    at.file_uploader(key=keys.WEIGHTS_FILE).set_value(("model.pt", weights, "application/octet-stream"))
    at.file_uploader(key=keys.VOCAB_FILE).set_value((vocab_name, vocab, "text/plain"))
    at.selectbox(key=keys.LESSON_CELL).set_value(cell)
    if tokenizer:
        at.selectbox(key=keys.LESSON_TOKENIZER).set_value(tokenizer)
    at.run()
    at.button(key=keys.LESSON_OPEN).click().run()
    assert_ok(at)
    return at


def opened_model(at, cell: str = "lstm"):
    assert not at.error, [e.value for e in at.error]
    return at.session_state[keys.SESSION_MODELS][f"lesson-{cell}-1"]


def summary(at) -> dict:
    table = at.dataframe[0].value
    return dict(zip(*(table[c] for c in table.columns)))


@pytest.mark.parametrize("shape", [LegacyVocab, NewVocab])
def test_the_code_the_page_shows_exports_files_that_open(tmp_path, monkeypatch, shape):
    at = open_app(page=LESSON, text=TEXT)
    shown = at.code[0].value
    assert shown == lesson_upload.NOTEBOOK_CODE
    net = lesson_net()
    monkeypatch.chdir(tmp_path)
    exec(shown, {"torch": torch, "net": net, "vocab": shape(LEGACY)})     # as the notebook's cell runs it
    at = upload((tmp_path / "model.pt").read_bytes(), (tmp_path / "vocab.txt").read_bytes())
    model = opened_model(at)
    np.testing.assert_allclose(rnnviz.trace(model, TEXT).probs[-1], notebook_probs(net, TEXT), atol=1e-5)


def test_the_lesson_tokenizer_and_pooling_are_the_defaults():
    at = open_app(page=LESSON, text=TEXT)
    assert at.selectbox(key=keys.LESSON_TOKENIZER).value == "basic_english"
    assert at.radio(key=keys.lesson_pooling("lstm")).value == "last"
    at.selectbox(key=keys.LESSON_CELL).set_value("rnn").run()
    assert at.radio(key=keys.lesson_pooling("rnn")).value == "mean"


def test_a_checkpoint_and_a_windows_vocab_open_and_the_page_says_how_it_reads():
    net = lesson_net(RNNClassifier)
    checkpoint = saved({"model_state_dict": net.state_dict(), "optimizer_state_dict": {}, "epoch": 4})
    windows = b"\xef\xbb\xbf" + "\r\n".join(LEGACY).encode("utf-8") + b"\r\n"
    at = upload(checkpoint, windows, cell="rnn")
    model = opened_model(at, "rnn")
    assert model.spec.pooling == "mean" and model.spec.tokenizer == "basic_english"
    trace = rnnviz.trace(model, TEXT)
    assert trace.tokens == basic_english(TEXT)
    np.testing.assert_allclose(trace.probs[-1], notebook_probs(net, TEXT), atol=1e-5)
    found = summary(at)
    assert found[t("make.summary.tokenizer")] == t("your_model.tokenizer_name.basic_english")
    assert found[t("make.summary.pooling")] == t("make.pooling.mean")
    captions = [c.value.replace("\\", "") for c in at.caption]
    unknown = t("your_model.unknown.torchtext_legacy", token="<unk>", id=0)
    weights = t("your_model.weights_from.entry", entry="model_state_dict", ignored="optimizer_state_dict, epoch")
    assert f"**{t('make.summary.unknown')}:** {unknown}" in captions, captions
    assert f"**{t('make.summary.weights')}:** {weights}" in captions, captions
    known = len(trace.tokens) - 1                                   # all but "zebra"
    assert found[t("make.summary.known")].startswith(t("make.summary.known_of", known=known, total=len(trace.tokens)))


def test_a_json_vocab_and_another_tokenizer_are_used_as_chosen():
    net = lesson_net(LSTMClassifier)
    at = upload(saved(net.state_dict()), json.dumps(LEGACY, indent=2).encode(), vocab_name="vocab.json",
                tokenizer="words")
    model = opened_model(at)
    assert model.spec.tokenizer == "words" and rnnviz.trace(model, TEXT).tokens != basic_english(TEXT)
    assert summary(at)[t("make.summary.tokenizer")] == t("your_model.tokenizer_name.words")


def test_a_pickled_vocab_is_refused_with_the_line_that_writes_it_as_text():
    at = upload(saved(lesson_net().state_dict()), pickle.dumps(LEGACY), vocab_name="vocab.pkl")
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("pickled vocab object" in e and "get_itos" in e and "itos" in e for e in errors), errors
    assert "lesson-lstm-1" not in at.session_state[keys.SESSION_MODELS]


def test_a_vocab_of_the_wrong_size_names_the_likely_causes():
    at = upload(saved(lesson_net().state_dict()), "\n".join(LEGACY[2:]).encode())
    errors = [e.value.replace("\\", "") for e in at.error]
    rows = len(LEGACY)
    assert any(f"has {rows - 2} tokens but the embedding has {rows} rows" in e and "specials missing" in e
               for e in errors), errors


def test_the_uploaders_take_the_files_a_student_has():
    at = open_app(page=LESSON, text=TEXT)
    uploader = at.file_uploader(key=keys.WEIGHTS_FILE)
    assert {".pt", ".pth", ".tar", ".ckpt"} <= set(uploader.proto.type)
    assert {".txt", ".json", ".pkl"} <= set(at.file_uploader(key=keys.VOCAB_FILE).proto.type)   # .pkl: to be explained
