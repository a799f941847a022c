"""The only place that caches: models once per server, traces once per (model, text, options).

Bundled models are shared by every session, so nothing here may change them: traces only read
them, and clamping goes through trace()'s `clamp` argument. Models a student trains or uploads
live in that student's session (see `session_models`) and are cached there.
"""
from __future__ import annotations

import streamlit as st

import rnnviz
from rnnviz.checkpoints import MODELS_DIR, read_card
from rnnviz.errors import RnnvizError
from rnnviz.model import Model
from rnnviz.trace import Trace

SESSION_MODELS = "session_models"        # name -> Model, this session's own models
SESSION_TRACES = "session_traces"        # (name, text, target, clamp) -> Trace


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
    return st.session_state.setdefault(SESSION_MODELS, {})


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
    cache = st.session_state.setdefault(SESSION_TRACES, {})
    key = (name, id(session_models()[name]), text, target, key_clamp)
    if key not in cache:
        if len(cache) > 64:
            cache.clear()
        cache[key] = rnnviz.trace(session_models()[name], text, target=target, clamp=dict(key_clamp))
    return cache[key]
