"""What the real-English models' cards report, measured: held-out cross-entropy against n-gram
baselines, and, for the word model, flags and number agreement on probe sentences written for the
measurement (EnglishTask.sample), never on corpus text.

Agreement (Linzen et al. 2016; Lakretz et al. 2019): after "the boy near the cars", is the
probability of "is" above that of "are"? Reported over every probe sentence, and over those whose
attractor has the other number than the subject (the hard case, where a model that copies the
nearest noun's number fails).
"""
from __future__ import annotations

import numpy as np

from ..tasks import get_task
from ..tasks.english import ATTRACTORS
from ..train import Data, check_predictions, evaluate, next_token_scores
from .flags import find_flags

TARGETS = {"flag_auroc": 0.9, "agreement": 0.8}    # what issue 14 asks of the word model on its probes
_PLURAL_NOUNS = {plural for *_, plural in ATTRACTORS}
_NOUNS = _PLURAL_NOUNS | {singular for *_, singular, _plural in ATTRACTORS}


def held_out(model, data: Data, baselines: dict) -> dict:
    """The model's test-part scores beside the n-gram baselines', and whether it beats the best."""
    scores = next_token_scores(model, data.tensors("test"))
    best = min(baselines, key=lambda name: baselines[name]["cross_entropy"])
    return {"test": scores, "baselines": baselines, "best_baseline": best,
            "beats_best_baseline": scores["cross_entropy"] < baselines[best]["cross_entropy"],
            "unit": "nats per token (bits per token beside)"}


def agreement(model, probe) -> dict:
    """is/are accuracy after the subject, on all probe sentences and on the incongruent attractors."""
    verbs = [(ex, i) for ex in probe for i, check in enumerate(ex.checks) if check.kind == "verb"]
    predicted, expected = check_predictions(model, [ex for ex, _ in verbs])
    right = [bool(predicted[row, k] == expected[row, k]) for row, (_, k) in enumerate(verbs)]
    incongruent = [_attractor_disagrees(ex, ex.checks[i].position) for ex, i in verbs]
    hard = [ok for ok, flag in zip(right, incongruent) if flag]
    return {"accuracy": float(np.mean(right)), "count": len(right),
            "incongruent_attractor_accuracy": float(np.mean(hard)) if hard else None,
            "incongruent_count": len(hard)}


def _attractor_disagrees(example, position: int) -> bool:
    """The noun right before the verb is an attractor whose number differs from the subject's."""
    noun = example.tokens[position]
    return noun in _NOUNS and (noun in _PLURAL_NOUNS) != example.concepts["plural"]


def word_probe_report(model, probe) -> dict:
    """Flags (female, plural, negation), agreement and each target met or not, on the probe sentences."""
    task = get_task("english")
    flags, agreed = find_flags(model, task, probe), agreement(model, probe)
    return {"flags": flags, "agreement": agreed, "probe_accuracy": evaluate(model, task, probe),
            "targets": targets(flags, agreed)}


def targets(flags: list[dict], agreed: dict) -> dict:
    """Whether each flag's AUROC and the agreement accuracy reach TARGETS."""
    return {"flag_auroc": TARGETS["flag_auroc"], "agreement": TARGETS["agreement"],
            "flags_met": {f["concept"]: f["auroc"] >= TARGETS["flag_auroc"] for f in flags},
            "agreement_met": agreed["accuracy"] >= TARGETS["agreement"]}
