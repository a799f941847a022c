"""Flags: find the units that switch on with a concept, compare minimal pairs, switch one off."""
import streamlit as st

from rnnviz.analysis import char_cells, lab
from rnnviz.analysis.flags import FLAG_CONCEPTS
from rnnviz.figures import flags as figs
from rnnviz.figures import theme
from rnnviz.i18n import known, t
from rnnviz.text import tokenize
from rnnviz.ui import controls, flag_views, keys, loaders, share, units
from rnnviz.ui.stepper import chart


def gates_caption(cell: str, triggered: bool, backward: bool) -> str:
    """What the shading marks, what to look for in this cell's gates (flags.gate_hint.<kind>, where
    the catalogue has a hint for the kind) and the caveat that real networks rarely keep one tidy
    flag per idea."""
    hint = f"flags.gate_hint.{cell}"
    parts = [t("flags.shaded_trigger" if triggered else "flags.shaded_change")] + ([t(hint)] if known(hint) else [])
    if backward:
        parts.append(t("flags.backward_note"))
    return " ".join(parts + [t("flags.real_networks")])


def find_flag(name: str, text: str, trace, size: float):
    """Section 1 for a word model: the concept, its ranked units, the words coloured by the
    picked unit. Returns (concept, word, unit, ranking, contrast rows, trigger position)."""
    spec, card, task = loaders.get_model(name).spec, loaders.card(name), controls.task_of(name)
    st.header(t("flags.find_header"), divider="gray")
    state = trace.cell_kind.flag_state
    st.markdown(t("flags.find_intro", state=theme.state_label(state)))
    concept, word = units.concept_picker(FLAG_CONCEPTS.get(task, ()), task)
    ranking = loaders.flag_ranking(name, concept, word) if concept != units.WORD_CHOICE or word else []
    starred = units.card_units(card, spec, concept)
    if not ranking:
        st.info(t("flags.no_ranking"), icon="🔎")
    unit = units.unit_picker(spec, (starred or [r.key for r in ranking] or [(0, 0, 0)])[0], (name, concept, word))
    rows = flag_views.coloured_words(name, text, concept, word, unit, size)
    flag_views.card_table(name, card, spec)
    mark = units.trigger_position(trace.tokens, concept, word)
    if ranking:
        left, right = st.columns([2, 3])
        with left:
            units.clickable(figs.unit_ranking_figure(ranking, spec.layers, spec.directions, marked=starred,
                                                     selected=unit, state=state, scale=size), keys.FLAG_RANKING, spec)
        with right:
            best = list(dict.fromkeys([unit] + [s.key for s in ranking[:4]]))
            units.clickable(figs.flag_lines_figure(trace, best, mark, selected=unit, scale=size), keys.FLAG_LINES, spec)
    return concept, word, unit, ranking, rows, mark


name, text, size = controls.page_top(t("flags.title"), t("flags.intro"))
spec, task = loaders.get_model(name).spec, controls.task_of(name)
if text:
    units.read_link(spec)                     # a unit the link asks for, checked once a sentence is read
    controls.show_notices()
    trace = loaders.get_trace(name, text)
    if char_cells.reads_characters(spec):       # no words to flag: the cells that track quotes and words
        unit, ranking = flag_views.character_cells(name, text, size)
        concept, word, rows, mark = units.WORD_CHOICE, None, [], None
    else:
        concept, word, unit, ranking, rows, mark = find_flag(name, text, trace, size)
    st.subheader(t("flags.gates_subheader", unit=units.name_of(spec, unit)))
    chart(figs.unit_gates_figure(trace, unit, lab.biggest_change(trace, unit) if mark is None else mark, scale=size),
          "flag_gates", download=True)
    st.caption(gates_caption(spec.cell, mark is not None, bool(unit[1])))

    st.header(t("flags.pairs_header"), divider="gray")
    st.markdown(t("flags.pairs_intro"))
    text_a, text_b = units.pair_inputs(task)
    if tokenize(text_a) and tokenize(text_b):
        pair = loaders.flag_pair(name, text_a, text_b)
        for kind in ["flag", "hidden"] if pair.state == "cell" else ["flag"]:
            units.clickable(figs.pair_diff_figure(pair, kind, selected=unit, scale=size), keys.pair_chart(kind), spec)
        biggest = ", ".join(f"{units.name_of(spec, r[:3])} ({r[3]:.2f})" for r in pair.ranking[:3])
        st.caption(t("flags.biggest", units=biggest))
    else:
        st.info(t("flags.type_both"), icon="✍️")

    st.header(t("flags.switch_header"), divider="gray")
    st.markdown(t("flags.switch_intro"))
    flag_views.switch_section(name, text, concept, word, unit, ranking, rows, size)
    share.share(trace, name)
