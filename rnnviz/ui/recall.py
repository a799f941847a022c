"""Vanishing gradients, the recall contrast: a plain RNN and an LSTM trained on the same task must
carry a colour across 20 to 60 filler words. How much gradient reaches the colour, and who answers."""
from __future__ import annotations

import streamlit as st

from rnnviz.analysis.gradients import gradient_curve
from rnnviz.analysis.lab import label_position
from rnnviz.figures.gradients import gradient_curves_figure
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


def recall_contrast(recall: str, size: float) -> None:
    """Both models on `recall`, L = log p(the colour it names): gradient curves, then each answer."""
    first = loaders.get_trace(RECALL[0], recall)
    pos = label_position(first, loaders.get_model(RECALL[0]).labels)
    colour = None if pos is None else first.tokens[pos]
    pair = {n: loaders.get_trace(n, recall, colour) for n in RECALL}
    chart(gradient_curves_figure(pair, marks=None if pos is None else {pos: t("gradients.mark_colour")},
                                 scale=size), "recall_curves")
    st.caption(t("gradients.recall_caption"))
    for column, (n, trace) in zip(st.columns(2), pair.items()):
        answer, p = trace.top_predictions(top=1)[0]
        column.subheader(n)
        column.metric(t("gradients.answer_label"), answer, t("gradients.answer_sure", p=f"{p:.0%}"),
                      delta_color="off", delta_arrow="off")
        if pos is not None:
            column.metric(t("gradients.reaching_label", colour=colour), f"{gradient_curve(trace)[pos]:.1e}",
                          help=t("gradients.reaching_help"))
            if trace.cell_kind.carries_cell:
                column.metric(t("gradients.cell_label"), f"{gradient_curve(trace, state='cell')[pos]:.1e}",
                              help=t("gradients.cell_help"))
        held_out(column, loaders.card(n), len(trace.labels))
    if pos is None:
        st.info(t("gradients.name_colour"), icon="🎨")


def recall_section(size: float) -> None:
    """The recall task's plain RNN and LSTM on one sentence: the colour's gradient, and the answer."""
    st.header(t("gradients.recall_header"))
    if not set(RECALL) <= set(loaders.model_names()):
        st.info(t("gradients.recall_missing"), icon="📦")
        return
    st.markdown(t("gradients.recall_intro"))
    text = st.text_input(t("gradients.recall_input"), controls.examples()["tasks"]["recall"][0], max_chars=2000,
                         key=keys.RECALL_TEXT)
    if controls.usable_text(text):
        recall_contrast(text, size)
