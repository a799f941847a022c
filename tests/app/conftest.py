"""AppTest setup: the models every app test needs (see tests/conftest.py)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _models_installed(required_models):
    """Every app test needs the bundled models: fail, never skip, when one is missing."""
