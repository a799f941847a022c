"""Lesson presets in the app: a link ?preset=<name> (with teacher=1, lang=fil as usual) sets the
whole view an idea needs at once, and the page says the one thing it demonstrates, computed.

    apply_link(page)      app.py, before any widget: the link's preset → session state, then its page
    claim_callout()       page_top: the claim, filled with numbers measured on the models shown
    picker(where)         teacher mode's top row: choose an idea (it becomes the link's preset)
    link_to(name, label)  a page link that opens the preset (the tour's sections)

The engine side (which page, model, sentence, step and settings; the checks) is rnnviz.presets.
"""
from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from rnnviz import presets as lesson
from rnnviz.errors import RnnvizError
from rnnviz.i18n import t
from rnnviz.ui import controls, keys, loaders, pages

# The preset's page settings (rnnviz.presets names) -> the widget keys that hold them.
SETTING_KEYS = {"concept": keys.FLAG_CONCEPT, "unit": keys.UNIT, "scale": keys.LAB_SCALE,
                "activation": keys.LAB_ACTIVATION, "forget_bias": keys.LAB_BIAS, "clip": keys.LAB_CLIP}
_KEPT = (keys.TEACHER, keys.LANG)                            # a link's parameters that outlive the switch
_REPLACED = (keys.MODEL, keys.TEXT, keys.STEP, keys.UNIT)    # the link's view, replaced by the preset's


def apply_link(page) -> None:
    """Once per link visit: the URL's preset sets model, sentence, step and the page's settings,
    then opens the preset's page (`page` is the one st.navigation chose). The parameter leaves the
    URL once applied, replaced by the view it set (model, text, step), so a rerun or the student's
    own changes are never overwritten and the address bar is a link to the view. An unknown
    preset, or one whose model is not installed, leaves everything as it was, with a notice."""
    asked = st.query_params.get(keys.PRESET)
    if asked is None:
        return
    kept = {k: st.query_params.get_all(k) for k in _KEPT if k in st.query_params}
    st.query_params.pop(keys.PRESET, None)
    found = lesson.preset(asked)
    if found is None:
        controls.notice(t("presets.unknown", asked=asked[:40], names=", ".join(lesson.NAMES)))
        return
    missing = [n for n in found.needs if n not in loaders.model_names()]
    if missing:
        controls.notice(t("presets.missing_model", idea=controls.idea_title(found.name), model=missing[0]))
        return
    try:
        for name in found.needs:        # a model that cannot be read: say so, change nothing
            loaders.get_model(name)
    except RnnvizError as err:
        controls.notice(t("presets.check_failed", idea=controls.idea_title(found.name), error=str(err)))
        return
    use(found)
    view = {keys.MODEL: found.model, keys.TEXT: found.text} | ({keys.STEP: str(found.step)} if found.step else {})
    target = pages.page(found.page)
    if page.url_path != target.name:
        try:
            st.switch_page(target.path, query_params=kept | view)
        except StreamlitAPIException:   # the view's widgets are bound already (a picker, mid-session): they write it
            st.switch_page(target.path, query_params=kept)
    for key, value in {**dict.fromkeys(_REPLACED), **view}.items():
        _write_param(key, value)        # the address bar holds the view, as any link to it would


def _write_param(key: str, value: str | None) -> None:
    """Set (None: remove) a URL parameter, unless a widget bound to it owns it: that widget writes
    its own value (Streamlit refuses a direct write)."""
    try:
        if value is None:
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = value
    except StreamlitAPIException:
        pass


def use(p: lesson.Preset) -> None:
    """Set the preset's whole view in the session: the model every page shows, the sentence and
    cursor (also as the next page's view), and the page's own settings."""
    state = st.session_state
    settings = p.page_settings(loaders.get_model)
    state[keys.MODEL] = p.model
    state[keys.TEXT] = state[keys.view(keys.TEXT)] = p.text
    state[keys.STEP] = state[keys.view(keys.STEP)] = p.step
    state[keys.CURSOR_OF] = [p.text, p.model, p.step]      # the cursor keeps this step for this sentence
    state[keys.LAST_TASK] = controls.task_of(p.model)
    for name, value in settings.items():
        state[SETTING_KEYS[name]] = value
    if "unit" in settings:
        state[keys.UNIT_CONTEXT] = None             # keep the preset's unit whatever concept comes first
        state.pop(keys.UNIT_NOTICE, None)
    state[keys.PRESET_ACTIVE] = p.name
    state[keys.PRESET_PICK] = p.name


def active(on_its_page: bool = True) -> lesson.Preset | None:
    """The preset this view still is: the one applied last, while its model and sentence are
    shown (and, if `on_its_page`, on its page: known once controls.enter_page has run)."""
    state = st.session_state
    p = lesson.preset(state.get(keys.PRESET_ACTIVE) or "")
    if p is None or on_its_page and state.get(keys.LAST_PAGE) != p.page:
        return None
    return p if state.get(keys.MODEL) == p.model and state.get(keys.TEXT) == p.text else None


def claim(p: lesson.Preset) -> lesson.Claim:
    """The preset's check on the models this session sees (a student's own model may stand in
    for a bundled one), computed once per preset and models."""
    models = tuple(id(loaders.get_model(n)) for n in p.needs)
    return loaders.session_cached(keys.SESSION_CLAIMS, (p.name, models), lambda: p.check(loaders.get_model))


def claim_callout() -> None:
    """At the top of the preset's page: the sentence it demonstrates, filled with what was just
    measured; if the measurement contradicts it, a warning that says so instead."""
    p = active()
    if p is None:
        return
    idea = controls.idea_title(p.name)
    with st.container(key=keys.PRESET_CLAIM):
        try:
            found = claim(p)
        except RnnvizError as err:
            st.warning(controls.md_escape(t("presets.check_failed", idea=idea, error=str(err))), icon="⚠️")
            return
        sentence = lesson.claim_text(p, found)
        if found.holds:
            st.success(f"**{controls.md_escape(idea)}** · {controls.md_escape(sentence)}", icon=":material/school:")
        else:
            st.warning(controls.md_escape(t("presets.not_holding", idea=idea, claim=sentence)), icon="⚠️")


def picker(where) -> None:
    """Teacher mode's idea picker, in `where` (the top row): choosing one applies it like a link."""
    shown = active(on_its_page=False)
    st.session_state[keys.PRESET_PICK] = shown.name if shown else None
    where.selectbox(t("presets.picker_label"), lesson.NAMES, key=keys.PRESET_PICK, index=None,
                    format_func=controls.idea_title, placeholder=t("presets.picker_placeholder"),
                    on_change=_picked, help=t("presets.picker_help"), label_visibility="collapsed", width=260)


def _picked() -> None:
    name = st.session_state.get(keys.PRESET_PICK)
    if name:
        st.query_params[keys.PRESET] = name        # apply_link, at the top of this very run


def model_picker(where) -> None:
    """Teacher mode's model picker (the sidebar's is hidden): it sets the sidebar picker's model."""
    names = controls.picker_order(loaders.model_names())
    shown = st.session_state.get(keys.MODEL) or st.query_params.get(keys.MODEL)
    st.session_state[keys.TEACHER_MODEL] = shown if shown in names else controls.DEFAULT_MODEL
    where.selectbox(t("controls.model_label"), names, key=keys.TEACHER_MODEL, on_change=_model_picked,
                    label_visibility="collapsed", width=220, help=t("controls.model_help"))


def _model_picked() -> None:
    st.session_state[keys.MODEL] = st.session_state[keys.TEACHER_MODEL]


def link_to(name: str, label: str, icon: str | None = None) -> None:
    """A link that opens preset `name` on its page (teacher mode and language stay in the session)."""
    p = lesson.preset(name)
    st.page_link(pages.page(p.page).path, label=label, icon=icon, query_params={keys.PRESET: p.name})
