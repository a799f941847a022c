"""The guided tour's sections: the lesson's ideas in its order, each a few plain words, a small
live figure on the student's sentence (from the existing builders) and a link to the full page.
"""
from __future__ import annotations

import streamlit as st

from rnnviz import figures
from rnnviz.analysis.flags import FLAG_CONCEPTS
from rnnviz.errors import RnnvizError
from rnnviz.figures import flags as flag_figs
from rnnviz.figures.deep import layers_figure
from rnnviz.figures.gradients import gradient_curves_figure
from rnnviz.ui import controls, loaders, units
from rnnviz.ui.stepper import chart

ORDER_MODEL = "sentiment-lstm"
BIDIRECTIONAL, MULTILAYER = "sentiment-bilstm", "story-lstm-2layer"

# (key, heading, what to say, page the section links to). Keys follow LESSON.md's order.
SECTIONS = [
    ("order", "Order matters",
     "If you only count which words a sentence holds, these two are the same sentence, yet they mean "
     "opposite things. A recurrent network reads one word at a time and carries a memory (its *state*) "
     "from word to word, so it can tell them apart.", "views/step_through.py"),
    ("unrolling", "Unrolling",
     "Draw one block per word and you get a chain. Every block is the *same* small network with the same "
     "weights: it takes a word and the state from the block before, and passes a new state on. The last "
     "state feeds the prediction.", "views/step_through.py"),
    ("cell", "The cell",
     "Inside each block is one small sum: a matrix W times the word's vector, plus a matrix H times the "
     "old state, plus a bias, squashed by tanh. Each column below is the state after one word of your sentence.",
     "views/anatomy.py"),
    ("vanishing", "Vanishing gradients",
     "Learning sends a correction backwards through the chain. At each step back it is multiplied again, "
     "and it usually shrinks: words far from the answer hear very little, so a plain RNN struggles to link "
     "distant words.", "views/gradients.py"),
    ("lstm", "LSTM gates",
     "An LSTM adds gates: numbers between 0 and 1 that let information through or hold it back. The forget "
     "gate below decides, for each unit, how much of the long-term memory c to keep. A small correction to "
     "the lesson: the forget and input gates update c; the output gate then makes the new hidden vector h "
     "from c.", "views/anatomy.py"),
    ("flags", "Flags",
     "Some units of the memory behave like switches: one may turn on at a woman's name and stay on, so the "
     "network later says “she”. The line below is such a unit, measured on this model, on your sentence.",
     "views/flags.py"),
    ("gru", "GRU",
     "The GRU, the gated *recurrent* unit, is a lighter cousin of the LSTM: one state and two gates. Its "
     "update gate (below) decides how much of the old state to keep at each word.", "views/compare.py"),
    ("bidirectional", "Two directions",
     "When the whole sentence is there before we answer, a second network can read it from the end. Each "
     "word then has two states: what came before it and what comes after.", "views/deep.py"),
    ("multilayer", "Two layers",
     "Stack a second recurrent layer on the first: it reads the first layer's states instead of the words, "
     "so it can build on the patterns below.", "views/deep.py"),
    ("next", "What next",
     "The same machinery classifies whole texts (the lesson's news headlines), guesses the next word (as "
     "below, if your model is a story model), and, in later units, writes and translates.",
     "views/step_through.py"),
]


def section(number: int, key: str, heading: str, words: str, page: str, name: str, text: str) -> None:
    st.header(f"{number} · {heading}", divider="gray")
    st.markdown(words)
    try:
        FIGURES[key](name, text, controls.figure_scale())
    except RnnvizError as err:          # a sibling model (the task's GRU, a deep model) is damaged
        st.info(controls.md_escape(f"This part reads your sentence with another model, which could not be "
                                   f"opened: {err}"), icon="📦")
    st.page_link(page, label=f"Explore {heading.lower()} on its own page", icon=":material/arrow_forward:")


def _sibling(name: str, cell: str, fallback: str) -> str:
    """The model of `name`'s task with this cell, else `fallback` (if installed), else `name`."""
    found = [n for n in loaders.task_models(name) if loaders.get_model(n).spec.cell == cell]
    if loaders.get_model(name).spec.cell == cell:
        return name
    return found[0] if found else (fallback if fallback in loaders.model_names() else name)


def _order(name, text, scale):
    model = ORDER_MODEL if controls.task_of(name) != "sentiment" and ORDER_MODEL in loaders.model_names() else name
    for k, (column, sentence) in enumerate(zip(st.columns(2), controls.examples()["ideas"]["order"])):
        trace = loaders.get_trace(model, sentence)
        best, p = figures.final_prediction(trace, top=1)[0]
        column.markdown(f"“{controls.md_escape(sentence)}”  \n"
                        f"{controls.md_escape(model)} says **{controls.md_escape(best)}** ({p:.0%})")
        with column:
            chart(figures.prediction_figure(trace, scale=scale), f"tour_order_{k}")


def _unrolling(name, text, scale):
    trace = loaders.get_trace(name, text)
    chart(figures.unrolled_figure(trace, 0, head_label=controls.head_label(name), scale=scale), "tour_unrolling")


def _cell(name, text, scale):
    chart(figures.state_heatmap_figure(loaders.get_trace(name, text), "hidden", scale=scale), "hidden")


def _vanishing(name, text, scale):
    trace = loaders.get_trace(name, text)
    chart(gradient_curves_figure({name: trace}, scale=scale), "tour_vanishing")


def _gate(name, text, scale, cell, gate, fallback):
    model = _sibling(name, cell, fallback)
    trace = loaders.get_trace(model, text)
    if gate not in trace.gates:
        st.caption(f"{controls.md_escape(model)} has no gates, so its state is drawn instead.")
        chart(figures.state_heatmap_figure(trace, "hidden", scale=scale), f"tour_{cell}")
        return
    st.caption(f"Read by {controls.md_escape(model)}.")
    chart(figures.gate_heatmap_figure(trace, gate, scale=scale), f"tour_{cell}")


def _flags(name, text, scale):
    model = name if loaders.card(name).get("flags") else _sibling(name, "lstm", "story-lstm")
    trace, spec = loaders.get_trace(model, text), loaders.get_model(model).spec
    concepts = FLAG_CONCEPTS.get(controls.task_of(model), ())
    found = [(c, u) for c in concepts for u in units.card_units(loaders.card(model), spec, c)]
    concept, unit = found[0] if found else (None, (0, 0, int(abs(flag_figs.flag_values(trace)[0, 0]).max(0).argmax())))
    mark = units.trigger_position(trace.tokens, concept, None) if concept else None
    st.caption(controls.md_escape(f"{model}, unit {unit[2]}" + (f": its “{concept}” flag." if concept else
                                                                ": the unit that moves most.")))
    chart(flag_figs.flag_lines_figure(trace, [unit], mark, scale=scale), "tour_flags")


def _deep(model, key):
    def draw(name, text, scale):
        shown = name if key == "bidirectional" and loaders.get_model(name).spec.bidirectional or \
            key == "multilayer" and loaders.get_model(name).spec.layers > 1 else model
        if shown not in loaders.model_names():
            st.info(f"The model {shown} is not installed.", icon="📦")
            return
        st.caption(f"Read by {controls.md_escape(shown)}.")
        chart(layers_figure(loaders.get_trace(shown, text), scale=scale), f"tour_{key}")
    return draw


def _next(name, text, scale):
    chart(figures.prediction_figure(loaders.get_trace(name, text), scale=scale), "tour_next")


FIGURES = {"order": _order, "unrolling": _unrolling, "cell": _cell, "vanishing": _vanishing,
           "lstm": lambda n, t, s: _gate(n, t, s, "lstm", "forget", "story-lstm"), "flags": _flags,
           "gru": lambda n, t, s: _gate(n, t, s, "gru", "update", "story-gru"),
           "bidirectional": _deep(BIDIRECTIONAL, "bidirectional"), "multilayer": _deep(MULTILAYER, "multilayer"),
           "next": _next}
