"""The bundled grammar models: one per recipe, loadable, with complete cards whose numbers hold up.
(The real-English models have their own measures: tests/unit/test_real_models.py.)

Every number is measured again on fresh sentences drawn with a seed the recipes never use:
accuracies on sentences from the grammar's own distribution (as the cards' test sets are),
flags on a balanced probe set (task.probe, as the cards' flags are). Tolerances:
- accuracies (overall and per kind): fresh ≥ card − max(0.03, 3 binomial standard errors)
  (3 SE matters only for models near chance, e.g. recall-rnn at 0.25 on 300 sentences);
- flags: the card's unit keeps AUROC ≥ card − 0.05 and clamp flip rate ≥ card − 0.1 on 300
  probe sentences, clamped to the card's own "on"/"off" values.
"""
from __future__ import annotations

import hashlib
import math
from functools import cache

import numpy as np
import pytest

import rnnviz
from rnnviz.analysis import flags as F
from rnnviz.checkpoints import MODELS_DIR, read_card
from rnnviz.recipes import RECIPES
from rnnviz.tasks import TASKS, get_task
from rnnviz.train import evaluate

CARD_KEYS = {"task", "spec", "vocab", "labels", "seed", "train_seconds", "command", "metrics",
             "description", "flags"}
FLAG_KEYS = {"concept", "layer", "direction", "unit", "auroc", "d", "on", "off",
             "clamp_flip_rate", "random_flip_rate"}
PROBE_SEED = 101                  # the recipes use 7 (card flags) and 8 (choosing seeds)
N_ACCURACY, N_FLAGS = 300, 300
MAX_TOTAL_BYTES = 10 * 2**20
NAMES = sorted(name for name, recipe in RECIPES.items() if recipe.task in TASKS)


@cache
def model(name: str):
    return rnnviz.load_model(name)


@cache
def probe(task: str, n: int):
    return get_task(task).probe(n, seed=PROBE_SEED)


@cache
def fresh(task: str, n: int):
    return get_task(task).split(0, n, seed=PROBE_SEED)[1]


def checksum(m) -> str:
    h = hashlib.sha256()
    for key, tensor in sorted(m.state_dict().items()):
        h.update(key.encode() + tensor.detach().numpy().tobytes())
    return h.hexdigest()


def tolerance(p: float, n: int) -> float:
    return max(0.03, 3 * math.sqrt(max(p * (1 - p), 1e-9) / max(n, 1)))


def test_every_recipe_is_bundled_and_small():
    assert set(NAMES) <= set(rnnviz.list_models())
    total = sum((MODELS_DIR / f"{name}{suffix}").stat().st_size for name in NAMES for suffix in (".pt", ".json"))
    assert total <= MAX_TOTAL_BYTES, f"{total / 2**20:.1f} MB"


@pytest.mark.parametrize("name", NAMES)
def test_card_is_complete_and_matches_the_recipe(name):
    recipe, m = RECIPES[name], model(name)
    card = read_card(MODELS_DIR / f"{name}.json")
    assert CARD_KEYS <= set(card), CARD_KEYS - set(card)
    assert card["task"] == recipe.task and m.spec.cell == recipe.cell
    assert m.spec.layers == recipe.settings()["layers"] and m.spec.bidirectional == recipe.settings()["bidirectional"]
    assert card["vocab"] == ["<pad>", "<unk>"] + get_task(recipe.task).vocabulary()
    assert card["labels"] == list(get_task(recipe.task).labels)
    assert card["seed"] in recipe.seeds and f"--seed {card['seed']}" in card["command"]
    assert card["command"].startswith("python -m rnnviz train --task ")
    assert 0 < card["train_seconds"] <= 120
    assert card["description"] and "\n" not in card["description"]
    assert 0 <= card["metrics"]["accuracy"] <= 1
    for flag in card["flags"]:
        assert set(flag) == FLAG_KEYS
        assert 0.5 <= flag["auroc"] <= 1 and 0 <= flag["clamp_flip_rate"] <= 1


@pytest.mark.parametrize("name", NAMES)
def test_accuracy_holds_on_a_fresh_probe(name):
    m, card = model(name), model(name).card
    measured = evaluate(m, card["task"], list(fresh(card["task"], N_ACCURACY)))
    claimed = card["metrics"]
    pairs = [("accuracy", measured["accuracy"], claimed["accuracy"], measured["count"])]
    pairs += [(kind, measured["by_kind"][kind], value, N_ACCURACY * (2 if kind == "verb" else 1))
              for kind, value in claimed.get("by_kind", {}).items()]
    for what, got, card_value, n in pairs:
        assert got >= card_value - tolerance(card_value, n), f"{name} {what}: probe {got:.3f}, card {card_value:.3f}"


@pytest.mark.parametrize("name", [n for n in NAMES if RECIPES[n].task != "recall"])
def test_flags_hold_on_a_fresh_probe(name):
    m, card = model(name), model(name).card
    examples = list(probe(card["task"], N_FLAGS))
    readings = [F.read(m, ex.tokens) for ex in examples]
    assert card["flags"], f"{name} has no flags in its card"
    for flag in card["flags"]:
        unit = (flag["layer"], flag["direction"], flag["unit"])
        scores = {s.key: s for s in F.unit_scores(m, examples, flag["concept"], readings=readings)}
        assert scores[unit].auroc >= flag["auroc"] - 0.05, (name, flag["concept"], scores[unit].auroc)
        flips = F.flip_rate(m, examples, flag["concept"], unit, flag["on"], flag["off"], readings=readings)
        assert flips >= flag["clamp_flip_rate"] - 0.1, (name, flag["concept"], flips)


def test_story_lstm_meets_the_targets_it_was_built_for():
    """Issue 3: ≥ 0.98 on every determined position; each flag AUROC ≥ 0.95, its clamp flips
    ≥ 90% of the dependent choice (she ↔ he, they ↔ she/he, happy ↔ sad), random units ≤ 10%."""
    card = model("story-lstm").card
    assert min(card["metrics"]["by_kind"].values()) >= 0.98, card["metrics"]["by_kind"]
    flags = {f["concept"]: f for f in card["flags"]}
    assert set(flags) == {"female", "plural", "negation"}
    for concept, flag in flags.items():
        assert flag["auroc"] >= 0.95, (concept, flag)
        assert flag["clamp_flip_rate"] >= 0.90 and flag["random_flip_rate"] <= 0.10, (concept, flag)


@pytest.mark.parametrize("name", ["story-lstm", "sentiment-bilstm"])
def test_clamping_never_changes_the_cached_model(name):
    m = model(name)
    before = checksum(m)
    text = get_task(m.card["task"]).examples()[0]
    plain = rnnviz.trace(m, text).probs
    for flag in m.card["flags"]:
        rnnviz.trace(m, text, clamp={(flag["layer"], flag["direction"], flag["unit"]): flag["on"]})
    rnnviz.trace(m, text, clamp={(0, 0, 0): 5.0})
    assert checksum(m) == before and checksum(rnnviz.load_model(name)) == before
    assert np.array_equal(rnnviz.trace(m, text).probs, plain)
