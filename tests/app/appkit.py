"""Helpers the AppTest suites share: start the app, read its charts, check its markdown."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as et

from rnnviz import i18n
from tests.unit.figkit import FIL as FIL  # re-exported for the app tests
from tests.unit.figkit import fil as fil

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
TIMEOUT = 60          # seconds per script run: the first one imports torch and loads a model


def open_app(page: str | None = None, **query: str) -> AppTest:
    """The app after its first run, with `query` as the URL's parameters, on `page` if given.

    A page is opened as a link to it would (switch before the first run); test_pages.py switches
    pages in mid-session separately.
    """
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    if page is not None:
        at.switch_page(page)          # before the first run: the link opens that page directly
    return at.run()


# ---- charts ----------------------------------------------------------------------------------

def charts(at: AppTest) -> dict[str, dict]:
    """Every plotly chart on the page: its key ("hidden", "chain", ...) -> its figure spec."""
    return {_chart_key(el): json.loads(el.proto.spec) for el in at.get("plotly_chart")}


def _chart_key(el) -> str:
    return el.key or el.proto.id.split("-", 2)[-1]


def array(value) -> np.ndarray:
    """A plotly data array as numpy: plain JSON lists, or plotly's typed arrays (dtype + bdata)."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape:
            data = data.reshape([int(s) for s in str(shape).split(",")])
        return data
    return np.asarray(value)


def heatmap_z(spec: dict) -> np.ndarray:
    """z of the (first) heatmap trace of a units × tokens figure: [H, T]."""
    heatmaps = [d for d in spec["data"] if d.get("type") == "heatmap"]
    assert heatmaps, f"no heatmap in the figure titled {title(spec)!r}"
    return array(heatmaps[0]["z"]).astype(np.float32)


def highlighted_columns(spec: dict) -> set[int]:
    """The token columns outlined by the figure's rectangle shapes (x0 = t − 0.5, x1 = t + 0.5)."""
    columns = set()
    for shape in spec["layout"].get("shapes", []):
        if shape.get("type") == "rect" and shape.get("xref", "x") == "x":
            centre = (shape["x0"] + shape["x1"]) / 2
            assert abs(shape["x1"] - shape["x0"] - 1) < 1e-9, f"the outline is not one column wide: {shape}"
            columns.add(int(round(centre)))
    return columns


def tick_tokens(spec: dict) -> list[str]:
    return list(spec["layout"]["xaxis"].get("ticktext", []))


def title(spec: dict) -> str:
    t = spec["layout"].get("title", {})
    return t.get("text", "") if isinstance(t, dict) else str(t)


# ---- the step cursor -------------------------------------------------------------------------

def cursor(at: AppTest) -> int:
    """The token the page's cursor is at, as the server last sent it to the browser view."""
    return int(live_view(at)["step"])


# ---- markdown safety -------------------------------------------------------------------------

# The hostile inputs below carry these markers, so the app's own markup never trips the checks.
EVIL = "evil"                 # every hostile link or image points at http://evil...
# HTML a typed sentence must never inject (raw, not backslash-escaped).
RAW_HTML = re.compile(r"(?<!\\)<\s*/?\s*(script|img|b|iframe|svg)\b", re.I)
# A markdown link or image to the hostile target: [text](http://evil...) with live brackets.
LIVE_LINK = re.compile(r"(?<!\\)\[[^\]\n]*(?<!\\)\]\(\s*<?[^)\s]*" + EVIL)
# The hostile colour directive :red[...] with a live colon and bracket.
LIVE_DIRECTIVE = re.compile(r"(?<!\\):red\[")


def markdown_texts(at: AppTest) -> list[tuple[str, str]]:
    """(element type, text) of every string the page renders as markdown: bodies of markdown,
    captions, alerts, headings and toasts, and the labels and help of every element."""
    found = []
    for node in at:
        if isinstance(node, (et.Markdown, et.AlertBase, et.HeadingBase, et.Toast)):
            found.append((node.type, node.value))
        if isinstance(node, et.Exception):
            found.append(("exception", node.message))
        proto = getattr(node, "proto", None)
        for attr in ("label", "help"):
            text = getattr(proto, attr, None) if proto is not None else None
            if isinstance(text, str) and text:
                found.append((f"{getattr(node, 'type', '?')}.{attr}", text))
    return found


def assert_no_live_markup(at: AppTest, extra: str = "") -> None:
    """No markdown element shows raw HTML, a clickable link/image or a colour directive."""
    problems = []
    for kind, text in markdown_texts(at):
        for pattern in (RAW_HTML, LIVE_LINK, LIVE_DIRECTIVE):
            match = pattern.search(text)
            if match:
                problems.append(f"{kind}: {text[:160]!r} (at {match.group(0)!r})")
    assert not problems, f"user text rendered as live markup{extra}:\n" + "\n".join(problems)


def assert_no_raw_html_in_charts(at: AppTest, needles=("<script", "<img", "<b>bold", "<iframe")) -> None:
    """Plotly renders some HTML in labels: typed tags must reach it escaped (&lt;...).

    The needles are the hostile inputs' own tags ("<b>bold"), not the figures' own markup."""
    for key, spec in charts(at).items():
        text = json.dumps(spec, ensure_ascii=False).lower()
        for needle in needles:
            assert needle not in text, f"chart {key!r} carries {needle!r} unescaped"


def assert_ok(at: AppTest) -> None:
    """The run ended without a traceback on the page."""
    assert not at.exception, "the page shows a traceback:\n" + "\n".join(
        f"{e.message}\n" + "\n".join(e.stack_trace[-6:]) for e in at.exception)


def texts(elements) -> list[str]:
    return [e.value for e in elements]


def rendered(source: str) -> str:
    """What markdown shows for `source`: backslash-escaped punctuation becomes the mark itself."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)


# ---- languages -------------------------------------------------------------------------------

# FIL (the Filipino catalogue) and fil(key, **fields) are the figure tests' (tests/unit/figkit.py)


def visible_strings(at: AppTest) -> list[str]:
    """Every string the page shows: markdown, captions, alerts, headings, labels and help, and
    the titles and axis titles of its charts."""
    found = [rendered(text) for _, text in markdown_texts(at)]
    for spec in charts(at).values():
        layout = spec.get("layout", {})
        found.append(title(spec))
        for name, axis in layout.items():
            if name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
                axis_title = axis.get("title", {})
                found.append(axis_title.get("text", "") if isinstance(axis_title, dict) else str(axis_title))
        found += [a.get("text", "") for a in layout.get("annotations", [])]
    view = live_view(at) or {}
    if view.get("view") == "panels":                # the titles and words a panels view draws
        found += [*view["words"].values(), *(row["title"] for row in view["rows"]),
                  *(p["title"] for p in panels_of(at))]
    return [s for s in found if s]


def open_in_filipino(page: str, **query: str) -> AppTest:
    """`page` opened by a link with lang=fil, run once more (the first run after a page switch
    sees no sentence), without a traceback."""
    at = open_app(page, lang="fil", **query)
    at.run()
    assert_ok(at)
    return at


def english_leftovers(at: AppTest) -> list[str]:
    """Strings shown in Filipino mode that are exactly an English catalogue text whose Filipino
    text differs (so: a call that forgot to go through t(), or a t() with lang pinned to en).
    Single words are left out: names such as "GRU" are English in a Filipino title too."""
    english, filipino = i18n.catalogue("en"), i18n.catalogue("fil")
    english_only = {text for key, text in english.items()
                    if filipino.get(key) != text and "{" not in text and len(text.split()) > 1}
    return [s for s in visible_strings(at) if s in english_only]


# ---- a lesson model's files ------------------------------------------------------------------

LESSON_TOKENS = ["<pad>", "<unk>", "the", "match", "was", "won"]


def lesson_weights() -> bytes:
    """A state dict as the lesson's notebook saves it: embedding, LSTM(4 → 3), linear to 4 classes."""
    import io

    import torch
    from torch import nn
    torch.manual_seed(0)
    state = {"embedding.weight": nn.Embedding(len(LESSON_TOKENS), 4).weight.data}
    state.update({f"rnn.{k}": v for k, v in nn.LSTM(4, 3, batch_first=True).state_dict().items()})
    state.update({f"fc.{k}": v for k, v in nn.Linear(3, 4).state_dict().items()})
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


# ---- the step-through page's live view (rnnviz/ui/live) ---------------------------------------

def live_view(at: AppTest) -> dict | None:
    """The data the live view was sent (rnnviz.figures.live.live_view, or a panels view), or None if
    not on the page. Other components of the page (e.g. the URL history's) are skipped."""
    found = [c for c in at.get("bidi_component") if c.proto.component_name.endswith("rnnviz_live")]
    return json.loads(found[0].proto.json) if found else None


def panels_of(at: AppTest) -> list[dict]:
    """Every panel of the panels view the page sent (rnnviz.figures.panels), in reading order."""
    view = live_view(at) or {}
    return [p for row in view.get("rows", []) for column in row["columns"] for p in column["panels"]]
