"""The real-English corpus the english-* models learn from (built by rnnviz.corpus.build).

    from rnnviz import corpus
    corpus.lines("train")      # ["a frontal appendage", "unsurpassable skill", ...]
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from ..errors import RnnvizError
from ..paths import ASSETS

CORPUS_DIR = ASSETS / "corpus" / "english"


@cache
def lines(part: str, folder: Path = CORPUS_DIR) -> tuple[str, ...]:
    """The items of one part ("train", "valid" or "test"), one per line."""
    path = Path(folder) / f"{part}.txt"
    if not path.exists():
        raise RnnvizError(f"The corpus part {path.name} is missing: build it with `python -m rnnviz corpus build`.")
    return tuple(path.read_text(encoding="utf-8").splitlines())
