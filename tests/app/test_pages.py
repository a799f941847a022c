"""Every page of the page registry (rnnviz/ui/pages.py, which app.py's navigation reads), in
AppTest: it opens, draws, steps, changes model, and shows hostile text as text. Pages added to the
registry are picked up automatically."""
from __future__ import annotations

from pathlib import Path

import pytest

from rnnviz.i18n import catalogue
from rnnviz.text import tokenize
from rnnviz.ui import pages

from .appkit import (
    ROOT,
    assert_no_live_markup,
    assert_no_raw_html_in_charts,
    assert_ok,
    charts,
    live_view,
    open_app,
)

SENTENCE = "alice says the movie was good . she is happy ."
HOSTILE = "<script>alert(1)</script> [click](http://evil) ![x](http://evil/x.png) :red[x] <b>bold</b>"


PAGES = [p.path for p in pages.PAGES]


def test_every_page_file_is_in_the_registry_and_every_registered_page_is_a_file():
    assert PAGES, "the page registry lists no page"
    folders = {str(Path(p).parent) for p in PAGES}
    files = sorted(str(f.relative_to(ROOT)) for folder in folders for f in (ROOT / folder).glob("*.py")
                   if not f.name.startswith("_"))
    assert sorted(PAGES) == files, f"{', '.join(sorted(folders))} and rnnviz/ui/pages.py disagree"
    assert len(set(PAGES)) == len(PAGES), "a page is registered twice"


def test_every_page_has_its_words_in_every_catalogue():
    for lang in ("en", "fil"):
        words = catalogue(lang)
        missing = [key for p in pages.PAGES for key in (p.title_key, p.section_key) if key not in words]
        assert not missing, f"{lang}: {missing}"


def test_the_app_navigates_by_the_registry():
    """app.py hands st.navigation the registry's pages, in its order, and lists no page of its own."""
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "pages.navigation()" in source and "st.Page(" not in source
    at = open_app()
    assert_ok(at)
    assert at.title[0].value == catalogue("en")["tour.title"], "the registry's first page is the landing page"


def test_no_legacy_pages_folder_beside_app_py():
    """A pages/ folder beside app.py puts Streamlit in its old pages-folder mode: AppTest then runs
    the page file alone (without app.py and its model picker) on every run after the first."""
    assert not (ROOT / "pages").is_dir(), "keep the pages in views/, not pages/ (see app.py)"


def live_tokens(at) -> list[str]:
    """The tokens the browser view was sent: Step through's "tokens", a panels view's positions."""
    view = live_view(at)
    return view["tokens"] if "tokens" in view else [p["label"] for p in view["positions"]]


@pytest.mark.parametrize("page", PAGES)
def test_page_opens_draws_and_steps(page):
    at = open_app(page=page, text=SENTENCE, step="3")
    assert_ok(at)
    assert at.title, "every page has a title"
    assert len(at.sidebar.selectbox) == 1, "the shared model picker is in the sidebar"
    assert charts(at) or live_view(at), f"{page} draws no chart"
    assert_no_live_markup(at)
    if live_view(at):                                     # Step through: the browser moves the cursor
        assert live_view(at)["step"] == 3, "the page honours the link's step"
        at.session_state["step"] = 4
        at.run()
        assert_ok(at)
        assert live_view(at)["step"] == 4 and at.query_params["step"] in ("4", ["4"])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("name", ["story-gru", "sentiment-rnn", "recall-lstm"])
def test_page_redraws_for_every_kind_of_cell(page, name):
    at = open_app(page=page, text=SENTENCE)
    at.selectbox(key="model").set_value(name).run()
    assert_ok(at)
    assert at.selectbox(key="model").value == name
    assert charts(at) or live_view(at), f"{page} draws no chart for {name}"


@pytest.mark.parametrize("page", PAGES)
def test_page_shows_hostile_text_as_text(page):
    at = open_app(page=page)
    at.text_area(key="text").input(HOSTILE).run()
    assert_ok(at)
    assert charts(at) or live_tokens(at) == tokenize(HOSTILE)
    assert_no_live_markup(at, f" on {page}")
    assert_no_raw_html_in_charts(at)


@pytest.mark.parametrize("page", PAGES)
def test_page_without_a_sentence_asks_for_one(page):
    at = open_app(page=page)
    at.text_area(key="text").input("  ").run()
    assert_ok(at)
    assert any("sentence" in i.value.lower() for i in at.info), "a friendly prompt to type a sentence"


@pytest.mark.parametrize("page", PAGES[1:])
def test_the_sentence_and_step_follow_to_another_page(page):
    """A student opens a shared link on the first page, then clicks another page in the sidebar."""
    at = open_app(text=SENTENCE, step="2")
    assert charts(at)
    at.switch_page(page).run()
    assert_ok(at)
    assert at.text_area(key="text").value == SENTENCE
    assert not any("type a sentence" in i.value.lower() for i in at.info), (
        f"{page} lost the sentence on the switch: {[i.value for i in at.info]}")
    assert charts(at) or live_view(at), f"{page} draws nothing after the switch"
    if live_view(at):
        assert live_view(at)["step"] == 2, "the step is lost on the switch"
