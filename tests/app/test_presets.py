"""Lesson presets in the app: a ?preset= link sets the whole view and the page says its claim,
computed; teacher mode picks ideas and models in its top row; the tour links to the presets."""
from __future__ import annotations

import dataclasses

import pytest

import rnnviz
from rnnviz import presets
from rnnviz.errors import RnnvizError
from rnnviz.i18n import t
from rnnviz.ui import keys, loaders, tour
from rnnviz.ui import presets as preset_ui

from . import appkit
from .appkit import assert_no_live_markup, assert_ok, fil, rendered, texts

CLAIMS = {p.name: p.check(rnnviz.load_model) for p in presets.PRESETS}


def claim_shown(at) -> list[str]:
    return [rendered(s) for s in texts(at.success)]


@pytest.mark.parametrize("name", presets.NAMES)
def test_a_preset_link_opens_its_page_with_its_view_and_claim_in_filipino_teacher_mode(name):
    p = presets.preset(name)
    at = appkit.open_app(None, preset=name, teacher="1", lang="fil")      # lands on the tour, then switches
    assert_ok(at)
    state = at.session_state
    assert state[keys.LAST_PAGE] == p.page
    assert (state[keys.MODEL], state[keys.TEXT], state[keys.STEP]) == (p.model, p.text, p.step)
    for setting, value in p.page_settings(rnnviz.load_model).items():
        assert state[preset_ui.SETTING_KEYS[setting]] == value, setting
    sentence = presets.claim_text(p, CLAIMS[name], "fil")
    assert any(sentence in shown and shown.startswith(f"**{fil(f'controls.idea.{name}')}**")
               for shown in claim_shown(at)), claim_shown(at)
    assert keys.PRESET not in at.query_params and at.query_params.get(keys.TEACHER) == "1"
    assert_no_live_markup(at)


def test_every_setting_a_preset_names_has_a_widget():
    used = {name for p in presets.PRESETS for name in p.page_settings(rnnviz.load_model)}
    assert used and used <= set(preset_ui.SETTING_KEYS)


def test_an_unknown_preset_leaves_the_view_with_a_notice():
    at = appkit.open_app("views/step_through.py", preset="<b>nope</b>", text="alice says the movie was good .")
    assert_ok(at)
    expected = t("presets.unknown", "en", asked="<b>nope</b>", names=", ".join(presets.NAMES))
    assert expected in [rendered(i) for i in texts(at.info)]
    assert at.session_state[keys.TEXT] == "alice says the movie was good ." and not at.success
    assert_no_live_markup(at)


def test_a_preset_whose_model_is_missing_says_so(monkeypatch):
    monkeypatch.setattr(loaders, "model_names", lambda: ["story-lstm", "recall-lstm"])
    at = appkit.open_app("views/gradients.py", preset="vanishing")
    assert_ok(at)
    expected = t("presets.missing_model", "en", idea=t("controls.idea.vanishing", "en"), model="recall-rnn")
    assert expected in [rendered(i) for i in texts(at.info)]
    assert at.session_state[keys.MODEL] == "story-lstm"


def test_a_preset_whose_model_cannot_be_read_says_so_without_a_traceback(monkeypatch):
    real = loaders.get_model

    def damaged(name):
        if name == "story-lstm-2layer":
            raise RnnvizError("The file is damaged.")
        return real(name)
    monkeypatch.setattr(loaders, "get_model", damaged)
    at = appkit.open_app("views/step_through.py", preset="multilayer", text="alice says the movie was good .")
    assert_ok(at)
    expected = t("presets.check_failed", "en", idea=t("controls.idea.multilayer", "en"), error="The file is damaged.")
    assert expected in [rendered(i) for i in texts(at.info)]
    assert at.session_state[keys.TEXT] == "alice says the movie was good ."


def test_a_claim_that_does_not_hold_is_never_asserted(monkeypatch):
    p = presets.preset("negation")
    failing = dataclasses.replace(p, check=lambda load: presets.Claim(False, CLAIMS["negation"].fields))
    monkeypatch.setattr(presets, "PRESETS", tuple(failing if q is p else q for q in presets.PRESETS))
    at = appkit.open_app("views/step_through.py", preset="negation")
    assert_ok(at)
    assert not at.success
    warning = t("presets.not_holding", "en", idea=t("controls.idea.negation", "en"),
                claim=presets.claim_text(p, CLAIMS["negation"], "en"))
    assert warning in [rendered(w) for w in texts(at.warning)]


def test_the_claim_leaves_when_the_student_changes_the_sentence():
    at = appkit.open_app(None, preset="order")
    assert claim_shown(at)
    at.text_area(key=keys.TEXT).input("the acting was great .").run()
    assert_ok(at)
    assert not claim_shown(at)


def test_teacher_mode_picks_an_idea_and_a_model_in_its_top_row():
    at = appkit.open_app("views/step_through.py", teacher="1", text="alice says the movie was good .")
    picker = at.selectbox(key=keys.PRESET_PICK)
    assert picker.value is None and picker.placeholder == t("presets.picker_placeholder", "en")
    picker.set_value("flags").run()
    assert_ok(at)
    p = presets.preset("flags")
    assert at.session_state[keys.LAST_PAGE] == "flags" and at.session_state[keys.MODEL] == p.model
    assert at.session_state[keys.UNIT] == p.page_settings(rnnviz.load_model)["unit"]
    assert at.selectbox(key=keys.PRESET_PICK).value == "flags"
    assert any(presets.claim_text(p, CLAIMS["flags"], "en") in shown for shown in claim_shown(at))
    at.selectbox(key=keys.TEACHER_MODEL).set_value("story-gru").run()
    assert_ok(at)
    assert at.session_state[keys.MODEL] == "story-gru" and not claim_shown(at)
    assert at.selectbox(key=keys.PRESET_PICK).value is None


def test_the_tour_links_each_idea_to_its_preset():
    at = appkit.open_app(None, text="alice says the movie was good . she is happy .")
    at.run()
    assert_ok(at)
    links = {link.proto.label: link.proto for link in at.get("page_link")}
    for name in ("order", "unrolling", "vanishing", "flags", "gru", "bidirectional", "multilayer"):
        section = next(s for s in tour.TOUR if s.preset == name)
        proto = links[t(f"tour.{section.key}.link", "en")]
        assert f"{keys.PRESET}={name}" in str(proto), proto
