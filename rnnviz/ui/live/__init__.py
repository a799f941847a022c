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

from rnnviz.analysis import char_cells, unit_order
from rnnviz.figures.common import slice_name
from rnnviz.figures.live import choose_units, live_view, slim, with_flags
from rnnviz.i18n import t
from rnnviz.trace import Trace
from rnnviz.ui import keys, loaders, units

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
    """A panels view (rnnviz.figures.panels), or the step-through view: every picture follows one
    cursor in the browser; a move lands in session_state[target] (the token cursor, or e.g. the
    scrubber's snapshot).

    A step-through view of a model with many units first gets the "flags first" order from the
    model card and the units the student chose in the browser (sort, all units): written into
    `payload` itself, so the page's plotly copies drawn from it afterwards show the same rows.
    Its numbers (300,000 for 256 units and 200 characters) go once: the browser says which view
    it holds ("have"), and every rerun after that (one per step the server hears) sends the view
    without them (figures.live.slim). The same for a panels view of such a model ("wide")."""
    if payload.get("units", {}).get("choose"):
        _units_of_this_session(payload, key)
    data = slim(payload) if payload.get("wide") and _event(key, "have") == payload["id"] else payload
    positions = len(payload["positions"])
    _component(data=data, key=key, on_moved_change=lambda: _moved(positions, key, target),
               on_units_change=lambda: None, on_have_change=lambda: None)


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


def _units_of_this_session(view: dict, key: str) -> None:
    """The card's flags (flags and measured cells) and the browser's last choice of units, into `view`."""
    card = loaders.card(st.session_state.get(keys.MODEL, "")) or {}
    flags = unit_order.shown_flags(f for part in ("flags", char_cells.CARD_FIELD) for f in (card.get(part) or []))
    with_flags(view, flags, units.concept_name)
    chosen = _event(key, "units")
    if isinstance(chosen, dict):
        choose_units(view, chosen.get("order"), chosen.get("all"))


def _event(key: str, name: str):
    """What the browser last sent as `name` (a trigger or a state) of the component at `key`."""
    event = st.session_state.get(key) or {}
    return event.get(name) if isinstance(event, dict) else getattr(event, name, None)


def _moved(steps: int, key: str = keys.LIVE, target: str = keys.STEP) -> None:
    """The browser moved the cursor: the session follows (before the rerun draws anything)."""
    step = _event(key, "moved")
    if isinstance(step, int) and 0 <= step < steps:
        st.session_state[target] = step

