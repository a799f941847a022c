"""Vanishing gradients: how much of the error signal gets back to each word, and what controls it."""
import streamlit as st

from rnnviz.analysis.gradients import gradient_curve, spectral_radius
from rnnviz.errors import RnnvizError
from rnnviz.figures import final_prediction, theme
from rnnviz.figures.gradients import (connectivity_figure, forget_product_figure, gradient_curves_figure,
                                      label_position, step_gain_figure)
from rnnviz.ui import controls, loaders, share
from rnnviz.ui.stepper import chart

LAB_TEXT = controls.examples()["ideas"]["vanishing"][0]
RECALL = ("recall-rnn", "recall-lstm")
CLIPS = ("off", 1, 3, 10, 100, 1000)

name, text, size = controls.page_top(
    "Vanishing and exploding gradients",
    "To learn that an early word matters, the correction from the answer (the gradient) has to "
    "travel back to that word, one step at a time. Here you watch how much of it arrives.")
st.markdown("At each step back the gradient is multiplied by how much that step's state depends on the one "
            "before. Many factors below 1 shrink it towards nothing (it **vanishes**); above 1 it grows "
            "(it **explodes**). For a plain RNN every factor holds the same matrix W_hh (the lesson's H):")
st.latex(r"\frac{\partial L}{\partial h_t}=\frac{\partial L}{\partial h_T}\,"
         r"\frac{\partial h_T}{\partial h_{T-1}}\cdots\frac{\partial h_{t+1}}{\partial h_t},\qquad"
         r"\frac{\partial h_s}{\partial h_{s-1}}=\mathrm{diag}(1-h_s^2)\,W_{hh}")


def targets(trace, model):
    """None (each model's own guess), then what the sentence itself offers to predict."""
    if model.spec.head != "lm":
        return [None, *model.labels]
    last = 1 if model.spec.bidirectional else trace.steps        # a bidirectional model reads to the end
    return [None, *[(w, k - 1) for k, w in enumerate(trace.tokens[:last]) if k and w in model.vocab]]


def say(target):
    if target is None:
        return "each model's own top guess after the last token"
    if isinstance(target, tuple):
        return f"“{target[0]}” (token {target[1] + 1}), predicted after reading token {target[1]}"
    return f"the class “{target}”"


if text:
    first = loaders.get_trace(name, text)
    target = st.selectbox("What the network must predict: L = log p(this)",
                          targets(first, loaders.get_model(name)), format_func=say,
                          help="The loss L whose gradient flows back.")
    traces = {}
    for n in loaders.task_models(name):
        try:
            traces[n] = loaders.get_trace(n, text, target)
        except RnnvizError as err:
            st.info(controls.md_escape(f"{n}: {err}"), icon="ℹ️")
    chart(gradient_curves_figure(traces, marks={target[1]: "L is read here"} if isinstance(target, tuple)
                                 else None, scale=size), "gradient_curves", download=True)
    st.caption("1 means all of the signal arrived; 10⁻³ a thousandth. Each grid line down is ten times less. "
               "Dashed: the LSTM's cell state c, its long-term memory lane.")
    chart(connectivity_figure(traces, scale=size), "connectivity", download=True)
    st.caption("How much a small change to each word would change L. Bright words can still move the "
               "answer; dark ones barely reach it.")

st.header("What makes it vanish")
st.markdown("These cells are **untrained**: random weights, so only the arithmetic is at work. Each W_hh is a "
            "rotation (it keeps lengths) times the scale below, so it stretches a vector by exactly that much "
            "per step; the tanh slope (never above 1) shrinks the gradient further.")
left, mid, right = st.columns(3)
scale = left.slider("Scale of W_hh", 0.25, 3.0, 1.0, 0.25, key="lab_scale")
act = mid.segmented_control("Plain RNN activation", ["tanh", "relu"], default="tanh", required=True,
                            key="lab_act")
bias = right.slider("LSTM forget-gate bias", -2.0, 5.0, 0.0, 0.5, key="lab_bias")
clip_at = left.select_slider("Clip gradients at", CLIPS, value="off", key="lab_clip")
lab = {theme.CELL_NAMES[c]: loaders.untrained_trace(c, scale, act, bias, LAB_TEXT) for c in loaders.CELL_ORDER}
rho = spectral_radius(loaders.untrained("rnn", scale, act, bias).rnn.weight_hh_l0)
mid.metric("Spectral radius ρ(W_hh)", f"{rho:.2f}", help="The largest |eigenvalue| of the plain RNN's W_hh, "
    "computed from the matrix. Each gate block of the GRU and LSTM is built the same way.")
right.caption("A bias of +3 starts the forget gate near σ(3) ≈ 0.95: the memory, and its gradient, survive.")
chart(gradient_curves_figure(lab, threshold=None if clip_at == "off" else clip_at, spectral_radius=rho,
                             scale=size), "lab_curves")
st.caption(controls.md_escape(f"They read “{LAB_TEXT}” ({lab['RNN'].steps} tokens).") +
    " At scale 3 the plain RNN explodes: early tokens get gradients thousands of times larger than the "
    "last. relu passes the gradient on unchanged where a unit is on and blocks it where it is off. "
    "Clipping caps each step's gradient at the threshold: it tames an explosion but cannot revive a "
    "vanished gradient.")
gain, carousel = st.columns(2)
with gain:
    chart(step_gain_figure(lab, scale=size), "lab_gain")
    st.caption("The factor of each single step back. 20 steps of 0.8 leave 0.8²⁰ ≈ 0.01.")
with carousel:
    chart(forget_product_figure(lab["LSTM"], scale=size), "lab_forget")
    st.caption("The LSTM's forget gates multiplied from token t to the end: how much of c survives the trip. "
               "With f ≈ 1 it stays near 1, the 'constant error carousel'.")


def held_out(column, card, classes):
    metrics = card.get("metrics", {})
    accuracy, buckets = metrics.get("accuracy"), metrics.get("by_distance", {})
    column.metric("Held-out accuracy", "not measured" if accuracy is None else f"{accuracy:.0%}",
                  help="On test sentences it never saw in training (from its model card).")
    column.caption(f"Guessing scores {1 / classes:.0%}." + "".join(
        f" {k} filler words: {v['accuracy']:.0%}." for k, v in buckets.items()))


def recall_contrast(recall):
    first = loaders.get_trace(RECALL[0], recall)
    pos = label_position(first, loaders.get_model(RECALL[0]).labels)
    colour = None if pos is None else first.tokens[pos]
    pair = {n: loaders.get_trace(n, recall, colour) for n in RECALL}
    chart(gradient_curves_figure(pair, marks=None if pos is None else {pos: "the colour"}, scale=size),
          "recall_curves")
    st.caption("When almost none of the gradient gets back to the colour, training has no way to teach the "
               "network to keep it. Compare each model's numbers with its accuracy.")
    for column, (n, trace) in zip(st.columns(2), pair.items()):
        answer, p = final_prediction(trace, top=1)[0]
        column.subheader(n)
        column.metric("Its answer", answer, f"{p:.0%} sure", delta_color="off", delta_arrow="off")
        if pos is not None:
            column.metric(f"Gradient reaching “{colour}”", f"{gradient_curve(trace)[pos]:.1e}",
                          help="‖∂L/∂h‖ at the colour word ÷ its value at the end; L = log p(the right colour)")
            if trace.grad_cell is not None:
                column.metric("…along the cell state c", f"{gradient_curve(trace, state='cell')[pos]:.1e}",
                              help="‖∂L/∂c‖ at the colour word ÷ its value at the end: the LSTM's memory lane")
        held_out(column, loaders.card(n), len(trace.labels))
    if pos is None:
        st.info("Name a colour (blue, green, red or yellow) to see how much gradient reaches it.", icon="🎨")


st.header("Trained: remembering one colour")
if set(RECALL) <= set(loaders.model_names()):
    st.markdown("Both models were trained on sentences that name a key's colour, wander on for 20 to 60 words, "
                "then ask for the colour. Type your own; keep the colour right after “the key is”.")
    recall = st.text_input("A recall sentence", controls.examples()["tasks"]["recall"][0], max_chars=2000,
                           key="recall_text")
    if controls.usable_text(recall):
        recall_contrast(recall)
else:
    st.info("The recall models (recall-rnn, recall-lstm) are not installed, so this part is not shown.",
            icon="📦")
share.share(loaders.get_trace(name, text) if text else None, name)
