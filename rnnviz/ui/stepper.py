"""The token cursor and everything drawn at it, inside a fragment: a step reruns only this part.

The trace comes from the cache on every step; it is computed once per (model, sentence).
Clicks on a figure's invisible markers (customdata [step] or [unit, step]) move the cursor.
"""
from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from rnnviz.i18n import t
from rnnviz.trace import Trace
from rnnviz.ui import controls, keys, loaders, share

AUTOPLAY_SECONDS = 1.0

Draw = Callable[[Trace, int], None]


def stepper(model_name: str, text: str, draw: Draw) -> None:
    """Step controls and `draw(trace, step)`, rerun together on every step."""
    st.toggle(t("stepper.autoplay"), key=keys.PLAY, help=t("stepper.autoplay_help"))
    every = AUTOPLAY_SECONDS if st.session_state.get(keys.PLAY) else None
    st.fragment(run_every=every)(_at_cursor)(model_name, text, draw)


def _at_cursor(model_name: str, text: str, draw: Draw) -> None:
    trace = loaders.get_trace(model_name, text)
    if st.session_state.get(keys.PLAY) and _tick_due():
        controls.move(1, trace.steps)
    controls.step_buttons(trace.steps)
    step = controls.step_slider(trace.steps)
    draw(trace, step)
    share.share(trace, model_name)          # in the fragment: the link follows the step


def _tick_due() -> bool:
    """True once per autoplay interval, so a button click in between does not double-step."""
    now = time.monotonic()
    if now - st.session_state.get(keys.LAST_TICK, 0.0) < 0.9 * AUTOPLAY_SECONDS:
        return False
    st.session_state[keys.LAST_TICK] = now
    return True


def chart_config(key: str) -> dict:
    """The modebar stays (its camera saves a PNG named after the figure), without the plotly logo."""
    return {"displaylogo": False, "toImageButtonOptions": {"filename": f"rnnviz-{key}", "scale": 2}}


def chart(fig, key: str, steps: int | None = None, download: bool = False) -> None:
    """A plotly figure; with `steps`, a click on one of its markers moves the cursor there; with
    `download`, a button under it saves it as HTML (built only when clicked)."""
    if steps is None:
        st.plotly_chart(fig, key=key, theme=None, config=chart_config(key))
    else:
        st.plotly_chart(fig, key=key, theme=None, on_select=lambda: _jump(key, steps),
                        selection_mode="points", config=chart_config(key))
    if download:
        share.figure_download(fig, key)


def clicked_point(key: str) -> list | None:
    """The customdata of the point last clicked in the chart keyed `key`, as a list ([step],
    [unit, step], [layer, direction, unit, ...]); None when nothing is clicked.

    Plotly sends a number as it is and a typed array as {"0": …, "1": …}: both become lists.
    """
    points = (st.session_state.get(key) or {}).get("selection", {}).get("points", [])
    data = points[0].get("customdata") if points else None
    if isinstance(data, dict):
        data = [data[k] for k in sorted(data, key=lambda k: int(k) if str(k).isdigit() else -1)]
    if data is None or isinstance(data, (list, tuple)):
        return None if data is None else list(data)
    return [data]


def _jump(key: str, steps: int) -> None:
    """Chart callback: the clicked marker's customdata ends with the step to go to."""
    data = clicked_point(key)
    if not data:
        return
    step = int(data[-1])
    if 0 <= step < steps:
        st.session_state[keys.STEP] = step
