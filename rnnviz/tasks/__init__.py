"""Synthetic grammars that generate labelled sentences for the bundled models.

    from rnnviz.tasks import get_task, TASKS
    task = get_task("story")
    train, test = task.split(4000, 500, seed=0)

Each task is seeded through a `random.Random` it is given, so one seed gives one data set.
"""
from __future__ import annotations

from ..errors import RnnvizError
from .base import Check, Example, Task
from .recall import RecallTask
from .sentiment import SentimentTask
from .story import StoryTask

_TASKS: dict[str, Task] = {task.name: task for task in (StoryTask(), SentimentTask(), RecallTask())}
TASKS: tuple[str, ...] = tuple(_TASKS)   # ("story", "sentiment", "recall")

__all__ = ["TASKS", "Check", "Example", "Task", "get_task"]


def get_task(name: str) -> Task:
    """The task called `name` (one of TASKS)."""
    task = _TASKS.get(name.strip().lower()) if isinstance(name, str) else None
    if task is None:
        raise RnnvizError(f"There is no task called {name!r}. Choose one of: {', '.join(TASKS)}.")
    return task
