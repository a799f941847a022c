"""Flags: find the units that switch on with a concept, compare minimal pairs, switch one off."""
import streamlit as st

from rnnviz.analysis import lab
from rnnviz.analysis.flags import FLAG_CONCEPTS
from rnnviz.figures import flags as figs
from rnnviz.figures import theme
from rnnviz.i18n import known, t
from rnnviz.text import tokenize
from rnnviz.ui import controls, keys, loaders, share, units
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


name, text, size = controls.page_top(t("flags.title"), t("flags.intro"))
spec, card, task = loaders.get_model(name).spec, loaders.card(name), controls.task_of(name)
if text:
    units.read_link(spec)                     # a unit the link asks for, checked once a sentence is read
    controls.show_notices()
    trace = loaders.get_trace(name, text)
    st.header(t("flags.find_header"), divider="gray")
    state = trace.cell_kind.flag_state
    st.markdown(t("flags.find_intro", state=theme.state_label(state)))
    concept, word = units.concept_picker(FLAG_CONCEPTS.get(task, ()), task)
    ranking = loaders.flag_ranking(name, concept, word) if concept != units.WORD_CHOICE or word else []
    starred = units.card_units(card, spec, concept)
    units.card_flags(card, spec)
    if not ranking:
        st.info(t("flags.no_ranking"), icon="🔎")
    unit = units.unit_picker(spec, (starred or [r.key for r in ranking] or [(0, 0, 0)])[0], (name, concept, word))
    mark = units.trigger_position(trace.tokens, concept, word)
    if ranking:
        left, right = st.columns([2, 3])
        with left:
            units.clickable(figs.unit_ranking_figure(ranking, spec.layers, spec.directions, marked=starred,
                                                     selected=unit, state=state, scale=size), keys.FLAG_RANKING, spec)
        with right:
            best = list(dict.fromkeys([unit] + [s.key for s in ranking[:4]]))
            units.clickable(figs.flag_lines_figure(trace, best, mark, selected=unit, scale=size), keys.FLAG_LINES, spec)
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
    _, value = units.clamp_choice(next((s for s in ranking if s.key == unit), None))
    after = loaders.get_trace(name, text, clamp={unit: value})
    chart(figs.clamp_effect_figure(trace, after, f"{units.name_of(spec, unit)} = {value:+.2f}", scale=size),
          "clamp_effect", download=True)
    st.markdown(units.changes_text(lab.prediction_changes(trace, after)))
    rates = loaders.flag_flip_rates(name, concept, unit) if concept != units.WORD_CHOICE and ranking else None
    if rates is not None:
        mine, chance = st.columns(2)
        mine.metric(t("flags.flip_rate_of", unit=units.name_of(spec, unit)), f"{rates[0]:.1%}")
        chance.metric(t("flags.flip_rate_random"), f"{rates[1]:.1%}")
        st.caption(t("flags.flip_caption"))
    share.share(trace, name)
