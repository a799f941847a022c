"""Vanishing gradients: how much of the error signal gets back to each word, and what controls it."""
import streamlit as st

from rnnviz.analysis.lab import gradient_targets
from rnnviz.errors import RnnvizError
from rnnviz.figures.gradients import (
    connectivity_figure,
    forget_product_figure,
    gradient_curves_figure,
    step_gain_figure,
)
from rnnviz.i18n import language, t
from rnnviz.registry import CELL_KINDS
from rnnviz.ui import controls, keys, loaders, recall, share
from rnnviz.ui.stepper import chart

LAB_TEXT = controls.examples()["ideas"]["vanishing"][0]
CLIPS = ("off", 1, 3, 10, 100, 1000)
PLAIN = next(k for k in CELL_KINDS.values() if not k.gates)           # ρ(W_hh) rules its gradient alone
CARRIER = next(k for k in CELL_KINDS.values() if k.forget_gate)       # its forget gates carry c

name, text, size = controls.page_top(t("gradients.title"), t("gradients.intro"))
st.markdown(t("gradients.explain"))
st.latex(r"\frac{\partial L}{\partial h_t}=\frac{\partial L}{\partial h_T}\,"
         r"\frac{\partial h_T}{\partial h_{T-1}}\cdots\frac{\partial h_{t+1}}{\partial h_t},\qquad"
         r"\frac{\partial h_s}{\partial h_{s-1}}=\mathrm{diag}(1-h_s^2)\,W_{hh}")


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
    target = st.selectbox(t("gradients.target_label"), gradient_targets(first, loaders.get_model(name).vocab),
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
scale = left.slider(t("gradients.scale_label"), 0.25, 3.0, 1.0, 0.25, key=keys.LAB_SCALE)
act = mid.segmented_control(t("gradients.activation_label"), ["tanh", "relu"], default="tanh", required=True,
                            key=keys.LAB_ACTIVATION)
bias = right.slider(t("gradients.bias_label"), -2.0, 5.0, 0.0, 0.5, key=keys.LAB_BIAS)
clip_at = left.select_slider(t("gradients.clip_label"), CLIPS, value="off", key=keys.LAB_CLIP,
                             format_func=lambda v: clip_option(v, lang))
lab = {k.title: loaders.untrained_trace(k.name, scale, act, bias, LAB_TEXT) for k in CELL_KINDS.values()}
rho = loaders.untrained_radius(PLAIN.name, scale, act, bias)
mid.metric(t("gradients.rho_label"), f"{rho:.2f}", help=t("gradients.rho_help"))
right.caption(t("gradients.bias_caption"))
chart(gradient_curves_figure(lab, threshold=None if clip_at == "off" else clip_at, spectral_radius=rho,
                             scale=size), "lab_curves")
st.caption(t("gradients.lab_read", text=controls.md_escape(LAB_TEXT), count=lab[PLAIN.title].steps) + " " +
           t("gradients.lab_caption"))
gain, carousel = st.columns(2)
with gain:
    chart(step_gain_figure(lab, scale=size), "lab_gain")
    st.caption(t("gradients.gain_caption"))
with carousel:
    chart(forget_product_figure(lab[CARRIER.title], scale=size), "lab_forget")
    st.caption(t("gradients.forget_caption"))


recall.recall_section(size)
share.share(loaders.get_trace(name, text) if text else None, name)
