"""The only place that caches: models once per server, traces once per (model, text, options).

Bundled models are shared by every session, so nothing here may change them: traces only read
them, and clamping goes through trace()'s `clamp` argument. Models a student trains or uploads
live in that student's session (see `session_models`) and are cached there.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

import rnnviz
from rnnviz.checkpoints import MODELS_DIR, read_card
from rnnviz.errors import RnnvizError
from rnnviz.model import Model
from rnnviz.registry import CELL_KINDS
from rnnviz.trace import Trace
from rnnviz.ui import keys

Value = TypeVar("Value")


@st.cache_resource(show_spinner=False)
def bundled_model(name: str) -> Model:
    return rnnviz.load_model(name)


@st.cache_resource(show_spinner=False)
def _read_cards() -> tuple[dict[str, dict], dict[str, str]]:
    cards, broken = {}, {}
    for name in rnnviz.list_models(MODELS_DIR):
        try:
            cards[name] = read_card(MODELS_DIR / f"{name}.json")
        except RnnvizError as err:
            broken[name] = str(err)
    return cards, broken


def bundled_cards() -> dict[str, dict]:
    """name -> model card, for every bundled model whose card can be read."""
    return _read_cards()[0]


def broken_models() -> dict[str, str]:
    """name -> why it could not be read, for the bundled models that are damaged."""
    return _read_cards()[1]


@st.cache_data(max_entries=512, show_spinner=False)
def _bundled_trace(name: str, text: str, target, clamp: tuple) -> Trace:
    return rnnviz.trace(bundled_model(name), text, target=target, clamp=dict(clamp))


def session_models() -> dict[str, Model]:
    return st.session_state.setdefault(keys.SESSION_MODELS, {})


def session_cached(store: str, key: tuple, compute: Callable[[], Value], limit: int = 64) -> Value:
    """`compute()`, once per `key`, kept in this session's `store` (a keys.SESSION_* dict).

    For what is computed from a session's own models: st.cache_data is shared by every session
    and cannot hash a model. A full store (more than `limit` entries) starts again empty.
    """
    cache = st.session_state.setdefault(store, {})
    if key not in cache:
        if len(cache) > limit:
            cache.clear()
        cache[key] = compute()
    return cache[key]


def model_names() -> list[str]:
    """Bundled models first, then this session's own."""
    return list(bundled_cards()) + [n for n in session_models() if n not in bundled_cards()]


def get_model(name: str) -> Model:
    own = session_models()
    return own[name] if name in own else bundled_model(name)


def card(name: str) -> dict:
    own = session_models()
    return own[name].card if name in own else bundled_cards().get(name, {})


def get_trace(name: str, text: str, target=None, clamp: dict | None = None) -> Trace:
    """The Trace of `text`, computed once: a step click or a rerun never recomputes it."""
    key_clamp = tuple(sorted((clamp or {}).items()))
    if name not in session_models():
        return _bundled_trace(name, text, target, key_clamp)
    model = session_models()[name]
    return session_cached(keys.SESSION_TRACES, (name, id(model), text, target, key_clamp),
                          lambda: rnnviz.trace(model, text, target=target, clamp=dict(key_clamp)))


# ---- labs: a task's three cells, untrained cells, gate saturation over a probe set ------------

def task_models(name: str) -> list[str]:
    """The bundled `<task>-<cell>` of `name`'s task for every cell kind, in the registry's order
    (`-rnn`, `-gru`, `-lstm`), if `name` is one of them; else [name]."""
    task = card(name).get("task")
    trio = [f"{task}-{cell}" for cell in CELL_KINDS if f"{task}-{cell}" in bundled_cards()]
    return trio if name in trio else [name]


@st.cache_resource(show_spinner=False, max_entries=256)
def untrained(cell: str, scale: float, nonlinearity: str = "tanh", forget_bias: float = 0.0) -> Model:
    """A fresh 1-layer model (orthogonal W_hh × scale), shared read-only by every session."""
    from rnnviz.analysis.gradients import untrained_model
    return untrained_model(cell, scale=scale, nonlinearity=nonlinearity, forget_bias=forget_bias)


@st.cache_data(max_entries=512, show_spinner=False)
def untrained_trace(cell: str, scale: float, nonlinearity: str, forget_bias: float, text: str) -> Trace:
    """The untrained model's Trace of `text` (analysis.gradients.lab_trace: L = log p of the
    class it finds least likely)."""
    from rnnviz.analysis.gradients import lab_trace
    return lab_trace(untrained(cell, scale, nonlinearity, forget_bias), text)


@st.cache_data(max_entries=512, show_spinner=False)
def untrained_radius(cell: str, scale: float, nonlinearity: str, forget_bias: float) -> float:
    """ρ(W_hh) of the untrained model's first layer (analysis.gradients.recurrent_radius)."""
    from rnnviz.analysis.gradients import recurrent_radius
    return recurrent_radius(untrained(cell, scale, nonlinearity, forget_bias))


@st.cache_data(max_entries=64, show_spinner=False)
def _bundled_saturation(name: str, text: str) -> dict:
    from rnnviz.analysis.saturation import saturation
    return saturation(bundled_model(name), [*flag_probe(card(name).get("task")), text])


def gate_saturation(name: str, text: str) -> dict:
    """analysis.saturation over the model card's probe set (flag_probe, below) plus `text`;
    a session's own model over `text` alone."""
    if name in session_models():
        from rnnviz.analysis.saturation import saturation
        return saturation(session_models()[name], [text])
    return _bundled_saturation(name, text)


def saturation_pool(name: str) -> str:
    """What gate_saturation counted for `name`: "probe" (its probe set and the sentence) or
    "sentence" (the sentence alone: a session's own model, or a task without a probe set)."""
    return "probe" if name not in session_models() and flag_probe(card(name).get("task")) else "sentence"


# ---- labs: flags (probe set, unit rankings, clamp flip rates, minimal pairs) -----------------

@st.cache_resource(show_spinner=False)
def flag_probe(task: str) -> tuple:
    """The probe set the model cards' flags were measured on (recipes.probe_set): 300 balanced
    sentences of `task`, none of them seen in training. A grammar's, or a corpus task's whose
    generator writes probe sentences for flag concepts (real English words: templates with
    she/he/they and negation); empty for any other task (the character task, a lesson model)."""
    from rnnviz import recipes
    from rnnviz.tasks import CORPUS_TASKS, TASKS, get_task
    from rnnviz.train import make_data
    probed = task in TASKS or task in CORPUS_TASKS and get_task(task).flag_concepts
    return tuple(recipes.probe_set(make_data(task), recipes.CARD_PROBE_SEED)) if probed else ()


def _flags(model, task: str, what: tuple):
    """The analysis behind every flag loader; `what` = ("ranking", concept, word) | ("flips",
    concept, unit) | ("pair", text_a, text_b)."""
    from rnnviz.analysis import flags
    from rnnviz.trace import read
    if what[0] == "pair":
        return flags.minimal_pair(model, what[1], what[2])
    probe = list(flag_probe(task))
    if not probe:
        return [] if what[0] == "ranking" else None
    kind, concept, extra = what
    if kind == "ranking" and extra is not None:
        return flags.trigger_scores(model, probe, extra)
    readings = [read(model, ex.tokens) for ex in probe]
    scores = flags.unit_scores(model, probe, concept, readings=readings)
    if kind == "ranking":
        return scores
    score = next((s for s in scores if s.key == tuple(extra)), None)
    if score is None:
        return None
    rate = flags.flip_rate(model, probe, concept, score.key, score.on, score.off, readings=readings)
    baseline = flags.random_flip_rate(model, probe, concept, exclude=[score.key], scores=scores,
                                      readings=readings)
    return rate, baseline


@st.cache_data(max_entries=256, show_spinner=False)
def _bundled_flags(name: str, what: tuple):
    return _flags(bundled_model(name), card(name).get("task", ""), what)


def _flags_of(name: str, what: tuple):
    if name not in session_models():
        return _bundled_flags(name, what)
    model = session_models()[name]
    return session_cached(keys.SESSION_FLAGS, (name, id(model), what),
                          lambda: _flags(model, card(name).get("task", ""), what))


def flag_ranking(name: str, concept: str, word: str | None = None) -> list:
    """Every unit ranked for `concept` over the probe set (analysis.flags.unit_scores), or for a
    typed trigger `word` (trigger_scores): UnitScores, best first; [] without a probe set."""
    return _flags_of(name, ("ranking", concept, word))


def flag_flip_rates(name: str, concept: str, unit: tuple[int, int, int]) -> tuple[float, float] | None:
    """(flip rate of `unit`, mean flip rate of 5 random units) over the probe set, each unit
    clamped to its typical on value where the concept is off and off where it is on."""
    return _flags_of(name, ("flips", concept, tuple(int(v) for v in unit)))


def flag_pair(name: str, text_a: str, text_b: str):
    """analysis.flags.minimal_pair of the two texts (a PairDiff)."""
    return _flags_of(name, ("pair", text_a, text_b))


# ---- make: training data, and the snapshots of a session's training job ------------------------

SNAPSHOT_PROBE = 60                      # probe sentences for a snapshot's flag ranking (small: 10 snapshots)


TRAINING_SLOTS = 2                       # jobs training at once, server-wide: keeps a class's server responsive


@st.cache_resource(show_spinner=False)
def training_slots() -> threading.BoundedSemaphore:
    """The server's training slots, one semaphore shared by every session's training threads."""
    return threading.BoundedSemaphore(TRAINING_SLOTS)


@st.cache_resource(show_spinner=False)
def training_data(task: str):
    """train.make_data(task), built once per server. Read-only for every session's training."""
    from rnnviz.train import make_data
    return make_data(task)


def _snapshot_cached(job, index: int, what: tuple, compute):
    return session_cached(keys.SESSION_SNAPSHOTS, (id(job), index, what), compute, limit=256)


def snapshot_model(job, index: int) -> Model:
    """The model as it was at the job's snapshot `index` (a copy: the job's model is untouched)."""
    def build():
        final = job.result.model
        model = Model(final.spec, final.vocab, dict(final.card))
        model.load_state_dict(job.snapshots[index][1])
        return model.eval()
    return _snapshot_cached(job, index, ("model",), build)


def snapshot_trace(job, index: int, text: str) -> Trace:
    return _snapshot_cached(job, index, ("trace", text), lambda: rnnviz.trace(snapshot_model(job, index), text))


def snapshot_ranking(job, index: int, concept: str) -> list:
    """analysis.flags.unit_scores of the snapshot for `concept` on the first SNAPSHOT_PROBE probe sentences."""
    def rank():
        from rnnviz.analysis import flags
        probe = list(flag_probe(job.task))[:SNAPSHOT_PROBE]
        return flags.unit_scores(snapshot_model(job, index), probe, concept) if probe else []
    return _snapshot_cached(job, index, ("ranking", concept), rank)


def snapshot_payload(job, text: str | None, concept: str | None, scale: float) -> dict:
    """The scrubber's whole view (figures.scrub_panel): every snapshot's reading of `text` and
    ranking for `concept` at once, built once per (job, text, concept, scale, language)."""
    from rnnviz.figures.scrub_panel import scrub_payload
    from rnnviz.i18n import language, t
    count = len(job.snapshots)

    def build():
        spec = job.result.model.spec
        return scrub_payload(
            [step for step, _ in job.snapshots], job.total, job.history,
            traces=[snapshot_trace(job, i, text) for i in range(count)] if text else [],
            rankings=[snapshot_ranking(job, i, concept) for i in range(count)] if concept else [],
            concept_name=t(f"train.concept.{concept}") if concept else "", layers=spec.layers,
            directions=spec.directions, scale=scale)
    return _snapshot_cached(job, -1, ("payload", text, concept, scale, language(), count), build)
