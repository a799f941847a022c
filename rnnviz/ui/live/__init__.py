"""The step-through view as a browser component: the sentence arrives once, steps stay local.

Stepping through a sentence used to ask the server for six new plotly figures per step (about
half a second). Here the browser gets every step's numbers once (rnnviz.figures.live.live_view)
and moves the cursor itself, on ← / → / Home / End, its buttons, its slider, clicks on the
chain or the heatmaps, and autoplay (Space). It tells the server the step a moment later, so
the URL, the share link and teacher mode's question follow.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from rnnviz.figures.common import slice_name
from rnnviz.figures.live import live_view
from rnnviz.i18n import t
from rnnviz.trace import Trace
from rnnviz.ui import keys

HERE = Path(__file__).resolve().parent

_component = st.components.v2.component(
    "rnnviz_live", html='<div class="live"></div>',
    css=(HERE / "live.css").read_text(encoding="utf-8"), js=(HERE / "live.js").read_text(encoding="utf-8"))


def live_stepper(trace: Trace, step: int, *, head_label: str, scale: float, layer: int = 0,
                 direction: int = 0) -> None:
    """The view of one (layer, direction) with its cursor at `step`; a move in the browser lands
    in session_state[keys.STEP]."""
    view = live_view(trace, step, head_label=head_label, scale=scale, layer=layer, direction=direction)
    _component(data=view, key=keys.LIVE, on_moved_change=lambda: _moved(trace.steps))


def slice_picker(trace: Trace) -> tuple[int, int]:
    """Which layer and direction to show, for a model with more than one (else (0, 0))."""
    layers, directions = trace.hidden.shape[:2]
    if layers * directions == 1:
        return 0, 0
    labels = {f"{layer}:{direction}": slice_name(layers, directions, layer, direction)
              for layer in range(layers) for direction in range(directions)}
    if st.session_state.get(keys.LIVE_SLICE) not in labels:
        st.session_state.pop(keys.LIVE_SLICE, None)
    picked = st.segmented_control(t("live.slice"), list(labels), key=keys.LIVE_SLICE, default="0:0", required=True,
                                  format_func=labels.get, help=t("live.slice_help"))
    layer, direction = (int(v) for v in (picked or "0:0").split(":"))
    return layer, direction


def _moved(steps: int) -> None:
    """The browser moved the cursor: the session follows (before the rerun draws anything)."""
    event = st.session_state.get(keys.LIVE) or {}
    step = event.get("moved") if isinstance(event, dict) else getattr(event, "moved", None)
    if isinstance(step, int) and 0 <= step < steps:
        st.session_state[keys.STEP] = step

