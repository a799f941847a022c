"""tools/classroom_load.py against the e2e server: a short class of 3 students over Streamlit's
websocket protocol, and the tool's own guards (loopback only, bounded, cross-talk is seen)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "classroom_load.py"
STUDENTS = 3


def run_tool(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_three_students_each_see_only_their_own_sentence_and_steps(app_url):
    done = run_tool("--url", app_url, "--students", str(STUDENTS), "--duration", "10", "--interval", "2",
                    "--steps-per-rerun", "2", "--json")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["errors"] == [] and report["cross_talk"] == []
    assert report["students_without_own_word"] == []
    assert report["open_latency_s"]["n"] == STUDENTS
    assert report["rerun_latency_s"]["n"] >= STUDENTS          # every student typed a new sentence at least once
    steps = report["bytes_per_step_sync"]
    assert steps["n"] >= STUDENTS and steps["mean"] > 0        # step syncs happened, their bytes counted
    assert report["bytes_per_rerun"]["mean"] > 0
    assert 0 < report["rerun_latency_s"]["p50"] <= report["rerun_latency_s"]["p95"] <= report["rerun_latency_s"]["max"]
    assert report["rss_mb"]["peak"] and report["rss_mb"]["peak"] >= report["rss_mb"]["baseline"] > 0


@pytest.mark.parametrize("args", [
    ("--url", "http://192.0.2.1:8501"),                          # not this machine
    ("--url", "http://example.org:80"),
    ("--url", "http://127.0.0.1:1", "--students", "201"),         # more than a class
    ("--url", "http://127.0.0.1:1", "--duration", str(15 * 60 + 1)),
])
def test_the_tool_refuses_other_hosts_and_unbounded_runs(args):
    done = run_tool(*args, timeout=30)
    assert done.returncode != 0
    assert "refusing" in done.stderr or "students 1.." in done.stderr


def test_another_students_word_counts_as_cross_talk():
    sys.path.insert(0, str(ROOT / "tools"))
    from classroom.student import Student, word_of

    student = Student(7, "ws://127.0.0.1:1/_stcore/stream")
    student._check_words(f'{{"tokens": ["{word_of(7)}"]}}'.encode())
    assert student.result.saw_own_word and student.result.cross_talk == []
    student._check_words(f"the {word_of(8)} movie".encode())
    assert student.result.cross_talk == [word_of(8)]
