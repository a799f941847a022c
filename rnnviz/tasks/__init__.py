"""Synthetic grammars that generate labelled sentences for the bundled models.

    from rnnviz.tasks import get_task, TASKS
    task = get_task("story")
    train, test = task.split(4000, 500, seed=0)

Each task is seeded through a `random.Random` it is given, so one seed gives one data set.
A task also says what the pages ask of it: its prepared sentences (`examples()`), the concepts a
flag unit is looked for (`flag_concepts`) and the words that switch each one on (`triggers`).
"""
from __future__ import annotations

import json
from functools import cache

from ..errors import RnnvizError
from ..paths import ASSETS
from .base import Check, Example, Task
from .english import CorpusTask, EnglishCharsTask, EnglishTask
from .recall import RecallTask
from .sentiment import SentimentTask
from .story import StoryTask

_GRAMMARS: dict[str, Task] = {task.name: task for task in (StoryTask(), SentimentTask(), RecallTask())}
_CORPORA: dict[str, CorpusTask] = {task.name: task for task in (EnglishTask(), EnglishCharsTask())}
_TASKS: dict[str, Task] = {**_GRAMMARS, **_CORPORA}
TASKS: tuple[str, ...] = tuple(_GRAMMARS)   # the synthetic grammars: ("story", "sentiment", "recall")
CORPUS_TASKS: tuple[str, ...] = tuple(_CORPORA)   # real text: ("english", "english-chars")
ALL_TASKS: tuple[str, ...] = TASKS + CORPUS_TASKS
CONCEPTS: tuple[str, ...] = tuple(dict.fromkeys(c for task in _GRAMMARS.values() for c in task.flag_concepts))
"""Every flag concept of the bundled grammars, in the tasks' order: ("female", "plural", "negation")."""

# Sentences that belong to no grammar: the lesson model's and the lesson ideas'.
EXAMPLES_FILE = ASSETS / "examples.json"

__all__ = ["ALL_TASKS", "CONCEPTS", "CORPUS_TASKS", "TASKS", "Check", "CorpusTask", "Example", "Task", "get_task",
           "prepared", "trigger_words"]


def get_task(name: str) -> Task:
    """The task called `name` (one of TASKS)."""
    task = _TASKS.get(name.strip().lower()) if isinstance(name, str) else None
    if task is None:
        raise RnnvizError(f"There is no task called {name!r}. Choose one of: {', '.join(TASKS)}.")
    return task


def trigger_words(concept: str) -> tuple[str, ...]:
    """The words that switch `concept` on in any bundled grammar, sorted; () for another concept."""
    return tuple(sorted({word for task in _GRAMMARS.values() for word in task.triggers.get(concept, ())}))


def prepared() -> dict:
    """The prepared sentences: {"tasks": {task: [...]}, "ideas": {idea: [...]}}.

    A grammar's sentences come from its `examples()`, the others (the lesson model's, each
    lesson idea's) from rnnviz/assets/examples.json, which therefore holds no grammar's list.
    """
    extra = _examples_file()
    tasks = {name: task.examples() for name, task in _TASKS.items()}
    return {"tasks": tasks | {name: list(sentences) for name, sentences in extra["tasks"].items()},
            "ideas": {idea: list(sentences) for idea, sentences in extra["ideas"].items()}}


@cache
def _examples_file() -> dict:
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
