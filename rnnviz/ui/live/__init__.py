"""The cursor views as a browser component: the sentence arrives once, steps stay local.

Stepping through a sentence used to ask the server for six new plotly figures per step (about
half a second). Here the browser gets every step's numbers once (rnnviz.figures.live.live_view)
and moves the cursor itself, on ← / → / Home / End, its buttons, its slider, clicks on the
chain or the heatmaps, and autoplay (Space). It tells the server the step a moment later, so
the URL, the share link and teacher mode's question follow.

The same component draws the "panels" view of the other cursor pages (RNN vs LSTM vs GRU, Deeper
networks, Cell anatomy, the training scrubber) from rnnviz.figures.panels's payload: live.js
holds the cursor's controller, panels.js the panels and anatomy.js the anatomy's terms.
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
SCRIPTS = ("live.js", "panels.js", "anatomy.js")      # one module: live.js's controller, then the views
STYLES = ("live.css", "panels.css", "anatomy.css")    # (a file not written yet is skipped)


def _joined(names: tuple[str, ...]) -> str:
    return "\n".join((HERE / n).read_text(encoding="utf-8") for n in names if (HERE / n).exists())


_component = st.components.v2.component("rnnviz_live", html='<div class="live"></div>', css=_joined(STYLES),
                                        js=_joined(SCRIPTS))


def live_stepper(trace: Trace, step: int, *, head_label: str, scale: float, layer: int = 0,
                 direction: int = 0) -> None:
    """The view of one (layer, direction) with its cursor at `step`; a move in the browser lands
    in session_state[keys.STEP]."""
    view = live_view(trace, step, head_label=head_label, scale=scale, layer=layer, direction=direction)
    _component(data=view, key=keys.LIVE, on_moved_change=lambda: _moved(trace.steps))


def live_panels(payload: dict, key: str, target: str = keys.STEP) -> None:
    """A panels view (rnnviz.figures.panels): every picture follows one cursor in the browser; a
    move lands in session_state[target] (the token cursor, or e.g. the scrubber's snapshot)."""
    positions = len(payload["positions"])
    _component(data=payload, key=key, on_moved_change=lambda: _moved(positions, key, target))


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


def _moved(steps: int, key: str = keys.LIVE, target: str = keys.STEP) -> None:
    """The browser moved the cursor: the session follows (before the rerun draws anything)."""
    event = st.session_state.get(key) or {}
    step = event.get("moved") if isinstance(event, dict) else getattr(event, "moved", None)
    if isinstance(step, int) and 0 <= step < steps:
        st.session_state[target] = step

