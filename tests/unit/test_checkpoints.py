"""Model files: round trip, lesson notebook models, and files that must be refused."""
import json
import os
import pickle

import numpy as np
import pytest
import torch
from torch import nn

import rnnviz
from rnnviz import checkpoints
from rnnviz.errors import CheckpointError
from rnnviz.text import Vocab
from tests.unit.reference import WORDS, make_model, nn_layer_states

TEXT = "alice and tom said the movie was not good ."


class LessonClassifier(nn.Module):
    """The lesson notebook's classifier: embedding -> recurrent layer -> linear on the final state."""

    def __init__(self, kind, vocab_size, emb, hidden, classes, layers=1, bidirectional=False):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, emb)
        self.rnn = kind(emb, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=True)
        self.fc = nn.Linear(hidden * (2 if bidirectional else 1), classes)

    def forward(self, x):
        out, state = self.rnn(self.embedding(x))
        h = state[0] if isinstance(state, tuple) else state
        return self.fc(torch.cat(list(h[-(2 if self.rnn.bidirectional else 1):]), dim=1))


def write_lesson_files(tmp_path, kind=nn.LSTM, layers=1, bidirectional=False, classes=4, vocab=WORDS):
    torch.manual_seed(3)
    net = LessonClassifier(kind, len(WORDS), 7, 6, classes, layers, bidirectional)
    torch.save(net.state_dict(), tmp_path / "model.pt")
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    return net, tmp_path / "model.pt", tmp_path / "vocab.txt"


def test_round_trip(tmp_path):
    model = make_model("gru", layers=2, bidirectional=True)
    checkpoints.save(model, tmp_path / "m", {"task": "test", "seed": 4})
    again = checkpoints.load(tmp_path / "m")
    assert again.spec == model.spec and again.vocab.tokens == model.vocab.tokens and again.card["seed"] == 4
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), again.state_dict().values()))
    assert rnnviz.trace(again, TEXT).to_json() == rnnviz.trace(model, TEXT).to_json()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]          # no temp files left


def test_card_json_is_what_the_card_file_holds(tmp_path):
    model = make_model("lstm")
    checkpoints.save(model, tmp_path / "m", {"task": "test", "description": "naïve — “quoted”"})
    card = checkpoints.read_card(tmp_path / "m.json")
    assert (tmp_path / "m.json").read_text(encoding="utf-8") == checkpoints.card_json(card)
    assert "naïve — “quoted”" in checkpoints.card_json(card) and checkpoints.card_json(card).startswith('{\n "')
    assert json.loads(checkpoints.card_json(card)) == card
    assert checkpoints.full_card(model, {"task": "test", "description": "naïve — “quoted”"}) == card
    assert (tmp_path / "m.pt").read_bytes() == checkpoints.weights_bytes(model)
    state = checkpoints.read_state_dict(checkpoints.weights_bytes(model))
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("kind,cell", [(nn.LSTM, "lstm"), (nn.GRU, "gru"), (nn.RNN, "rnn")])
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, True)])
def test_lesson_model_opens_and_matches_nn(tmp_path, kind, cell, layers, bidirectional):
    net, weights, vocab = write_lesson_files(tmp_path, kind, layers, bidirectional)
    model = rnnviz.load_lesson_model(weights, vocab, cell=cell, pooling="last")
    assert model.spec.layers == layers and model.spec.bidirectional == bidirectional
    assert model.labels == ["World", "Sports", "Business", "Sci/Tech"]
    t = rnnviz.trace(model, TEXT)
    ids = torch.tensor([model.vocab.ids(t.tokens)])
    with torch.no_grad():
        expected = torch.softmax(net(ids)[0], -1).numpy()
    assert np.allclose(t.probs[-1], expected, atol=1e-5)
    hidden, _ = nn_layer_states(model, ids[0].tolist())
    assert np.allclose(t.hidden, hidden.numpy(), atol=1e-5)


def test_lesson_vocab_without_unk_maps_unknown_words_to_id_0(tmp_path):
    _, weights, vocab = write_lesson_files(tmp_path, vocab=["the", "a"] + WORDS[2:])
    model = rnnviz.load_lesson_model(weights, vocab, cell="lstm")
    t = rnnviz.trace(model, "the zebra")
    assert t.ids.tolist() == [0, 0] and t.known.tolist() == [True, False]


def test_lesson_mistakes_are_named(tmp_path):
    _, weights, vocab = write_lesson_files(tmp_path, nn.GRU)
    with pytest.raises(CheckpointError, match="not a LSTM.*looks like a GRU"):
        rnnviz.load_lesson_model(weights, vocab, cell="lstm")
    (tmp_path / "short.txt").write_text("a\nb\n")
    with pytest.raises(CheckpointError, match="vocabulary has 2 tokens"):
        rnnviz.load_lesson_model(weights, tmp_path / "short.txt", cell="gru")
    with pytest.raises(CheckpointError, match="4 classes but 2"):
        rnnviz.load_lesson_model(weights, vocab, cell="gru", labels=["a", "b"])
    torch.save({"encoder.weight": torch.zeros(3, 3)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="embedding.weight is missing"):
        rnnviz.load_lesson_model(tmp_path / "other.pt", vocab, cell="gru")


class Exploit:
    def __reduce__(self):
        return (os.system, ("touch pwned-by-pickle",))


def test_a_pickle_that_runs_code_is_refused_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = make_model("lstm")
    checkpoints.save(model, tmp_path / "evil")
    (tmp_path / "evil.pt").write_bytes(pickle.dumps({"embedding.weight": Exploit()}))
    with pytest.raises(CheckpointError, match="not a plain PyTorch weights file"):
        checkpoints.load(tmp_path / "evil")
    with pytest.raises(CheckpointError):
        rnnviz.load_lesson_model((tmp_path / "evil.pt").read_bytes(), Vocab(WORDS))
    assert not (tmp_path / "pwned-by-pickle").exists()


def test_truncated_wrong_shape_nan_and_oversized_files_are_refused(tmp_path, monkeypatch):
    model = make_model("lstm")
    checkpoints.save(model, tmp_path / "m")
    data = (tmp_path / "m.pt").read_bytes()
    (tmp_path / "m.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="not a plain PyTorch weights file"):
        checkpoints.load(tmp_path / "m")
    state = model.state_dict()
    for bad, message in [({**state, "fc.weight": torch.zeros(2, 2)}, "fc.weight has shape"),
                         ({**state, "fc.bias": torch.full((3,), float("nan"))}, "finite"),
                         ({k: v for k, v in state.items() if k != "fc.bias"}, "missing fc.bias"),
                         ([1, 2, 3], "state_dict")]:
        torch.save(bad, tmp_path / "m.pt")
        with pytest.raises(CheckpointError, match=message):
            checkpoints.load(tmp_path / "m")
    monkeypatch.setattr(checkpoints, "MAX_WEIGHTS_BYTES", 100)
    checkpoints.save(model, tmp_path / "m")
    with pytest.raises(CheckpointError, match="larger than"):
        checkpoints.load(tmp_path / "m")


def test_broken_cards_are_refused(tmp_path):
    model = make_model("rnn")
    checkpoints.save(model, tmp_path / "m")
    card = json.loads((tmp_path / "m.json").read_text())
    for bad in ["{not json", "[]", json.dumps({**card, "spec": {**card["spec"], "hidden_size": -1}}),
                json.dumps({**card, "spec": {**card["spec"], "cell": "transformer"}}),
                json.dumps({**card, "vocab": card["vocab"][:-1]}), json.dumps({**card, "vocab": 5})]:
        (tmp_path / "m.json").write_text(bad)
        with pytest.raises(CheckpointError):
            checkpoints.load(tmp_path / "m")


def test_unknown_bundled_model_name_is_a_friendly_error():
    with pytest.raises(CheckpointError, match="no model called 'nope'"):
        rnnviz.load_model("nope")
