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
from rnnviz.i18n import t
from rnnviz.ui import controls, loaders, units
from rnnviz.ui.stepper import chart

ORDER_MODEL = "sentiment-lstm"
BIDIRECTIONAL, MULTILAYER = "sentiment-bilstm", "story-lstm-2layer"

# The sections' keys, in the lesson's order, and the page each one links to. Their words are in
# the catalogues: tour.<key>.title (heading), tour.<key>.text (what to say), tour.<key>.link.
PAGES = {"order": "views/step_through.py", "unrolling": "views/step_through.py", "cell": "views/anatomy.py",
         "vanishing": "views/gradients.py", "lstm": "views/anatomy.py", "flags": "views/flags.py",
         "gru": "views/compare.py", "bidirectional": "views/deep.py", "multilayer": "views/deep.py",
         "next": "views/step_through.py"}
FLAG_NAMES = ("female", "plural", "negation")     # concepts with a name in the catalogues (tour.flags.concept.*)


def sections() -> list[tuple[str, str, str, str]]:
    """(key, heading, what to say, page the section links to), in the current language."""
    return [(key, t(f"tour.{key}.title"), t(f"tour.{key}.text"), page) for key, page in PAGES.items()]


def __getattr__(name: str):
    """SECTIONS: sections() read in the language of the moment (PEP 562, as theme's labels)."""
    if name == "SECTIONS":
        return sections()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def section(number: int, key: str, heading: str, words: str, page: str, name: str, text: str) -> None:
    st.header(f"{number} · {heading}", divider="gray")
    st.markdown(words)
    try:
        FIGURES[key](name, text, controls.figure_scale())
    except RnnvizError as err:          # a sibling model (the task's GRU, a deep model) is damaged
        st.info(t("tour.sibling_broken", error=controls.md_escape(str(err))), icon="📦")
    st.page_link(page, label=t(f"tour.{key}.link"), icon=":material/arrow_forward:")


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
        said = t("tour.order.says", model=controls.md_escape(model), label=controls.md_escape(best), share=f"{p:.0%}")
        column.markdown(f"“{controls.md_escape(sentence)}”  \n{said}")
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
        st.caption(t("tour.no_gates", model=controls.md_escape(model)))
        chart(figures.state_heatmap_figure(trace, "hidden", scale=scale), f"tour_{cell}")
        return
    st.caption(t("tour.read_by", model=controls.md_escape(model)))
    chart(figures.gate_heatmap_figure(trace, gate, scale=scale), f"tour_{cell}")


def _flags(name, text, scale):
    model = name if loaders.card(name).get("flags") else _sibling(name, "lstm", "story-lstm")
    trace, spec = loaders.get_trace(model, text), loaders.get_model(model).spec
    concepts = FLAG_CONCEPTS.get(controls.task_of(model), ())
    found = [(c, u) for c in concepts for u in units.card_units(loaders.card(model), spec, c)]
    concept, unit = found[0] if found else (None, (0, 0, int(abs(flag_figs.flag_values(trace)[0, 0]).max(0).argmax())))
    mark = units.trigger_position(trace.tokens, concept, None) if concept else None
    st.caption(_flag_caption(model, unit[2], concept))
    chart(flag_figs.flag_lines_figure(trace, [unit], mark, scale=scale), "tour_flags")


def _flag_caption(model: str, unit: int, concept: str | None) -> str:
    """Which unit the flags section draws, as markdown: the model's flag for `concept`, or (None)
    the unit that moves most."""
    if concept is None:
        return t("tour.flags.moving", model=controls.md_escape(model), unit=unit)
    named = t(f"tour.flags.concept.{concept}") if concept in FLAG_NAMES else controls.md_escape(concept)
    return t("tour.flags.flag", model=controls.md_escape(model), unit=unit, concept=named)


def _deep(model, key):
    def draw(name, text, scale):
        shown = name if key == "bidirectional" and loaders.get_model(name).spec.bidirectional or \
            key == "multilayer" and loaders.get_model(name).spec.layers > 1 else model
        if shown not in loaders.model_names():
            st.info(t("tour.not_installed", model=controls.md_escape(shown)), icon="📦")
            return
        st.caption(t("tour.read_by", model=controls.md_escape(shown)))
        chart(layers_figure(loaders.get_trace(shown, text), scale=scale), f"tour_{key}")
    return draw


def _next(name, text, scale):
    chart(figures.prediction_figure(loaders.get_trace(name, text), scale=scale), "tour_next")


FIGURES = {"order": _order, "unrolling": _unrolling, "cell": _cell, "vanishing": _vanishing,
           "lstm": lambda name, text, scale: _gate(name, text, scale, "lstm", "forget", "story-lstm"),
           "flags": _flags,
           "gru": lambda name, text, scale: _gate(name, text, scale, "gru", "update", "story-gru"),
           "bidirectional": _deep(BIDIRECTIONAL, "bidirectional"), "multilayer": _deep(MULTILAYER, "multilayer"),
           "next": _next}
