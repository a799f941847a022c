"""The Flags lab in plain words: the sentence's own words coloured by one unit beside its contrast
sentences (with a caption computed from what the picture shows), the model card's flags as
sentences a student can read, and the clamp shown on a sentence where it changes something.

The Flags page and the tour's flag section draw the same view (`coloured_words`).
"""
from __future__ import annotations

import streamlit as st

from rnnviz.analysis import char_cells
from rnnviz.analysis.clamp import flipping_example
from rnnviz.analysis.contrast import concept_on, concept_side, contrast_rows, read_rows
from rnnviz.analysis.lab import prediction_changes
from rnnviz.errors import RnnvizError
from rnnviz.figures import flags as figs
from rnnviz.figures import theme
from rnnviz.i18n import language, t
from rnnviz.tasks import CONCEPTS
from rnnviz.text import tokenize
from rnnviz.ui import controls, keys, loaders, units
from rnnviz.ui.stepper import chart

SENTENCES = ("yours", "demo")        # the clamp reads the student's sentence, or one where it flips
TOUR_MODEL, TOUR_CONCEPT = "story-lstm", "female"   # the tour's flag view when the student's model has no such flag
NO_OUTLINE = -1                      # coloured_text_figure's read_at that outlines no character
CHARACTERS = "characters"            # the unit picker's context on a character model


# ---- the words coloured by one unit -----------------------------------------------------------

def row_label(row, word: str | None, escape) -> str:
    """"male subject (he)", "with “not”" … and "· your sentence" on the student's row; `escape`
    makes the typed word safe for where the label is shown (markdown or a figure)."""
    label = t(f"flags.row.{row.kind}", word=escape(word or ""))
    return t("flags.row.yours_mark", row=label) if row.yours and row.kind != "yours" else label


def coloured_words(name: str, text: str, concept: str, word: str | None, unit, scale: float,
                   key: str = "flag_words") -> list:
    """Draw the student's sentence and its contrasts coloured by `unit`, then the caption that
    reads the picture's own numbers. Returns the contrast rows."""
    rows = contrast_rows(controls.task_of(name) or "", concept, text, word)
    if not rows:
        return rows
    traces = [loaders.get_trace(name, row.text) for row in rows]
    read_at = [min(row.read_at, tr.steps - 1) for row, tr in zip(rows, traces)]    # a long text is cut
    labels = [row_label(row, word, str) for row in rows]          # the figure escapes them
    chart(figs.coloured_text_figure(traces, unit, labels, read_at, scale=scale), key)
    st.caption(words_caption(name, rows, traces, read_at, concept, word, unit))
    return rows


def signed(value: float) -> str:
    """+2.99, −3.12: a value with its sign, the minus as a real minus sign."""
    return f"{value:+.2f}".replace("-", "−")


def words_caption(name: str, rows, traces, read_at, concept: str, word: str | None, unit) -> str:
    """What the picture shows, in words computed from its values: the unit at each outlined word,
    whether the sentence with the concept stands out there, and where it is strongest in the
    student's sentence."""
    layer, direction, index = unit
    reading = read_rows([tr.flag_states[layer, direction, :, index] for tr in traces], read_at)
    places = [t("flags.words.before", word=controls.md_escape(row.decided)) if row.decided and at == row.read_at
              else t("flags.words.after", token=controls.md_escape(tr.tokens[at]),
                     row=row_label(row, word, controls.md_escape))
              for row, tr, at in zip(rows, traces, read_at)]
    readings = ", ".join(t("flags.words.reading", value=signed(v), place=place)
                         for v, place in zip(reading.at_decision, places))
    parts = [t("flags.words.intro", unit=units.name_of(loaders.get_model(name).spec, unit),
               state=theme.state_label(traces[0].cell_kind.flag_state)),
             t("flags.words.readings", readings=readings)]
    on = [place for row, place in zip(rows, places) if concept_on(row, concept)]
    if on and len(rows) > 1:
        parts.append(t(f"flags.words.{concept_side(rows, reading, concept) or 'overlap'}", place=on[0]))
    yours = next((k for k, row in enumerate(rows) if row.yours), None)
    if yours is not None:
        step, value = reading.peaks[yours]
        parts.append(t("flags.words.strongest", token=controls.md_escape(traces[yours].tokens[step]),
                       value=signed(value)))
    return " ".join(parts)


# ---- the model card's flags, in plain words -----------------------------------------------------

def card_table(name: str, card: dict, spec) -> None:
    """The flag units measured when the model was trained: what each tells apart, in how many of
    the practice sentences, and how often switching it changes the choice; AUROC and d in the
    column's tooltip."""
    col = {c: t(f"units.col.{c}") for c in ("concept", "unit", "apart", "switching")}
    rows, numbers = [], []
    for f, unit in units.card_flag_units(card, spec):
        concept = str(f["concept"])
        score = next((s for s in loaders.flag_ranking(name, concept) if s.key == unit), None)
        apart_key = f"units.apart.{concept}" if concept in CONCEPTS else "units.apart.other"
        apart = (t(apart_key, right=score.sentences_right, total=score.sentences)
                 if score is not None and score.sentences else "—")
        rows.append({col["concept"]: units.concept_name(concept), col["unit"]: units.name_of(spec, unit),
                     col["apart"]: apart,
                     col["switching"]: t("units.switching", rate=f"{f['clamp_flip_rate']:.0%}",
                                         random=f"{f['random_flip_rate']:.1%}")})
        numbers.append(f"{units.concept_name(concept)}: AUROC {f['auroc']:.3f}, d {f['d']:+.2f}")
    if not rows:
        return
    st.caption(t("units.card_caption"))
    st.dataframe(rows, hide_index=True, column_config={
        col["apart"]: st.column_config.TextColumn(help=t("units.help.apart", numbers="; ".join(numbers))),
        col["switching"]: st.column_config.TextColumn(help=t("units.help.switching"))})


# ---- switching a unit, on a sentence where it matters --------------------------------------------

def _demo(name: str, concept: str, score):
    """The shortest practice sentence where clamping the unit against its concept flips a
    choice it decides (analysis.clamp.flipping_example), cached for this session."""
    model, probe = loaders.get_model(name), loaders.flag_probe(loaders.card(name).get("task", ""))
    if score is None or concept == units.WORD_CHOICE or not probe:
        return None
    return loaders.session_cached(keys.SESSION_FLAGS, ("flip_demo", name, id(model), concept, score.key),
                                  lambda: flipping_example(model, probe, concept, score.key, score.on, score.off))


def _against(row, concept: str, text: str, word: str | None, score) -> str:
    """The clamp that works against the concept in the student's sentence, as the flip rate
    clamps: "off" where the concept is on, "on" where it is off ("zero" without a score)."""
    if score is None:
        return "zero"
    on = concept_on(row, concept) if row is not None else None
    if on is None:
        on = units.trigger_position(tokenize(text), concept, word) is not None
    return "off" if on else "on"


def _pick_sentence(choices: dict) -> None:
    """Radio callback: the clamp follows the sentence (against its concept)."""
    st.session_state[keys.CLAMP_TO] = choices[st.session_state[keys.CLAMP_SENTENCE]]


def clamp_sentence(name: str, text: str, concept: str, word: str | None, unit, score, rows) -> tuple[str, object]:
    """(the sentence the clamp reads, the demo Flip or None). On a new model, concept, unit or
    sentence it starts on the student's sentence if the clamp changes a prediction there, else on
    a practice sentence where it does, and the clamp value points against that sentence's concept."""
    demo = _demo(name, concept, score)
    yours = _against(next((r for r in rows if r.yours), None), concept, text, word, score)
    choices = {"demo": demo.toward if demo else yours, "yours": yours}
    state, context = st.session_state, (name, concept, tuple(unit), text)
    if state.get(keys.CLAMP_CONTEXT) != context:
        state[keys.CLAMP_CONTEXT] = context
        value = {"off": getattr(score, "off", 0.0), "on": getattr(score, "on", 0.0), "zero": 0.0}[yours]
        changes = prediction_changes(loaders.get_trace(name, text),
                                     loaders.get_trace(name, text, clamp={tuple(unit): value}))
        state[keys.CLAMP_SENTENCE] = "demo" if demo is not None and not changes else "yours"
        state[keys.CLAMP_TO] = choices[state[keys.CLAMP_SENTENCE]]
    if demo is None:
        state[keys.CLAMP_SENTENCE] = "yours"
        return text, None
    lang = language()        # the options keep the language they were drawn in, whoever formats them
    st.radio(t("flags.clamp_sentence"), SENTENCES, key=keys.CLAMP_SENTENCE, horizontal=True,
             format_func=lambda s: t(f"flags.sentence.{s}", lang), on_change=_pick_sentence, args=(choices,))
    if state[keys.CLAMP_SENTENCE] == "demo":
        st.markdown(t("flags.demo_text", text=controls.md_escape(demo.text)))
        return demo.text, demo
    return text, demo


def _show_demo(toward: str) -> None:
    st.session_state[keys.CLAMP_SENTENCE] = "demo"
    st.session_state[keys.CLAMP_TO] = toward


def no_change_note(spec, unit, reading: str, demo, picked: str, rate) -> None:
    """Nothing changed: say that this sentence is one where the clamp changes nothing, what the
    rate counts, and offer the sentence where it does."""
    if reading == "yours" and demo is not None:
        st.markdown(t("flags.no_change_yours", unit=units.name_of(spec, unit)))
        st.button(t("flags.show_demo"), on_click=_show_demo, args=(demo.toward,), key=keys.CLAMP_SHOW_DEMO)
    elif demo is not None and picked != demo.toward:
        st.markdown(t("flags.no_change_value", side=t(f"units.clamp.{demo.toward}")))
    elif rate is not None:
        st.markdown(t("flags.no_change_rate"))


def switch_section(name: str, text: str, concept: str, word: str | None, unit, ranking, rows, scale: float) -> None:
    """Clamp the unit on a sentence where it changes something (or the student's), show what
    changed, and the flip rate beside it; never a result that contradicts the rate."""
    spec = loaders.get_model(name).spec
    score = next((s for s in ranking if s.key == unit), None)
    reading, demo = clamp_sentence(name, text, concept, word, unit, score, rows)
    picked, value = units.clamp_choice(score)
    before, after = loaders.get_trace(name, reading), loaders.get_trace(name, reading, clamp={unit: value})
    chart(figs.clamp_effect_figure(before, after, f"{units.name_of(spec, unit)} = {value:+.2f}", scale=scale),
          "clamp_effect", download=True)
    changes = prediction_changes(before, after)
    rates = loaders.flag_flip_rates(name, concept, unit) if concept != units.WORD_CHOICE and ranking else None
    st.markdown(units.changes_text(changes))
    if not changes:
        no_change_note(spec, unit, st.session_state.get(keys.CLAMP_SENTENCE, "yours"), demo, picked, rates)
    if rates is not None:
        mine, chance = st.columns(2)
        mine.metric(t("flags.flip_rate_of", unit=units.name_of(spec, unit)), f"{rates[0]:.1%}")
        chance.metric(t("flags.flip_rate_random"), f"{rates[1]:.1%}")
        st.caption(t("flags.flip_caption"))


# ---- a character model: the cells that track quotes and words ---------------------------------

def model_cells(name: str) -> list[dict]:
    """The best cell of each feature in each state (analysis.char_cells.state_cells): the model
    card's, measured when it was trained, else measured now on held-out text, once per session
    ([] when there is no held-out text to measure on)."""
    model = loaders.get_model(name)
    entries = char_cells.valid_entries(loaders.card(name).get(char_cells.CARD_FIELD), model.spec)
    if entries:
        return entries
    try:
        with st.spinner(t("flags.chars.measuring")):
            return loaders.session_cached(keys.SESSION_FLAGS, ("char_cells", name, id(model)),
                                          lambda: char_cells.state_cells(model))
    except RnnvizError:
        return []


def cell_of(entry: dict) -> tuple[int, int, int]:
    return int(entry["layer"]), int(entry["direction"]), int(entry["unit"])


def cells_caption(name: str, entry: dict, traces, entries: list[dict]) -> str:
    """What the card measured for the cell (AUROC, where it goes), what it reads on the rows
    shown, and the best unit of the other state when that one tells the feature apart better."""
    spec, feature = loaders.get_model(name).spec, entry["feature"]
    unit, letter = cell_of(entry), entry["state"]
    where = {side: t(f"flags.chars.{side}.{feature}") for side in ("on", "off")}
    parts = [t("flags.chars.measured", unit=units.name_of(spec, unit),
               state=theme.state_label(char_cells.STATE_FIELDS[letter]), feature=t(f"flags.chars.name.{feature}"),
               auroc=f"{entry['auroc']:.2f}", positions=f"{entry['positions_on'] + entry['positions_off']:,}",
               items=f"{entry['items']:,}"),
             t(f"flags.chars.goes.{entry['goes']}", on=where["on"], off=where["off"])]
    values = [tr.flag_states[unit[0], unit[1], :, unit[2]] for tr in traces]
    means = char_cells.shown_means(values, [tr.tokens for tr in traces], feature)
    if means is not None:
        parts.append(t("flags.chars.shown", on=signed(means[0]), off=signed(means[1]), on_place=where["on"],
                       off_place=where["off"]))
    follows = char_cells.follows_the_quotes(entry)
    if follows is not None:
        parts.append(t(f"flags.chars.quoted_only.{'yes' if follows else 'no'}",
                       auroc=f"{entry['auroc_quoted_items']:.2f}"))
    better = [e for e in entries if e["feature"] == feature and e["state"] != letter and e["auroc"] > entry["auroc"]]
    if better:
        parts.append(t("flags.chars.other_state", unit=units.name_of(spec, cell_of(better[0])),
                       state=theme.state_label(char_cells.STATE_FIELDS[better[0]["state"]]),
                       auroc=f"{better[0]['auroc']:.2f}"))
    return " ".join(parts)


def character_cells(name: str, text: str, scale: float) -> tuple[tuple[int, int, int], list]:
    """A character model's Flags section: for each feature (inside quotes, start of a word,
    position in the word) the student's sentence and a prepared one with quotes, coloured
    character by character by the unit of the flag state that best tells it apart, with the
    caption of its measured AUROC; then the unit picker. Returns (the unit picked, the cells
    as UnitScores, whose typical on / off values the clamp below offers)."""
    spec = loaders.get_model(name).spec
    letter = char_cells.flag_letter(spec)
    st.header(t("flags.chars.header"), divider="gray")
    st.markdown(t("flags.chars.intro", state=theme.state_label(char_cells.STATE_FIELDS[letter])))
    entries = model_cells(name)
    shown = char_cells.in_state(entries, letter)
    if not shown:
        st.info(t("flags.chars.unmeasured"), icon="🔎")
    texts = list(dict.fromkeys([text, char_cells.EXAMPLE]))
    traces = [loaders.get_trace(name, s) for s in texts]
    labels = [t("flags.chars.row.yours"), t("flags.chars.row.example")][:len(texts)]
    for entry in shown:
        st.subheader(t(f"flags.chars.title.{entry['feature']}"))
        chart(figs.coloured_text_figure(traces, cell_of(entry), labels, [NO_OUTLINE] * len(traces), scale=scale),
              keys.char_cells_chart(entry["feature"]))
        st.caption(cells_caption(name, entry, traces, entries))
    unit = units.unit_picker(spec, cell_of(shown[0]) if shown else (0, 0, 0), (name, CHARACTERS))
    return unit, [char_cells.as_score(e) for e in shown]
