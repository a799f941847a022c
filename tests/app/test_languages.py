"""The language switch on every page: the visible words change, the view stays."""
from __future__ import annotations

import pytest

from rnnviz import i18n

from .appkit import assert_ok, english_leftovers, open_app, visible_strings
from .test_pages import PAGES

SENTENCE = "alice says the movie was not good . she is sad ."
ENGLISH, FILIPINO = i18n.catalogue("en"), i18n.catalogue("fil")


@pytest.mark.parametrize("page", PAGES)
def test_the_switch_changes_every_visible_string_and_keeps_the_view(page):
    at = open_app(page=page, text=SENTENCE, model="story-gru")
    at.run()
    assert_ok(at)
    title = at.title[0].value
    assert title in ENGLISH.values()
    before = set(visible_strings(at))

    at.sidebar.segmented_control(key="lang").set_value("fil").run()
    assert_ok(at)
    assert at.query_params["lang"] in ("fil", ["fil"])
    key = next(k for k, v in ENGLISH.items() if v == title)
    assert at.title[0].value == FILIPINO[key] != title, "the page title is the Filipino one"
    assert english_leftovers(at) == [], "English texts left on the Filipino page"
    after = set(visible_strings(at))
    assert len(after - before) >= 3, "the visible words changed"
    assert at.text_area(key="text").value == SENTENCE and at.selectbox(key="model").value == "story-gru"

    at.sidebar.segmented_control(key="lang").set_value("en").run()
    assert_ok(at)
    assert at.title[0].value == title and "lang" not in at.query_params


def test_a_link_in_filipino_opens_in_filipino_and_a_bad_language_says_so():
    at = open_app(page="views/anatomy.py", text=SENTENCE, lang="fil")
    at.run()
    assert at.sidebar.segmented_control(key="lang").value == "fil"
    assert at.title[0].value == FILIPINO["anatomy.title"]
    bad = open_app(page="views/anatomy.py", text=SENTENCE, lang="<b>xx</b>")
    assert any("xx" in info.value for info in bad.info), "a notice names the language asked for"
    assert bad.title[0].value == ENGLISH["anatomy.title"]
