"""Cell anatomy in a real browser (Debian chromium): the terms panel steps in the browser, shows
the engine's own numbers at the cursor's token, and its token chips move the cursor.
(Keys, 6 fast clicks and a new sentence on every cursor page: test_cursor_pages.py.)"""
from __future__ import annotations

import json
from urllib.parse import quote

import numpy as np
import pytest

import rnnviz
from rnnviz.analysis.anatomy import cell_terms
from rnnviz.figures.common import slice_name
from rnnviz.text import tokenize

from .live_view import wait_for_live_step

pytestmark = pytest.mark.e2e

SENTENCE = "alice says the movie was good . she is happy ."
TERMS = '.live .ppanel[data-kind="terms"]'          # in the component's shadow root (Playwright pierces it)


def open_anatomy(page, url: str, **query: str) -> None:
    page.goto(f"{url}/anatomy?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items()))
    page.wait_for_selector(f"{TERMS} g[data-name='h_prev'][data-values]", state="attached", timeout=60_000)
    page.locator("h1").first.click()                     # keyboard focus on the page, not in an input


def wait_for_step(page, step: int) -> None:
    wait_for_live_step(page, step, timeout=5_000)


def shown(page, name: str) -> np.ndarray:
    """The values the panel's picture `name` shows now ("x", "h_prev", "a", or "row:strip")."""
    return np.array(json.loads(page.locator(f"{TERMS} g[data-name='{name}']").get_attribute("data-values")))


@pytest.mark.parametrize("name", ["story-lstm", "story-gru"])
def test_the_numbers_at_each_step_are_the_engines(page, app_url, name):
    open_anatomy(page, app_url, text=SENTENCE, model=name)
    model = rnnviz.load_model(name)
    trace = rnnviz.trace(model, SENTENCE)
    gates = [g.name for g in model.spec.cell_kind.gates]
    for step, key in ((0, None), (1, "ArrowRight"), (2, "ArrowRight"), (trace.steps - 1, "End")):
        if key:
            page.keyboard.press(key)
            wait_for_step(page, step)
        terms = cell_terms(model, trace, step)
        assert np.allclose(shown(page, "x"), terms.x, atol=1e-4)
        assert np.allclose(shown(page, "h_prev"), terms.h_prev, atol=1e-4)
        assert np.allclose(shown(page, "a"), terms.a, atol=1e-4)
        for k, gate in enumerate(gates):                  # each gate's row ends with the gate itself
            assert np.allclose(shown(page, f"{k}:4"), trace.gates[gate][0, 0, step], atol=1e-4)
        last = len(gates) + (1 if trace.cell is not None else 0)    # … and the last row with h_t
        ends = page.locator(f"{TERMS} g[data-name^='{last}:']").count()
        assert np.allclose(shown(page, f"{last}:{ends - 1}"), trace.hidden[0, 0, step], atol=1e-4)
        if trace.cell is not None:
            assert np.allclose(shown(page, f"{last - 1}:4"), trace.cell[0, 0, step], atol=1e-4)
        heading = page.locator(f"{TERMS} .theading").inner_text()
        assert heading.startswith(f"t = {step}: {trace.tokens[step]}")


def test_a_token_chip_moves_the_cursor_and_the_server_follows(page, app_url):
    open_anatomy(page, app_url, text=SENTENCE, model="story-lstm")
    chips = page.locator(f"{TERMS} button.tchip")
    assert chips.count() == len(tokenize(SENTENCE))
    chips.nth(4).click()
    wait_for_step(page, 4)
    assert "now" in chips.nth(4).get_attribute("class")
    page.wait_for_function("() => new URLSearchParams(location.search).get('step') === '4'", timeout=30_000)


def test_the_backward_direction_reads_its_own_numbers(page, app_url):
    """A bidirectional model: the picker opens the backward cell; h_prev is h at t+1."""
    text = "the movie was not good ."
    open_anatomy(page, app_url, text=text, model="sentiment-bilstm")
    page.locator(".st-key-anatomy_slice button").nth(1).click()
    backward = slice_name(1, 2, 0, 1)                    # the heading names the slice once it is drawn
    page.wait_for_function("(name) => { for (const h of document.querySelectorAll('*')) {"
                           " const v = h.shadowRoot && h.shadowRoot.querySelector('.theading');"
                           " if (v) return v.textContent.endsWith('· ' + name); } return false; }",
                           arg=backward, timeout=30_000)
    model = rnnviz.load_model("sentiment-bilstm")
    trace = rnnviz.trace(model, text)
    page.locator("h1").first.click()                     # the picker keeps arrow keys for itself
    page.keyboard.press("ArrowRight")
    wait_for_step(page, 1)
    assert np.allclose(shown(page, "h_prev"), trace.hidden[0, 1, 2], atol=1e-4)
