"""Step through: a sentence enters token by token; every state, gate and prediction on the way."""
import streamlit as st

from rnnviz import figures
from rnnviz.ui import controls, loaders, teacher
from rnnviz.ui.stepper import chart, stepper

name, text, size = controls.page_top(
    "Step through a sentence",
    "The network reads one token at a time. Each step takes the token and the state left by "
    "the step before, and hands a new state to the next. Use ← and → to walk along.")


def draw(trace, step):
    if controls.teaching():
        teacher.predict_then_reveal(name, text, trace, step)
    unrolled, rolled = st.columns([3, 1])
    with unrolled:
        chart(figures.unrolled_figure(trace, step, head_label=controls.head_label(name), scale=size), "chain",
              trace.steps, download=True)
    with rolled:
        chart(figures.rolled_figure(trace, step, scale=size), "loop")
    chart(figures.state_heatmap_figure(trace, "hidden", step=step, scale=size), "hidden", trace.steps, download=True)
    if trace.cell is not None:
        chart(figures.state_heatmap_figure(trace, "cell", step=step, scale=size), "cell", trace.steps, download=True)
    inside, predicted = st.columns(2)
    with inside:
        st.subheader(f"Inside the cell at x{_sub(step)}")
        chart(figures.gate_strips_figure(trace, step, scale=size), "gates", download=True)
    with predicted:
        st.subheader("The prediction, token by token")
        chart(figures.prediction_figure(trace, step, scale=size), "prediction", trace.steps, download=True)


def _sub(t: int) -> str:
    return str(t).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


if text:
    trace = loaders.get_trace(name, text)
    controls.token_chips(trace, loaders.get_model(name).vocab)
    stepper(name, text, draw)
    best, p = figures.final_prediction(trace, top=1)[0]
    what = "Next word" if controls.head_label(name) == "next word" else "Prediction"
    st.metric(f"{what} after the whole text ({p:.0%} sure)", best)
