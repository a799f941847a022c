"""Cell anatomy: the lesson's cell equation filled in with the real numbers at the current token."""
import streamlit as st

from rnnviz.analysis.anatomy import cell_terms
from rnnviz.figures.anatomy import gate_equations_figure, simple_cell_figure
from rnnviz.figures.common import slice_name
from rnnviz.i18n import known, t
from rnnviz.ui import controls, keys, loaders
from rnnviz.ui.stepper import chart, stepper


def shapes(_name: str) -> None:
    st.markdown(t("anatomy.intro"))
    st.caption(t("anatomy.shapes_note"))


name, text, size = controls.page_top(t("anatomy.title"), t("anatomy.caption"), more=shapes)
model = loaders.get_model(name)


def where(spec) -> tuple[int, int]:
    """Which layer and direction to open: asked only when the model has more than one."""
    cells = [(layer, d) for layer in range(spec.layers) for d in range(spec.directions)]
    if len(cells) == 1:
        return cells[0]
    labels = [slice_name(spec.layers, spec.directions, *cell) for cell in cells]   # in this run's language
    pick = st.segmented_control(t("anatomy.which_cell"), range(len(cells)), format_func=labels.__getitem__,
                                default=0, required=True, key=keys.ANATOMY_SLICE)
    return cells[pick or 0]


def slice_notes(layer: int, direction: int) -> list[str]:
    """What differs in an upper layer (its input) and in the backward direction (its previous state)."""
    notes = [t("anatomy.upper_layer_note", layer=layer, below=layer - 1)] if layer else []
    if direction:
        notes.append(t("anatomy.backward_note"))
    return notes


def draw(trace, step):
    layer, direction = where(model.spec)
    terms = cell_terms(model, trace, step, layer, direction)
    notes = slice_notes(layer, direction)
    if notes:
        st.caption(" ".join(notes))
    kind = model.spec.cell_kind
    st.subheader(t("anatomy.cell_heading", cell=kind.title, step=step))
    chart(simple_cell_figure(terms, scale=size), "anatomy_simple", download=True)
    if kind.gates:                  # a gated kind's gates are explained under anatomy.gated.<kind>, if written
        st.markdown(t("anatomy.gated_intro"))
        if known(f"anatomy.gated.{kind.name}"):
            st.markdown(t(f"anatomy.gated.{kind.name}"))
        chart(gate_equations_figure(terms, scale=size), "anatomy_gates", download=True)
    else:
        st.caption(t("anatomy.no_gates"))


if text:
    trace = loaders.get_trace(name, text)
    controls.token_chips(trace, model.vocab)
    stepper(name, text, draw)
