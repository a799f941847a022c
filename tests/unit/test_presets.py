"""The lesson presets: every preset's claim is computed from the bundled models and holds, its
sentence fills in both languages, and a check says so when its claim stops being true."""
from __future__ import annotations

import string
from functools import cache
from pathlib import Path

import pytest

import rnnviz
from rnnviz import i18n, presets
from rnnviz.model import Model
from rnnviz.presets_checks import GRU_MODELS, RECALL_MODELS
from rnnviz.text import tokenize

ROOT = Path(__file__).resolve().parents[2]
load = cache(rnnviz.load_model)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("p", presets.PRESETS, ids=lambda p: p.name)
def test_every_preset_claim_is_computed_and_holds_in_both_languages(p):
    claim = p.check(load)
    assert claim.holds, f"{p.name}: {presets.claim_text(p, claim, 'en')}"
    for lang in i18n.LANGUAGES:
        template = i18n.catalogue(lang)[f"presets.{p.name}.claim"]
        assert fields(template) == set(claim.fields), (lang, p.name)
        sentence = presets.claim_text(p, claim, lang)
        assert "{" not in sentence and all(value in sentence for value in claim.fields.values()), sentence
    assert presets.claim_text(p, claim, "fil") != presets.claim_text(p, claim, "en")


@pytest.mark.parametrize("p", presets.PRESETS, ids=lambda p: p.name)
def test_a_preset_opens_a_real_page_on_a_bundled_model_inside_its_sentence(p):
    assert (ROOT / "views" / f"{p.page}.py").is_file()
    assert set(p.needs) <= set(rnnviz.list_models())
    tokens = tokenize(p.text)
    assert 0 <= p.step < len(tokens)
    for text in p.texts:                       # the sentences are ones the model can read
        assert all(load(p.model).vocab.known(tokenize(text))), text
    assert p.text == rnnviz.tasks.prepared()["ideas"][p.name][0] or p.text in rnnviz.tasks.prepared()["ideas"][p.name]


def test_every_lesson_idea_is_a_preset_and_names_are_read_leniently():
    assert set(presets.NAMES) == set(rnnviz.tasks.prepared()["ideas"])
    assert presets.preset(" Vanishing ") is presets.preset("vanishing") is not None
    for asked in ("nope", "", None, 3, "vanishing;drop"):
        assert presets.preset(asked) is None


def test_the_vanishing_claim_measures_the_key_and_fails_when_the_lstm_is_a_plain_rnn():
    p = presets.preset("vanishing")
    claim = p.check(load)
    assert claim.fields["colour"] in tokenize(p.text)
    assert float(claim.fields["gated"]) / float(claim.fields["plain"]) >= 1_000
    swapped = p.check(lambda name: load(RECALL_MODELS[0]))     # both "cells" the same plain RNN: ratio 1
    assert not swapped.holds and swapped.fields["times"] == "1"


def test_the_gru_claim_fails_when_both_models_are_the_plain_rnn():
    assert not presets.preset("gru").check(lambda name: load(GRU_MODELS[0])).holds


def test_the_flags_claim_uses_the_cards_unit_and_fails_without_one():
    p = presets.preset("flags")
    card_unit = next(f for f in load(p.model).card["flags"] if f["concept"] == "female")
    assert p.page_settings(load) == {"concept": "female", "unit": (card_unit["layer"], card_unit["direction"],
                                                                    card_unit["unit"])}
    assert p.check(load).fields["unit"] == str(card_unit["unit"])
    model = load(p.model)
    no_card = Model(model.spec, model.vocab, {})                # the same weights, a card without flags
    no_card.load_state_dict(model.state_dict())
    assert not p.check(lambda name: no_card).holds and p.page_settings(lambda name: no_card) == {"concept": "female"}


@pytest.mark.parametrize("name", ["order", "negation", "bidirectional", "multilayer"])
def test_a_contrast_claim_fails_when_the_sentence_is_compared_with_itself(name, monkeypatch):
    """The same sentence twice: no answer changes, no state differs, so the claim must not hold."""
    p = presets.preset(name)
    same = presets.Preset(p.name, p.page, p.model, (p.text, p.text), p.check, p.step)
    monkeypatch.setattr(presets, "PRESETS", tuple(same if q.name == name else q for q in presets.PRESETS))
    assert not p.check(load).holds
