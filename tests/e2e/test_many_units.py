"""A model with 128+ units stays readable in a real browser: Step through shows the 32 most active
units as rows named by their unit numbers, "all units" shows every one, the sort buttons reorder
them, and stepping with the keys still moves the cursor (issue 14). The panels pages (Deeper
networks) do the same for their heatmaps.

Expected rows are computed here from the model's own trace (mean |h| over the sentence), not read
off a run.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import numpy as np
import pytest

import rnnviz
from rnnviz import i18n

from .live_view import wait_for_live, wait_for_live_step
from .test_browser import hover_value  # a row of the h heatmap (the view's rows, top down)

pytestmark = pytest.mark.e2e

CHARS = "english-char-lstm"
TEXT = 'she said "the cat is asleep" and smiled.'
HEAT = '.live g.heatmap[data-letter="h"]'
TOP = 32


def open_page(page, app_url: str, model: str, where: str = "step_through") -> list[str]:
    """Opens `where` with `model` on TEXT; returns the model's tokens."""
    tokens = rnnviz.load_model(model).tokenize(TEXT)
    page.goto(f"{app_url}/{where}?model={model}&text={quote(TEXT, safe='')}")
    wait_for_live(page, "v.dataset.sentence === want", " ".join(tokens), timeout=90_000)
    return tokens


def by_activity(model: str) -> list[int]:
    """The units, most active first: a_j = mean over t of |h_tj| (ties: smaller j first)."""
    h = rnnviz.trace(rnnviz.load_model(model), TEXT).hidden[0, 0].astype(float)        # [T, H]
    size = np.abs(h).mean(axis=0)
    return sorted(range(h.shape[1]), key=lambda j: (-size[j], j))


def rows(page, selector: str = HEAT) -> list[int]:
    return [int(u) for u in page.locator(selector).first.get_attribute("data-units").split()]


def wait_rows(page, count: int, selector: str = HEAT) -> None:
    """Waits until the rows of `selector` (inside the view) number `count`."""
    inside = selector.removeprefix(".live ")
    wait_for_live(page, "v.querySelector(want[0]).dataset.units.split(' ').length === want[1]", [inside, count],
                  timeout=15_000)


def picture_size(page) -> tuple[int, int]:
    """(columns, rows) of cells the h heatmap draws: its picture over its cell size."""
    grid = page.locator(".live svg.grid")
    heat = page.locator(f"{HEAT} image.cells")
    cw, rh = float(grid.get_attribute("data-cw")), float(page.locator(HEAT).get_attribute("data-rh"))
    return round(float(heat.get_attribute("width")) / cw), round(float(heat.get_attribute("height")) / rh)


def test_step_through_shows_the_top_32_units_then_all_then_by_number(page, app_url, artifacts):
    tokens = open_page(page, app_url, CHARS)
    units = rnnviz.load_model(CHARS).spec.hidden_size
    assert units >= 128
    active = by_activity(CHARS)
    assert rows(page) == active[:TOP], "the 32 most active units, most active first"
    assert picture_size(page) == (len(tokens), TOP), "one cell per token and unit shown"
    assert rows(page, ".live .panel.gates svg.strips") == active[:TOP], "the strips show the same units"
    labels = page.locator(".live svg.grid text.unitnum").evaluate_all("nodes => nodes.map(n => n.textContent)")
    assert [label.split()[-1] for label in labels[:TOP]] == [str(u) for u in active[:TOP]], \
        "every row names its real unit number"
    assert re.search(rf"{i18n.t('live.unit')} {active[3]}[: ]", hover_value(page, 2, 3)), "the tip names the row's unit"
    page.screenshot(path=str(artifacts / "many_units_top.png"))

    page.locator(".live .bar.units button.all").click()
    wait_rows(page, units)
    assert rows(page) == active
    assert picture_size(page) == (len(tokens), units)
    assert page.locator(".live .bar.units button.all").get_attribute("aria-pressed") == "true"

    page.locator('.live .bar.units button[data-order="natural"]').click()
    wait_for_live(page, "v.querySelector('g.heatmap').dataset.units.startsWith('0 1 2 3 ')")
    assert rows(page) == list(range(units))
    page.locator(".live .bar.units button.all").click()
    wait_rows(page, TOP)
    assert rows(page) == list(range(TOP))

    page.locator('.live .bar.units button[data-order="activity"]').click()
    wait_for_live(page, "v.querySelector('g.heatmap').dataset.units.split(' ')[0] === want", str(active[0]))
    page.locator("h1").first.click()                      # keyboard focus on the page, not a button
    for step in (1, 2, 3):
        page.keyboard.press("ArrowRight")
        wait_for_live_step(page, step, timeout=5_000)
    page.keyboard.press("ArrowLeft")
    wait_for_live_step(page, 2, timeout=5_000)
    outline = float(page.locator(".live rect.outline").first.get_attribute("x"))
    grid = page.locator(".live svg.grid")
    left, width = float(grid.get_attribute("data-left")), float(grid.get_attribute("data-cw"))
    assert round((outline - left) / width) == 2, "the outline follows the keys"
    assert rows(page) == active[:TOP], "stepping keeps the rows"


def test_the_server_keeps_the_choice_for_the_next_sentence(page, app_url):
    """The browser tells the server the choice: the next sentence (a new view, drawn from the
    server's payload) opens with the same rows, and so would the page's plotly copies."""
    open_page(page, app_url, CHARS)
    page.locator('.live .bar.units button[data-order="natural"]').click()
    wait_for_live(page, "v.querySelector('g.heatmap').dataset.units.startsWith('0 1 2 ')")
    page.wait_for_timeout(1000)                           # the choice reaches the server (a rerun)
    other = "the dog ran home."
    box = page.locator(".st-key-text textarea")
    box.fill(other)
    box.press("Control+Enter")
    wait_for_live(page, "v.dataset.sentence === want", " ".join(rnnviz.load_model(CHARS).tokenize(other)),
                  timeout=60_000)
    assert rows(page) == list(range(TOP)), "the new sentence opens sorted by number, as chosen"
    pressed = page.locator(".live .bar.units button[aria-pressed='true']")
    assert pressed.get_attribute("data-order") == "natural"


def test_deeper_networks_shows_the_top_32_units_of_a_wide_model(page, app_url):
    open_page(page, app_url, CHARS, where="deep")
    heat = '.live .ppanel[data-kind="heatmap"] svg.grid'
    active = by_activity(CHARS)
    assert rows(page, heat) == active[:TOP]
    page.locator('.live .ppanel[data-kind="heatmap"] button.all').first.click()
    wait_rows(page, len(active), heat)
    assert rows(page, heat) == active
    page.locator("h1").first.click()
    page.keyboard.press("ArrowRight")
    wait_for_live_step(page, 1, timeout=5_000)
    page.wait_for_timeout(1500)                           # the server's rerun (a slim copy) changes nothing
    assert rows(page, heat) == active
