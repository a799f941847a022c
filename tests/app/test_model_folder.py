"""A damaged or hostile models folder: the app says what is wrong, in words, and never shows a
traceback or runs code from a model file.

Each test builds its own folder (RNNVIZ_MODELS_DIR) from copies of the real models. The folder
is read once, when rnnviz is imported, so the fixture imports rnnviz afresh for the test
(and puts the original modules back afterwards) and clears Streamlit's caches both ways.
"""
from __future__ import annotations

import builtins
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
import torch

from .appkit import assert_no_live_markup, assert_ok, charts, open_app, rendered, texts

SENTENCE = "alice says the movie was good . she is happy ."


def _rnnviz_modules() -> dict:
    return {n: m for n, m in sys.modules.items() if n == "rnnviz" or n.startswith("rnnviz.")}


def _clear_caches() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()


@dataclass
class Folder:
    path: Path
    source: Path                  # the real models, copied from

    def copy(self, name: str, as_name: str | None = None) -> None:
        for suffix in (".json", ".pt"):
            shutil.copy(self.source / f"{name}{suffix}", self.path / f"{as_name or name}{suffix}")

    def weights(self, name: str) -> dict:
        return torch.load(self.source / f"{name}.pt", weights_only=True)

    def card(self, name: str) -> dict:
        return json.loads((self.source / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def models_folder(tmp_path, monkeypatch):
    from rnnviz.checkpoints import MODELS_DIR as source

    folder = tmp_path / "models"
    folder.mkdir()
    saved = _rnnviz_modules()
    monkeypatch.setenv("RNNVIZ_MODELS_DIR", str(folder))
    for name in saved:
        del sys.modules[name]
    _clear_caches()
    try:
        yield Folder(folder, Path(source))
    finally:
        for name in _rnnviz_modules():
            del sys.modules[name]
        sys.modules.update(saved)
        _clear_caches()


def open_on(folder: Folder, **query):
    at = open_app(text=SENTENCE, **query)
    from rnnviz.checkpoints import MODELS_DIR  # the fresh import
    assert Path(MODELS_DIR) == folder.path, "the app did not read the test's models folder"
    return at


def messages(at) -> str:
    return rendered("\n".join(texts(at.error) + texts(at.warning) + texts(at.info)))


class Payload:
    """Unpickling this calls builtins.open(marker, "w"): the file appears only if code ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return builtins.open, (str(self.marker), "w")


def test_a_damaged_card_is_named_and_the_other_models_still_work(models_folder):
    models_folder.copy("story-lstm")
    models_folder.copy("story-gru")
    (models_folder.path / "broken.json").write_text("{not json", encoding="utf-8")
    (models_folder.path / "broken.pt").write_bytes(b"not weights")
    (models_folder.path / "listcard.json").write_text("[1, 2]", encoding="utf-8")
    (models_folder.path / "listcard.pt").write_bytes(b"")
    at = open_on(models_folder)
    assert_ok(at)
    assert sorted(at.selectbox(key="model").options) == ["story-gru", "story-lstm"]
    said = messages(at)
    assert "broken" in said and "listcard" in said, f"the damaged models are not named: {said!r}"
    assert "hidden" in charts(at), "the good default model still draws"


@pytest.mark.parametrize("container", ["torch.save zip", "bare pickle"])
def test_a_hostile_pickle_is_refused_and_never_run(models_folder, tmp_path, container):
    marker = tmp_path / "code-ran"
    models_folder.copy("story-lstm")
    models_folder.copy("story-gru")
    hostile = models_folder.path / "story-lstm.pt"
    if container == "bare pickle":
        import pickle
        hostile.write_bytes(pickle.dumps(Payload(marker), protocol=2))
    else:
        torch.save(Payload(marker), hostile)
    at = open_on(models_folder)
    assert_ok(at)
    assert not marker.exists(), "loading the model file ran code from it"
    assert at.error, "no friendly message for a model that cannot be opened"
    assert "story-lstm" in messages(at)
    at.selectbox(key="model").set_value("story-gru").run()         # the way out the message offers
    assert_ok(at)
    assert "hidden" in charts(at)
    assert not marker.exists()


def _missing_key(w: dict) -> dict:
    w = dict(w)
    w.pop(sorted(w)[0])
    return w


def _wrong_shape(w: dict) -> dict:
    w = dict(w)
    key = next(k for k in w if k.endswith("weight_hh_l0"))
    w[key] = torch.zeros(3, 3)
    return w


def _not_finite(w: dict) -> dict:
    w = dict(w)
    key = next(k for k in w if k.endswith("weight_ih_l0"))
    w[key] = torch.full_like(w[key], float("nan"))
    return w


@pytest.mark.parametrize("spoil", [_missing_key, _wrong_shape, _not_finite], ids=lambda f: f.__name__[1:])
def test_weights_that_do_not_fit_get_a_message_not_a_traceback(models_folder, spoil):
    models_folder.copy("story-lstm")
    torch.save(spoil(models_folder.weights("story-lstm")), models_folder.path / "story-lstm.pt")
    at = open_on(models_folder)
    assert_ok(at)
    assert at.error and "story-lstm" in messages(at)
    assert not charts(at)


@pytest.mark.parametrize("spoil", [
    lambda card: {k: v for k, v in card.items() if k != "spec"},
    lambda card: {**card, "spec": {**card["spec"], "hidden_size": 10 ** 9}},
    lambda card: {**card, "spec": {**card["spec"], "cell": "transformer"}},
    lambda card: {**card, "vocab": card["vocab"][:-3]},
    lambda card: {**card, "vocab": "not a list"},
], ids=["no spec", "huge hidden size", "unknown cell", "short vocab", "vocab not a list"])
def test_a_card_that_does_not_fit_gets_a_message_not_a_traceback(models_folder, spoil):
    models_folder.copy("story-lstm")
    card = spoil(models_folder.card("story-lstm"))
    (models_folder.path / "story-lstm.json").write_text(json.dumps(card), encoding="utf-8")
    at = open_on(models_folder)
    assert_ok(at)
    assert at.error and "story-lstm" in messages(at)


def test_weight_names_from_a_hostile_file_are_shown_as_text(models_folder):
    models_folder.copy("story-lstm")
    weights = models_folder.weights("story-lstm")
    weights["[click](http://evil) <script>alert(1)</script> :red[x]"] = torch.zeros(1)
    torch.save(weights, models_folder.path / "story-lstm.pt")
    at = open_on(models_folder)
    assert_ok(at)
    assert at.error, "no friendly message for weights that do not fit"
    assert_no_live_markup(at, " (names inside a model file)")


def test_an_empty_models_folder_says_so(models_folder):
    at = open_on(models_folder)
    assert_ok(at)
    assert at.error, "no message when there is no model at all"
    assert not charts(at)
