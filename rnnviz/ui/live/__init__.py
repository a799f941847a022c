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

from rnnviz.figures.live import live_view
from rnnviz.trace import Trace
from rnnviz.ui import controls

HERE = Path(__file__).resolve().parent
KEY = "live"            # the component's key; its "moved" trigger carries the step the student went to

_component = st.components.v2.component(
    "rnnviz_live", html='<div class="live"></div>',
    css=(HERE / "live.css").read_text(encoding="utf-8"), js=(HERE / "live.js").read_text(encoding="utf-8"))


def live_stepper(trace: Trace, step: int, *, head_label: str, scale: float) -> None:
    """The view with its cursor at `step`; a move in the browser lands in session_state[STEP]."""
    view = live_view(trace, step, head_label=head_label, scale=scale)
    _component(data=view, key=KEY, on_moved_change=lambda: _moved(trace.steps))


def _moved(steps: int) -> None:
    """The browser moved the cursor: the session follows (before the rerun draws anything)."""
    event = st.session_state.get(KEY) or {}
    step = event.get("moved") if isinstance(event, dict) else getattr(event, "moved", None)
    if isinstance(step, int) and 0 <= step < steps:
        st.session_state[controls.STEP] = step

