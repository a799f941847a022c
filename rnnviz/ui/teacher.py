"""Teacher mode: a projector view driven from the keyboard, and predict-then-reveal questions.

Whether it is on, and the figure scale it implies, live in controls.py (every page asks); this
module draws what only teacher mode shows.
"""
from __future__ import annotations

import streamlit as st

from rnnviz.analysis.lab import most_open_gate
from rnnviz.figures import theme
from rnnviz.i18n import t
from rnnviz.ui import keys, language, presets
from rnnviz.ui.controls import asked_for_teacher, md_escape


def teacher_toggle(sections: dict) -> bool:
    """Teacher mode, from the URL's teacher=1 or the sidebar toggle; kept in the session (and
    written back to the URL) so it survives page switches. On: projector styling, big figures, and
    one compact row in place of the hidden sidebar: the lesson idea (a preset), the model, the
    pages of `sections` (st.navigation's, from pages.navigation) and the way out folded in a
    popover, the language."""
    if keys.TEACHER not in st.session_state:
        st.session_state[keys.TEACHER] = asked_for_teacher()
    on = st.sidebar.toggle(t("teacher.toggle"), key=keys.TEACHER, help=t("teacher.toggle_help"))
    if on:
        st.query_params[keys.TEACHER] = "1"
        teacher_style()
        with st.container(horizontal=True, vertical_alignment="center"):
            presets.picker(st)
            presets.model_picker(st)
            with st.popover(t("presets.pages_label"), icon=":material/menu:"):
                for page in (p for section in sections.values() for p in section):
                    st.page_link(page)
                st.button(t("teacher.leave"), on_click=_leave_teaching, type="tertiary", icon=":material/close:")
            language.language_switch(st.container(width="content"))
    else:
        st.query_params.pop(keys.TEACHER, None)
    return on


def _leave_teaching() -> None:
    st.session_state[keys.TEACHER] = False


# unsafe_allow_html is used here ONLY for this constant stylesheet: it holds no user text, ever.
# It hides the sidebar and Streamlit's toolbar, menu, decoration and footer, and enlarges the base
# font (Streamlit sizes text in rem).
_TEACHER_CSS = """<style>
html { font-size: 22px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stMainMenu"],
[data-testid="stAppDeployButton"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
footer, #MainMenu { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { max-width: 100%; padding-top: 1.5rem; }
</style>"""


def teacher_style() -> None:
    st.markdown(_TEACHER_CSS, unsafe_allow_html=True)


def next_question(trace, step: int, escape=lambda text: text) -> tuple[str, str] | None:
    """(question, answer) for the class to guess before the cursor moves to token step + 1,
    alternating with the step between "which gate opens most" (gated cells; analysis.lab's
    most_open_gate) and "what will it predict"; None at the last token.

    In the current language; the model's own words (the token, a gate's name, the predicted
    label) stay as they are and pass through `escape` (controls.md_escape for markdown)."""
    nxt = step + 1
    if nxt >= trace.steps:
        return None
    word = escape(trace.tokens[nxt])
    gate = most_open_gate(trace, nxt)
    if gate is not None and step % 2 == 0:
        name, mean = gate
        return (t("teacher.gate_question", word=word),
                t("teacher.gate_answer", gate=escape(theme.gate_label(name, trace.kind)), mean=f"{mean:.2f}"))
    label, p = trace.top_predictions(nxt, top=1)[0]
    return t("teacher.predict_question", word=word), f"{escape(label)} ({p:.0%})"


def predict_then_reveal(model_name: str, text: str, trace, step: int, final: tuple[str, str] | None = None) -> None:
    """Teacher mode, beside the view: the question for the next step, its answer only after the
    reveal (Enter); then the final answer (`final`: its label and value, as st.metric shows them),
    hidden too until its own reveal (Enter at the last token, where no step question is left)."""
    asked = next_question(trace, step, escape=md_escape)
    st.markdown("#### " + t("teacher.heading"))        # a small heading: the column is narrow
    here = [model_name, text, step]
    if asked is None:
        st.caption(t("teacher.last_token"))
    else:
        st.markdown("**" + asked[0] + "**")
        if st.session_state.get(keys.REVEALED) == here:
            st.success(asked[1], icon="💡")
        else:
            st.button(t("teacher.reveal"), key=keys.REVEAL, shortcut="Enter", on_click=_reveal, args=(here,),
                      type="primary", help=t("teacher.reveal_help"))
    if final is None:
        return
    if st.session_state.get(keys.REVEALED_FINAL) == here[:2]:
        st.metric(*final)
    else:
        st.button(t("teacher.reveal_final"), key=keys.REVEAL_FINAL, on_click=_reveal,
                  args=(here[:2], keys.REVEALED_FINAL),
                  shortcut="Enter" if asked is None else None, type="primary" if asked is None else "secondary",
                  help=t("teacher.reveal_final_help"))


def _reveal(here: list, key: str = keys.REVEALED) -> None:
    st.session_state[key] = here
