"""The language switch: English or Filipino, bound to `lang` in the URL (lang=fil).

Every `t(...)` call asks the session which language it is in. A value in a link that is not a
language falls back to English, with a notice.
"""
from __future__ import annotations

import streamlit as st

from rnnviz.i18n import DEFAULT, LANGUAGES, t, use_language
from rnnviz.ui.controls import notice
from rnnviz.ui.keys import LANG


def _current() -> str:
    if LANG in st.session_state:
        return st.session_state[LANG] or DEFAULT
    asked = st.query_params.get(LANG)
    return asked if asked in LANGUAGES else DEFAULT


use_language(_current)


def language_switch(where=None) -> str:
    """The switch, in `where` (the sidebar unless given). Returns the language.

    Written to the URL by hand (lang=fil; nothing for English), not bound: a bound widget would
    write its label, lang=Filipino.
    """
    if LANG not in st.session_state:
        asked = st.query_params.get(LANG)
        if asked is not None and asked not in LANGUAGES:
            notice(t("language.unknown", asked=asked[:12]))
        st.session_state[LANG] = asked if asked in LANGUAGES else DEFAULT
    (where or st.sidebar).segmented_control(
        t("language.label"), list(LANGUAGES), required=True, key=LANG, format_func=LANGUAGES.get,
        help=t("language.help"), label_visibility="visible" if where is None else "collapsed")
    lang = _current()
    if lang == DEFAULT:
        st.query_params.pop(LANG, None)
    else:
        st.query_params[LANG] = lang
    return lang
