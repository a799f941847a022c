"""A real notebook, run by a real kernel: the lesson's three classes, trained a few steps, shown by rnnviz.

The notebook (built here with nbformat, executed with nbclient on the python3 kernel, its working
folder the repository) defines RNNClassifier, LSTMClassifier and LSTMPackClassifier as the lesson
writes them, trains each on a dozen headlines of the lesson's 4 news classes, draws the view
with show() and compares trace_module() with the module's own outputs. The test reads back
what the notebook displayed and printed; the executed notebook is kept in test-artifacts/.
"""
from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from rnnviz.text import basic_english
from tests.lesson_classes import SOURCE

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT = ROOT / "test-artifacts" / "lesson_notebook.ipynb"
TEXT = "Stocks fell on Wall St. as the team won -- again!"
CLASSES = ["World", "Sports", "Business", "Sci/Tech"]
TOL = 1e-5

SETUP = f"""
import collections, json
import torch
import rnnviz
torch.manual_seed(0)
torch.set_num_threads(1)
TEXT = {TEXT!r}
"""

DATA = f"""
classes = {CLASSES!r}
data = [
    (0, "Leaders meet in Geneva to talk about peace and the war"),
    (0, "Elections held across the country after the president resigned"),
    (0, "Troops leave the border as the two governments sign a treaty"),
    (1, "The team won the cup final after a late goal"),
    (1, "Star striker scores twice as United beat the champions"),
    (1, "Olympic runner breaks the world record in the 100m"),
    (2, "Stocks fell on Wall St. as oil prices rose to $60"),
    (2, "The bank cut interest rates and shares climbed"),
    (2, "Profits at the retailer doubled in the third quarter"),
    (3, "New chip makes phones faster and saves battery power"),
    (3, "Scientists find water on Mars with the new telescope"),
    (3, "Software update fixes a security hole in the browser"),
]
tokenizer = rnnviz.text.basic_english          # the lesson: torchtext's get_tokenizer("basic_english")
counter = collections.Counter(token for _, text in data for token in tokenizer(text))
itos = ["<unk>", "<pad>"] + sorted(counter)    # torchtext 0.9's layout: <unk> 0, <pad> 1
stoi = {{token: i for i, token in enumerate(itos)}}
vocab_size = len(itos)

def encode(x):
    return [stoi.get(token, 0) for token in tokenizer(x)]

def pad_length(b):
    v = [encode(x[1]) for x in b]
    len_seq = list(map(len, v))
    l = max(len_seq)
    return (torch.LongTensor([t[0] for t in b]),
            torch.stack([torch.nn.functional.pad(torch.tensor(t), (0, l - len(t)), mode='constant', value=0)
                         for t in v]),
            torch.tensor(len_seq))
"""

CLASSES_CELL = SOURCE

TRAIN = """
def train(net, packed, steps=25):
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    net.train()
    for _ in range(steps):
        labels, x, lengths = pad_length(data)
        out = net(x, lengths) if packed else net(x)
        loss = torch.nn.functional.cross_entropy(out, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return round(loss.item(), 3)

nets = {"RNNClassifier": (RNNClassifier(vocab_size, 16, 12, len(classes)), False),
        "LSTMClassifier": (LSTMClassifier(vocab_size, 16, 12, len(classes)), False),
        "LSTMPackClassifier": (LSTMPackClassifier(vocab_size, 16, 12, len(classes)), True)}
print({name: train(net, packed) for name, (net, packed) in nets.items()})
"""

SHOW = """
rnnviz.show(nets["LSTMPackClassifier"][0], TEXT, vocab=itos, tokenizer=tokenizer, labels=classes)
"""

CHECK = """
def own(net, packed, ids):
    x = torch.tensor([ids])
    net.eval()
    with torch.no_grad():
        out, _ = net.rnn(net.embedding(x))
        logits = net(x, torch.tensor([len(ids)])) if packed else net(x)
    return out[0].numpy(), torch.softmax(logits[0], 0).numpy()

report = {}
for name, (net, packed) in nets.items():
    hidden = probs = 0.0
    tokens_match = predictions_agree = True
    for text in [TEXT] + [text for _, text in data]:
        t = rnnviz.trace_module(net, text, vocab=itos, tokenizer=tokenizer, labels=classes)
        out, p = own(net, packed, t.ids.tolist())
        hidden = max(hidden, float(abs(out - t.hidden[0, 0]).max()))
        probs = max(probs, float(abs(p - t.probs[-1]).max()))
        tokens_match &= t.tokens == tokenizer(text)
        predictions_agree &= int(p.argmax()) == int(t.probs[-1].argmax())
    report[name] = {"hidden": hidden, "probs": probs, "tokens_match": tokens_match,
                    "predictions_agree": predictions_agree}
print("RNNVIZ_CHECK " + json.dumps(report))
"""


def lesson_notebook() -> nbformat.NotebookNode:
    cells = [new_code_cell(source.strip()) for source in (SETUP, DATA, CLASSES_CELL, TRAIN, SHOW, CHECK)]
    cells[4].metadata["tags"] = ["show"]
    cells[5].metadata["tags"] = ["check"]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


@pytest.fixture(scope="module")
def executed():
    """The notebook after a python3 kernel ran it in the repository's folder (rnnviz importable:
    the kernel's process inherits PYTHONPATH); kept in test-artifacts/ whatever happened."""
    nb = lesson_notebook()
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", path)
        try:
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(ROOT)}}).execute()
        finally:
            ARTIFACT.parent.mkdir(exist_ok=True)
            nbformat.write(nb, ARTIFACT)
    return nb


def tagged(nb, tag: str):
    (cell,) = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    return cell


def test_the_show_cell_displays_the_view_with_the_lessons_tokens(executed):
    outputs = [o for o in tagged(executed, "show").outputs if o.output_type == "execute_result"]
    assert len(outputs) == 1, tagged(executed, "show").outputs
    shown = outputs[0].data["text/html"]
    srcdoc = re.search(r'<iframe class="rnnviz-view" srcdoc="([^"]*)"', shown)
    assert srcdoc, shown[:300]
    page = html.unescape(srcdoc.group(1))
    views = json.loads(re.search(r'<script type="application/json" id="rnnviz-views">(.*?)</script>', page,
                                 re.S).group(1))
    assert views[0]["tokens"] == basic_english(TEXT)
    assert "--" in views[0]["tokens"] and "st" in views[0]["tokens"]       # the lesson's rules, not rnnviz's
    assert views[0]["prediction"]["labels"] == CLASSES
    assert "function rnnvizLive" in page


def test_every_trace_equals_the_modules_own_outputs(executed):
    printed = "".join(o.text for o in tagged(executed, "check").outputs if o.output_type == "stream")
    line = re.search(r"^RNNVIZ_CHECK (.*)$", printed, re.M)
    assert line, printed
    report = json.loads(line.group(1))
    assert set(report) == {"RNNClassifier", "LSTMClassifier", "LSTMPackClassifier"}
    for name, found in report.items():
        assert found["hidden"] <= TOL and found["probs"] <= TOL, (name, found)
        assert found["tokens_match"] and found["predictions_agree"], (name, found)
