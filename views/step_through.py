"""Step through: a sentence enters token by token; every state, gate and prediction on the way."""
import streamlit as st

from rnnviz import export, figures
from rnnviz.i18n import t
from rnnviz.ui import controls, keys, live, loaders, share, teacher
from rnnviz.ui.stepper import chart

name, text, size = controls.page_top(t("step.title"), t("step.intro"))

FIGURES = {   # the live view's parts as plotly figures (at a step, of a layer and direction)
    "chain": lambda trace, step, where: figures.unrolled_figure(
        trace, step, head_label=controls.head_label(name), scale=size),
    "hidden": lambda trace, step, where: figures.state_heatmap_figure(
        trace, "hidden", *where, step=step, scale=size),
    "cell": lambda trace, step, where: figures.state_heatmap_figure(
        trace, "cell", *where, step=step, scale=size),
    "gates": lambda trace, step, where: figures.gate_strips_figure(trace, step, *where, scale=size),
    "prediction": lambda trace, step, where: figures.prediction_figure(trace, step, scale=size),
}


@st.fragment
def at_cursor() -> None:
    """The live view and what follows its step: teacher mode's question, figures, link."""
    trace = loaders.get_trace(name, text)
    step = controls.cursor(trace.steps)
    controls.remember_step(step)
    where = live.slice_picker(trace)
    live.live_stepper(trace, step, head_label=controls.head_label(name), scale=size, layer=where[0],
                      direction=where[1])
    if controls.teaching():
        teacher.predict_then_reveal(name, text, trace, step)
    kinds = [k for k in FIGURES if k != "cell" or trace.cell_kind.carries_cell]
    if st.toggle(t("step.as_figures"), key=keys.AS_FIGURES, help=t("step.as_figures_help")):
        for kind in kinds:
            chart(FIGURES[kind](trace, step, where), kind, download=True)
    else:
        with st.container(horizontal=True):
            for kind in kinds:                        # each built only when its button is clicked
                st.download_button(
                    f"HTML · {t(f'step.part.{kind}')}",
                    lambda k=kind: export.figure_html(FIGURES[k](trace, step, where)), f"rnnviz-{kind}.html",
                    mime="text/html", on_click="ignore", key=keys.html_download(kind), type="tertiary",
                    icon=":material/download:", help=t("step.html_help"))
    share.share(trace, name)


if text:
    trace = loaders.get_trace(name, text)
    controls.token_chips(trace, loaders.get_model(name).vocab)
    at_cursor()
    best, p = trace.top_predictions(top=1)[0]
    what = t("step.final_next_word") if trace.predicts_next_word else t("step.final_prediction")
    st.metric(t("step.final", what=what, p=f"{p:.0%}"), best)
