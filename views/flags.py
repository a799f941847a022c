"""Flags: find the units that switch on with a concept, compare minimal pairs, switch one off."""
import streamlit as st

from rnnviz.analysis.flags import FLAG_CONCEPTS
from rnnviz.figures import flags as figs
from rnnviz.figures import theme
from rnnviz.text import tokenize
from rnnviz.ui import controls, loaders, share, units
from rnnviz.ui.stepper import chart

GATE_HINT = {
    "lstm": "Look for the **input gate i** open at the shaded word (writing into *c*) and the **forget gate f** "
            "staying near 1 afterwards (keeping what was written): that is how a flag lasts until it is needed.",
    "gru": "A GRU keeps one state: its **update gate z** near 1 keeps the old value, lower z lets new content "
           "in. Look for z dipping at the shaded word and staying high afterwards.",
    "rnn": "A plain RNN has no gates: every flag goes through the same squashing sum at each step, which is "
           "why it tends to forget what it saw many words ago.",
}

st.title("Flags in the state")
st.caption("The lesson says parts of the state can act like flags: “Alice” raises a female flag, “and Tom” a "
           "plural flag, “not” a negation flag. Find such units in a trained model, watch the gates set and "
           "hold them, then switch one and see whether the prediction changes.")
name = st.session_state[controls.MODEL]
model = loaders.get_model(name)
spec, card, task = model.spec, loaders.card(name), controls.task_of(name)
controls.show_notices()
text = controls.usable_text(controls.sentence_box(name))
size = controls.figure_scale()
if text:
    units.read_link(spec)                     # a unit the link asks for, checked once a sentence is read
    controls.show_notices()
    trace = loaders.get_trace(name, text)
    st.header("1 · Find a flag", divider="gray")
    st.markdown(f"We read a few hundred practice sentences and note each unit's **{theme.STATE_LABELS[figs.flag_kind(trace)]}**"
                " where the concept is on (say, after a woman's name) and where it is off. A good flag tells the two "
                "apart on its own. **AUROC** is the chance that an ‘on’ value beats an ‘off’ value (0.5 is a coin "
                "toss, 1 is perfect); **d** says how many spreads apart the two averages are.")
    concept, word = units.concept_picker(FLAG_CONCEPTS.get(task, ()), task)
    ranking = loaders.flag_ranking(name, concept, word) if concept != units.WORD_CHOICE or word else []
    starred = units.card_units(card, spec, concept)
    units.card_flags(card, spec)
    if not ranking:
        st.info("No ranking here: this model has no practice sentences of its own, none of them holds the word, "
                "or no word is typed. Minimal pairs and switching still work below.", icon="🔎")
    unit = units.unit_picker(spec, (starred or [r.key for r in ranking] or [(0, 0, 0)])[0], (name, concept, word))
    mark = units.trigger_position(trace.tokens, concept, word)
    if ranking:
        left, right = st.columns([2, 3])
        with left:
            units.clickable(figs.unit_ranking_figure(ranking, spec.layers, spec.directions, marked=starred,
                                                     selected=unit, state=figs.flag_kind(trace), scale=size), "flag_ranking", spec)
        with right:
            best = list(dict.fromkeys([unit] + [s.key for s in ranking[:4]]))
            units.clickable(figs.flag_lines_figure(trace, best, mark, selected=unit, scale=size), "flag_lines", spec)
    st.subheader(f"How the gates set and hold {units.name_of(spec, unit)}")
    chart(figs.unit_gates_figure(trace, unit, figs.biggest_change(trace, unit) if mark is None else mark, scale=size),
          "flag_gates", download=True)
    st.caption(("Shaded: the first trigger word. " if mark is not None else "Shaded: where this unit changes most. ")
               + GATE_HINT[spec.cell] + (" A backward unit reads right to left: its ‘afterwards’ is to the left."
                                         if unit[1] else "") + " Real networks seldom keep one tidy flag per idea: a fact is often shared "
               "by several units, and one unit can mean several things.")

    st.header("2 · Minimal pairs", divider="gray")
    st.markdown("Two sentences that differ in one small place. Up to the difference the states are identical; after "
                "it, every unit that moves is carrying something about that difference. Rows are the units that "
                "differ most, columns the words both sentences share (B minus A).")
    text_a, text_b = units.pair_inputs(task)
    if tokenize(text_a) and tokenize(text_b):
        pair = loaders.flag_pair(name, text_a, text_b)
        for kind in ["flag", "hidden"] if pair.state == "cell" else ["flag"]:
            units.clickable(figs.pair_diff_figure(pair, kind, selected=unit, scale=size), f"pair_{kind}", spec)
        st.caption("Biggest differences: " + ", ".join(f"{units.name_of(spec, r[:3])} ({r[3]:.2f})" for r in pair.ranking[:3]))
    else:
        st.info("Type a sentence in both boxes to compare them.", icon="✍️")

    st.header("3 · Switch a unit", divider="gray")
    st.markdown("**Clamping** pins one unit to a fixed value at every step, whatever the words say. The model itself "
                "is not changed, only this reading of your sentence. If the prediction changes, the unit really "
                "matters: a test of cause, not just a pattern that happens to match.")
    _, value = units.clamp_choice(next((s for s in ranking if s.key == unit), None))
    after = loaders.get_trace(name, text, clamp={unit: value})
    chart(figs.clamp_effect_figure(trace, after, f"{units.name_of(spec, unit)} = {value:+.2f}", scale=size),
          "clamp_effect", download=True)
    st.markdown("  \n".join(f"After token {t} “{controls.md_escape(tok)}”: **{controls.md_escape(was)}** ({p:.0%}) → "
                            f"**{controls.md_escape(now)}** ({q:.0%})" for t, tok, was, p, now, q in
                            figs.prediction_changes(trace, after)) or "No prediction on this sentence changed.")
    rates = loaders.flag_flip_rates(name, concept, unit) if concept != units.WORD_CHOICE and ranking else None
    if rates is not None:
        mine, chance = st.columns(2)
        mine.metric(f"Flip rate of {units.name_of(spec, unit)}", f"{rates[0]:.1%}")
        chance.metric("Flip rate of 5 random units", f"{rates[1]:.1%}")
        st.caption("Over the practice sentences whose prediction depends on the concept, each unit was pinned to "
                   "its ‘on’ value where the concept was off and to ‘off’ where it was on: these are the shares of "
                   "those predictions that changed, counting a change of choice between the competing words "
                   "(says or say, she, he or they, happy or sad). A real flag beats the random units by far.")
    share.share(trace, name)
