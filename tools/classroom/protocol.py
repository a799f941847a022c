"""Streamlit's websocket protocol as a browser speaks it, with the protobufs Streamlit ships.

The browser opens ws://HOST/_stcore/stream (subprotocol "streamlit") and sends BackMsg
rerun_script with a ClientState: the page (page_name "step_through"), the URL's query string
and every widget's value (WidgetStates). The server answers with ForwardMsgs (new_session,
deltas, page_info_changed when the script writes st.query_params, ...) and ends each run with
script_finished. A widget inside an st.fragment reruns only that fragment: the browser sends the
fragment's id (each delta carries the fragment_id it was drawn by).

A components-v2 element (st.components.v2) sends its triggers as one widget, the "aggregator"
`$$STREAMLIT_INTERNAL_KEY_<element id>__events`, with json_trigger_value
`[{"event": "moved", "value": step}]` (streamlit/components/v2/bidi_component/main.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


def rerun(page: str, query_string: str, widgets: dict[str, WidgetState], fragment_id: str = "",
          page_script_hash: str = "") -> bytes:
    """A serialized BackMsg rerun_script, as the browser sends on load (the page's url path: `page`)
    and on every widget change after that (the page's script hash, from navigation)."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string, state.fragment_id = query_string, fragment_id
    if page_script_hash:
        state.page_script_hash = page_script_hash
    else:
        state.page_name = page
    state.widget_states.widgets.extend(widgets.values())
    return msg.SerializeToString()


def string_widget(widget_id: str, value: str) -> WidgetState:
    """A text box's value, as the browser sends it."""
    state = WidgetState(id=widget_id)
    state.string_value = value
    return state


def trigger_widget(element_id: str, event: str, value) -> WidgetState:
    """A components-v2 element's trigger `event` with `value` (the component's setTriggerValue)."""
    state = WidgetState(id=f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{element_id}__events")
    state.json_trigger_value = json.dumps([{"event": event, "value": value}])
    return state


@dataclass
class Seen:
    """What one run's ForwardMsgs said: where it ended, its errors, the ids the client needs."""
    finished: int | None = None           # ForwardMsg.ScriptFinishedStatus, None while running
    errors: list[str] = field(default_factory=list)
    query_string: str | None = None       # the URL after the script wrote st.query_params
    page_script_hash: str | None = None   # the page st.navigation ran (navigation)
    text_area: str | None = None          # element id of the text box whose user key is `text_key`
    component: tuple[str, str] | None = None   # (element id, fragment id) of the components-v2 element
    component_bytes: int = 0              # of which the components-v2 element's deltas (its payload)


def read(raw: bytes, seen: Seen, text_key: str, component_name: str) -> None:
    """Parses one ForwardMsg into `seen`: script_finished, exceptions, URL writes, widget ids."""
    msg = ForwardMsg()
    msg.ParseFromString(raw)
    kind = msg.WhichOneof("type")
    if kind == "script_finished":
        seen.finished = msg.script_finished
        if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            seen.errors.append("script compile error")
    elif kind == "navigation":
        seen.page_script_hash = msg.navigation.page_script_hash
    elif kind == "page_info_changed":
        seen.query_string = msg.page_info_changed.query_string
    elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
        seen.errors.append("script compilation exception")
    elif kind == "page_not_found":
        seen.errors.append("page not found")
    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        what = element.WhichOneof("type")
        if what == "exception":
            seen.errors.append(f"exception: {element.exception.type}: {element.exception.message[:200]}")
        elif what == "text_area" and element.text_area.id.endswith(f"-{text_key}"):
            seen.text_area = element.text_area.id
        elif what == "bidi_component" and element.bidi_component.component_name.endswith(component_name):
            seen.component = (element.bidi_component.id, msg.delta.fragment_id)
            seen.component_bytes += len(raw)
