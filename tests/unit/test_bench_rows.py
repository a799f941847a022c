"""`python -m rnnviz bench` has its rows (issue #14, item 8): the cells against the fused pass,
trace() on real text with english-lstm (60 words) and english-char-lstm (200 characters), and
every bundled model's share of known tokens in the everyday sentences.

Speed is never asserted (benchmarks are scripts, not timed tests): only that each row is there
and its values are sane.
"""
from __future__ import annotations

import contextlib
import io
import json
import math

import pytest

import rnnviz
from rnnviz.analysis.coverage import everyday_sentences, known_share
from rnnviz.bench import REAL_TEXT
from rnnviz.cli import bench_cmd, main
from rnnviz.registry import CELL_KINDS

RUNS = 20                   # the fewest the command accepts


@pytest.fixture(scope="module")
def results() -> dict:
    """The JSON of one `python -m rnnviz bench --runs 20 --json`, run in this process."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["bench", "--runs", str(RUNS), "--json"]) == 0
    return json.loads(out.getvalue())


def sane_timing(row: dict) -> bool:
    values = (row["trace_ms"], row["fused_ms"], row["ratio"])
    return all(math.isfinite(v) and v > 0 for v in values)


def test_the_cell_rows_stay(results):
    assert list(results["cells"]) == list(CELL_KINDS)
    assert all(sane_timing(row) for row in results["cells"].values())


def test_real_text_rows_time_each_real_english_model_on_its_text(results):
    rows = results["real_text"]
    assert set(rows) == set(REAL_TEXT) == {"english-lstm", "english-char-lstm"}
    for name, row in rows.items():
        model = rnnviz.load_model(name)
        assert row["tokens"] == REAL_TEXT[name] == len(model.tokenize(row["text"])), name
        assert row["hidden"] == model.spec.hidden_size and row["vocab"] == len(model.vocab), name
        assert sane_timing(row), (name, row)
    # the text is the everyday sentences: their words (rejoined as tokens) or their characters
    assert " ".join(everyday_sentences()).startswith(rows["english-char-lstm"]["text"])
    assert rows["english-lstm"]["text"].startswith(" ".join(rnnviz.text.tokenize(everyday_sentences()[0])))


def test_coverage_rows_give_every_bundled_model_its_rate(results):
    rows = results["coverage"]
    assert list(rows) == rnnviz.list_models()
    for name, row in rows.items():
        assert 0.0 <= row["rate"] <= 1.0 and 0 <= row["known"] <= row["tokens"], name
    model = rnnviz.load_model("story-lstm")
    expected = known_share(model, everyday_sentences())
    assert rows["story-lstm"]["rate"] == expected["rate"]
    assert [tuple(pair) for pair in rows["story-lstm"]["unknown"]] == expected["unknown"]


def test_the_table_prints_a_line_per_row(results, capsys):
    bench_cmd.print_real_text(results["real_text"], RUNS)
    bench_cmd.print_coverage(results["coverage"])
    lines = capsys.readouterr().out.splitlines()
    for name, row in results["real_text"].items():
        line = next(line for line in lines if line.startswith(name + " "))
        assert line.split()[1:3] == [str(row["tokens"]), str(row["hidden"])]
    for name, row in results["coverage"].items():
        line = next(line for line in lines if line.split()[:1] == [name] and "%" in line)
        assert f"{row['rate']:.1%}" in line
    bench_cmd.print_real_text({}, RUNS)
    assert "no real-English model" in capsys.readouterr().out
