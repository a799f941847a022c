"""A link that reopens this view, and the current trace and figures as files.

Files are built only when a download button is clicked (Streamlit calls `data` then), so a step
or a rerun never pays for CSV, JSON or HTML nobody asked for.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

import streamlit as st

from rnnviz import export
from rnnviz.i18n import t
from rnnviz.trace import Trace
from rnnviz.ui import controls, keys, pages


def view_query() -> dict[str, str]:
    """The view as URL parameters: text, model, step, unit, lang, teacher (those that are set)."""
    state, query = st.session_state, st.query_params
    params = {keys.TEXT: state.get(keys.TEXT) or query.get(keys.TEXT),
              keys.MODEL: state.get(keys.MODEL) or query.get(keys.MODEL),
              keys.STEP: query.get(keys.STEP), keys.UNIT: query.get(keys.UNIT),
              keys.LANG: query.get(keys.LANG), keys.TEACHER: "1" if controls.teaching() else None}
    return {k: str(v) for k, v in params.items() if v not in (None, "")}


def view_link() -> str:
    """The full link (app URL + page + query) when the browser told us the URL, else "?…"."""
    query = "?" + urlencode(view_query(), quote_via=quote)
    if not st.context.url:
        return query
    page = st.session_state.get(keys.LAST_PAGE) or ""
    return app_url(st.context.url) + ("/" + page if page else "") + query


def app_url(url: str) -> str:
    """The app's own address from the address of one of its pages: the browser reports the page
    it opened on ("http://host/base/flags?unit=3"), which is not always the page shown now."""
    path = urlsplit(url)._replace(query="", fragment="").geturl().rstrip("/")
    head, _, last = path.rpartition("/")
    return head if last in pages.NAMES and "//" in head else path


def share(trace: Trace | None = None, name: str = "view") -> None:
    """'Copy link to this view' and, with a trace, its JSON and CSV downloads."""
    with st.expander(t("share.expander"), icon=":material/share:"):
        st.caption(t("share.link_caption"))
        st.code(view_link(), language=None, wrap_lines=True)
        if trace is None:
            return
        stem = "rnnviz-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
        left, mid, right = st.columns(3)
        left.download_button(t("share.json"), lambda: export.trace_json(trace), f"{stem}.json",
                             mime="application/json", on_click="ignore", key=keys.SHARE_JSON,
                             icon=":material/data_object:", help=t("share.json_help"))
        mid.download_button(t("share.states"), lambda: export.states_csv(trace), f"{stem}-states.csv",
                            mime="text/csv", on_click="ignore", key=keys.SHARE_STATES, icon=":material/table:",
                            help=t("share.states_help"))
        right.download_button(t("share.tokens"), lambda: export.tokens_csv(trace), f"{stem}-tokens.csv",
                              mime="text/csv", on_click="ignore", key=keys.SHARE_TOKENS, icon=":material/table:",
                              help=t("share.tokens_help"))
        st.caption(t("share.figures_caption"))


def figure_download(fig, key: str) -> None:
    """A small button that saves `fig` as a self-contained HTML page (built on click)."""
    st.download_button(t("share.html"), lambda: export.figure_html(fig), f"rnnviz-{key}.html", mime="text/html",
                       on_click="ignore", key=keys.html_download(key), type="tertiary", icon=":material/download:",
                       help=t("share.html_help"))
