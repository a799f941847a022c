"""The Make pages in a real browser: live curves grow while training runs in the session's
thread, Stop keeps what was learnt, and a lesson model uploads through the file inputs."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from ..app.appkit import LESSON_TOKENS, lesson_weights

pytestmark = pytest.mark.e2e

CURVES = ".st-key-training_curves .js-plotly-plot"
JS_POINTS = f"""() => {{
  const d = document.querySelector('{CURVES}');
  const data = d && (d._fullData || d.data);
  return data && data[0] && data[0].x ? data[0].x.length : 0;
}}"""


def slider_to(page, key: str, edge: str) -> None:
    page.locator(f'.st-key-{key} input[type="range"]').focus()
    page.keyboard.press(edge)


def test_training_curves_grow_live_and_stop_keeps_the_model(page, app_url, artifacts):
    page.goto(f"{app_url}/train?text={quote('the movie was not good')}")
    page.wait_for_selector(CURVES, timeout=60_000)
    slider_to(page, "make_hidden", "Home")
    slider_to(page, "make_emb", "Home")
    slider_to(page, "make_steps", "End")                         # 3000 steps: long enough to stop
    page.wait_for_timeout(500)
    page.locator(".st-key-make_start button").click()
    page.wait_for_function(f"() => ({JS_POINTS})() > 20", timeout=60_000)
    seen = page.evaluate(JS_POINTS)
    page.wait_for_function(f"() => ({JS_POINTS})() > {seen}", timeout=30_000)   # it grows while we watch
    page.locator(".st-key-make_stop button").click()
    done = page.get_by_text("stopped after", exact=False)
    done.wait_for(timeout=60_000)
    assert "of 3,000 steps" in done.inner_text()
    page.locator(".st-key-make_use button").click()
    page.wait_for_function("() => document.querySelector('.st-key-model input')?.value === 'my-sentiment-lstm-1'",
                           timeout=30_000)
    scrub_in_the_browser(page)
    page.screenshot(path=str(artifacts / "train.png"), full_page=True)


SCRUB = ".st-key-make_scrub_panels .live"       # the scrubber's panels view (Playwright pierces its shadow root)


def scrub_step(page) -> int:
    return int(page.locator(SCRUB).get_attribute("data-step"))


def hidden_colours(page) -> list[str]:
    return page.locator(f'{SCRUB} .ppanel[data-kind="heatmap"] svg.grid rect').evaluate_all(
        "rects => rects.map(r => r.getAttribute('fill'))")


def scrub_in_the_browser(page) -> None:
    """The scrubber opens on the last snapshot and moves between snapshots in the browser: the
    sentence's hidden states repaint at once, and the server hears the snapshot."""
    page.wait_for_selector(f"{SCRUB}[data-step]", timeout=60_000)
    last = scrub_step(page)
    assert last >= 1 and page.locator(SCRUB).get_attribute("data-view") == "panels"   # step 1, …, the stop
    at_end = hidden_colours(page)
    page.locator("h1").first.click()                   # keyboard focus on the page
    page.keyboard.press("Home")
    page.locator(f"{SCRUB}[data-step='0']").wait_for(state="attached", timeout=5_000)
    assert hidden_colours(page) != at_end, "the first snapshot reads the sentence like the last"
    page.locator(f"{SCRUB} button.step").nth(2).click()         # Next →
    page.locator(f"{SCRUB}[data-step='1']").wait_for(state="attached", timeout=5_000)
    page.wait_for_timeout(1500)                          # the server's rerun keeps the browser's snapshot
    assert scrub_step(page) == 1



def upload(page, app_url, weights: bytes) -> None:
    page.goto(f"{app_url}/your_model?text={quote('the match was won')}")
    page.wait_for_selector(".st-key-lesson_open button", timeout=60_000)
    page.locator(".st-key-lesson_weights input[type=file]").set_input_files(
        {"name": "model.pt", "mimeType": "application/octet-stream", "buffer": weights})
    page.locator(".st-key-lesson_vocab input[type=file]").set_input_files(
        {"name": "vocab.txt", "mimeType": "text/plain", "buffer": "\n".join(LESSON_TOKENS).encode()})
    for name in ("model.pt", "vocab.txt"):
        page.get_by_text(name, exact=True).first.wait_for(timeout=90_000)      # a busy CI machine
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)                                  # the rerun that hands the files over
    page.locator(".st-key-lesson_open button").click()


def test_a_lesson_model_uploads_and_becomes_the_model(page, app_url, artifacts):
    upload(page, app_url, lesson_weights())
    page.get_by_text("Opened as lesson-lstm-1", exact=False).wait_for(timeout=30_000)
    page.wait_for_function("() => document.querySelector('.st-key-model input')?.value === 'lesson-lstm-1'",
                           timeout=30_000)
    page.get_by_text("What was found in the files").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "your_model.png"), full_page=True)


def test_a_truncated_upload_says_why(page, app_url):
    upload(page, app_url, lesson_weights()[:200])
    page.get_by_text("not a plain PyTorch weights file", exact=False).wait_for(timeout=30_000)
