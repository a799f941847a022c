"""The Flags lab's widgets: which concept, which unit (kept in the URL), what to clamp it to, and
the minimal pair.

The unit lives in the URL as `unit`:
    ?unit=11        a model with one layer read in one direction (layer 0, direction 0, unit 11)
    ?unit=1:0:5     any model: LAYER:DIR:UNIT (the CLI's --clamp format); DIR 0 forward, 1 backward
The app writes the short form for one-layer, one-direction models and LAYER:DIR:UNIT otherwise;
it reads both (the short form only where it is unambiguous). Anything else, or a unit the model
does not have, falls back to the default unit (the card's flag for the concept, else the best
ranked unit) with a notice that stays until the student picks a unit.
"""
from __future__ import annotations

import re

import streamlit as st

from rnnviz.analysis import char_cells
from rnnviz.analysis.flags import CARD_KEYS as FLAG_CARD_KEYS
from rnnviz.figures.flags import unit_label
from rnnviz.i18n import language, t
from rnnviz.tasks import CONCEPTS, trigger_words
from rnnviz.text import MAX_CHARS
from rnnviz.ui import controls, keys, loaders
from rnnviz.ui.stepper import chart_config, clicked_point

Unit = tuple[int, int, int]
WORD_CHOICE = "word"                      # the concept option "a word you choose"
DEFAULT_WORDS = {"recall": "red"}         # a word the task's practice sentences hold; else "not"
PAIRS = {
    "story": [("alice says the movie was good . she is happy .",
               "alice and tom say the movie was good . they are happy ."),
              ("alice says the movie was good . she is happy .",
               "alice says the movie was not good . she is sad ."),
              ("alice says the movie was good . she is happy .",
               "tom says the movie was good . he is happy .")],
    "sentiment": [("the movie was good", "the movie was not good"),
                  ("the acting was bad but the story was great .", "the acting was great but the story was bad .")],
    "recall": [("the key is red . the cat sat on the mat . what colour was the key ?",
                "the key is blue . the cat sat on the mat . what colour was the key ?")],
    "english": [("the girl near the cars is tired . she did not want any bread .",
                 "the boy near the cars is tired . he did not want any bread ."),
                ("the boy near the cars is happy .", "the boys near the car are happy ."),
                ("my mother said the film was good .", "my mother said the film was not good .")],
    "english-chars": [('She said "yes" and went home.', "She said yes and went home."),
                      ("The cat sat on the mat.", "The cats sat on the mat.")],
}
_UNIT_TEXT = re.compile(r"\s*(\d{1,4})\s*:\s*(\d{1,4})\s*:\s*(\d{1,4})\s*|\s*(\d{1,4})\s*")


# ---- the unit and the URL --------------------------------------------------------------------

def all_units(spec) -> list[Unit]:
    return [(layer, d, u) for layer in range(spec.layers) for d in range(spec.directions)
            for u in range(spec.hidden_size)]


def single_slice(spec) -> bool:
    return spec.layers == 1 and spec.directions == 1


def unit_text(spec, unit: Unit) -> str:
    """The unit as the URL writes it: "11", or "1:0:5" when the model has more than one slice."""
    return str(unit[2]) if single_slice(spec) else ":".join(str(v) for v in unit)


def parse_unit(spec, text) -> Unit | None:
    """The unit named by `text` ("11" or "LAYER:DIR:UNIT"), or None if malformed or absent."""
    match = _UNIT_TEXT.fullmatch(str(text or ""))
    if match is None:
        return None
    if match.group(4) is not None:
        unit = (0, 0, int(match.group(4))) if single_slice(spec) else None
    else:
        unit = tuple(int(v) for v in match.group(1, 2, 3))
    return unit if unit in set(all_units(spec)) else None


def name_of(spec, unit: Unit, lang: str | None = None) -> str:
    return unit_label(unit, spec.layers, spec.directions, lang)


def concept_label(concept: str, lang: str | None = None) -> str:
    """The concept as the radio shows it ("female subject (she)"), in `lang` (default: the current one).

    The code keeps the English ids ("female"); an id the catalogue does not know is shown as it is.
    """
    return t(f"units.concept.{concept}", lang) if concept in CONCEPTS + (WORD_CHOICE,) else concept


def concept_name(concept: str) -> str:
    """The concept's short name ("female") in the current language, for the card's table; a
    character model's measured feature ("quote") by what it marks ("inside quotes")."""
    if concept in char_cells.FEATURES:
        return t(f"flags.chars.on.{concept}")
    return t(f"units.concept_name.{concept}") if concept in CONCEPTS else concept


def _bad_link_message(spec, asked: str) -> str:
    """Why the link's unit `asked` was not used, in the current language."""
    form = t("units.form_short") if single_slice(spec) else t("units.form_long")
    return t("units.bad_link", asked=str(asked)[:20], form=form, last=spec.hidden_size - 1)


def read_link(spec) -> None:
    """Take the unit from the URL once per session. A unit the model does not have falls back to
    the default with a notice, repeated on every run until the student picks a unit."""
    state = st.session_state
    if keys.UNIT not in state and keys.UNIT_NOTICE not in state:
        asked = st.query_params.get(keys.UNIT)
        unit = parse_unit(spec, asked)
        if unit is not None:
            state[keys.UNIT] = unit
            state[keys.UNIT_CONTEXT] = None                # keep it whatever concept comes first
        elif asked is not None:
            state[keys.UNIT_NOTICE] = str(asked)           # the message is written at each run, in its language
    if keys.UNIT_NOTICE in state:
        controls.notice(_bad_link_message(spec, state[keys.UNIT_NOTICE]))


def _forget_notice() -> None:
    st.session_state.pop(keys.UNIT_NOTICE, None)


def unit_picker(spec, default: Unit, context, label: str | None = None) -> Unit:
    """The selected unit (URL `unit`). It returns to `default` when the model or concept changes."""
    options = all_units(spec)
    before = st.session_state.get(keys.UNIT_CONTEXT, "unset")
    if st.session_state.get(keys.UNIT) not in options or (before != context and before is not None):
        st.session_state[keys.UNIT] = default if default in options else options[0]
        if before not in ("unset", None):
            _forget_notice()
    st.session_state[keys.UNIT_CONTEXT] = context
    lang = language()        # the options keep the language they were drawn in, whoever formats them
    unit = st.selectbox(label or t("units.picker_label"), options, key=keys.UNIT,
                        format_func=lambda u: name_of(spec, u, lang), persist_state="session",
                        on_change=_forget_notice, help=t("units.picker_help"))
    st.query_params[keys.UNIT] = unit_text(spec, unit)
    return unit


def pick_from_chart(key: str, spec, layer: int = 0, direction: int = 0) -> None:
    """Chart callback: the clicked mark's customdata names the unit ([unit, step] on a one-slice
    heatmap, [layer, direction, unit, …] on the Flags charts)."""
    data = clicked_point(key)
    if data is None or len(data) < 2:
        return
    try:
        unit = (layer, direction, int(data[0])) if len(data) == 2 else tuple(int(v) for v in data[:3])
    except (TypeError, ValueError):
        return
    if unit in set(all_units(spec)):
        st.session_state[keys.UNIT] = unit
        _forget_notice()


# ---- the concept, the clamp value ------------------------------------------------------------

def concept_picker(concepts, task: str) -> tuple[str, str | None]:
    """(concept, None) for a concept of the grammar, or (WORD_CHOICE, word) for a typed word: its
    first token as the page's model reads it (a word, or a character model's first character)."""
    options = list(concepts) + [WORD_CHOICE]
    if st.session_state.get(keys.FLAG_CONCEPT) not in options:
        st.session_state[keys.FLAG_CONCEPT] = options[0]
    lang = language()
    concept = st.radio(t("units.concept_label"), options, key=keys.FLAG_CONCEPT, horizontal=True,
                       format_func=lambda c: concept_label(c, lang))
    if concept != WORD_CHOICE:
        return concept, None
    st.session_state.setdefault(keys.FLAG_WORD, DEFAULT_WORDS.get(task, "not"))
    typed = st.text_input(t("units.trigger_label"), key=keys.FLAG_WORD, max_chars=40, help=t("units.trigger_help"))
    words = loaders.get_model(st.session_state[keys.MODEL]).tokenize(typed or "")
    return WORD_CHOICE, (words[0] if words else None)


def trigger_position(tokens, concept: str, word: str | None) -> int | None:
    """Where the trigger first appears in `tokens`: the typed word, or a word of the concept."""
    words = {word} if concept == WORD_CHOICE else set(trigger_words(concept))
    return next((t for t, token in enumerate(tokens) if token in words), None)


def card_flag_units(card: dict, spec) -> list[tuple[dict, Unit]]:
    """The card's measured flags that fit this model: (entry, unit)."""
    flags = card.get("flags") if isinstance(card.get("flags"), list) else []
    found = []
    for f in flags:
        if not (isinstance(f, dict) and all(k in f for k in FLAG_CARD_KEYS)):
            continue
        if all(isinstance(f[k], (int, float)) for k in FLAG_CARD_KEYS[1:]):
            unit = parse_unit(spec, f"{f['layer']}:{f['direction']}:{f['unit']}")
            if unit is not None:
                found.append((f, unit))
    return found


def card_units(card: dict, spec, concept: str) -> list[Unit]:
    """The card's flag units for `concept` (usually one)."""
    return [unit for f, unit in card_flag_units(card, spec) if f["concept"] == concept]


def changes_text(changes) -> str:
    """One line per token whose prediction the clamp changed; the tokens and words escaped."""
    lines = [t("flags.change", step=step, token=controls.md_escape(tok), was=controls.md_escape(was),
               p=f"{p:.0%}", now=controls.md_escape(now), q=f"{q:.0%}")
             for step, tok, was, p, now, q in changes]
    return "  \n".join(lines) or t("flags.no_change")


def clamp_choice(score) -> tuple[str, float]:
    """("off" | "on" | "zero", value): the unit's typical off / on value (from `score`) or 0."""
    values = {"off": score.off, "on": score.on} if score is not None else {}
    values["zero"] = 0.0
    if st.session_state.get(keys.CLAMP_TO) not in values:
        st.session_state[keys.CLAMP_TO] = next(iter(values))
    lang = language()
    picked = st.radio(t("units.clamp_label"), list(values), key=keys.CLAMP_TO, horizontal=True,
                      format_func=lambda k: f"{t(f'units.clamp.{k}', lang)} = {values[k]:+.2f}")
    return picked, float(values[picked])


# ---- the minimal pair ------------------------------------------------------------------------

def pair_inputs(task: str) -> tuple[str, str]:
    """Two editable sentences, prefilled with a prepared pair for the model's task."""
    prepared = PAIRS.get(task) or [pair for pairs in PAIRS.values() for pair in pairs][:1]
    state = st.session_state
    before = state.get(keys.PAIR_TASK)
    follows = before != task and (state.get(keys.PAIR_A), state.get(keys.PAIR_B)) in \
        [pair for pairs in PAIRS.values() for pair in pairs]
    if keys.PAIR_A not in state or keys.PAIR_B not in state or follows:
        state[keys.PAIR_A], state[keys.PAIR_B] = prepared[0]
    state[keys.PAIR_TASK] = task
    if len(prepared) > 1:
        st.selectbox(t("units.pairs_label"), range(len(prepared)), key=keys.PAIR_PICK, index=None,
                     format_func=lambda k: " ↔ ".join(prepared[k]), on_change=_use_pair, args=(prepared,),
                     placeholder=t("units.pairs_placeholder"))
    left, right = st.columns(2)
    a = left.text_input(t("units.sentence_a"), key=keys.PAIR_A, max_chars=MAX_CHARS)
    b = right.text_input(t("units.sentence_b"), key=keys.PAIR_B, max_chars=MAX_CHARS)
    return a, b


def _use_pair(prepared) -> None:
    k = st.session_state.get(keys.PAIR_PICK)
    if k is not None:
        st.session_state[keys.PAIR_A], st.session_state[keys.PAIR_B] = prepared[k]
        st.session_state[keys.PAIR_PICK] = None


def clickable(fig, key: str, spec, layer: int = 0, direction: int = 0) -> None:
    """A chart whose clicked bar, line point or heatmap cell selects that unit."""
    st.plotly_chart(fig, key=key, theme=None, on_select=lambda: pick_from_chart(key, spec, layer, direction),
                    selection_mode="points", config=chart_config(key))
