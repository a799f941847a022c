"""What the Train page promises its defaults reach, measured on the training code.

The page (train.scrub_intro) says: with the settings it opens on (rnnviz.train.PAGE_DEFAULTS:
sentiment, LSTM, 300 steps) the task's own flag sharpens, the best negation unit going from
AUROC about 0.7 at the first snapshot (already above chance: the word "not" changes the input
itself) to about 0.9 at the end; and a flag the task barely needs (female, on the story task with
the same settings) stays near chance. Each model here is trained and ranked as the page's
scrubber does (its first and last snapshots, analysis.flags.unit_scores on the first
SNAPSHOT_PROBE probe sentences). About 30 s of CPU in all.
"""
from __future__ import annotations

import copy

import pytest

from rnnviz import recipes
from rnnviz.analysis import flags
from rnnviz.i18n import LANGUAGES, t
from rnnviz.train import PAGE_DEFAULTS, make_data, train
from rnnviz.ui.loaders import SNAPSHOT_PROBE

BEFORE = (0.6, 0.8)         # "about 0.7" at the first snapshot
AFTER = 0.85                # "about 0.9" at the end of training
GROWS_BY = 0.1              # the flag sharpens: the end is clearly above the start
NEAR_CHANCE = 0.65          # female on the story task after the same 300 steps


def best_auroc(model, probe, concept: str) -> float:
    return max(score.auroc for score in flags.unit_scores(model, probe, concept))


def first_and_last(task: str, concept: str) -> tuple[float, float]:
    """The best unit's AUROC for `concept` at the scrubber's first snapshot (step 1) and at the end,
    for a model trained with the page's defaults on `task`."""
    settings = {k: v for k, v in PAGE_DEFAULTS.items() if k not in ("task", "cell")}
    data = make_data(task)
    probe = list(recipes.probe_set(data, recipes.CARD_PROBE_SEED))[:SNAPSHOT_PROBE]
    first = {}

    def keep_first(step, model):
        if step == 1:
            first.update({k: v.detach().clone() for k, v in model.state_dict().items()})

    result = train(task, PAGE_DEFAULTS["cell"], data=data, on_step=keep_first, **settings)
    at_start = copy.deepcopy(result.model)
    at_start.load_state_dict(first)
    return best_auroc(at_start, probe, concept), best_auroc(result.model, probe, concept)


@pytest.fixture(scope="module")
def negation():
    assert PAGE_DEFAULTS["task"] == "sentiment" and "negation" in flags.FLAG_CONCEPTS["sentiment"]
    return first_and_last("sentiment", "negation")


def test_the_defaults_sharpen_the_tasks_own_flag(negation):
    start, end = negation
    assert BEFORE[0] <= start <= BEFORE[1], f"first snapshot: AUROC {start:.3f}, the page says about 0.7"
    assert end >= AFTER, f"end of training: AUROC {end:.3f}, the page says about 0.9"
    assert end - start >= GROWS_BY, f"the flag did not sharpen: {start:.3f} → {end:.3f}"


def test_a_flag_the_task_barely_needs_stays_near_chance():
    _, end = first_and_last("story", "female")
    assert end <= NEAR_CHANCE, f"female after {PAGE_DEFAULTS['steps']} story steps: AUROC {end:.3f}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_the_page_says_the_numbers_measured_here(lang):
    promise = t("train.scrub_intro", lang=lang)
    assert "0.7" in promise and "0.9" in promise and str(PAGE_DEFAULTS["steps"]) in promise, promise
