"""The Make pages in AppTest: train in the session (finish, stop, scrub) and open a lesson model."""
from __future__ import annotations

import io
import time

import numpy as np
import pytest
import torch
from torch import nn

import rnnviz
from rnnviz.checkpoints import load_weights, read_state_dict
from rnnviz.model import Model, ModelSpec
from rnnviz.ui import keys, lesson_upload, make

from .appkit import assert_ok, charts, heatmap_z, live_view, open_app

TRAIN, LESSON = "views/train.py", "views/your_model.py"
SENTENCE = "the movie was not good"


def start_training(steps: int, task: str = "sentiment", cell: str = "lstm"):
    at = open_app(page=TRAIN, text=SENTENCE)
    at.selectbox(key="make_task").set_value(task)
    at.selectbox(key="make_cell").set_value(cell)
    at.slider(key="make_hidden").set_value(8)
    at.slider(key="make_emb").set_value(8)
    at.slider(key="make_steps").set_value(steps)
    at.run()
    at.button(key="make_start").click().run()
    assert_ok(at)
    return at, at.session_state[keys.JOB]


def finish(at, job, timeout: float = 120):
    job.thread.join(timeout)
    assert not job.running and job.error is None, job.error
    at.run()
    assert_ok(at)
    return at


def snapshot_model(job, index: int) -> Model:
    final = job.result.model
    model = Model(final.spec, final.vocab)
    model.load_state_dict(job.snapshots[index][1])
    return model


@pytest.fixture(scope="module")
def trained():
    at, job = start_training(30)
    return finish(at, job), job


def scrub_view(at) -> dict:
    """The scrubber's panels view as the browser gets it (the page's only live view)."""
    view = live_view(at)
    assert view is not None and view["view"] == "panels"
    return view


def frames(view: dict, kind: str) -> list:
    """The per-snapshot frames of the view's panel of `kind` whose frames move with the cursor."""
    panels = [p for row in view["rows"] for column in row["columns"] for p in column["panels"]]
    return next(p for p in panels if p["kind"] == kind and "frames" in p)["frames"]


def test_the_scrubber_sends_every_snapshot_once(trained):
    """Every snapshot's reading of the sentence is in the browser's payload, exact; the cursor
    starts at the last snapshot and follows keys.SNAPSHOT (what the browser's "moved" sets)."""
    at, job = trained
    assert len(job.snapshots) >= 5 and job.snapshots[-1][0] == 30
    view = scrub_view(at)
    assert [p["label"] for p in view["positions"]] == [f"step {s} of 30" for s, _ in job.snapshots]
    assert view["step"] == len(job.snapshots) - 1
    hidden = frames(view, "heatmap")
    assert len(hidden) == len(job.snapshots)
    for index, frame in enumerate(hidden):
        expected = rnnviz.trace(snapshot_model(job, index), SENTENCE).hidden[-1, 0]       # [T, H]
        np.testing.assert_allclose(frame["values"], expected, atol=1e-4)
    assert not np.allclose(hidden[0]["values"], hidden[-1]["values"]), "the first and last snapshots read alike"
    assert len(frames(view, "curve")) == len(job.snapshots)
    at.session_state[keys.SNAPSHOT] = 1                    # as the browser's move does, before the rerun
    at.run()
    assert_ok(at)
    assert scrub_view(at)["step"] == 1 and scrub_view(at)["id"] == view["id"]   # same view: no redraw


def test_the_scrubbers_figures_follow_the_snapshot(trained):
    at, job = trained
    at.toggle(key=keys.SCRUB_FIGURES).set_value(True).run()
    for index in (0, len(job.snapshots) - 1):
        at.session_state[keys.SNAPSHOT] = index
        at.run()
        assert_ok(at)
        shown = charts(at)
        assert {"scrub_curves", "scrub_hidden", "scrub_gradient", "scrub_flags"} <= set(shown)
        expected = rnnviz.trace(snapshot_model(job, index), SENTENCE).hidden[0, 0].T      # [H, T]
        np.testing.assert_allclose(heatmap_z(shown["scrub_hidden"]), expected, atol=1e-5)
    at.toggle(key=keys.SCRUB_FIGURES).set_value(False).run()


def test_a_trained_model_joins_the_picker_and_the_step_through_page(trained):
    at, job = trained
    assert job.name == "my-sentiment-lstm-1"
    assert job.name in at.sidebar.selectbox(key="model").options
    assert any(job.name in s.value for s in at.success)
    at.button(key="make_use").click().run()
    assert at.sidebar.selectbox(key="model").value == job.name
    at.switch_page("views/step_through.py").run()
    at.run()
    assert_ok(at)
    expected = rnnviz.trace(job.result.model, SENTENCE).hidden[0, 0]
    np.testing.assert_allclose(live_view(at)["hidden"]["values"], expected, atol=6e-5)


def test_the_downloads_open_again(trained):
    _, job = trained
    model = job.result.model
    card = __import__("json").loads(make.card_bytes(model))
    again = Model(ModelSpec.from_dict(card["spec"]), rnnviz.text.Vocab(card["vocab"]), card)
    load_weights(again, read_state_dict(make.weights_bytes(model)))
    assert card["task"] == "sentiment" and card["steps_trained"] == 30
    np.testing.assert_allclose(rnnviz.trace(again, SENTENCE).probs, rnnviz.trace(model, SENTENCE).probs, atol=1e-6)


def test_stop_keeps_what_was_learnt():
    at, job = start_training(3000)
    deadline = time.monotonic() + 60
    while len(job.history) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    at.button(key=keys.STOP).click().run()
    assert_ok(at)
    at = finish(at, job)
    assert job.result.stopped and 5 <= job.result.steps < 3000
    assert job.name in at.sidebar.selectbox(key="model").options
    assert any("stopped after" in s.value for s in at.success)
    kept = snapshot_model(job, -1)
    np.testing.assert_allclose(rnnviz.trace(kept, SENTENCE).probs, rnnviz.trace(job.result.model, SENTENCE).probs)


# ---- the lesson notebook's model -----------------------------------------------------------------

TOKENS = ["<pad>", "<unk>", "the", "match", "was", "won", "by", "stocks", "fell", "new", "chip"]


class Net(nn.Module):
    """The lesson's classifier: embedding -> LSTM -> linear on the last state."""

    def __init__(self, vocab: int = len(TOKENS), emb: int = 6, hidden: int = 5, classes: int = 4):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, ids):
        _, (h, _) = self.rnn(self.embedding(ids))
        return self.fc(h[-1])


def saved(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def lesson_files():
    torch.manual_seed(3)
    net = Net()
    return net, saved(net.state_dict()), "\n".join(TOKENS).encode()


def upload(weights: bytes, vocab: bytes, cell: str = "lstm"):
    at = open_app(page=LESSON, text="the match was won")
    at.file_uploader(key=keys.WEIGHTS_FILE).set_value(("model.pt", weights, "application/octet-stream"))
    at.file_uploader(key=keys.VOCAB_FILE).set_value(("vocab.txt", vocab, "text/plain"))
    at.selectbox(key=keys.LESSON_CELL).set_value(cell)
    at.run()
    at.button(key="lesson_open").click().run()
    assert_ok(at)
    return at


def test_a_lesson_model_opens_and_reads_like_torch():
    net, weights, vocab = lesson_files()
    at = upload(weights, vocab)
    assert not at.error, [e.value for e in at.error]
    assert at.sidebar.selectbox(key="model").value == "lesson-lstm-1"
    assert charts(at)["hidden"]
    ids = torch.tensor([[TOKENS.index(t) for t in "the match was won".split()]])
    with torch.no_grad():
        expected = torch.softmax(net(ids), -1)[0].numpy()
    model = at.session_state["session_models"]["lesson-lstm-1"]
    np.testing.assert_allclose(rnnviz.trace(model, "the match was won").probs[-1], expected, atol=1e-5)
    assert model.labels == ["World", "Sports", "Business", "Sci/Tech"]


class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):                  # unpickling would create the marker file
        return (open, (str(self.marker), "w"))


def bad_files(tmp_path):
    _, weights, vocab = lesson_files()
    state = read_state_dict(weights)
    wrong = dict(state, **{"fc.weight": torch.zeros(4, 7)})
    return {
        "code": (saved({"embedding.weight": Evil(tmp_path / "ran")}), vocab, "not a plain PyTorch weights file"),
        "truncated": (weights[: len(weights) // 2], vocab, "not a plain PyTorch weights file"),
        "shape": (saved(wrong), vocab, "fc.weight has shape [4, 7]"),
        "vocab": (weights, "\n".join(TOKENS[:-1]).encode(), "The vocabulary has 10 tokens but the embedding has 11"),
    }


@pytest.mark.parametrize("kind", ["code", "truncated", "shape", "vocab"])
def test_a_bad_upload_gets_a_friendly_message(kind, tmp_path):
    weights, vocab, message = bad_files(tmp_path)[kind]
    with pytest.raises(rnnviz.errors.CheckpointError, match=message.replace("[", r"\[").replace("]", r"\]")):
        lesson_upload.open_lesson_files(weights, vocab, "lstm", "last", ["a", "b", "c", "d"])
    at = upload(weights, vocab)
    assert any(message in e.value.replace("\\", "") for e in at.error), [e.value for e in at.error]
    assert not (tmp_path / "ran").exists(), "a pickle in an uploaded file was run"
    assert "lesson-lstm-1" not in at.sidebar.selectbox(key="model").options


def test_the_wrong_cell_kind_is_named():
    _, weights, vocab = lesson_files()
    at = upload(weights, vocab, cell="gru")
    assert any("It looks like a LSTM" in e.value.replace("\\", "") for e in at.error), [e.value for e in at.error]


def test_the_hostile_pickle_really_runs_code_when_loaded_unsafely(tmp_path):
    """So the test above means something: without weights_only the marker file would appear."""
    torch.load(io.BytesIO(bad_files(tmp_path)["code"][0]), weights_only=False)
    assert (tmp_path / "ran").exists()
