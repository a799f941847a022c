"""The exported page (rnnviz.export.export_html) in Debian chromium, opened from a file: no server.

Keys step the cursor (read off the view's data-step, as the app's browser tests do), Space plays,
hovering a heatmap cell shows the trace's own number (formatted as live.js formats it), nothing
is fetched, and a token that looks like HTML is drawn as text. A notebook's output (show()'s
<iframe srcdoc>) grows to its page and takes the keys once clicked.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import i18n
from rnnviz.export import export_html
from rnnviz.figures.live import TOP_UNITS
from rnnviz.notebook import first_height, module_model, show

pytestmark = pytest.mark.e2e

SENTENCE = "alice and tom did not like the movie . she was sad ."
MODELS = ["story-lstm", "english-char-lstm"]        # 32 units as JSON lists; 256 units packed as float32 (wide)
HOSTILE = "<img src=x onerror=alert(1)>"


def signed(value: float) -> str:
    """live.js's signed(): "+" or "−", then |v|.toFixed(3) (the nearer, or on a tie the larger, of
    the two numbers with 3 decimals around the double's exact value)."""
    exact = Decimal(abs(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    return ("+" if value >= 0 else "−") + f"{exact:.3f}"


@pytest.fixture(scope="module", params=MODELS)
def exported(request, tmp_path_factory):
    trace = rnnviz.trace(rnnviz.load_model(request.param), SENTENCE)
    path = tmp_path_factory.mktemp("exported") / "view.html"
    export_html(trace, path)
    return trace, path


@pytest.fixture
def opened(browser):
    """open(path) -> the page, once the view is drawn; what it fetched, raised or alerted is in `seen`."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    seen = {"requests": [], "errors": [], "dialogs": []}

    def open_page(path):
        page = context.new_page()
        page.set_default_timeout(30_000)
        local = ("file:", "data:", "blob:")
        page.on("request", lambda r: None if r.url.startswith(local) else seen["requests"].append(r.url))
        page.on("pageerror", lambda err: seen["errors"].append(str(err)))
        page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_selector(".live rect.outline")
        return page

    yield open_page, seen
    context.close()


def step_of(page) -> str:
    return page.evaluate("() => document.querySelector('.live').dataset.step")


def wait_step(page, step: int, timeout: int = 10_000) -> None:
    page.wait_for_function("(want) => document.querySelector('.live').dataset.step === want", arg=str(step),
                           timeout=timeout)


def test_keys_step_and_space_plays_with_no_server(exported, opened, artifacts):
    trace, path = exported
    open_page, seen = opened
    page = open_page(path)
    assert step_of(page) == "0"
    for key, step in (("ArrowRight", 1), ("ArrowRight", 2), ("ArrowLeft", 1), ("End", trace.steps - 1), ("Home", 0)):
        page.keyboard.press(key)
        wait_step(page, step)
    page.get_by_role("button", name=i18n.t("live.next", lang="en") + " →").click()
    wait_step(page, 1)
    page.locator("h1").click()                                # Space on a focused button would press it
    page.keyboard.press(" ")                                  # autoplay: a token a second
    wait_step(page, 3, timeout=6_000)
    page.keyboard.press(" ")
    paused = step_of(page)
    page.wait_for_timeout(1_500)
    assert step_of(page) == paused
    assert page.locator(".live .here").text_content().startswith(f"t = {paused} · {trace.tokens[int(paused)]}")
    page.screenshot(path=str(artifacts / f"exported-view-{trace.hidden.shape[3]}-units.png"))
    assert seen == {"requests": [], "errors": [], "dialogs": []}


@pytest.mark.parametrize("letter, t, row", [("h", 4, 5), ("c", 9, 30)])
def test_hovering_a_heatmap_cell_shows_the_traces_number(exported, opened, letter, t, row):
    trace, path = exported
    page = opened[0](path)
    heatmap = page.locator(f".live svg.grid g.heatmap[data-letter='{letter}']")
    heatmap.scroll_into_view_if_needed()
    top, rh, units = heatmap.evaluate("g => [Number(g.dataset.top), Number(g.dataset.rh), g.dataset.units]")
    grid = page.locator(".live svg.grid")
    left, cw = grid.evaluate("s => [Number(s.dataset.left), Number(s.dataset.cw)]")
    box = grid.bounding_box()
    page.mouse.move(box["x"] + left + t * cw + cw / 2, box["y"] + top + row * rh + rh / 2)
    unit = int(units.split()[row])
    states = trace.hidden if letter == "h" else trace.cell
    value = np.round(float(states[0, 0, t, unit]), 4)                   # the payload's number (figures.live.DIGITS)
    value = float(np.float32(value) if trace.hidden.shape[3] > TOP_UNITS else value)   # a wide view's: packed float32
    expected = f"{t} · {trace.tokens[t]} — {i18n.t('live.unit', lang='en')} {unit}: {letter} = {signed(value)}"
    page.wait_for_function("(want) => document.querySelector('.live .tip').textContent === want", arg=expected,
                           timeout=5_000)
    assert page.locator(".live .tip").is_visible()


def test_a_token_that_looks_like_html_is_drawn_as_text(opened, tmp_path):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Embedding(3, 4), torch.nn.LSTM(4, 3), torch.nn.Linear(3, 2))
    model = module_model(net, ["<unk>", "<pad>", "ok"], pooling="last", tokenizer=lambda s: s.split("|"))
    trace = rnnviz.trace(model, f"ok|{HOSTILE}|</script>")
    export_html(trace, tmp_path / "hostile.html")
    open_page, seen = opened
    page = open_page(tmp_path / "hostile.html")
    page.keyboard.press("ArrowRight")
    wait_step(page, 1)
    assert HOSTILE in page.locator(".live .here").text_content()
    assert page.locator(".live svg.chain g.block title").nth(1).text_content() == f"1 · {HOSTILE}"
    assert page.evaluate("() => document.querySelectorAll('img, script[src]').length") == 0
    page.wait_for_timeout(300)
    assert seen == {"requests": [], "errors": [], "dialogs": []}


def test_the_notebook_output_draws_the_view_in_an_iframe_that_fits_it(browser, tmp_path, artifacts):
    view = show("sentiment-bilstm", "tom did not like the movie at all .")
    host = tmp_path / "output.html"                            # the cell's output, as Jupyter puts it in a page
    host.write_text(f"<!DOCTYPE html><html><body>{view._repr_html_()}</body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.goto(host.as_uri())
        frame = page.frame_locator("iframe.rnnviz-view")
        frame.locator(".live rect.outline").first.wait_for()
        first = first_height(view.trace)
        page.wait_for_selector("iframe[data-fitted]", state="attached")
        inner, outer, scrolls = page.evaluate(
            "() => { const f = document.querySelector('iframe'), d = f.contentDocument, e = d.documentElement;"
            " return [d.body.getBoundingClientRect().bottom, f.clientHeight, e.scrollHeight > e.clientHeight]; }")
        assert inner <= outer <= inner + 30 and not scrolls                # it fits its page, no scroll bar inside
        assert abs(first - inner) < 0.15 * inner                           # and its first height was near that
        frame.locator(".live svg.chain").click(position={"x": 5, "y": 5})  # a click gives the view the keys
        page.keyboard.press("End")
        step = "(want) => document.querySelector('iframe').contentDocument.querySelector('.live').dataset.step === want"
        page.wait_for_function(step, arg=str(view.trace.steps - 1))
        frame.get_by_role("button", name="backward").click()
        assert "backward" in frame.locator(".live .panel.gates .title").text_content()
        page.wait_for_function(step, arg=str(view.trace.steps - 1))          # the cursor stays where it was
        page.screenshot(path=str(artifacts / "notebook-output.png"), full_page=True)
    finally:
        context.close()
