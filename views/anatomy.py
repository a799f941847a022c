"""Cell anatomy: the lesson's cell equation filled in with the real numbers at the current token."""
import streamlit as st

from rnnviz.figures import theme
from rnnviz.figures.anatomy import cell_terms, gate_equations_figure, simple_cell_figure
from rnnviz.ui import controls, loaders
from rnnviz.ui.stepper import chart, stepper

SLICE = "anatomy_slice"
GATED = {
    "lstm": "Each **gate** is a small simple cell of its own with a sigmoid σ at the end, so its "
            "values lie between 0 and 1 and act like a soft mask. Look at the forget gate *f*: units "
            "near 1 keep what the cell state *c* remembered, units near 0 let it go. The input gate *i* "
            "decides how much of the candidate *g* is written into *c*. The lesson says the output gate "
            "makes the new hidden vector: more exactly, *c* is updated by the forget and input gates, "
            "and the output gate *o* masks tanh(*c*) to give *h*.",
    "gru": "The GRU (gated *recurrent* unit) keeps one state and two gates. The reset gate *r* decides "
           "how much of the old state the candidate *n* may look at; the update gate *z* blends: "
           "near 1 it keeps the old *h*, near 0 it takes the candidate *n*.",
}

st.title("Inside one cell")
st.caption("The lesson's cell, filled in with this model's real numbers for the token you are on.")
controls.show_notices()
name = st.session_state[controls.MODEL]
model = loaders.get_model(name)
st.markdown(
    "At every token the cell does one small sum: it multiplies the token's vector **x** by a weight "
    "matrix **W**, multiplies the state it carried from the previous token by a second matrix **H**, "
    "adds a bias **b**, and squashes the result with tanh into the new state **h**. Red is positive, "
    "blue negative, white zero; hover over a square to read its value.")
st.caption("The lesson describes W as emb_size × hid_size. PyTorch stores the same matrix turned on its "
           "side (transposed), hid_size × emb_size, so that W·x works with x standing as a column. It is "
           "the same map from token to state; the shapes below are PyTorch's, rows × columns.")
text = controls.usable_text(controls.sentence_box(name))
size = controls.figure_scale()


def where(spec) -> tuple[int, int]:
    """Which layer and direction to open: asked only when the model has more than one."""
    cells = [(layer, d) for layer in range(spec.layers) for d in range(spec.directions)]
    if len(cells) == 1:
        return cells[0]

    def label(k):
        layer, d = cells[k]
        return " · ".join(([f"layer {layer}"] if spec.layers > 1 else [])
                          + ([theme.DIRECTION_LABELS[d]] if spec.directions > 1 else []))

    pick = st.segmented_control("Which cell", range(len(cells)), format_func=label, default=0,
                                required=True, key=SLICE)
    return cells[pick or 0]


def draw(trace, step):
    layer, direction = where(model.spec)
    terms = cell_terms(model, trace, step, layer, direction)
    notes = [f"Layer {layer} reads what layer {layer - 1} hands up at this token (its h, every direction "
             "side by side) instead of the embedding."] if layer else []
    if direction:
        notes.append("The backward direction reads the sentence from the end, so its previous state "
                     "is the one after this token (h at t+1).")
    if notes:
        st.caption(" ".join(notes))
    kind = model.spec.cell
    st.subheader(f"The {theme.CELL_NAMES[kind]} cell at t = {step}")
    chart(simple_cell_figure(terms, scale=size), "anatomy_simple", download=True)
    if kind in GATED:
        st.markdown("An LSTM or GRU computes this same sum for every gate at once: the matrices above "
                    "hold one block per gate. Each block then gets its own equation:")
        st.markdown(GATED[kind])
        chart(gate_equations_figure(terms, scale=size), "anatomy_gates", download=True)
    else:
        st.caption("A plain RNN has no gates: this one sum is its whole step.")


if text:
    trace = loaders.get_trace(name, text)
    controls.token_chips(trace, model.vocab)
    stepper(name, text, draw)
