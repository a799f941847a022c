"""One self-contained HTML page of the step-through view: the app's own live view, no server.

The page holds the app's browser view as it is (rnnviz/ui/live: live.js's controller, then the
panels and the anatomy, and their CSS, read from the package and joined as the app joins them),
one payload per layer and direction (figures.live.live_view), and a small shim (standalone.js)
that calls live.js's entry with {data, parentElement, setTriggerValue, setStateValue} as
Streamlit would, with nobody to tell. Nothing is fetched: it opens from a file, offline, in a
course page or in a notebook's <iframe srcdoc> (rnnviz.notebook.show).

Tokens and labels are user text: they travel inside JSON, which the page reads with JSON.parse,
and live.js only ever draws them with textContent. Inside <script> the JSON has every "<" written
\\u003c (so neither "</script>" nor "<!--" can end or bend the script) and U+2028/2029 escaped.
"""
from __future__ import annotations

import html
import json

from . import i18n
from .figures.common import worded
from .figures.live import live_view
from .paths import PACKAGE
from .trace import Trace

LIVE = PACKAGE / "ui" / "live"
SCRIPTS = ("live.js", "panels.js", "anatomy.js")      # as rnnviz/ui/live/__init__.py joins them
STYLES = ("live.css", "panels.css", "anatomy.css")
SHIM = "standalone.js"
ENTRY, NAMED_ENTRY = "export default function", "function rnnvizLive"   # live.js's module export, named
CUSTOM = "custom"                                     # Trace.tokenizer of a student's own tokenizer (Model)

PAGE_CSS = """
body { margin: 16px 20px; font-family: "Source Sans Pro", system-ui, sans-serif; color: #1a1a1a;
       background: #ffffff; }
h1 { font-size: 1.35em; margin: 0 0 0.2em; }
.about, .note { margin: 0 0 0.4em; opacity: 0.8; font-size: 0.92em; }
.slices { display: flex; flex-wrap: wrap; gap: 0.4em; align-items: center; margin: 0.3em 0 0.5em; font-size: 0.92em; }
.slices button[aria-pressed="true"] { font-weight: 600; border-color: #0072b2; }
"""


def page_html(trace: Trace, *, title: str | None = None, step: int = 0, cell_bound: float | None = None) -> str:
    """The whole page as a string (UTF-8 HTML5), its cursor at `step`, in the current language."""
    views = slice_views(trace, step, cell_bound)
    title = title or i18n.t("export.page_title")
    about = i18n.t("export.about_custom" if trace.tokenizer == CUSTOM else "export.about",
                   cell=trace.cell_kind.title, units=trace.hidden.shape[3], tokenizer=trace.tokenizer)
    script = "\n".join(('"use strict";', named_entry(joined(SCRIPTS)), joined((SHIM,))))
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{i18n.language()}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{PAGE_CSS}\n{joined(STYLES)}</style></head>",
        "<body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="about">{html.escape(about)}</p>',
        f'<p class="note">{html.escape(i18n.t("export.note"))}</p>',
        f'<div class="slices" id="rnnviz-slices"><span>{html.escape(i18n.t("live.slice"))}:</span></div>',
        '<div id="rnnviz-view"><div class="live"></div></div>',
        f'<script type="application/json" id="rnnviz-views">{script_json(views)}</script>',
        f"<script>(function () {{\n{script}\n}})();</script>",
        "</body></html>",
    ])


def slice_views(trace: Trace, step: int = 0, cell_bound: float | None = None) -> list[dict]:
    """live_view of every (layer, direction), in order (layer 0 first): one colour range for c
    across them (`cell_bound`, else the sentence's own, as the app draws a sentence)."""
    layers, directions = trace.hidden.shape[:2]
    head_label = worded("fig.common.next_word", trace) if trace.predicts_next_word else i18n.t("fig.common.classifier")
    views = [live_view(trace, step, head_label=head_label, layer=layer, direction=direction, cell_bound=cell_bound)
             for layer in range(layers) for direction in range(directions)]
    if cell_bound is None:                   # c's legend then says whose range it is (not the model's)
        for view in views:
            view["words"]["fixed_range"] = i18n.t("export.own_range")
    return views


def script_json(value) -> str:
    """`value` as JSON that is safe inside a <script> element: "<" as \\u003c, U+2028/2029 escaped
    (JSON.parse reads them back as the same characters)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def named_entry(code: str) -> str:
    """`code` (live.js first) with live.js's module entry as a plain function the shim calls."""
    if ENTRY not in code:
        raise RuntimeError(f"live.js no longer has {ENTRY!r}: the standalone page's shim needs its entry.")
    return code.replace(ENTRY, NAMED_ENTRY, 1)


def joined(names: tuple[str, ...]) -> str:
    """The files `names` of rnnviz/ui/live, one after the other (a missing one is skipped, as the app does)."""
    return "\n".join((LIVE / n).read_text(encoding="utf-8") for n in names if (LIVE / n).exists())
