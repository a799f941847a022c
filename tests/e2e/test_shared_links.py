"""A link a teacher copies opens the same view for a student: sentence, model, step, unit, language."""
from __future__ import annotations

from urllib.parse import parse_qs, quote, urlparse

import pytest

from rnnviz import i18n

from .live_view import wait_for_live_sentence
from .test_browser import focus_page, press, view_step, wait_for_sentence_box, wait_for_url_step, wait_for_view

pytestmark = pytest.mark.e2e

SENTENCE = "alice and tom say the movie was not good . they are sad ."
FILIPINO = i18n.catalogue("fil")


def copied_link(page, holding: str) -> str:
    """Open "copy link to this view" and read the link it offers, once it holds `holding`."""
    page.get_by_text(FILIPINO["share.expander"]).click()
    code = page.locator('[data-testid="stCode"] code').filter(has_text=holding)
    code.first.wait_for()
    return code.first.inner_text().strip()


def unit_shown(page) -> str:
    """The unit the Flags page's picker shows."""
    return page.locator(".st-key-unit input").input_value()


def in_new_session(browser, link: str):
    """The link opened by someone else: a fresh browser context, nothing shared."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(link)
    return context, page


def test_a_copied_step_through_link_reopens_the_same_step(page, app_url, browser):
    page.goto(f"{app_url}/step_through?text={quote(SENTENCE)}&model=story-gru&step=4&lang=fil")
    wait_for_view(page)
    focus_page(page)
    press(page, "ArrowRight", 5)
    wait_for_url_step(page, 5)
    link = copied_link(page, "step=5")
    query = parse_qs(urlparse(link).query)
    assert query["step"] == ["5"] and query["lang"] == ["fil"] and query["model"] == ["story-gru"]

    context, other = in_new_session(browser, link)
    try:
        wait_for_view(other)
        wait_for_live_sentence(other, SENTENCE.split(), timeout=10_000)
        assert view_step(other) == 5
        assert other.locator("h1").first.inner_text() == FILIPINO["step.title"]
        assert other.locator(".st-key-model input").input_value() == "story-gru"
    finally:
        context.close()


def test_a_copied_flags_link_reopens_the_same_unit(page, app_url, browser):
    page.goto(f"{app_url}/flags?text={quote(SENTENCE)}&unit=8&lang=fil")
    page.wait_for_selector(".st-key-unit", timeout=60_000)
    assert unit_shown(page) == FILIPINO["flags.fig.unit"].format(index=8)
    link = copied_link(page, "unit=8")
    assert parse_qs(urlparse(link).query)["unit"] == ["8"]

    context, other = in_new_session(browser, link)
    try:
        other.wait_for_selector(".st-key-unit", timeout=60_000)
        assert unit_shown(other) == FILIPINO["flags.fig.unit"].format(index=8)
        assert other.locator("h1").first.inner_text() == FILIPINO["flags.title"]
        wait_for_sentence_box(other, SENTENCE)
    finally:
        context.close()
