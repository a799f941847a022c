"""Session-wide test setup: the tiers, and the models every app and browser test needs.

Tiers follow the folders: tests/unit is marked `unit`, tests/app `app`, tests/e2e `e2e` (and
tests/notebook, tests/package theirs), so
`pytest -m unit` is the fast inner loop and plain `pytest` runs everything.

Every test reads the bundled models in rnnviz/assets/models/, exactly as the app does; a test that
needs another folder sets RNNVIZ_MODELS_DIR itself (see tests/app/test_model_folder.py).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from rnnviz import i18n
from rnnviz.runtime import use_one_thread

use_one_thread()      # the test run is an entry point too: tiny tensors, one thread


TIERS = ("unit", "app", "e2e", "notebook", "package")
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Mark each test with the tier of the folder it lives in."""
    for item in items:
        tier = item.path.relative_to(TESTS).parts[0]
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


# The models the pages and the app/browser tests name. Missing ones fail those tests, never skip.
REQUIRED_MODELS = [f"{task}-{cell}" for task in ("story", "sentiment", "recall")
                   for cell in ("lstm", "gru", "rnn")] + ["story-lstm-2layer", "sentiment-bilstm",
                                                          "english-lstm", "english-char-lstm"]


@pytest.fixture(scope="session")
def required_models() -> list[str]:
    """Fail (not skip) unless every model the app tests name is installed."""
    import rnnviz
    from rnnviz.checkpoints import MODELS_DIR

    installed = rnnviz.list_models()
    missing = [name for name in REQUIRED_MODELS if name not in installed]
    if missing:
        pytest.fail(f"These tests need the bundled models {', '.join(missing)}, but {MODELS_DIR} does "
                    "not have them. Train them (python -m rnnviz train ...) before running the tests.",
                    pytrace=False)
    return installed


@pytest.fixture
def filipino():
    """Every t() call of the test reads Filipino; the language source from before afterwards (the
    app's, if it is loaded). Yields the Filipino catalogue."""
    with i18n.speaking("fil"):
        yield i18n.catalogue("fil")
