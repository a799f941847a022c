"""One screen (issue 13): on Step through, once a sentence is entered, the chain, the current
step's gates and the prediction after the current token are all in the window without scrolling,
for a student at 1366×768 and for a teacher at 1280×720 (teacher mode), where "predict, then
reveal" sits beside the view and the final answer waits for its reveal.

Measured as a user sees it: element bounding boxes in Debian chromium, at scrollY = 0 after load.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest

import rnnviz

pytestmark = pytest.mark.e2e

STUDENT = {"width": 1366, "height": 768}
PROJECTOR = {"width": 1280, "height": 720}
SENTENCES = {
    "story-lstm": "alice says the movie was good . she is happy .",
    "sentiment-bilstm": "tom did not like the movie at all .",
    "recall-gru": "the key is red . the cat sat on the mat . what colour was the key ?",
}
PARTS = {                                        # what the student must see (Playwright pierces the shadow root)
    "chain": ".live .scroll:has(svg.chain)",     # the unrolled blocks, as far as their box shows them
    "current block": ".live svg.chain rect.now",
    "gates": ".live .panel.gates svg.strips",
    "prediction": ".live .panel.pred svg",
}


def open_step_through(browser, app_url: str, viewport: dict, model: str, teacher: bool):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(30_000)
    query = f"model={model}&step=3&text={quote(SENTENCES[model], safe='')}" + ("&teacher=1" if teacher else "")
    page.goto(f"{app_url}/step_through?{query}")
    page.wait_for_selector(".live rect.outline", timeout=60_000)
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    page.wait_for_timeout(800)                   # the view's refit after the last layout change
    return context, page


def scrolled(page) -> float:
    """How far the page is scrolled (Streamlit scrolls its main block, not the window)."""
    return page.evaluate("() => window.scrollY + (document.querySelector('[data-testid=\"stMain\"]')?.scrollTop || 0)")


def assert_in_window(page, viewport: dict, parts: dict, where: str) -> dict:
    boxes = {}
    for name, selector in parts.items():
        box = page.locator(selector).first.bounding_box()
        assert box is not None, f"{where}: no {name} on the page ({selector})"
        boxes[name] = box
        inside = (box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]
                  and box["x"] >= 0 and box["x"] + min(box["width"], 40) <= viewport["width"])
        assert inside, f"{where}: the {name} is not in the {viewport['width']}×{viewport['height']} window: {box}"
    return boxes


@pytest.mark.parametrize("model", list(SENTENCES))
def test_a_student_sees_chain_gates_and_prediction_at_once(browser, app_url, artifacts, model):
    context, page = open_step_through(browser, app_url, STUDENT, model, teacher=False)
    try:
        assert scrolled(page) == 0
        boxes = assert_in_window(page, STUDENT, PARTS, f"{model} at 1366×768")
        assert boxes["gates"]["y"] > boxes["chain"]["y"], "the step's gates sit under the chain"
        assert abs(boxes["gates"]["y"] - boxes["prediction"]["y"]) < 40, "gates and prediction side by side"
        page.screenshot(path=str(artifacts / f"one_screen_{model}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("model", list(SENTENCES))
def test_a_teacher_sees_the_view_with_the_question_beside_it(browser, app_url, artifacts, model):
    context, page = open_step_through(browser, app_url, PROJECTOR, model, teacher=True)
    try:
        assert scrolled(page) == 0
        parts = {**PARTS, "question": ".st-key-reveal button", "final answer's button": ".st-key-reveal_final button"}
        boxes = assert_in_window(page, PROJECTOR, parts, f"{model} in teacher mode at 1280×720")
        view = page.locator(".live").bounding_box()
        assert boxes["question"]["x"] >= view["x"] + view["width"], "predict-then-reveal sits beside the view"
        page.screenshot(path=str(artifacts / f"one_screen_teacher_{model}.png"))
        metric = page.locator('[data-testid="stMetric"]')
        assert metric.count() == 0, "the final answer is hidden until revealed"
        page.locator(".st-key-reveal_final button").first.click()
        metric.first.wait_for(timeout=15_000)
        best, _ = rnnviz.trace(rnnviz.load_model(model), SENTENCES[model]).top_predictions(top=1)[0]
        assert page.locator('[data-testid="stMetricValue"]').first.inner_text().strip() == best
        box = metric.first.bounding_box()
        assert box["x"] >= view["x"] + view["width"] and box["y"] + box["height"] <= PROJECTOR["height"], (
            "the revealed answer appears beside the view, in the window")
    finally:
        context.close()
