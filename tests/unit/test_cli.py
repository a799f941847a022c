"""The command line: same engine, JSON with the Trace's field names, one-line errors."""
import json
import subprocess
import sys

import numpy as np
from torch import nn

import rnnviz
from tests.unit.test_checkpoints import write_lesson_files


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "rnnviz", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_trace_json_from_a_lesson_model_equals_the_api(tmp_path):
    _, weights, vocab = write_lesson_files(tmp_path, nn.GRU, layers=2, bidirectional=True)
    out = cli("trace", "alice and tom were not happy", "--state-dict", str(weights), "--vocab", str(vocab),
              "--cell", "gru", "--json", "--clamp", "0:1:2=0.5", "--target", "Sports")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert list(data) == list(rnnviz.Trace.__dataclass_fields__)
    model = rnnviz.load_lesson_model(weights, vocab, cell="gru")
    t = rnnviz.trace(model, "alice and tom were not happy", target="Sports", clamp={(0, 1, 2): 0.5})
    assert data["tokens"] == t.tokens and data["cell"] is None and data["target"] == t.target
    assert np.allclose(data["hidden"], t.hidden) and np.allclose(data["grad_hidden"], t.grad_hidden)


def test_trace_summary_is_readable(tmp_path):
    _, weights, vocab = write_lesson_files(tmp_path)
    out = cli("trace", "the movie zzz", "--state-dict", str(weights), "--vocab", str(vocab))
    assert out.returncode == 0 and "3 tokens, 1 unknown" in out.stdout and "'zzz'" in out.stdout


def test_bad_arguments_and_files_give_one_line_and_exit_2(tmp_path):
    _, weights, vocab = write_lesson_files(tmp_path)
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    cases = [
        ("trace", "hi"),
        ("trace", "hi", "--model", "no-such-model"),
        ("trace", "hi", "--state-dict", str(weights)),
        ("trace", "hi", "--state-dict", str(tmp_path / "junk.pt"), "--vocab", str(vocab)),
        ("trace", "hi", "--state-dict", str(weights), "--vocab", str(vocab), "--cell", "gru"),
        ("trace", "", "--state-dict", str(weights), "--vocab", str(vocab)),
        ("trace", "hi", "--state-dict", str(weights), "--vocab", str(vocab), "--clamp", "banana"),
        ("trace", "hi", "--state-dict", str(weights), "--vocab", str(vocab), "--target", "Sports@x"),
        ("trace", "hi", "--state-dict", str(weights), "--vocab", str(vocab), "--cell", "transformer"),
        ("bench", "--runs", "3"),
        ("fly",),
    ]
    for args in cases:
        out = cli(*args)
        assert out.returncode == 2, args
        assert out.stderr.startswith("rnnviz: ") and out.stderr.count("\n") == 1, (args, out.stderr)
        assert "Traceback" not in out.stderr


def test_models_lists_every_bundled_model():
    out = cli("models")
    assert out.returncode == 0
    assert [line.split()[0] for line in out.stdout.splitlines()] == rnnviz.list_models()
