"""rnnviz.export.export_html: one self-contained page of the app's own live view, safe for any token.

Self-contained: no element loads anything (no src/href to another place, no stylesheet link, no
CSS import or url()); the scripts are the app's own files (live.js with its entry named) and the
shim. The payloads inside are the trace's numbers, and user text can neither end the script nor
become markup.
"""
from __future__ import annotations

import json
from html.parser import HTMLParser

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import export, i18n, standalone
from rnnviz.notebook import module_model

SENTENCE = "alice and tom say the movie was not good ."
HOSTILE = ["<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", "<!--", "a\u2028b\u2029c",
           "&amp;", "\"quoted\""]


class Page(HTMLParser):
    """The page's elements, their attributes, and the text of each <script> and <title>."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self.texts, self.stack = [], [], {}, []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "script":
            self.scripts.append((self.stack[-1][1], data))
        elif self.stack:
            self.texts.setdefault(self.stack[-1][0], []).append(data)

    def payloads(self) -> list[dict]:
        (data,) = [text for attrs, text in self.scripts if attrs.get("type") == "application/json"]
        return json.loads(data)


@pytest.fixture(scope="module", params=["story-lstm", "sentiment-bilstm", "story-lstm-2layer", "recall-gru"])
def trace(request):
    return rnnviz.trace(rnnviz.load_model(request.param), SENTENCE)


def test_the_page_loads_nothing_from_anywhere(trace):
    page = export.export_html(trace)
    parsed = Page(page)
    assert not [(tag, attrs) for tag, attrs in parsed.tags if set(attrs) & {"src", "href", "srcset", "data"}]
    assert not [attrs for tag, attrs in parsed.tags if tag == "link"]
    assert "@import" not in page and "url(http" not in page and "//cdn" not in page
    codes = [text for attrs, text in parsed.scripts if "type" not in attrs]
    assert len(codes) == 1 and "export default" not in codes[0] and "function rnnvizLive" in codes[0]
    assert (standalone.LIVE / "live.js").read_text(encoding="utf-8").replace(
        standalone.ENTRY, standalone.NAMED_ENTRY, 1) in codes[0]


def test_every_layer_and_direction_carries_the_traces_numbers(trace):
    views = Page(export.export_html(trace, step=2)).payloads()
    layers, directions = trace.hidden.shape[:2]
    assert len(views) == layers * directions
    for i, view in enumerate(views):
        layer, d = divmod(i, directions)
        assert view["tokens"] == trace.tokens and view["step"] == 2
        np.testing.assert_allclose(view["hidden"]["values"], np.round(trace.hidden[layer, d].astype(float), 4))
        for gate in view["gates"]:
            np.testing.assert_allclose(gate["values"], np.round(trace.gates[gate["name"]][layer, d].astype(float), 4))
        if trace.cell is not None:
            np.testing.assert_allclose(view["cellState"]["values"], np.round(trace.cell[layer, d].astype(float), 4))
    prediction = views[0]["prediction"]
    if trace.predicts_next_word:
        assert prediction["top"][2] == [[w, round(p, 4)] for w, p in trace.top_predictions(2, 5)]
    else:
        np.testing.assert_allclose(prediction["probs"], np.round(trace.probs.astype(float), 4))


def test_the_title_and_words_come_from_the_catalogue(trace):
    parsed = Page(export.export_html(trace))
    assert parsed.texts["title"] == [i18n.t("export.page_title", lang="en")]
    head = "fig.common.next_word" if trace.predicts_next_word else "fig.common.classifier"
    assert parsed.payloads()[0]["headLabel"] == i18n.t(head, lang="en")
    with i18n.speaking("fil"):
        filipino = Page(export.export_html(trace, title="<b>Aralin 5</b>"))
    assert filipino.texts["title"] == ["<b>Aralin 5</b>"] and "b" not in [tag for tag, _ in filipino.tags]
    assert filipino.payloads()[0]["words"]["next"] == i18n.t("live.next", lang="fil")
    named = Page(export.export_html(trace, lang="fil"))                 # a download built outside the page's run
    assert named.texts["title"] == [i18n.t("export.page_title", lang="fil")] and i18n.language() == "en"
    assert ('html', {'lang': 'fil'}) in named.tags


def test_a_path_gets_the_same_page(trace, tmp_path):
    page = export.export_html(trace, tmp_path / "view.html")
    assert (tmp_path / "view.html").read_text(encoding="utf-8") == page


def hostile_trace():
    """A trace whose tokens are HOSTILE (a student's tokenizer splits on "|")."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Embedding(3, 4), torch.nn.GRU(4, 3), torch.nn.Linear(3, 2))
    model = module_model(net, ["<unk>", "<pad>", "ok"], pooling="last", tokenizer=lambda s: s.split("|"),
                         labels=["<b>yes</b>", "no</script>"])
    return rnnviz.trace(model, "|".join(HOSTILE))


def test_user_text_never_ends_the_script_or_becomes_markup():
    trace = hostile_trace()
    page = export.export_html(trace)
    assert page.count("</script>") == 2 and "<!--" not in page
    assert "\u2028" not in page and "\u2029" not in page
    assert "<img" not in page and "<script>alert" not in page and "<b>" not in page
    parsed = Page(page)
    assert [tag for tag, _ in parsed.tags if tag in ("img", "b")] == []
    views = parsed.payloads()
    assert views[0]["tokens"] == HOSTILE == trace.tokens
    assert views[0]["prediction"]["labels"] == ["<b>yes</b>", "no</script>"]


def test_script_json_reads_back_as_the_same_value():
    value = {"tokens": HOSTILE, "n": [1.5, -2]}
    text = standalone.script_json(value)
    assert "<" not in text and json.loads(text) == value


def test_a_live_js_without_its_module_entry_is_a_loud_error_not_a_blank_page():
    assert standalone.named_entry("export default function (c) {}") == "function rnnvizLive (c) {}"
    with pytest.raises(RuntimeError, match="export default function"):
        standalone.named_entry("function render(c) {}")
