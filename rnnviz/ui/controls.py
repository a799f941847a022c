"""Widgets every page shares, the opening every page starts with, and the URL that restores a view.

A view is a link: `text`, `model` and `step` live in the URL (widgets bound with
bind="query-params"). A malformed value falls back to the default, with a notice that says so.
The keys, of the session and of the URL, are in keys.py.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from rnnviz import tasks
from rnnviz.errors import RnnvizError
from rnnviz.i18n import known, t
from rnnviz.text import MAX_CHARS, MAX_TOKENS, tokenize
from rnnviz.ui import keys, loaders

TEACHER_SCALE = 1.5     # figure scale on a projector (theme.base_layout grows fonts and heights)
IDEAS = ("order", "unrolling", "negation", "vanishing", "flags", "gru", "bidirectional", "multilayer")
DEFAULT_MODEL = "story-lstm"
TASKS = ("story", "sentiment", "recall", "lesson")     # the model picker's order


def task_title(task: str) -> str:
    """The task's name in the current language ("Story (next word)"); "" for an unknown task."""
    return t(f"controls.task.{task}") if task in TASKS else ""


def idea_title(idea: str) -> str:
    """The lesson idea's name in the current language ("Order matters"); unknown ideas as they are."""
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
    """
    st.title(title)
    st.caption(intro)
    show_notices()
    name = st.session_state[keys.MODEL]
    if more is not None:
        more(name)
    return name, usable_text(sentence_box(name)), figure_scale()


def use_model(name: str) -> None:
    """Button callback: show `name` on every page (the sidebar picker's value)."""
    st.session_state[keys.MODEL] = name


def task_of(name: str) -> str:
    return loaders.card(name).get("task", "lesson")


def model_picker() -> str | None:
    """The model shared by every page (sidebar), bundled models grouped by task.

    Returns its name once it has loaded; None (after a friendly message) when no model can be read.
    """
    for name, why in loaders.broken_models().items():
        st.sidebar.warning(t("controls.model_unreadable", name=md_escape(name), why=md_escape(str(why))),
                           icon="⚠️")
    names = sorted(loaders.model_names(), key=lambda n: (TASKS.index(task_of(n))
                                                         if task_of(n) in TASKS else 9, n))
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
    """The sentence and one-click examples for the model's task. Returns the text as typed."""
    prepared = examples()["tasks"].get(task_of(model_name), [])
    if keys.TEXT not in st.session_state and keys.TEXT not in st.query_params:
        st.session_state[keys.TEXT] = prepared[0]
    _follow_task(task_of(model_name), prepared)
    text = st.text_area(t("controls.sentence_label"), key=keys.TEXT, bind="query-params", max_chars=MAX_CHARS,
                        height=68, placeholder=t("controls.sentence_placeholder",
                                                 example="alice says the movie was good ."))
    st.session_state[keys.view(keys.TEXT)] = text
    if prepared:
        st.pills(t("controls.examples_label"), prepared, key=keys.EXAMPLE_PICK, on_change=_use_example,
                 label_visibility="collapsed", selection_mode="single")
    if teaching():
        idea_pills()
    return text


def idea_pills() -> None:
    """Teacher mode: the lesson's prepared sentences, one click each, named by the idea they show."""
    firsts = {}
    for idea, sentences in examples()["ideas"].items():
        for sentence in sentences:
            firsts.setdefault(sentence, idea)
    st.pills(t("controls.ideas_label"), list(firsts), key=keys.IDEA_PICK, on_change=_use_example,
             args=(keys.IDEA_PICK,), format_func=lambda s: f"{idea_title(firsts[s])}: {_short(s)}",
             selection_mode="single")


def _short(sentence: str, words: int = 5) -> str:
    parts = sentence.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


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


def usable_text(text: str) -> str | None:
    """The text if a model can read it, else None after a friendly message on the page."""
    tokens = tokenize(text or "")
    if not tokens:
        st.info(t("controls.type_prompt"), icon="✍️")
        return None
    if len(tokens) > MAX_TOKENS:
        st.warning(t("controls.too_long", count=f"{len(tokens):,}", limit=MAX_TOKENS), icon="✂️")
    return text


def cursor(steps: int, where=None) -> int:
    """The token cursor t = 0 … T−1, counted from 0 as the lesson numbers tokens x_0 … x_n: the
    session's, else the link's `step`; a malformed or out-of-range link value ("2.5", "abc", "99")
    falls back to token 0 with a notice (in `where`, default the page). Kept inside the sentence."""
    if keys.STEP not in st.session_state:
        asked = st.query_params.get(keys.STEP)
        valid = asked is not None and asked.isdigit() and int(asked) < steps
        st.session_state[keys.STEP] = int(asked) if valid else 0
        if asked is not None and not valid:
            (where or st).info(t("controls.step_not_here", asked=md_escape(asked[:12]), last=steps - 1), icon="ℹ️")
    st.session_state[keys.STEP] = min(max(0, int(st.session_state[keys.STEP])), steps - 1)
    return st.session_state[keys.STEP]


def remember_step(step: int) -> None:
    """The step goes to the URL (by hand, not bound: a bound widget would round "2.5") and to the
    next page's cursor."""
    if step:
        st.query_params[keys.STEP] = str(step)
    else:
        st.query_params.pop(keys.STEP, None)
    st.session_state[keys.view(keys.STEP)] = step


def step_slider(steps: int) -> int:
    """The cursor as a slider (see `cursor`), remembered in the URL."""
    cursor(steps, where=st.empty())
    step = 0
    if steps > 1:
        step = st.slider(t("controls.step_label"), 0, steps - 1, key=keys.STEP, help=t("controls.step_help"))
    remember_step(step)
    return step


def move(delta: int, steps: int) -> None:
    """Button callback: move the cursor, wrapping around at both ends."""
    st.session_state[keys.STEP] = (st.session_state.get(keys.STEP, 0) + delta) % steps


def step_buttons(steps: int) -> None:
    """Previous / next, also on the ← and → keys."""
    left, right, _ = st.columns([1, 1, 3])
    left.button(t("controls.previous"), on_click=move, args=(-1, steps), shortcut="Left", width="stretch")
    right.button(t("controls.next"), on_click=move, args=(1, steps), shortcut="Right", width="stretch")


def md_escape(text: str) -> str:
    """User text made literal for st.markdown: every ASCII punctuation mark backslash-escaped,
    so no markdown, link, directive or HTML in a typed sentence is ever interpreted."""
    return _MD_SPECIAL.sub(r"\\\1", text)


_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def token_chips(trace, vocab) -> None:
    """The sentence as the model sees it: one chip per token, unknown words marked."""
    chips = [f":blue-background[{md_escape(tok)}]" if known else f":orange-background[{md_escape(tok)} ?]"
             for tok, known in zip(trace.tokens, trace.known)]
    st.markdown(" ".join(chips))
    unknown = int((~trace.known).sum())
    if unknown:
        st.caption(t("controls.unknown_tokens", unknown=unknown, steps=trace.steps))
    words = sorted(tok for tok in vocab.tokens if tok in vocab)
    with st.expander(t("controls.known_words", count=len(words))):
        st.text(" ".join(words))


def head_label(name: str) -> str:
    """What the last state feeds, in the lesson's words and the current language ("next word",
    "classifier"): a label to show, not to compare (ask the model's `spec.head_kind` instead)."""
    next_word = loaders.get_model(name).spec.head_kind.next_word
    return t("fig.common.next_word") if next_word else t("fig.common.classifier")
