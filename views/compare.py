"""RNN, GRU and LSTM side by side on one sentence under one cursor that steps in the browser;
then their gates."""
import streamlit as st

from rnnviz import figures
from rnnviz.analysis.lab import most_open_unit
from rnnviz.figures.gradients import gradient_curves_figure
from rnnviz.figures.panels import compare_payload
from rnnviz.figures.saturation import saturation_figure, unit_gate_figure
from rnnviz.i18n import t
from rnnviz.ui import controls, keys, live, loaders, share
from rnnviz.ui.stepper import chart, chart_config, clicked_point

NARROW_TICKS = 7          # a third of the page names only every few tokens (hover names each)

name, text, size = controls.page_top(t("compare.title"), t("compare.intro"))
names = loaders.task_models(name)


def cell_title(n: str) -> str:
    return loaders.get_model(n).spec.cell_kind.title


@st.fragment
def side_by_side() -> None:
    """The three models' pictures under one cursor (moved in the browser; the server follows)."""
    traces = {n: loaders.get_trace(n, text) for n in names}
    step = controls.cursor(traces[name].steps)
    controls.remember_step(step)
    payload = compare_payload({f"{cell_title(n)} · {n}": trace for n, trace in traces.items()}, step, size)
    live.live_panels(payload, keys.COMPARE_PANELS)
    st.caption(t("compare.gradient_caption"))
    if st.toggle(t("panels.as_figures"), key=keys.COMPARE_FIGURES, help=t("panels.as_figures_help")):
        as_figures(traces, step)
    share.share(traces[name], name)


def as_figures(traces: dict, step: int) -> None:
    """The same pictures as plotly figures at the cursor (zoom, PNG, HTML download)."""
    for column, (n, trace) in zip(st.columns(len(traces)), traces.items()):
        with column:
            st.subheader(f"{cell_title(n)} · {controls.md_escape(n)}")
            chart(figures.state_heatmap_figure(trace, "hidden", step=step, scale=size, max_ticks=NARROW_TICKS),
                  keys.compare_chart("hidden", n), download=True)
            chart(figures.prediction_figure(trace, step, scale=size, max_ticks=NARROW_TICKS),
                  keys.compare_chart("prediction", n))
            chart(gradient_curves_figure({n: trace}, step=step, scale=size), keys.compare_chart("gradient", n))


def clicked(sat, kind: str):
    """The gate unit last clicked in the scatter, if this model has it; else the most open one."""
    data = clicked_point(keys.SATURATION_CLICK)
    if isinstance(data, list) and len(data) == 4 and data[0] in sat:
        gate, *where = data
        if all(0 <= int(i) < s for i, s in zip(where, sat[gate][0].shape)):
            return gate, *(int(i) for i in where)
    return most_open_unit(sat, kind)


def gates_section():
    st.header(t("compare.gates_header"))
    st.markdown(t("compare.gates_intro"))
    gated = [n for n in names if loaders.get_model(n).spec.cell_kind.gates]
    if not gated:
        st.info(t("compare.no_gates"), icon="ℹ️")
        return
    pick = gated[0] if len(gated) == 1 else st.segmented_control(
        t("compare.whose_gates"), gated, default=gated[-1], required=True, format_func=cell_title)
    sat, kind = loaders.gate_saturation(pick, text), loaders.get_model(pick).spec.cell
    unit = clicked(sat, kind)
    left, right = st.columns(2)
    with left:
        st.plotly_chart(saturation_figure(sat, kind, unit, scale=size),
                        key=keys.SATURATION_CLICK, theme=None, on_select="rerun", selection_mode="points",
                        config=chart_config(keys.SATURATION_CLICK))
        st.caption(t(f"compare.counted_{loaders.saturation_pool(pick)}"))
    with right:
        chart(unit_gate_figure(loaders.get_trace(pick, text), *unit, scale=size), "saturation_unit")
        st.caption(t("compare.bands"))


if text:
    if len(names) == 1:
        st.info(t("compare.alone", name=controls.md_escape(name)), icon="ℹ️")
    side_by_side()
    gates_section()
