"""AppTest setup: the models every app test needs (see tests/conftest.py)."""
from __future__ import annotations

import sys

import pytest


@pytest.fixture(scope="session", autouse=True)
def _models_installed(required_models):
    """Every app test needs the bundled models: fail, never skip, when one is missing."""


@pytest.fixture(autouse=True)
def _no_keras_session_to_clear(monkeypatch):
    """Streamlit clears Keras's global session before every script run once `keras` is imported
    (ScriptRunner's _clean_problem_modules), which made each AppTest run 2–3× slower after the
    Keras tests' modules were collected. The app never imports Keras; its tests run as it does."""
    monkeypatch.delitem(sys.modules, "keras", raising=False)
