"""Cell anatomy: the lesson's cell equation filled in with the real numbers at the current token.

Every token's numbers go to the browser once (the "terms" panel); a step moves there, and the
server follows to keep the URL, the share link and the plotly figures (if shown) in step."""
import streamlit as st

from rnnviz.analysis.anatomy import sentence_terms
from rnnviz.figures.anatomy import gate_equations_figure, simple_cell_figure
from rnnviz.figures.anatomy_panel import anatomy_panel
from rnnviz.figures.common import slice_name
from rnnviz.figures.panels import panels_payload, positions_of
from rnnviz.i18n import known, t
from rnnviz.ui import controls, keys, live, loaders, share, tokens
from rnnviz.ui.stepper import chart


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


def explain(kind) -> None:
    """What the pictures are: a gated kind's gates are explained under anatomy.gated.<kind>, if written."""
    if not kind.gates:
        st.caption(t("anatomy.no_gates"))
        return
    st.markdown(t("anatomy.gated_intro"))
    if known(f"anatomy.gated.{kind.name}"):
        st.markdown(t(f"anatomy.gated.{kind.name}"))


@st.fragment
def at_cursor(trace, layer: int, direction: int) -> None:
    """The terms of every token in the browser, one cursor; the plotly figures on request."""
    step = controls.cursor(trace.steps)
    controls.remember_step(step)
    panel = anatomy_panel(sentence_terms(model, trace, layer, direction))
    live.live_panels(panels_payload(positions_of(trace), [{"title": "", "columns": [{"title": "", "panels": [panel]}]}],
                                    step=step, scale=size), keys.ANATOMY_PANELS)
    if st.toggle(t("panels.as_figures"), key=keys.ANATOMY_FIGURES, help=t("panels.as_figures_help")):
        st.subheader(t("anatomy.cell_heading", cell=model.spec.cell_kind.title, step=step))
        chart(simple_cell_figure(panel, scale=size, step=step), "anatomy_simple", download=True)
        if panel["rows"]:
            chart(gate_equations_figure(panel, scale=size, step=step), "anatomy_gates", download=True)
    share.share(trace, name)


if text:
    trace = loaders.get_trace(name, text)
    tokens.token_chips(trace, name)
    explain(model.spec.cell_kind)
    layer, direction = where(model.spec)
    notes = slice_notes(layer, direction)
    if notes:
        st.caption(" ".join(notes))
    at_cursor(trace, layer, direction)
