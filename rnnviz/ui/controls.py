"""Widgets every page shares, the opening every page starts with, and the URL that restores a view.

A view is a link: `text`, `model` and `step` live in the URL (the model's picker bound with
bind="query-params", the sentence and step written by hand: share.write_url). A malformed value
falls back to the default, with a notice that says so. The keys, of the session and of the URL, are in keys.py.
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Callable

import streamlit as st

from rnnviz import presets as lesson
from rnnviz import tasks
from rnnviz.errors import RnnvizError
from rnnviz.i18n import known, t
from rnnviz.text import MAX_CHARS, MAX_TOKENS
from rnnviz.ui import keys, loaders, presets, share

TEACHER_SCALE = 1.5     # figure scale on a projector (theme.base_layout grows fonts and heights)
IDEAS = lesson.NAMES            # the lesson's ideas, each a preset (rnnviz.presets), in the lesson's order
DEFAULT_MODEL = "story-lstm"
# The model picker's groups, in its order: real English first (for a student who types their own
# sentence), then the synthetic grammars (the clean laboratory), then a student's own models.
TASKS = ("english", "english-chars", "story", "sentiment", "recall", "lesson")


def task_title(task: str) -> str:
    """The task's name in the current language ("Story (next word)"); "" for an unknown task."""
    return t(f"controls.task.{task}") if task in TASKS else ""


def idea_title(idea: str) -> str:
    """The lesson idea's (a preset's) name in the current language ("Order matters"); unknown ideas as they are."""
    return t(f"controls.idea.{idea}") if idea in IDEAS else idea


def examples() -> dict:
    """Prepared sentences: {"tasks": {task: [...]}, "ideas": {idea: [...]}} (rnnviz.tasks.prepared)."""
    return tasks.prepared()


def notice(message: str) -> None:
    """Queue a friendly message for the top of the page (shown once)."""
    queue = st.session_state.setdefault(keys.NOTICES, [])
    if message not in queue:
        queue.append(message)


def show_notices() -> None:
    """The queued notices. They quote links and files, so each is shown as literal text (a
    notice is a plain sentence: catalogue texts queued here carry no markdown of their own)."""
    for message in st.session_state.pop(keys.NOTICES, []):
        st.info(md_escape(message), icon="ℹ️")


def enter_page(page_id: str) -> None:
    """On a page switch, give the new page's widgets the sentence and step the last page showed.

    Each page has its own text box and slider under the same keys; Streamlit does not hand a
    value from one page's widget to the next, so it is copied here, once per switch (copying on
    every run would overwrite what the student has just typed).
    """
    if st.session_state.get(keys.LAST_PAGE, page_id) != page_id:
        for key in (keys.TEXT, keys.STEP):
            if keys.view(key) in st.session_state:
                st.session_state[key] = st.session_state[keys.view(key)]
    st.session_state[keys.LAST_PAGE] = page_id


def page_top(title: str, intro: str, more: Callable[[str], None] | None = None) -> tuple[str, str | None, float]:
    """Every page's opening: its title and introduction, the notices, `more(model name)` (what a
    page says before its sentence box, if anything), and the sentence box.

    Returns the model's name, the sentence (None, after a friendly message, if there is nothing
    to read) and the figure scale (larger in teacher mode).

    Compact, so a page's pictures start high: on a projector (teacher mode) the title is a
    subheading with the introduction behind its (?) and the sentence box folds away once there is
    a sentence (the pictures show it; presets and links set it).
    """
    box = None                      # where the sentence box goes: teacher mode folds it beside the title
    name = st.session_state[keys.MODEL]
    if teaching():
        heading, beside = st.columns(2, vertical_alignment="center")
        heading.subheader(title, anchor=False, help=intro)
        typed = st.session_state.get(keys.TEXT, st.query_params.get(keys.TEXT))   # None: an example comes
        box = beside.expander(t("controls.change_sentence"), icon=":material/edit:",
                              expanded=typed is not None and not loaders.get_model(name).tokenize(typed))
    else:
        st.title(title, anchor=False)
        st.caption(intro)
    show_notices()
    presets.claim_callout()         # a lesson preset's view: the one thing it shows, measured
    if more is not None:
        more(name)
    with box or contextlib.nullcontext():
        text = sentence_box(name)
    return name, usable_text(text, name), figure_scale()


def use_model(name: str) -> None:
    """Button callback: show `name` on every page (the sidebar picker's value)."""
    st.session_state[keys.MODEL] = name


def task_of(name: str) -> str:
    return loaders.card(name).get("task", "lesson")


def picker_order(names) -> list[str]:
    """The models in the pickers' order: grouped by task in TASKS order (real English first, then
    the grammars, then the student's own), by name within a group; a task not in TASKS last."""
    def place(name: str) -> tuple[int, str]:
        task = task_of(name)
        return TASKS.index(task) if task in TASKS else len(TASKS), name
    return sorted(names, key=place)


def model_picker() -> str | None:
    """The model shared by every page (sidebar), bundled models grouped by task.

    Returns its name once it has loaded; None (after a friendly message) when no model can be read.
    """
    for name, why in loaders.broken_models().items():
        st.sidebar.warning(t("controls.model_unreadable", name=md_escape(name), why=md_escape(str(why))),
                           icon="⚠️")
    names = picker_order(loaders.model_names())
    if not names:
        st.error(t("controls.no_models"), icon="📦")
        return None
    asked = st.query_params.get(keys.MODEL)
    if asked is not None and asked not in names:
        notice(t("controls.model_not_here", asked=asked[:40], fallback=DEFAULT_MODEL))
    default = names.index(DEFAULT_MODEL) if DEFAULT_MODEL in names else 0
    name = st.sidebar.selectbox(t("controls.model_label"), names, index=default, key=keys.MODEL,
                                bind="query-params", help=t("controls.model_help"))
    st.sidebar.caption(task_title(task_of(name)) + " — " + model_description(name))
    try:
        loaders.get_model(name)
    except RnnvizError as err:
        st.error(t("controls.model_unopenable", name=md_escape(name), why=md_escape(str(err))), icon="⚠️")
        return None
    return name


def model_description(name: str) -> str:
    """A bundled model's one line in the current language; another model's line from its card."""
    key = f"controls.model.{name}"
    return t(key) if known(key) else loaders.card(name).get("description", "")


def sentence_box(model_name: str) -> str:
    """The sentence and one-click examples for the model's task. Returns the text as typed.

    The sentence is in the URL, written by hand rather than bound (Streamlit drops a bound value
    on Back to another page, since each page has its own box): a link's sentence on the first
    visit, and the sentence and step of the entry Back or Forward returns to (share.url_value)."""
    first_run = share.history_guard()
    prepared = examples()["tasks"].get(task_of(model_name), [])
    if keys.TEXT not in st.session_state:
        st.session_state[keys.TEXT] = st.query_params.get(keys.TEXT, prepared[0] if prepared else "")[:MAX_CHARS]
    _follow_task(task_of(model_name), prepared)
    _follow_history()
    text = st.text_area(t("controls.sentence_label"), key=keys.TEXT, max_chars=MAX_CHARS,
                        height=68, placeholder=t("controls.sentence_placeholder",
                                                 example="alice says the movie was good ."))
    if not first_run or keys.TEXT in st.query_params:     # a first run adds nothing (share.history_guard)
        share.write_url(keys.TEXT, text)
    st.session_state[keys.view(keys.TEXT)] = text
    if prepared:
        st.pills(t("controls.examples_label"), prepared, key=keys.EXAMPLE_PICK, on_change=_use_example,
                 label_visibility="collapsed", selection_mode="single")
    return text


def _follow_history() -> None:
    """Back or Forward brought the URL of another view: its sentence and step replace the session's
    (and the cursor keeps that step for that sentence, see `cursor`)."""
    text, step = share.url_value(keys.TEXT), share.url_value(keys.STEP)
    if text is not None:
        st.session_state[keys.TEXT] = st.session_state[keys.view(keys.TEXT)] = text[:MAX_CHARS]
    if step is not None and step.isdigit():
        st.session_state[keys.STEP] = st.session_state[keys.view(keys.STEP)] = int(step)
        st.session_state[keys.CURSOR_OF] = [st.session_state[keys.TEXT], st.session_state.get(keys.MODEL), int(step)]


def _follow_task(task: str, prepared: list[str]) -> None:
    """A new task's model gets that task's example, unless the sentence is the student's own."""
    before = st.session_state.get(keys.LAST_TASK)
    st.session_state[keys.LAST_TASK] = task
    was_an_example = st.session_state.get(keys.TEXT) in examples()["tasks"].get(before, [])
    if before and before != task and prepared and was_an_example:
        st.session_state[keys.TEXT] = prepared[0]


def _use_example(key: str = keys.EXAMPLE_PICK) -> None:
    picked = st.session_state.get(key)
    if picked:
        st.session_state[keys.TEXT] = picked
        st.session_state[keys.STEP] = 0
        st.session_state[key] = None


def keep_step() -> None:
    """A page without a cursor keeps a valid `step` from its link for the next page's cursor."""
    asked = st.query_params.get(keys.STEP)
    if keys.STEP not in st.session_state and asked is not None and asked.isdigit():
        st.session_state[keys.view(keys.STEP)] = int(asked)


# ---- teacher mode ----------------------------------------------------------------------------

def asked_for_teacher() -> bool:
    return st.query_params.get(keys.TEACHER, "").lower() in ("1", "true", "yes", "on")


def teaching() -> bool:
    """Teacher mode is on (before the toggle's first run: the link asks for it)."""
    return bool(st.session_state[keys.TEACHER]) if keys.TEACHER in st.session_state else asked_for_teacher()


def figure_scale() -> float:
    """The `scale` every figure builder gets: 1.0, or TEACHER_SCALE in teacher mode."""
    return TEACHER_SCALE if teaching() else 1.0


def usable_text(text: str, name: str) -> str | None:
    """The text if model `name` can read it, else None after a friendly message on the page.
    Split as that model reads it (words, or characters): a text longer than MAX_TOKENS tokens is
    read up to there, and the page says so."""
    model = loaders.get_model(name)
    tokens = model.tokenize(text or "")
    if not tokens:
        st.info(t("controls.type_prompt"), icon="✍️")
        return None
    if len(tokens) > MAX_TOKENS:
        st.warning(worded("controls.too_long", model, count=f"{len(tokens):,}", limit=MAX_TOKENS), icon="✂️")
    return text


def worded(key: str, model, **fields) -> str:
    """The catalogue text `key` in the words that fit how `model` reads: its variant
    `<key>.<tokenizer>` where the catalogue has one (controls.unknown_mark.chars speaks of
    characters outside an alphabet, not of words never seen in training), else `key` itself."""
    variant = f"{key}.{model.spec.tokenizer}"
    return t(variant if known(variant) else key, **fields)


def cursor(steps: int, where=None) -> int:
    """The token cursor t = 0 … T−1, counted from 0 as the lesson numbers tokens x_0 … x_n: the
    session's, else the link's `step`; a malformed or out-of-range link value ("2.5", "abc", "99")
    falls back to token 0 with a notice (in `where`, default the page). Kept inside the sentence.

    A new sentence or model starts at token 0, unless whatever changed it also set the step (a
    preset, a link): the cursor remembers [sentence, model, step] it last kept (keys.CURSOR_OF)."""
    reading = [st.session_state.get(keys.TEXT), st.session_state.get(keys.MODEL)]
    kept = st.session_state.get(keys.CURSOR_OF)
    if kept and kept[:2] != reading and st.session_state.get(keys.STEP) == kept[2]:
        st.session_state[keys.STEP] = 0
    if keys.STEP not in st.session_state:
        asked = st.query_params.get(keys.STEP)
        valid = asked is not None and asked.isdigit() and int(asked) < steps
        st.session_state[keys.STEP] = int(asked) if valid else 0
        if asked is not None and not valid:
            (where or st).info(t("controls.step_not_here", asked=md_escape(asked[:12]), last=steps - 1), icon="ℹ️")
    st.session_state[keys.STEP] = min(max(0, int(st.session_state[keys.STEP])), steps - 1)
    st.session_state[keys.CURSOR_OF] = [*reading, st.session_state[keys.STEP]]
    return st.session_state[keys.STEP]


def remember_step(step: int) -> None:
    """The step goes to the URL (by hand, not bound: a bound widget would round "2.5"; it replaces
    the history entry, see share.write_url) and to the next page's cursor."""
    share.write_url(keys.STEP, str(step) if step else None)
    st.session_state[keys.view(keys.STEP)] = step


def md_escape(text: str) -> str:
    """User text made literal for st.markdown: every ASCII punctuation mark backslash-escaped,
    so no markdown, link, directive or HTML in a typed sentence is ever interpreted."""
    return _MD_SPECIAL.sub(r"\\\1", text)


_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def head_label(name: str) -> str:
    """What the last state feeds, in the lesson's words and the current language ("next word",
    "next character", "classifier"): a label to show, not to compare (ask the model's
    `spec.head_kind` instead)."""
    model = loaders.get_model(name)
    return worded("fig.common.next_word", model) if model.spec.head_kind.next_word else t("fig.common.classifier")
