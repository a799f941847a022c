"""Back and Forward in a real browser: stepping or typing replaces the page's history entry, a page
switch adds one, and Back returns to the previous page with its own sentence and step."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from .live_view import wait_for_live, wait_for_live_step
from .test_browser import (
    SENTENCE,
    focus_page,
    link,
)

pytestmark = pytest.mark.e2e

OTHER = "tom says the film was bad . he is sad ."
NAV = '[data-testid="stSidebarNav"] a'


def entries(page) -> int:
    return page.evaluate("history.length")


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def press(page, key: str, expected: int) -> None:
    """A key on the page; the view moves to token `expected`."""
    page.keyboard.press(key)
    wait_for_live_step(page, expected)


def wait_for_view(page) -> None:
    """The live view is drawn (a cold server on a busy machine takes a while)."""
    page.wait_for_selector(".live rect.outline", timeout=120_000)


def wait_for_sentence_box(page, text: str) -> None:
    """The sentence box holds `text` (a fresh page load, as Forward from outside the app, is slower)."""
    page.wait_for_function("(want) => document.querySelector('.st-key-text textarea')?.value === want",
                           arg=text, timeout=60_000)


def wait_for_url_step(page, step: int) -> None:
    """The URL says `step` (the server hears of a step a moment after the view moves; slow machines)."""
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('step') === '{step}'", timeout=30_000)


def wait_until_idle(page) -> None:
    """The script run a change started has finished (Streamlit's running icon is gone): Back in the
    middle of a run races with that run's last URL writes, which Streamlit applies to whatever
    entry the browser shows by then."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')",
                           timeout=60_000)


def wait_for_path(page, path: str) -> None:
    page.wait_for_url(re.compile(rf"^[^?]*/{path}(\?|$)"), timeout=30_000)


def open_stepped(page, app_url) -> None:
    """Step through opened from a link with SENTENCE, then stepped to token 3 with the keys."""
    page.goto(link(app_url, text=SENTENCE))
    wait_for_view(page)
    wait_for_sentence_box(page, SENTENCE)
    focus_page(page)
    for step in (1, 2, 3):
        press(page, "ArrowRight", step)
    wait_for_url_step(page, 3)


def back_on_step_through(page) -> None:
    """Step through is shown again, with SENTENCE at token 3, in its box, its view and its URL."""
    wait_for_path(page, "step_through")
    wait_for_sentence_box(page, SENTENCE)
    wait_for_live(page, "v.dataset.sentence === want && v.dataset.step === '3'", " ".join(SENTENCE.split()),
                  timeout=60_000)                           # a page switch on a busy CI machine
    assert query(page).get("text") == SENTENCE and query(page).get("step") == "3", page.url


def test_steps_replace_the_entry_and_back_returns_to_the_page_with_its_sentence(page, app_url):
    start = entries(page)                                   # the blank tab the browser opened on
    open_stepped(page, app_url)
    assert entries(page) == start + 1, "stepping added history entries"

    page.locator(NAV, has_text="Cell anatomy").click()
    wait_for_path(page, "anatomy")
    wait_for_sentence_box(page, SENTENCE)                   # the sentence follows to the next page
    page.wait_for_function("() => new URLSearchParams(location.search).get('text') !== null", timeout=30_000)
    assert entries(page) == start + 2, "a page switch adds exactly one entry"

    page.go_back()
    back_on_step_through(page)
    assert entries(page) == start + 2, "Back added an entry"

    page.go_back()                                          # the next Back leaves the app
    page.wait_for_url("about:blank", timeout=30_000)

    page.go_forward()
    back_on_step_through(page)
    page.go_forward()
    wait_for_path(page, "anatomy")
    wait_for_sentence_box(page, SENTENCE)


def test_back_restores_the_sentence_the_previous_page_showed(page, app_url):
    open_stepped(page, app_url)
    page.locator(NAV, has_text="Cell anatomy").click()
    wait_for_path(page, "anatomy")
    wait_for_sentence_box(page, SENTENCE)
    box = page.locator(".st-key-text textarea")
    box.fill(OTHER)
    box.press("Control+Enter")
    page.wait_for_function("(want) => new URLSearchParams(location.search).get('text') === want",
                           arg=OTHER, timeout=30_000)
    wait_until_idle(page)

    page.go_back()
    back_on_step_through(page)                              # its own sentence, not the one typed later

    page.go_forward()
    wait_for_path(page, "anatomy")
    wait_for_sentence_box(page, OTHER)
    assert query(page).get("text") == OTHER
