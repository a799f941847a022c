"""The command line: same engine, JSON with the Trace's field names, one-line errors.

The commands run in-process through rnnviz.cli.main; one test runs `python -m rnnviz` itself,
for what only a real process shows (the exit code, stderr, no traceback).
"""
import json
import subprocess
import sys

import numpy as np
from torch import nn

import rnnviz
from rnnviz.cli import main
from tests.unit.test_checkpoints import write_lesson_files


def cli(capsys, *args) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `python -m rnnviz ARGS`, run in this process."""
    try:
        code = main(list(args))
    except SystemExit as stop:                      # argparse's own errors exit
        code = stop.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_trace_json_from_a_lesson_model_equals_the_api(tmp_path, capsys):
    _, weights, vocab = write_lesson_files(tmp_path, nn.GRU, layers=2, bidirectional=True)
    code, out, err = cli(capsys, "trace", "alice and tom were not happy", "--state-dict", str(weights),
                         "--vocab", str(vocab), "--cell", "gru", "--json", "--clamp", "0:1:2=0.5", "--target", "Sports")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == list(rnnviz.Trace.__dataclass_fields__)
    model = rnnviz.load_lesson_model(weights, vocab, cell="gru")
    t = rnnviz.trace(model, "alice and tom were not happy", target="Sports", clamp={(0, 1, 2): 0.5})
    assert data["tokens"] == t.tokens and data["cell"] is None and data["target"] == t.target
    assert np.allclose(data["hidden"], t.hidden) and np.allclose(data["grad_hidden"], t.grad_hidden)


def test_trace_summary_is_readable(tmp_path, capsys):
    _, weights, vocab = write_lesson_files(tmp_path)
    code, out, _ = cli(capsys, "trace", "the movie zzz", "--state-dict", str(weights), "--vocab", str(vocab))
    assert code == 0 and "3 tokens, 1 unknown" in out and "'zzz'" in out


def bad_cases(tmp_path) -> list[tuple[str, ...]]:
    _, weights, vocab = write_lesson_files(tmp_path)
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    return [
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


def test_bad_arguments_and_files_give_one_line_and_exit_2(tmp_path, capsys):
    for args in bad_cases(tmp_path):
        code, _, err = cli(capsys, *args)
        assert code == 2, args
        assert err.startswith("rnnviz: ") and err.count("\n") == 1, (args, err)
        assert "Traceback" not in err


def test_python_dash_m_rnnviz_exits_2_with_one_line_and_no_traceback():
    args = ("trace", "hi", "--model", "no-such-model")
    out = subprocess.run([sys.executable, "-m", "rnnviz", *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, args
    assert out.stderr.startswith("rnnviz: ") and out.stderr.count("\n") == 1, (args, out.stderr)
    assert "Traceback" not in out.stderr


def test_models_lists_every_bundled_model(capsys):
    code, out, _ = cli(capsys, "models")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == rnnviz.list_models()
