"""Vanishing gradients: how much of the error signal gets back to each word, and what controls it."""
import streamlit as st

from rnnviz.analysis.gradients import gradient_curve, spectral_radius
from rnnviz.errors import RnnvizError
from rnnviz.figures import final_prediction, theme
from rnnviz.figures.gradients import (
    connectivity_figure,
    forget_product_figure,
    gradient_curves_figure,
    label_position,
    step_gain_figure,
)
from rnnviz.i18n import language, t
from rnnviz.ui import controls, loaders, share
from rnnviz.ui.stepper import chart

LAB_TEXT = controls.examples()["ideas"]["vanishing"][0]
RECALL = ("recall-rnn", "recall-lstm")
CLIPS = ("off", 1, 3, 10, 100, 1000)

name, text, size = controls.page_top(t("gradients.title"), t("gradients.intro"))
st.markdown(t("gradients.explain"))
st.latex(r"\frac{\partial L}{\partial h_t}=\frac{\partial L}{\partial h_T}\,"
         r"\frac{\partial h_T}{\partial h_{T-1}}\cdots\frac{\partial h_{t+1}}{\partial h_t},\qquad"
         r"\frac{\partial h_s}{\partial h_{s-1}}=\mathrm{diag}(1-h_s^2)\,W_{hh}")


def targets(trace, model):
    """None (each model's own guess), then what the sentence itself offers to predict."""
    if model.spec.head != "lm":
        return [None, *model.labels]
    last = 1 if model.spec.bidirectional else trace.steps        # a bidirectional model reads to the end
    return [None, *[(w, k - 1) for k, w in enumerate(trace.tokens[:last]) if k and w in model.vocab]]


def say(target, lang: str | None = None):
    """The target as the selectbox shows it, in `lang`; the word or class itself stays as the model has it."""
    if target is None:
        return t("gradients.target.own", lang)
    if isinstance(target, tuple):
        return t("gradients.target.word", lang, word=target[0], position=target[1] + 1, after=target[1])
    return t("gradients.target.class", lang, label=target)


def clip_option(value, lang: str | None = None) -> str:
    return t("gradients.clip_off", lang) if value == "off" else str(value)


lang = language()          # this run's language: widgets' options keep it, whoever formats them later
if text:
    first = loaders.get_trace(name, text)
    target = st.selectbox(t("gradients.target_label"), targets(first, loaders.get_model(name)),
                          format_func=lambda target: say(target, lang),
                          help=t("gradients.target_help"))
    traces = {}
    for n in loaders.task_models(name):
        try:
            traces[n] = loaders.get_trace(n, text, target)
        except RnnvizError as err:
            st.info(controls.md_escape(f"{n}: {err}"), icon="ℹ️")
    marks = {target[1]: t("gradients.mark_read")} if isinstance(target, tuple) else None
    chart(gradient_curves_figure(traces, marks=marks, scale=size), "gradient_curves", download=True)
    st.caption(t("gradients.curves_caption"))
    chart(connectivity_figure(traces, scale=size), "connectivity", download=True)
    st.caption(t("gradients.connectivity_caption"))

st.header(t("gradients.vanish_header"))
st.markdown(t("gradients.untrained_intro"))
left, mid, right = st.columns(3)
scale = left.slider(t("gradients.scale_label"), 0.25, 3.0, 1.0, 0.25, key="lab_scale")
act = mid.segmented_control(t("gradients.activation_label"), ["tanh", "relu"], default="tanh", required=True,
                            key="lab_act")
bias = right.slider(t("gradients.bias_label"), -2.0, 5.0, 0.0, 0.5, key="lab_bias")
clip_at = left.select_slider(t("gradients.clip_label"), CLIPS, value="off", key="lab_clip",
                             format_func=lambda v: clip_option(v, lang))
lab = {theme.CELL_NAMES[c]: loaders.untrained_trace(c, scale, act, bias, LAB_TEXT) for c in loaders.CELL_ORDER}
rho = spectral_radius(loaders.untrained("rnn", scale, act, bias).rnn.weight_hh_l0)
mid.metric(t("gradients.rho_label"), f"{rho:.2f}", help=t("gradients.rho_help"))
right.caption(t("gradients.bias_caption"))
chart(gradient_curves_figure(lab, threshold=None if clip_at == "off" else clip_at, spectral_radius=rho,
                             scale=size), "lab_curves")
st.caption(t("gradients.lab_read", text=controls.md_escape(LAB_TEXT), count=lab["RNN"].steps) + " " +
           t("gradients.lab_caption"))
gain, carousel = st.columns(2)
with gain:
    chart(step_gain_figure(lab, scale=size), "lab_gain")
    st.caption(t("gradients.gain_caption"))
with carousel:
    chart(forget_product_figure(lab["LSTM"], scale=size), "lab_forget")
    st.caption(t("gradients.forget_caption"))


def held_out(column, card, classes):
    metrics = card.get("metrics", {})
    accuracy, buckets = metrics.get("accuracy"), metrics.get("by_distance", {})
    shown = t("gradients.not_measured") if accuracy is None else f"{accuracy:.0%}"
    column.metric(t("gradients.accuracy_label"), shown, help=t("gradients.accuracy_help"))
    column.caption(t("gradients.guessing", chance=f"{1 / classes:.0%}") + "".join(
        " " + t("gradients.by_distance", count=k, accuracy=f"{v['accuracy']:.0%}") for k, v in buckets.items()))


def recall_contrast(recall):
    first = loaders.get_trace(RECALL[0], recall)
    pos = label_position(first, loaders.get_model(RECALL[0]).labels)
    colour = None if pos is None else first.tokens[pos]
    pair = {n: loaders.get_trace(n, recall, colour) for n in RECALL}
    chart(gradient_curves_figure(pair, marks=None if pos is None else {pos: t("gradients.mark_colour")},
                                 scale=size), "recall_curves")
    st.caption(t("gradients.recall_caption"))
    for column, (n, trace) in zip(st.columns(2), pair.items()):
        answer, p = final_prediction(trace, top=1)[0]
        column.subheader(n)
        column.metric(t("gradients.answer_label"), answer, t("gradients.answer_sure", p=f"{p:.0%}"),
                      delta_color="off", delta_arrow="off")
        if pos is not None:
            column.metric(t("gradients.reaching_label", colour=colour), f"{gradient_curve(trace)[pos]:.1e}",
                          help=t("gradients.reaching_help"))
            if trace.grad_cell is not None:
                column.metric(t("gradients.cell_label"), f"{gradient_curve(trace, state='cell')[pos]:.1e}",
                              help=t("gradients.cell_help"))
        held_out(column, loaders.card(n), len(trace.labels))
    if pos is None:
        st.info(t("gradients.name_colour"), icon="🎨")


st.header(t("gradients.recall_header"))
if set(RECALL) <= set(loaders.model_names()):
    st.markdown(t("gradients.recall_intro"))
    recall = st.text_input(t("gradients.recall_input"), controls.examples()["tasks"]["recall"][0], max_chars=2000,
                           key="recall_text")
    if controls.usable_text(recall):
        recall_contrast(recall)
else:
    st.info(t("gradients.recall_missing"), icon="📦")
share.share(loaders.get_trace(name, text) if text else None, name)
