"""Deeper networks: a second direction (bidirectional) and a second layer (multilayer), under one
cursor that steps in the browser.

The page shows the model chosen in the sidebar. A model with one layer read in one direction is
drawn too (for comparison), with one-click switches to the bundled deep models.
"""
import streamlit as st

from rnnviz.figures import gate_strips_figure
from rnnviz.figures.deep import concat_figure, layers_figure
from rnnviz.figures.panels import deep_payload
from rnnviz.i18n import t
from rnnviz.ui import controls, keys, live, loaders, share, tokens
from rnnviz.ui.stepper import chart

DEEP_MODELS = {"sentiment-bilstm": "deep.kind.directions", "story-lstm-2layer": "deep.kind.layers"}  # -> catalogue key


def answer(trace) -> tuple[str, str]:
    """The classifier's answer after the whole text (escaped) and how sure it is ("87%")."""
    best, p = trace.top_predictions(top=1)[0]
    return controls.md_escape(best), f"{p:.0%}"


def what_is_deep(name: str) -> None:
    """A shallow model: the switches to the deep ones; a deep model: what its depth adds."""
    spec = loaders.get_model(name).spec
    deep = [m for m in DEEP_MODELS if m in loaders.model_names()]
    if spec.layers == 1 and not spec.bidirectional:
        st.info(t("deep.one_layer", name=controls.md_escape(name)), icon="🧱")
        for target, column in zip(deep, st.columns(max(len(deep), 1))):
            column.button(t("deep.open", model=target, what=t(DEEP_MODELS[target])), on_click=controls.use_model,
                          args=(target,), key=keys.open_model(target), width="stretch")
    if spec.bidirectional:
        st.markdown(t("deep.explain.directions"))
    if spec.layers > 1:
        st.markdown(t("deep.explain.layers"))


@st.fragment
def at_cursor() -> None:
    """Every layer and direction under one cursor (moved in the browser; the server follows)."""
    trace = loaders.get_trace(name, text)
    step = controls.cursor(trace.steps)
    controls.remember_step(step)
    live.live_panels(deep_payload(trace, spec.pooling, step, size), keys.DEEP_PANELS)
    if spec.bidirectional and not spec.head_kind.next_word:
        best, sure = answer(trace)
        st.caption(t(f"deep.concat_{spec.pooling}", answer=best, sure=sure))
    if st.toggle(t("panels.as_figures"), key=keys.DEEP_FIGURES, help=t("panels.as_figures_help")):
        as_figures(trace, step)
    share.share(trace, name)


def as_figures(trace, step: int) -> None:
    """The same pictures as plotly figures at the cursor (zoom, PNG, HTML download)."""
    chart(layers_figure(trace, step, scale=size), "deep_layers", download=True)
    if spec.bidirectional and not spec.head_kind.next_word:
        chart(concat_figure(trace, step, spec.pooling, scale=size), "deep_concat")
    slices = [(layer, d) for layer in range(spec.layers) for d in range(spec.directions)]
    for (layer, d), column in zip(slices, st.columns(len(slices))):
        with column:
            chart(gate_strips_figure(trace, step, layer=layer, direction=d, scale=size), f"deep_gates_{layer}_{d}")


name, text, size = controls.page_top(t("deep.title"), t("deep.caption"), more=what_is_deep)
spec = loaders.get_model(name).spec
if text:
    tokens.token_chips(loaders.get_trace(name, text), name)
    at_cursor()
