"""Train a model: pick a task, a cell and sizes, watch it learn, then scrub back through training."""
import streamlit as st

from rnnviz import figures
from rnnviz.analysis.flags import FLAG_CONCEPTS
from rnnviz.figures import flags as flag_figs
from rnnviz.figures import gradients as grad_figs
from rnnviz.figures.training import training_curves_figure
from rnnviz.i18n import t
from rnnviz.ui import controls, keys, live, loaders, make
from rnnviz.ui.stepper import chart

job = make.current_job()
if make.collect(job):
    st.rerun()                                   # the sidebar picker now lists the new model
name, text, size = controls.page_top(t("train.title"), t("train.intro"))

st.header(t("train.settings"), divider="gray")
running = job is not None and job.running
make.settings_panel(disabled=running)
st.button(t("train.start"), on_click=make.start, disabled=running, type="primary", key=keys.START,
          icon=":material/model_training:")

st.header(t("train.training"), divider="gray")
make.live_panel()
if job is not None and not running:
    make.finished_panel(job)



@st.fragment
def scrubber(job: make.Job) -> None:
    """Every snapshot's pictures in the browser under one cursor (the server hears the snapshot a
    moment later, keys.SNAPSHOT); the same pictures as plotly figures on request."""
    concepts = FLAG_CONCEPTS.get(job.task, ())
    concept = st.selectbox(t("train.concept"), concepts, key=keys.TRAIN_CONCEPT,
                           format_func=make.labelled(concepts, lambda c: t(f"train.concept.{c}"))) if concepts else None
    index = make.snapshot_index(job)
    payload = loaders.snapshot_payload(job, text, concept, size)
    live.live_panels({**payload, "step": index}, keys.SCRUB_PANELS, target=keys.SNAPSHOT)
    if st.toggle(t("panels.as_figures"), key=keys.SCRUB_FIGURES, help=t("panels.as_figures_help")):
        as_figures(job, index, concept)


def as_figures(job: make.Job, index: int, concept: str | None) -> None:
    steps = [step for step, _ in job.snapshots]
    chart(training_curves_figure(job.history, job.total, snapshots=steps, mark=steps[index]), "scrub_curves")
    if text:
        trace = loaders.snapshot_trace(job, index, text)
        left, right = st.columns(2)
        with left:
            chart(figures.state_heatmap_figure(trace, "hidden"), "scrub_hidden")
        with right:
            chart(grad_figs.gradient_curves_figure({"snapshot": trace}), "scrub_gradient")
    if concept:
        ranking, spec = loaders.snapshot_ranking(job, index, concept), job.result.model.spec
        if ranking:
            chart(flag_figs.unit_ranking_figure(ranking, spec.layers, spec.directions,
                                                state=spec.cell_kind.flag_state), "scrub_flags")
        else:
            st.info(t("train.no_ranking"), icon="🔎")


if job is not None and job.name is not None and job.snapshots:
    st.header(t("train.scrub"), divider="gray")
    st.caption(t("train.scrub_intro"))
    scrubber(job)
