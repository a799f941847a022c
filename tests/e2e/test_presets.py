"""Every lesson preset, opened from its link in teacher mode on a 1280×720 projector, lands on its
page and shows its computed claim in the first screen, without scrolling."""
from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

import pytest

import rnnviz
from rnnviz import presets
from rnnviz.ui.controls import DEFAULT_MODEL  # the model a link need not name

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}
CLAIM = ".st-key-preset_claim [data-testid='stAlert']"
LOAD_TIMEOUT = 120_000          # a fresh session on a busy CI machine: the page, then the preset's page


def claim_box(page) -> dict:
    """The claim's box in the viewport (not waiting for it to stop moving: reruns replace it)."""
    return page.locator(CLAIM).first.evaluate(
        "el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, text: el.innerText,"
        " scrolled: window.scrollY}; }")


@contextmanager
def projected(browser, url: str, sentence: str):
    """A page on the projector's viewport at `url`, once the claim `sentence` is shown."""
    context = browser.new_context(viewport=PROJECTOR)
    try:
        page = context.new_page()
        page.set_default_timeout(LOAD_TIMEOUT)
        page.goto(url)
        page.locator(CLAIM).filter(has_text=sentence).first.wait_for(state="visible")
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("name", presets.NAMES)
def test_a_preset_link_in_teacher_mode_shows_its_claim_in_the_first_screen(browser, app_url, name):
    p = presets.preset(name)
    sentence = presets.claim_text(p, p.check(rnnviz.load_model), "en")
    with projected(browser, f"{app_url}/?preset={name}&teacher=1", sentence) as page:
        box = claim_box(page)
        assert urlparse(page.url).path.strip("/") == p.page
        query = parse_qs(urlparse(page.url).query)
        assert "preset" not in query and query.get("model", [DEFAULT_MODEL]) == [p.model]
        assert box["scrolled"] == 0 and 0 <= box["top"] and box["bottom"] <= PROJECTOR["height"], box
        assert sentence in box["text"]


def test_a_shared_preset_link_speaks_filipino(browser, app_url):
    p = presets.preset("vanishing")
    sentence = presets.claim_text(p, p.check(rnnviz.load_model), "fil")
    with projected(browser, f"{app_url}/?preset=vanishing&lang=fil&teacher=1", sentence) as page:
        assert "lang=fil" in page.url and urlparse(page.url).path.strip("/") == p.page
        assert claim_box(page)["bottom"] <= PROJECTOR["height"]
