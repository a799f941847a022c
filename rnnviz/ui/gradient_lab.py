"""The Gradients lab: untrained RNN, GRU and LSTM cells on one sentence, opened on the lesson's
setting (analysis.gradients.LESSON_LAB), with a computed sentence saying what that setting shows
and a button that puts every control back to it after the student has broken it."""
from __future__ import annotations

import streamlit as st

from rnnviz.analysis.gradients import LAB_TEXT, LESSON_LAB, keeps_more, kept_at
from rnnviz.figures.gradients import forget_product_figure, gradient_curves_figure, signal_words, step_gain_figure
from rnnviz.i18n import language, t
from rnnviz.registry import CELL_KINDS
from rnnviz.ui import controls, keys, loaders
from rnnviz.ui.stepper import chart

CLIPS = ("off", 1, 3, 10, 100, 1000)
SCALES = dict(min_value=0.25, max_value=3.0, step=0.25)
BIASES = dict(min_value=-2.0, max_value=5.0, step=0.5)
ACTIVATIONS = ("tanh", "relu")
LESSON = {keys.LAB_SCALE: LESSON_LAB.scale, keys.LAB_ACTIVATION: LESSON_LAB.activation,
          keys.LAB_BIAS: LESSON_LAB.forget_bias, keys.LAB_CLIP: LESSON_LAB.clip or "off"}
SPAN = (1e-10, 10.0)          # the lab's y-axis always covers these, so moving a slider keeps the scale
MORE, LESS = 10.0, 0.1        # a ratio beyond these is "more" / "less"; between them "about the same"
PLAIN = next(k for k in CELL_KINDS.values() if not k.gates)           # ρ(W_hh) rules its gradient alone
CARRIER = next(k for k in CELL_KINDS.values() if k.forget_gate)       # its forget gates carry c


def _valid(key: str, value) -> bool:
    """Whether `value` (from a link or a preset) fits the widget `key`."""
    if key == keys.LAB_ACTIVATION:
        return value in ACTIVATIONS
    if key == keys.LAB_CLIP:
        return value in CLIPS
    bounds = SCALES if key == keys.LAB_SCALE else BIASES
    return isinstance(value, float) and bounds["min_value"] <= value <= bounds["max_value"]


def reset() -> None:
    """Button callback: every lab widget back to the lesson's setting."""
    st.session_state.update(LESSON)


def _start() -> None:
    """The lesson's setting for every widget not set yet (a preset may have set some) or set to a
    value the widget cannot show."""
    for key, value in LESSON.items():
        given = st.session_state.get(key)
        if isinstance(given, int) and not isinstance(given, bool) and isinstance(value, float):
            given = st.session_state[key] = float(given)          # a float slider takes floats only
        if not _valid(key, given):
            st.session_state[key] = value


def claim(lab: dict, lang: str | None = None) -> str:
    """The sentence about what these settings show, in `lang`, computed from the traces drawn:
    keeps_more(LSTM, plain RNN) at the first token, in words."""
    lstm, rnn = lab[CARRIER.title], lab[PLAIN.title]
    ratio = keeps_more(lstm, rnn)
    values = dict(lstm=signal_words(kept_at(lstm), lang), rnn=signal_words(kept_at(rnn), lang),
                  word=controls.md_escape(lstm.tokens[0]))
    if ratio >= MORE:
        return t("gradients.lab_claim.more", lang, ratio=signal_words(ratio, lang), **values)
    if ratio > LESS:
        return t("gradients.lab_claim.same", lang, **values)
    return t("gradients.lab_claim.less", lang, ratio=signal_words(1 / ratio, lang), **values)


def lab_section(size: float) -> None:
    """The untrained cells: four controls, the computed claim with the reset button, the curves."""
    st.header(t("gradients.vanish_header"))
    st.markdown(t("gradients.untrained_intro"))
    _start()
    lang = language()
    left, mid, right = st.columns(3)
    scale = left.slider(t("gradients.scale_label"), **SCALES, key=keys.LAB_SCALE)
    act = mid.segmented_control(t("gradients.activation_label"), ACTIVATIONS, required=True, key=keys.LAB_ACTIVATION)
    bias = right.slider(t("gradients.bias_label"), **BIASES, key=keys.LAB_BIAS)
    clip_at = left.select_slider(t("gradients.clip_label"), CLIPS, key=keys.LAB_CLIP,
                                 format_func=lambda v: t("gradients.clip_off", lang) if v == "off" else str(v))
    lab = {k.title: loaders.untrained_trace(k.name, scale, act, bias, LAB_TEXT) for k in CELL_KINDS.values()}
    rho = loaders.untrained_radius(PLAIN.name, scale, act, bias)
    mid.metric(t("gradients.rho_label"), f"{rho:.2f}", help=t("gradients.rho_help"))
    right.caption(t("gradients.bias_caption"))
    st.info(claim(lab, lang) + " " + t("gradients.lab_try", lang), icon=":material/science:")
    st.button(t("gradients.lab_reset"), key=keys.LAB_RESET, on_click=reset, icon=":material/restart_alt:",
                  help=t("gradients.lab_reset_help", scale=LESSON_LAB.scale, activation=LESSON_LAB.activation,
                         bias=LESSON_LAB.forget_bias))
    chart(gradient_curves_figure(lab, threshold=None if clip_at == "off" else clip_at, spectral_radius=rho,
                                 scale=size, y_span=SPAN), "lab_curves")
    st.caption(t("gradients.lab_read", text=controls.md_escape(LAB_TEXT), count=lab[PLAIN.title].steps) + " " +
               t("gradients.lab_caption"))
    gain, carousel = st.columns(2)
    with gain:
        chart(step_gain_figure(lab, scale=size), "lab_gain")
        st.caption(t("gradients.gain_caption"))
    with carousel:
        chart(forget_product_figure(lab[CARRIER.title], scale=size), "lab_forget")
        st.caption(t("gradients.forget_caption"))
