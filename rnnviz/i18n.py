"""Every string the app shows, in English and Filipino.

The catalogues are rnnviz/assets/i18n/<lang>.json: flat {"area.name": "text"} maps with the same keys
in every language (a test checks it). Text may hold format fields, filled by keyword:

    t("step.inside", t_sub="₃")          # "Inside the cell at x₃" / "Sa loob ng cell sa x₃"

The language is asked for at each call from a source the app installs (`use_language`, the
session's `lang`); without one, English. Model inputs (sentences, vocabularies) stay English.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from .paths import ASSETS

LANGUAGES = {"en": "English", "fil": "Filipino"}
DEFAULT = "en"
FOLDER = ASSETS / "i18n"

_source: Callable[[], str] = lambda: DEFAULT


def use_language(source: Callable[[], str]) -> None:
    """Install where the current language comes from (a callable returning a LANGUAGES key)."""
    global _source
    _source = source


_speaking: ContextVar[str | None] = ContextVar("rnnviz_speaking", default=None)


@contextmanager
def speaking(lang: str):
    """Within the block, t() speaks `lang`, in this thread (or task) only: a download Streamlit
    builds in a thread of its own never changes the language another session is drawn in."""
    token = _speaking.set(lang)
    try:
        yield
    finally:
        _speaking.reset(token)


def language() -> str:
    """The current language; an unknown value counts as the default."""
    lang = _speaking.get() or _source()
    return lang if lang in LANGUAGES else DEFAULT


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of one language: {key: text}."""
    return json.loads((FOLDER / f"{lang}.json").read_text(encoding="utf-8"))


def known(key: str) -> bool:
    """True when the catalogues have `key` (for texts that exist only for some names)."""
    return key in catalogue(DEFAULT)


def t(key: str, /, lang: str | None = None, **fields) -> str:
    """The text under `key` in `lang` (default: the current language), its {fields} filled in.

    A key missing from the catalogue is a bug (KeyError): tests open every page in both languages.
    """
    text = catalogue(lang or language())[key]
    return text.format(**fields) if fields else text
