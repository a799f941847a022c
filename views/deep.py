"""Deeper networks: a second direction (bidirectional) and a second layer (multilayer), step by step.

The page shows the model chosen in the sidebar. A model with one layer read in one direction is
drawn too (for comparison), with one-click switches to the bundled deep models.
"""
import streamlit as st

from rnnviz.figures import final_prediction, gate_strips_figure
from rnnviz.figures.deep import concat_figure, layers_figure
from rnnviz.ui import controls, loaders
from rnnviz.ui.stepper import chart, stepper

DEEP_MODELS = {"sentiment-bilstm": "two directions", "story-lstm-2layer": "two layers"}
TWO_WAYS = ("**Two directions.** When the whole sentence is there before we predict (a review to classify, "
            "not a word to guess), one network can read it left to right while a second reads it right to "
            "left. At any token the forward state knows the words up to it and the backward state the words "
            "after it; side by side, they see the whole sentence. The two directions have their own weights "
            "and do not talk to each other; only what reads them (the classifier, or a layer above) combines them.")
TWO_LAYERS = ("**Two layers.** The second layer is a whole recurrent network of its own whose input at each "
              "token is the first layer's hidden state there, instead of the word's embedding. So the upper "
              "layer reads patterns of patterns. Each layer has its own weights and its own gates; only the "
              "top layer feeds the prediction. “Higher layers find higher-level patterns” is a tendency, not a "
              "rule: in a model this small the two layers often share the work in ways that are hard to name.")


def switch(target: str) -> None:
    st.session_state[controls.MODEL] = target


def answer(trace) -> tuple[str, float]:
    best, p = final_prediction(trace, top=1)[0]
    return controls.md_escape(best), p


def draw(trace, step):
    chart(layers_figure(trace, step, scale=size), "deep_layers", download=True)
    if spec.bidirectional and spec.head == "classifier":
        chart(concat_figure(trace, step, spec.pooling, scale=size), "deep_concat")
        st.caption("Each row is one long vector: the forward units, then the backward units. The lower row is "
                   "what the classifier multiplies by its weights"
                   + (": the forward state after the last word beside the backward state after the first word, "
                      "each direction's final summary." if spec.pooling == "last" else ".")
                   + " From it the classifier says **{}** ({:.0%} sure).".format(*answer(trace)))
    slices = [(layer, d) for layer in range(spec.layers) for d in range(spec.directions)]
    st.subheader("The gates of every layer and direction at this token")
    for (layer, d), column in zip(slices, st.columns(len(slices))):
        with column:
            chart(gate_strips_figure(trace, step, layer=layer, direction=d, scale=size), f"deep_gates_{layer}_{d}")


st.title("Deeper networks")
st.caption("Two ways to make a recurrent network bigger: read the sentence in both directions, or stack "
           "layers so that one layer reads another's states.")
controls.show_notices()
name = st.session_state[controls.MODEL]
spec = loaders.get_model(name).spec
size = controls.figure_scale()
deep = [m for m in DEEP_MODELS if m in loaders.model_names()]
if spec.layers == 1 and not spec.bidirectional:
    st.info(f"{controls.md_escape(name)} has one layer that reads left to right. Below it is drawn for comparison; "
            "switch to a deeper model to see what changes.", icon="🧱")
    for target, column in zip(deep, st.columns(max(len(deep), 1))):
        column.button(f"Open {target} ({DEEP_MODELS[target]})", on_click=switch, args=(target,),
                      key=f"open_{target}", width="stretch")
if spec.bidirectional:
    st.markdown(TWO_WAYS)
if spec.layers > 1:
    st.markdown(TWO_LAYERS)
text = controls.usable_text(controls.sentence_box(name))
if text:
    controls.token_chips(loaders.get_trace(name, text), loaders.get_model(name).vocab)
    stepper(name, text, draw)
