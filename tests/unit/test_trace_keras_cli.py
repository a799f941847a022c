"""`rnnviz trace TEXT --keras FILE --vocab FILE`: a Keras model from the shell, read with Keras's
text rules, the same numbers as the API."""
import json

import numpy as np
import pytest

import rnnviz  # noqa: I001
from tests.unit.test_cli import cli
from tests.unit.test_keras_models import VOCAB, E, H, V, expected_probs, layers, save_model

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def test_a_keras_model_traces_from_the_shell_like_keras_itself(tmp_path, capsys):
    path, vocab = tmp_path / "news.keras", tmp_path / "vocab.txt"
    net = save_model(path, layers.Embedding(V, E), layers.GRU(H), layers.Dense(3, activation="softmax"))
    vocab.write_text("\n".join(VOCAB), encoding="utf-8")
    code, out, err = cli(capsys, "trace", "W3, w7 -- W2!", "--keras", str(path), "--vocab", str(vocab), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["tokens"] == ["w3", "w7", "w2"] and data["tokenizer"] == "keras"
    ids = [VOCAB.index(token) for token in data["tokens"]]
    assert np.allclose(data["probs"][-1], expected_probs(net, ids), atol=1e-5)
    same = rnnviz.trace(rnnviz.load_keras_model(path, vocab=VOCAB), "w3 w7 w2")
    assert np.allclose(data["hidden"], same.hidden)


def test_one_model_source_at_a_time_and_a_missing_vocabulary_is_one_line(tmp_path, capsys):
    path = tmp_path / "news.keras"
    save_model(path, layers.Embedding(V, E), layers.LSTM(H), layers.Dense(2, activation="softmax"))
    code, _, err = cli(capsys, "trace", "w1", "--keras", str(path), "--model", "story-lstm")
    assert code == 2 and "one of --model" in err
    code, _, err = cli(capsys, "trace", "w1", "--keras", str(path))
    assert code == 2 and "vocab" in err and len(err.strip().splitlines()) == 1
