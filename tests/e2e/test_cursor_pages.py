"""Every cursor page in a real browser (Debian chromium): Step through, Cell anatomy, RNN vs LSTM
vs GRU and Deeper networks step in the browser the same way. Keys and buttons move the view at
once, no click is lost, → stops at the last token and says so, the server hears the step (URL),
and a new sentence starts at token 0."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from rnnviz import i18n
from rnnviz.text import tokenize

from .live_view import wait_for_live_sentence, wait_for_live_step

pytestmark = pytest.mark.e2e

SENTENCE = "alice says the movie was good . she is happy ."
NEW_SENTENCE = "tom says the film was bad ."
PAGES = ["step_through", "anatomy", "compare", "deep"]      # every page whose cursor steps in the browser
VIEW = ".live"                  # the view's root, in the component's shadow root (Playwright pierces it)


def open_page(page, url: str, where: str, **query: str) -> None:
    page.goto(f"{url}/{where}?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items()))
    page.wait_for_selector(f"{VIEW}[data-step]", timeout=120_000)
    page.wait_for_timeout(500)                           # the first run settles (its URL writes)
    page.locator("h1").first.click()                     # keyboard focus on the page, not in an input


def view_step(page) -> int:
    return int(page.locator(VIEW).get_attribute("data-step"))


def wait_for_step(page, step: int) -> None:
    wait_for_live_step(page, step, timeout=5_000)


def wait_for_url_step(page, step: int) -> None:
    want = f"'{step}'" if step else "null"
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('step') === {want}", timeout=30_000)


def press(page, key: str, expected: int) -> None:
    page.keyboard.press(key)
    wait_for_step(page, expected)


@pytest.mark.parametrize("where", PAGES)
def test_keys_step_and_stop_at_the_ends(page, app_url, where):
    open_page(page, app_url, where, text=SENTENCE)
    last = len(tokenize(SENTENCE)) - 1
    assert view_step(page) == 0
    press(page, "ArrowRight", 1)
    wait_for_url_step(page, 1)                           # the server heard the step
    press(page, "ArrowLeft", 0)
    press(page, "End", last)
    page.keyboard.press("ArrowRight")                    # past the last token: stays, and says so
    page.wait_for_timeout(200)
    assert view_step(page) == last
    assert page.locator(f"{VIEW} .edge").inner_text() == i18n.t("live.at_end", lang="en")
    press(page, "ArrowLeft", last - 1)
    assert page.locator(f"{VIEW} .edge").inner_text() == "", "the note goes with the next move"
    press(page, "Home", 0)
    wait_for_url_step(page, 0)


@pytest.mark.parametrize("where", PAGES)
def test_six_fast_clicks_are_six_steps(page, app_url, where):
    open_page(page, app_url, where, text=SENTENCE)
    next_button = page.locator(f"{VIEW} button.step").nth(2)
    for _ in range(6):
        next_button.click(delay=0)
    wait_for_step(page, 6)
    wait_for_url_step(page, 6)
    page.wait_for_timeout(600)                           # the server's rerun does not pull the view back
    assert view_step(page) == 6


@pytest.mark.parametrize("where", PAGES)
def test_a_new_sentence_starts_at_token_0(page, app_url, where):
    open_page(page, app_url, where, text=SENTENCE, step="4")
    assert view_step(page) == 4, "the link's step"
    box = page.locator(".st-key-text textarea")
    box.fill(NEW_SENTENCE)
    box.press("Control+Enter")
    wait_for_live_sentence(page, tokenize(NEW_SENTENCE))
    assert view_step(page) == 0
    wait_for_url_step(page, 0)


@pytest.mark.parametrize("where", ["compare", "deep"])
def test_a_click_on_a_heatmap_column_moves_every_panel(page, app_url, where):
    open_page(page, app_url, where, text=SENTENCE)
    heat = page.locator(f'{VIEW} .ppanel[data-kind="heatmap"] svg.grid').first
    heat.scroll_into_view_if_needed()
    box = heat.bounding_box()
    columns = len(tokenize(SENTENCE))
    left = box["x"] + 36 + 1                             # panels.js columnsOf: a 36 px margin at scale 1
    width = (box["width"] - 36 - 6) / columns
    page.mouse.click(left + 5.5 * width, box["y"] + 20)
    wait_for_step(page, 5)
    xs = page.evaluate("""() => { for (const h of document.querySelectorAll('*')) {
        const v = h.shadowRoot && h.shadowRoot.querySelector('.live');
        const outlines = v && v.querySelectorAll('.ppanel[data-kind="heatmap"] rect.outline');
        if (v) return [...outlines].map(r => r.getAttribute('x'));
      } }""")
    assert len(set(xs)) == 1 and len(xs) >= 2, "every heatmap outlines the same column"
    wait_for_url_step(page, 5)
