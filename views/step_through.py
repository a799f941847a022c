"""Step through: a sentence enters token by token; every state, gate and prediction on the way.

One screen: the live view draws the chain, then the current step's gates beside its prediction,
then the heatmaps; in teacher mode "predict, then reveal" (and the hidden final answer) sit beside it.
"""
import streamlit as st

from rnnviz import export, figures
from rnnviz.figures.common import cell_range
from rnnviz.figures.live import live_view, view_figure
from rnnviz.i18n import language, t
from rnnviz.ui import controls, keys, live, loaders, share, teacher, tokens
from rnnviz.ui.stepper import chart

name, text, size = controls.page_top(t("step.title"), t("step.intro"))

FIGURES = {   # the live view's parts as plotly figures (hidden, cell, gates from its own payload)
    "chain": lambda trace, view, step: figures.unrolled_figure(
        trace, step, head_label=controls.head_label(name), scale=size),
    "hidden": lambda trace, view, step: view_figure(trace, view, "hidden", step, scale=size),
    "cell": lambda trace, view, step: view_figure(trace, view, "cell", step, scale=size),
    "gates": lambda trace, view, step: view_figure(trace, view, "strips", step, scale=size),
    "prediction": lambda trace, view, step: figures.prediction_figure(trace, step, scale=size),
}


def model_cell_range(trace) -> float:
    """The model's one colour range for c, from its task's prepared sentences (else this one)."""
    prepared = controls.examples()["tasks"].get(controls.task_of(name), [])
    return cell_range(*[loaders.get_trace(name, sentence) for sentence in prepared] or [trace])[1]


def final_answer(trace) -> tuple[str, str]:
    """(label, value) of the prediction after the whole text, as st.metric shows it (on a sentence
    the model cannot read, the label says so instead of how sure it is)."""
    best, p = trace.top_predictions(top=1)[0]
    what = controls.worded("step.final_next_word", loaders.get_model(name)) if trace.predicts_next_word \
        else t("step.final_prediction")
    said = t("step.final", what=what, p=f"{p:.0%}") if found.readable else tokens.answer_caption(found, name)
    return said, controls.md_escape(best)             # st.metric reads its value as markdown: "*", "-" are tokens too


@st.fragment
def at_cursor(where: tuple[int, int] | None) -> None:
    """The live view of layer and direction `where` (None: teacher mode asks beside the view) and
    what follows its step: teacher mode's question beside it, figures, link."""
    trace = loaders.get_trace(name, text)
    step = controls.cursor(trace.steps)
    controls.remember_step(step)
    here, quiz = st.columns([3, 1], gap="medium") if where is None else (st.container(), None)
    if quiz is not None:
        ask, pick = quiz.container(), quiz.container()    # the question first, the slice picker under it
        with pick:
            where = live.slice_picker(trace)
        with ask:
            teacher.predict_then_reveal(name, text, trace, step, final=final_answer(trace))
    bound = model_cell_range(trace)
    view = live_view(trace, step, head_label=controls.head_label(name), scale=size, layer=where[0],
                     direction=where[1], cell_bound=bound)
    with here:
        live.live_panels(view, keys.LIVE)
    kinds = [k for k in FIGURES if k != "cell" or trace.cell_kind.carries_cell]
    as_figures = st.toggle(t("step.as_figures"), key=keys.AS_FIGURES, help=t("step.as_figures_help"))
    with st.container(horizontal=True):               # each file built only when its button is clicked
        lang = language()                             # the file is built on click, outside this run
        st.download_button(t("step.page_download"), lambda: export.export_html(trace, step=step, cell_bound=bound,
                                                                                lang=lang),
                           "rnnviz-step-through.html", mime="text/html", on_click="ignore", key=keys.PAGE_DOWNLOAD,
                           icon=":material/download:", help=t("step.page_download_help"))
        for kind in [] if as_figures else kinds:
            st.download_button(
                f"HTML · {t(f'step.part.{kind}')}",
                lambda k=kind: export.figure_html(FIGURES[k](trace, view, step)), f"rnnviz-{kind}.html",
                mime="text/html", on_click="ignore", key=keys.html_download(kind), type="tertiary",
                icon=":material/download:", help=t("step.html_help"))
    for kind in kinds if as_figures else []:
        chart(FIGURES[kind](trace, view, step), kind, download=True)
    share.share(trace, name)


if text:
    trace = loaders.get_trace(name, text)
    found = tokens.unknown_notice(trace, name)      # above the view (and its prediction): can it read this?
    where = None                                      # teacher mode: the picker sits beside the view
    if not controls.teaching():
        with st.sidebar:                              # under the model picker: the view starts high
            where = live.slice_picker(trace)
    at_cursor(where)
    tokens.unknown_mark(trace, name)
    if not controls.teaching():                       # teacher mode: hidden beside the view until revealed
        st.metric(*final_answer(trace))
    tokens.token_chips(trace, name)
