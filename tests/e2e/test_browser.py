"""The app in a real browser (Debian chromium via Playwright) against `streamlit run app.py`:
keyboard stepping, typing a sentence, switching pages, and hostile text that must stay text."""
from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, quote, urlparse

import numpy as np
import pytest

import rnnviz
from rnnviz.text import tokenize

pytestmark = pytest.mark.e2e

SENTENCE = "alice says the movie was good . she is happy ."
NEW_SENTENCE = "tom near the dogs says the film was great . he is happy ."
CHART = '[data-testid="stPlotlyChart"] .js-plotly-plot'
HIDDEN = ".st-key-hidden .js-plotly-plot"          # the hidden-state heatmap (chart key "hidden")
SLIDER = '.st-key-step input[type="range"]'

# In the page: the hidden heatmap's outlined column (centre of its first rect shape), or null.
JS_HIGHLIGHT = f"""() => {{
  const d = document.querySelector('{HIDDEN}');
  const s = d && d.layout && (d.layout.shapes || []).find(s => s.type === 'rect');
  return s ? (s.x0 + s.x1) / 2 : null;
}}"""
JS_SLIDER = f"""() => {{
  const i = document.querySelector('{SLIDER}');
  return i ? [Number(i.value), Number(i.min), Number(i.max)] : null;
}}"""
JS_HIDDEN = f"""() => {{
  const d = document.querySelector('{HIDDEN}');
  return d && d.data ? {{z: d.data[0].z, ticks: (d.layout.xaxis || {{}}).ticktext || []}} : null;
}}"""


def link(url: str, **query: str) -> str:
    """A link to the Step-through page with these query parameters."""
    return url + "/step_through?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())


def wait_for_charts(page, minimum: int = 4) -> None:
    page.wait_for_selector(CHART, timeout=60_000)
    page.wait_for_function(f"() => document.querySelectorAll('{CHART}').length >= {minimum}", timeout=60_000)
    page.wait_for_function(f"() => ({JS_HIGHLIGHT})() !== null", timeout=60_000)


def highlight(page) -> int:
    return int(round(page.evaluate(JS_HIGHLIGHT)))


def slider(page) -> tuple[int, int, int]:
    value = page.evaluate(JS_SLIDER)
    assert value is not None, "no step slider on the page"
    return tuple(int(v) for v in value)


def url_step(page, default: int) -> int:
    values = parse_qs(urlparse(page.url).query).get("step")
    return int(values[0]) if values else default


def focus_page(page) -> None:
    """Give the page keyboard focus without putting the caret in an input."""
    page.locator("h1").first.click()


def step_with_key(page, key: str, column_before: int, expected_column: int) -> None:
    page.keyboard.press(key)
    page.wait_for_function(f"() => ({JS_HIGHLIGHT})() === {expected_column}", timeout=10_000)
    assert highlight(page) == expected_column != column_before


def screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to fit it."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 100, 4000))})
    page.wait_for_timeout(300)                            # plotly redraws at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def decode(value) -> np.ndarray:
    """A plotly array as sent to the page: a typed array (dtype + bdata) or nested lists."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return data.reshape([int(s) for s in str(shape).split(",")]) if shape else data
    return np.asarray(value, dtype=np.float32)


def test_arrow_keys_step_the_cursor_and_the_highlight(page, app_url, artifacts):
    page.goto(link(app_url, text=SENTENCE))
    wait_for_charts(page)
    value, low, high = slider(page)
    assert high - low == len(tokenize(SENTENCE)) - 1, "the slider spans the sentence's tokens"
    assert url_step(page, default=low) == value, "the URL and the slider disagree"
    column = highlight(page)
    assert column == value - low == 0, "a fresh link opens at the first token"

    focus_page(page)
    step_with_key(page, "ArrowRight", column, column + 1)
    assert slider(page)[0] == value + 1
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('step') === '{value + 1}'",
                           timeout=10_000)
    screenshot(page, artifacts / "step_through.png")

    step_with_key(page, "ArrowRight", column + 1, column + 2)
    step_with_key(page, "ArrowLeft", column + 2, column + 1)
    step_with_key(page, "ArrowLeft", column + 1, column)
    assert slider(page)[0] == value
    assert url_step(page, default=low) == value


def test_a_typed_sentence_redraws_the_charts_with_its_numbers(page, app_url):
    page.goto(app_url + "/step_through")
    wait_for_charts(page)
    box = page.locator(".st-key-text textarea")
    box.fill(NEW_SENTENCE)
    box.press("Control+Enter")
    tokens = tokenize(NEW_SENTENCE)
    page.wait_for_function(
        f"() => {{ const h = ({JS_HIDDEN})(); return h && h.ticks.length === {len(tokens)} "
        f"&& h.ticks[1].endsWith('{tokens[1]}'); }}", timeout=30_000)
    hidden = page.evaluate(JS_HIDDEN)
    name = page.locator(".st-key-model input").input_value()
    assert name == "story-lstm", "a first visit reads with the default model"
    trace = rnnviz.trace(rnnviz.load_model(name), NEW_SENTENCE)
    np.testing.assert_allclose(decode(hidden["z"]).astype(np.float32), trace.hidden[0, 0].T, atol=1e-6)
    assert parse_qs(urlparse(page.url).query).get("text") == [NEW_SENTENCE], "the URL keeps the sentence"


def test_the_sentence_and_step_follow_to_the_other_pages(page, app_url):
    page.goto(link(app_url, text=SENTENCE, step="2"))
    wait_for_charts(page)
    start = slider(page)[0]
    assert start == 2
    page.locator('[data-testid="stSidebarNav"] a', has_text="Cell anatomy").click()
    page.wait_for_url(re.compile(r"/anatomy"), timeout=30_000)
    page.wait_for_function(  # drawn, or asking for a sentence: either way the page has settled
        f"() => document.querySelector('{SLIDER}') !== null || [...document.querySelectorAll("
        "'[data-testid=\"stAlert\"]')].some(a => /type a sentence/i.test(a.innerText))", timeout=60_000)
    assert page.locator(".st-key-text textarea").input_value() == SENTENCE, (
        f"Cell anatomy lost the sentence of the link (URL now {page.url})")
    page.wait_for_selector(CHART, timeout=30_000)
    assert slider(page)[0] == start, "Cell anatomy lost the step of the link"
    focus_page(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => Number(document.querySelector('{SLIDER}').value) === {start + 1}",
                           timeout=10_000)


HOSTILE = ("<img src=x onerror=alert(1)> [click](http://evil) ![x](http://evil/x.png) :red[x] "
           "<b>bold</b> <script>alert(1)</script>")
JS_INJECTED = """() => ({
  links: [...document.querySelectorAll('a[href*="evil"]')].length,
  images: [...document.querySelectorAll('img[src="x"], img[src*="evil"]')].length,
  bold: [...document.querySelectorAll('b, strong')].filter(b => b.textContent.trim() === 'bold').length,
  scripts: [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length,
  red: [...document.querySelectorAll('[class*="red"], span[style*="red"]')].filter(e => e.textContent.trim() === 'x').length,
})"""


def open_and_collect(page, url: str) -> tuple[dict, list[str]]:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    wait_for_charts(page)
    page.wait_for_timeout(500)
    return page.evaluate(JS_INJECTED), dialogs


def test_hostile_text_is_shown_as_text(page, app_url):
    found, dialogs = open_and_collect(page, link(app_url, text=HOSTILE))
    assert not dialogs, f"typed text ran script: {dialogs}"
    assert found == {"links": 0, "images": 0, "bold": 0, "scripts": 0, "red": 0}, found
    assert page.locator(".st-key-text textarea").input_value() == HOSTILE


@pytest.mark.parametrize("param", ["model", "step"])
def test_link_parameters_never_become_links(page, app_url, param):
    value = "[click](http://evil)" if param == "model" else "[a](//evil)"
    found, dialogs = open_and_collect(page, link(app_url, text=SENTENCE, **{param: value}))
    assert not dialogs
    assert found["links"] == 0, f"?{param}={value} was rendered as a live link"
