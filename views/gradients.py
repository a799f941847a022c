"""Vanishing gradients: how much of the error signal gets back to each word, and what controls it.

The trained models' curves come first, right under the sentence (the page's point at first
sight); the chain-rule explanation waits in an expander below them; then the untrained lab and
the recall models' answers."""
import streamlit as st

from rnnviz.analysis.gradients import kept_at
from rnnviz.analysis.lab import gradient_targets, label_position
from rnnviz.errors import RnnvizError
from rnnviz.figures.gradients import connectivity_figure, gradient_curves_figure, signal_words
from rnnviz.i18n import language, t
from rnnviz.ui import controls, gradient_lab, loaders, recall, share
from rnnviz.ui.stepper import chart

TOP_PX = 260              # the first chart's height in px at 1366×768: it fits one screen under the sentence box
TEACHER_TOP_PX = 300      # … and on a projector (larger fonts), under teacher mode's top row and a preset's claim


def say(target, lang: str | None = None):
    """The target as the selectbox shows it, in `lang`; the word or class itself stays as the model has it."""
    if target is None:
        return t("gradients.target.own", lang)
    if isinstance(target, tuple):
        return t("gradients.target.word", lang, word=target[0], position=target[1] + 1, after=target[1])
    return t("gradients.target.class", lang, label=target)


def readout(traces: dict, at: int) -> str:
    """What reaches token `at` in each model, in words: the caption under the first chart."""
    first = next(iter(traces.values()))
    values = []
    for n, trace in traces.items():
        value = signal_words(kept_at(trace, at))
        if trace.cell_kind.carries_cell:
            value = t("gradients.readout_cell", value=value, cell=signal_words(kept_at(trace, at, "cell")))
        values.append(f"{controls.md_escape(n)}: {value}")
    return t("gradients.readout", word=controls.md_escape(first.tokens[at]), position=at, values="; ".join(values))


def curves(name: str, text: str, size: float) -> None:
    """The task's models on the sentence: the curves, the target under them, the readout, the strip.
    A classifier's sentence that names one of its classes (the recall colour) asks for that class."""
    lang = language()          # this run's language: the selectbox's options keep it
    first = loaders.get_trace(name, text)
    options = gradient_targets(first, loaders.get_model(name).vocab)
    named = None if first.predicts_next_word else label_position(first, first.labels)
    figure = st.container()
    target = st.selectbox(t("gradients.target_label"), options, format_func=lambda target: say(target, lang),
                          index=options.index(first.tokens[named]) if named is not None else 0,
                          help=t("gradients.target_help"))
    traces = {}
    for n in loaders.task_models(name):
        try:
            traces[n] = loaders.get_trace(n, text, target)
        except RnnvizError as err:
            st.info(controls.md_escape(f"{n}: {err}"), icon="ℹ️")
    if not traces:
        return
    at = target[1] if isinstance(target, tuple) else named
    note = t("gradients.mark_read") if isinstance(target, tuple) else t("gradients.mark_named")
    marks = None if at is None else {at: note}
    with figure:
        height = (TEACHER_TOP_PX if controls.teaching() else TOP_PX) / size      # the figure multiplies it by size
        chart(gradient_curves_figure(traces, marks=marks, scale=size, height=height, compact=True),
              "gradient_curves",
              download=True)
        st.caption((readout(traces, at) + " " if at is not None and traces else "") + t("gradients.curves_caption"))
    with st.expander(t("gradients.explain_title")):
        st.markdown(t("gradients.explain"))
        st.latex(r"\frac{\partial L}{\partial h_t}=\frac{\partial L}{\partial h_T}\,"
                 r"\frac{\partial h_T}{\partial h_{T-1}}\cdots\frac{\partial h_{t+1}}{\partial h_t},\qquad"
                 r"\frac{\partial h_s}{\partial h_{s-1}}=\mathrm{diag}(1-h_s^2)\,W_{hh}")
    chart(connectivity_figure(traces, scale=size), "connectivity", download=True)
    st.caption(t("gradients.connectivity_caption"))


name, text, size = controls.page_top(t("gradients.title"), t("gradients.intro"))
if text:
    curves(name, text, size)
gradient_lab.lab_section(size)
recall.recall_section(size, name, text)
share.share(loaders.get_trace(name, text) if text else None, name)
