"""The app in a real browser (Debian chromium via Playwright) against `streamlit run app.py`:
keyboard stepping, typing a sentence, switching pages, and hostile text that must stay text."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlparse

import pytest

import rnnviz
from rnnviz import i18n
from rnnviz.text import tokenize

from .live_view import wait_for_live, wait_for_live_sentence, wait_for_live_step

pytestmark = pytest.mark.e2e

SENTENCE = "alice says the movie was good . she is happy ."
NEW_SENTENCE = "tom near the dogs says the film was great . he is happy ."
VIEW = ".live"                                   # the step-through view (rnnviz/ui/live), in a shadow root
OUTLINE = ".live rect.outline"                   # the current-token outline (Playwright pierces the shadow)


def link(url: str, **query: str) -> str:
    """A link to the Step-through page with these query parameters."""
    return url + "/step_through?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())


def wait_for_view(page) -> None:
    page.wait_for_selector(OUTLINE, timeout=60_000)


def view_step(page) -> int:
    return int(page.locator(VIEW).get_attribute("data-step"))


def outline_column(page) -> int:
    """The token column the outline is drawn on, from its x in the picture."""
    grid = page.locator(".live svg.grid")
    left, width = float(grid.get_attribute("data-left")), float(grid.get_attribute("data-cw"))
    return round((float(page.locator(OUTLINE).first.get_attribute("x")) - left) / width)


def url_step(page) -> int:
    values = parse_qs(urlparse(page.url).query).get("step")
    return int(values[0]) if values else 0


def wait_for_url_step(page, step: int) -> None:
    want = f"'{step}'" if step else "null"
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('step') === {want}", timeout=10_000)


def focus_page(page) -> None:
    """Give the page keyboard focus without putting the caret in an input (teacher mode's title is
    a subheading)."""
    page.locator("h1, h3").first.click()


def press(page, key: str, expected: int) -> None:
    page.keyboard.press(key)
    wait_for_live_step(page, expected, timeout=5_000)
    assert view_step(page) == outline_column(page) == expected


def wait_for_sentence_box(page, text: str) -> None:
    """The sentence box holds `text` (it is drawn a moment before its value arrives)."""
    page.wait_for_function("(want) => document.querySelector('.st-key-text textarea')?.value === want",
                           arg=text, timeout=10_000)


def hover_value(page, column: int, unit: int, letter: str = "h") -> str:
    """The tooltip the view shows over one heatmap cell."""
    grid = page.locator(".live svg.grid")
    box = grid.bounding_box()
    heat = page.locator(f'.live g.heatmap[data-letter="{letter}"]')
    left, width = float(grid.get_attribute("data-left")), float(grid.get_attribute("data-cw"))
    top, row = float(heat.get_attribute("data-top")), float(heat.get_attribute("data-rh"))
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.move(box["x"] + left + (column + 0.5) * width, box["y"] + top + (unit + 0.5) * row)
    return page.locator(".live .tip").inner_text()


def screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to fit it."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 100, 4000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def test_arrow_keys_step_the_view_and_the_server_follows(page, app_url, artifacts):
    page.goto(link(app_url, text=SENTENCE))
    wait_for_view(page)
    steps = len(tokenize(SENTENCE))
    assert page.locator(VIEW).get_attribute("data-sentence") == " ".join(tokenize(SENTENCE))
    assert view_step(page) == outline_column(page) == 0, "a fresh link opens at the first token"

    focus_page(page)
    press(page, "ArrowRight", 1)
    wait_for_url_step(page, 1)                           # the server hears of it and the URL follows
    screenshot(page, artifacts / "step_through.png")
    press(page, "ArrowRight", 2)
    press(page, "ArrowLeft", 1)
    press(page, "End", steps - 1)
    press(page, "ArrowRight", steps - 1)                 # past the last token: it stays, and says so
    assert page.locator(".live .edge").inner_text() == i18n.t("live.at_end")
    press(page, "ArrowLeft", steps - 2)
    press(page, "Home", 0)
    wait_for_url_step(page, 0)

    box = page.locator(".st-key-text textarea")          # arrows inside the sentence box move the caret
    box.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert view_step(page) == 0


def test_buttons_clicks_and_autoplay_move_the_view(page, app_url):
    page.goto(link(app_url, text=SENTENCE, step="2"))
    wait_for_view(page)
    assert view_step(page) == outline_column(page) == 2, "the link's step"
    page.locator(".live button.step").nth(2).click()     # Next →
    assert view_step(page) == 3
    page.locator(".live button.step").nth(0).click()     # ← Previous
    assert view_step(page) == 2
    hover_value(page, 6, 0)
    page.mouse.down()
    page.mouse.up()
    assert view_step(page) == outline_column(page) == 6, "a click on a heatmap column jumps there"
    wait_for_url_step(page, 6)
    focus_page(page)
    page.keyboard.press(" ")                             # Space plays, one token a second
    page.wait_for_timeout(2600)
    page.keyboard.press(" ")
    played = view_step(page)
    assert 8 <= played <= 9, f"autoplay went from 6 to {played} in 2.6 s"
    page.wait_for_timeout(1300)
    assert view_step(page) == played, "Space stops autoplay"


def test_a_narrower_window_redraws_the_view_at_the_same_step(page, app_url):
    page.goto(link(app_url, text=SENTENCE, step="4"))
    wait_for_view(page)
    wide = float(page.locator(".live svg.grid").get_attribute("data-cw"))
    page.set_viewport_size({"width": 900, "height": 1000})
    wait_for_live(page, "Number(v.querySelector('svg.grid').dataset.cw) < want", wide)
    assert view_step(page) == outline_column(page) == 4


def test_the_server_follows_a_step_it_has_heard_before(page, app_url):
    """Step 2, an example resets the cursor to 0 on the server, step to 2 again: the URL says 2."""
    page.goto(link(app_url, text=SENTENCE))
    wait_for_view(page)
    focus_page(page)
    press(page, "ArrowRight", 1)
    press(page, "ArrowRight", 2)
    wait_for_url_step(page, 2)
    example = "tom near the dogs says the film was great . he is happy ."
    page.locator(".st-key-example_pick").get_by_text(example, exact=True).click()
    wait_for_live_sentence(page, tokenize(example))
    assert view_step(page) == 0
    wait_for_url_step(page, 0)
    focus_page(page)
    press(page, "ArrowRight", 1)
    press(page, "ArrowRight", 2)
    wait_for_url_step(page, 2)


def test_a_typed_sentence_redraws_the_view_with_its_numbers(page, app_url):
    page.goto(app_url + "/step_through")
    wait_for_view(page)
    box = page.locator(".st-key-text textarea")
    box.fill(NEW_SENTENCE)
    box.press("Control+Enter")
    tokens = tokenize(NEW_SENTENCE)
    wait_for_live_sentence(page, tokens)
    name = page.locator(".st-key-model input").input_value()
    assert name == "story-lstm", "a first visit reads with the default model"
    trace = rnnviz.trace(rnnviz.load_model(name), NEW_SENTENCE)
    for column, unit in ((1, 0), (4, 7), (len(tokens) - 1, 31)):
        shown = hover_value(page, column, unit)
        value = float(trace.hidden[0, 0, column, unit])
        assert f"{tokens[column]}" in shown and f"{abs(value):.3f}" in shown, (shown, value)
    value = float(trace.cell[0, 0, 2, 5])
    assert f"{abs(value):.3f}" in hover_value(page, 2, 5, "c")
    assert parse_qs(urlparse(page.url).query).get("text") == [NEW_SENTENCE], "the URL keeps the sentence"


def test_the_sentence_and_step_follow_to_the_other_pages(page, app_url):
    page.goto(link(app_url, text=SENTENCE, step="2"))
    wait_for_view(page)
    focus_page(page)
    press(page, "ArrowRight", 3)
    wait_for_url_step(page, 3)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Cell anatomy").click()
    page.wait_for_url(re.compile(r"/anatomy"), timeout=30_000)
    wait_for_sentence_box(page, SENTENCE)                # Cell anatomy keeps the sentence ...
    page.wait_for_function(VIEW_AT.format(view="panels", step=3), timeout=60_000)   # ... and the step
    focus_page(page)
    page.keyboard.press("ArrowRight")                    # its cursor steps in the browser too
    page.wait_for_function(VIEW_AT.format(view="panels", step=4), timeout=10_000)


# the live component's view (Step through: no data-view; the other cursor pages: "panels") at a step
VIEW_AT = """() => [...document.querySelectorAll('[data-testid="stBidiComponentIsolated"]')].some(h => {{
  const v = h.shadowRoot && h.shadowRoot.querySelector('.live');
  return v && v.dataset.view === '{view}' && v.dataset.step === '{step}';
}})"""


HOSTILE = ("<img src=x onerror=alert(1)> [click](http://evil) ![x](http://evil/x.png) :red[x] "
           "<b>bold</b> <script>alert(1)</script>")
# in the document and in every shadow root (the live view draws in one)
JS_INJECTED = """() => {
  const roots = [document, ...[...document.querySelectorAll('*')].filter(e => e.shadowRoot).map(e => e.shadowRoot)];
  const all = (selector) => roots.flatMap(r => [...r.querySelectorAll(selector)]);
  return {
    links: all('a[href*="evil"]').length,
    images: all('img[src="x"], img[src*="evil"]').length,
    bold: all('b, strong').filter(b => b.textContent.trim() === 'bold').length,
    scripts: all('script').filter(s => s.textContent.includes('alert(1)')).length,
    red: all('[class*="red"], span[style*="red"]').filter(e => e.textContent.trim() === 'x').length,
  };
}"""


def open_and_collect(page, url: str) -> tuple[dict, list[str]]:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    wait_for_view(page)
    page.wait_for_timeout(500)
    return page.evaluate(JS_INJECTED), dialogs


def test_hostile_text_is_shown_as_text(page, app_url):
    found, dialogs = open_and_collect(page, link(app_url, text=HOSTILE))
    assert not dialogs, f"typed text ran script: {dialogs}"
    assert found == {"links": 0, "images": 0, "bold": 0, "scripts": 0, "red": 0}, found
    wait_for_sentence_box(page, HOSTILE)
    assert page.locator(VIEW).get_attribute("data-sentence") == " ".join(tokenize(HOSTILE)), "drawn as text"


@pytest.mark.parametrize("param", ["model", "step"])
def test_link_parameters_never_become_links(page, app_url, param):
    value = "[click](http://evil)" if param == "model" else "[a](//evil)"
    found, dialogs = open_and_collect(page, link(app_url, text=SENTENCE, **{param: value}))
    assert not dialogs
    assert found["links"] == 0, f"?{param}={value} was rendered as a live link"


def test_teacher_mode_steps_with_the_keys_and_reveals_with_enter(page, app_url):
    page.goto(link(app_url, text=SENTENCE, teacher="1"))
    wait_for_view(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible(), "teacher mode hides the sidebar"
    focus_page(page)
    press(page, "ArrowRight", 1)
    wait_for_url_step(page, 1)
    tokens = tokenize(SENTENCE)
    question = page.get_by_text(f"“{tokens[2]}”")            # the question names the next token
    question.first.wait_for(timeout=10_000)
    assert page.locator('[data-testid="stAlertContentSuccess"]').count() == 0, "the answer waits"
    focus_page(page)
    page.keyboard.press("Enter")
    page.locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=10_000)
    press(page, "ArrowRight", 2)
    wait_for_url_step(page, 2)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stAlertContentSuccess\"]')",
                           timeout=10_000)
