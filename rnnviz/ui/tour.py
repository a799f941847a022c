"""The guided tour's sections: the lesson's ideas in its order, each a few plain words, a small
live figure on the student's sentence (from the existing builders) and a link to the full page.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from rnnviz import figures
from rnnviz.analysis.flags import FLAG_CONCEPTS
from rnnviz.analysis.lab import strongest_unit
from rnnviz.errors import RnnvizError
from rnnviz.figures.deep import layers_figure
from rnnviz.figures.gradients import gradient_curves_figure
from rnnviz.i18n import t
from rnnviz.tasks import CONCEPTS
from rnnviz.ui import controls, flag_views, loaders, pages, presets, tokens, units
from rnnviz.ui.stepper import chart

ORDER_MODEL = "sentiment-lstm"
BIDIRECTIONAL, MULTILAYER = "sentiment-bilstm", "story-lstm-2layer"

Draw = Callable[[str, str, float], None]        # draw(model name, text, figure scale)


@dataclass(frozen=True)
class Section:
    """One idea of the lesson. Its words are in the catalogues: tour.<key>.title (heading),
    tour.<key>.text (what to say), tour.<key>.link (the link to `page`, a pages.PAGES name, or to
    the lesson `preset` of that idea, which opens the same page set up to show it)."""

    key: str
    page: str
    draw: Draw
    preset: str | None = None


def sections() -> list[tuple[str, str, str, str]]:
    """(key, heading, what to say, path of the page the section links to), in the current language."""
    return [(s.key, t(f"tour.{s.key}.title"), t(f"tour.{s.key}.text"), pages.page(s.page).path) for s in TOUR]


def section(number: int, key: str, heading: str, words: str, page: str, name: str, text: str) -> None:
    st.header(f"{number} · {heading}", divider="gray")
    st.markdown(words)
    try:
        next(s.draw for s in TOUR if s.key == key)(name, text, controls.figure_scale())
        if number == 1:                 # the first figure with the sentence's words: what their "(?)" means
            tokens.unknown_mark(loaders.get_trace(name, text), name)
    except RnnvizError as err:          # a sibling model (the task's GRU, a deep model) is damaged
        st.info(t("tour.sibling_broken", error=controls.md_escape(str(err))), icon="📦")
    shown = next(s for s in TOUR if s.key == key)
    if shown.preset:                    # the idea's preset: its page with the model, sentence and settings it needs
        presets.link_to(shown.preset, t(f"tour.{key}.link"), icon=":material/arrow_forward:")
    else:
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
        best, p = trace.top_predictions(top=1)[0]
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


def _gate_heatmap(name, text, scale, cell, gate, fallback):
    model = _sibling(name, cell, fallback)
    trace = loaders.get_trace(model, text)
    if gate not in trace.gates:
        st.caption(t("tour.no_gates", model=controls.md_escape(model)))
        chart(figures.state_heatmap_figure(trace, "hidden", scale=scale), f"tour_{cell}")
        return
    st.caption(t("tour.read_by", model=controls.md_escape(model)))
    chart(figures.gate_heatmap_figure(trace, gate, scale=scale), f"tour_{cell}")


def _flags(name, text, scale):
    """The Flags page's first picture: the sentence beside its contrasts (alice … she / tom … he /
    alice and tom … they), coloured by the model's female flag. A model without one hands over to
    flag_views.TOUR_MODEL on the prepared flags sentence (the section's words speak of she, he and they)."""
    own = units.card_units(loaders.card(name), loaders.get_model(name).spec, flag_views.TOUR_CONCEPT)
    model = name if own or flag_views.TOUR_MODEL not in loaders.model_names() else flag_views.TOUR_MODEL
    text = text if model == name else controls.examples()["ideas"]["flags"][0]
    trace, spec = loaders.get_trace(model, text), loaders.get_model(model).spec
    concepts = FLAG_CONCEPTS.get(controls.task_of(model), ())
    found = [(c, u) for c in sorted(concepts, key=lambda c: c != flag_views.TOUR_CONCEPT)
             for u in units.card_units(loaders.card(model), spec, c)]
    concept, unit = found[0] if found else (None, strongest_unit(trace))
    st.caption(_flag_caption(model, unit[2], concept))
    flag_views.coloured_words(model, text, concept or units.WORD_CHOICE, None, unit, scale, "tour_flags")


def _flag_caption(model: str, unit: int, concept: str | None) -> str:
    """Which unit the flags section draws, as markdown: the model's flag for `concept`, or (None)
    the unit that moves most."""
    if concept is None:
        return t("tour.flags.moving", model=controls.md_escape(model), unit=unit)
    named = t(f"tour.flags.concept.{concept}") if concept in CONCEPTS else controls.md_escape(concept)
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


def _gate(cell: str, gate: str, fallback: str) -> Draw:
    return lambda name, text, scale: _gate_heatmap(name, text, scale, cell, gate, fallback)


TOUR: tuple[Section, ...] = (           # the lesson's order; a section with a preset links to it
    Section("order", "step_through", _order, preset="order"),
    Section("unrolling", "step_through", _unrolling, preset="unrolling"),
    Section("cell", "anatomy", _cell),
    Section("vanishing", "gradients", _vanishing, preset="vanishing"),
    Section("lstm", "anatomy", _gate("lstm", "forget", "story-lstm")),
    Section("flags", "flags", _flags, preset="flags"),
    Section("gru", "compare", _gate("gru", "update", "story-gru"), preset="gru"),
    Section("bidirectional", "deep", _deep(BIDIRECTIONAL, "bidirectional"), preset="bidirectional"),
    Section("multilayer", "deep", _deep(MULTILAYER, "multilayer"), preset="multilayer"),
    Section("next", "step_through", _next),
)
