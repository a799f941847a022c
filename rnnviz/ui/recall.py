"""Vanishing gradients, the recall contrast: a plain RNN, a GRU and an LSTM trained on the same task
must carry a colour across 20 to 60 filler words. How much gradient reaches the colour, and who answers."""
from __future__ import annotations

import streamlit as st

from rnnviz.analysis.gradients import gradient_curve
from rnnviz.analysis.lab import label_position
from rnnviz.figures.gradients import gradient_curves_figure, signal_words
from rnnviz.i18n import t
from rnnviz.ui import controls, keys, loaders
from rnnviz.ui.stepper import chart

RECALL = ("recall-rnn", "recall-lstm")


def held_out(column, card: dict, classes: int) -> None:
    """The model card's held-out accuracy (overall and by distance) beside the chance of guessing."""
    metrics = card.get("metrics", {})
    accuracy, buckets = metrics.get("accuracy"), metrics.get("by_distance", {})
    shown = t("gradients.not_measured") if accuracy is None else f"{accuracy:.0%}"
    column.metric(t("gradients.accuracy_label"), shown, help=t("gradients.accuracy_help"))
    column.caption(t("gradients.guessing", chance=f"{1 / classes:.0%}") + "".join(
        " " + t("gradients.by_distance", count=k, accuracy=f"{v['accuracy']:.0%}") for k, v in buckets.items()))


def recall_models() -> list[str]:
    """The recall task's bundled models (-rnn, -gru, -lstm, those installed); [] without both the
    plain RNN and the LSTM, the pair this section contrasts."""
    names = loaders.model_names()
    return loaders.task_models(RECALL[-1]) if set(RECALL) <= set(names) else []


def answers(models: list[str], recall: str, draw: bool, size: float) -> None:
    """Every model on `recall`, L = log p(the colour it names): the curves (when `draw`), then each
    model's answer, how much gradient reaches the colour and its held-out accuracy."""
    first = loaders.get_trace(models[0], recall)
    pos = label_position(first, loaders.get_model(models[0]).labels)
    colour = None if pos is None else first.tokens[pos]
    traces = {n: loaders.get_trace(n, recall, colour) for n in models}
    if draw:
        chart(gradient_curves_figure(traces, marks=None if pos is None else {pos: t("gradients.mark_colour")},
                                     scale=size, compact=True), "recall_curves")
        st.caption(t("gradients.recall_caption"))
    for column, (n, trace) in zip(st.columns(len(traces)), traces.items()):
        answer, p = trace.top_predictions(top=1)[0]
        column.subheader(n)
        column.metric(t("gradients.answer_label"), answer, t("gradients.answer_sure", p=f"{p:.0%}"),
                      delta_color="off", delta_arrow="off")
        if pos is not None:
            reach = gradient_curve(trace)[pos]
            column.metric(t("gradients.reaching_label", colour=colour), signal_words(reach),
                          f"{reach:.1e}", delta_color="off", delta_arrow="off", help=t("gradients.reaching_help"))
            if trace.cell_kind.carries_cell:
                along = gradient_curve(trace, state="cell")[pos]
                column.metric(t("gradients.cell_label"), signal_words(along), f"{along:.1e}",
                              delta_color="off", delta_arrow="off", help=t("gradients.cell_help"))
        held_out(column, loaders.card(n), len(trace.labels))
    if pos is None:
        st.info(t("gradients.name_colour"), icon="🎨")


def recall_section(size: float, name: str, text: str | None) -> None:
    """The recall task's models on one sentence: the colour's gradient, and who answers.

    When the page's own models are the recall models, their curves are already the first chart:
    this section then shows only their answers on the page's sentence, so the two cannot disagree."""
    st.header(t("gradients.recall_header"))
    models = recall_models()
    if not models:
        st.info(t("gradients.recall_missing"), icon="📦")
        return
    if name in models and text:
        st.markdown(t("gradients.recall_top"))
        answers(models, text, False, size)
        return
    st.markdown(t("gradients.recall_intro"))
    recall = st.text_input(t("gradients.recall_input"), controls.examples()["tasks"]["recall"][0], max_chars=2000,
                           key=keys.RECALL_TEXT)
    if controls.usable_text(recall, models[0]):
        answers(models, recall, True, size)
