"""A link that reopens this view, the URL that follows it, and the current trace and figures as files.

Files are built only when a download button is clicked (Streamlit calls `data` then), so a step
or a rerun never pays for CSV, JSON or HTML nobody asked for.

Back and Forward: the sentence and the step are written to the URL by hand (write_url), and a
small piece in the browser (history.js, mounted by history_guard) turns those writes into
replacements of the current history entry, so only a page switch adds one. When the URL holds
a value this session did not write (Back, Forward), url_value returns it for the page to follow.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import streamlit as st

from rnnviz import export
from rnnviz.i18n import t
from rnnviz.trace import Trace
from rnnviz.ui import controls, keys, pages

_history_piece = st.components.v2.component(   # no shadow root: it draws nothing (the live views have one)
    "rnnviz_history", js=(Path(__file__).resolve().parent / "history.js").read_text(encoding="utf-8"),
    isolate_styles=False)


def history_guard() -> bool:
    """Installs, once per browser tab, the piece that keeps one history entry per page (history.js):
    a URL write on the same page replaces the entry, a page switch adds one.

    Returns True on the session's first run: the piece is not in the browser yet, so a write that
    adds a parameter the link did not have would add a history entry (Back would stay on the page)."""
    first = keys.URL_WRITTEN not in st.session_state
    st.session_state.setdefault(keys.URL_WRITTEN, {})
    _history_piece(data={"sentence": keys.TEXT}, key=keys.HISTORY)
    return first


def write_url(key: str, value: str | None) -> None:
    """Writes `value` to the URL's `key` (None removes it), and remembers it as this session's own."""
    if value is None:
        st.query_params.pop(key, None)
    elif st.query_params.get(key) != value:
        st.query_params[key] = value
    st.session_state.setdefault(keys.URL_WRITTEN, {})[key] = value


def url_value(key: str) -> str | None:
    """The URL's `key` when the browser put it there after this session wrote its own (Back or
    Forward to an entry with another sentence or step); None when the URL says what the session
    wrote, says nothing, or the session has not written `key` yet (a link's first visit)."""
    asked, written = st.query_params.get(key), st.session_state.get(keys.URL_WRITTEN, {})
    return asked if asked is not None and key in written and asked != written[key] else None


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
