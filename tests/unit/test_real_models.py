"""The real-English models (english-lstm, english-char-lstm): their cards' numbers are measured
again here from the shipped files, the corpus and the probe templates, and must hold."""
from __future__ import annotations

from functools import cache

import pytest
import torch

import rnnviz
from rnnviz.analysis import char_cells, ngram, real_text
from rnnviz.analysis import flags as F
from rnnviz.checkpoints import MODELS_DIR, read_state_dict
from rnnviz.recipes import RECIPES
from rnnviz.tasks import CORPUS_TASKS, get_task
from rnnviz.text import PAD, UNK
from rnnviz.train import make_data, next_token_scores

pytestmark = pytest.mark.unit

NAMES = sorted(name for name, recipe in RECIPES.items() if recipe.task in CORPUS_TASKS)
MAX_ALL_MODELS_BYTES = 12 * 2**20
FRESH_SEED = 101                     # the recipes use 7 (card) and 8; this probe is new to them


@cache
def model(name: str):
    return rnnviz.load_model(name)


@cache
def data(task: str):
    return make_data(task)


def test_both_real_models_are_bundled_and_everything_fits_in_12_mb():
    assert NAMES == ["english-char-lstm", "english-lstm"]
    total = sum(p.stat().st_size for p in MODELS_DIR.iterdir() if p.suffix in (".pt", ".json"))
    assert total <= MAX_ALL_MODELS_BYTES, f"{total / 2**20:.1f} MB"


@pytest.mark.parametrize("name", NAMES)
def test_the_card_describes_the_shipped_model(name):
    recipe, m = RECIPES[name], model(name)
    task = get_task(recipe.task)
    assert m.card["task"] == task.name and m.spec.tokenizer == task.tokenizer
    assert m.card["vocab"] == [PAD, UNK] + task.vocabulary()
    assert m.spec.hidden_size >= 128 and m.card["recipe_command"] == f"python -m rnnviz train --name {name}"
    state = read_state_dict(MODELS_DIR / f"{name}.pt")
    assert {t.dtype for t in state.values()} == {torch.float16}, "the file holds float16 weights"
    assert all(torch.equal(state[k].float(), v) for k, v in m.state_dict().items()), "loaded exactly"


@pytest.mark.parametrize("name", NAMES)
def test_held_out_scores_and_baselines_are_what_the_card_says(name):
    m = model(name)
    held = m.card["held_out"]
    measured = next_token_scores(m, data(m.card["task"]).tensors("test"))
    for key in ("cross_entropy", "bits", "perplexity", "accuracy", "count"):
        assert measured[key] == pytest.approx(held["test"][key], rel=1e-6), key
    baselines = ngram.baselines(data(m.card["task"]))
    for order, scores in baselines.items():
        assert scores["cross_entropy"] == pytest.approx(held["baselines"][order]["cross_entropy"], rel=1e-9), order
    best = min(b["cross_entropy"] for b in baselines.values())
    assert held["beats_best_baseline"] == (measured["cross_entropy"] < best)
    assert measured["cross_entropy"] < best, "the issue's goal: the LSTM beats every n-gram baseline"


def test_the_word_models_flags_and_agreement_hold_on_a_fresh_probe():
    m, task = model("english-lstm"), get_task("english")
    probe = task.probe(300, seed=FRESH_SEED)
    readings = [F.read(m, ex.tokens) for ex in probe]
    card = m.card
    assert {f["concept"] for f in card["flags"]} == set(task.flag_concepts)
    for flag in card["flags"]:
        unit = (flag["layer"], flag["direction"], flag["unit"])
        scores = {s.key: s for s in F.unit_scores(m, probe, flag["concept"], readings=readings)}
        assert scores[unit].auroc >= flag["auroc"] - 0.05, (flag["concept"], scores[unit].auroc)
    agreed = real_text.agreement(m, probe)
    assert agreed["accuracy"] >= card["agreement"]["accuracy"] - 0.06
    assert card["targets"] == real_text.targets(card["flags"], card["agreement"])


def test_targets_not_met_are_said_in_the_card_with_what_was_tried():
    card = model("english-lstm").card
    met = all(card["targets"]["flags_met"].values()) and card["targets"]["agreement_met"]
    assert met or len(card.get("notes", "")) > 100, "a target is missed and the card does not say what was tried"


def test_the_char_models_cells_are_measured_again_exactly():
    m = model("english-char-lstm")
    assert char_cells.state_cells(m) == m.card[char_cells.CARD_FIELD]
    assert {c["feature"] for c in m.card[char_cells.CARD_FIELD]} == set(char_cells.FEATURES)
