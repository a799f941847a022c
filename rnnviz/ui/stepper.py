"""Plotly charts on a page: the modebar's settings, an HTML download, and clicks on markers.

The token cursor itself lives in the browser (rnnviz/ui/live: Step through and the panels view of
every other cursor page); these figures are its zoomable, downloadable copies. A click on a
chart's point (customdata [unit, step], [layer, direction, unit, ...]) is read by clicked_point.
"""
from __future__ import annotations

import streamlit as st

from rnnviz.ui import share


def chart_config(key: str) -> dict:
    """The modebar stays (its camera saves a PNG named after the figure), without the plotly logo."""
    return {"displaylogo": False, "toImageButtonOptions": {"filename": f"rnnviz-{key}", "scale": 2}}


def chart(fig, key: str, download: bool = False) -> None:
    """A plotly figure; with `download`, a button under it saves it as HTML (built only when clicked)."""
    st.plotly_chart(fig, key=key, theme=None, config=chart_config(key))
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
