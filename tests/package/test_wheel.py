"""The package as a student installs it: a wheel built from this checkout, installed into a fresh
virtual environment, used from a folder that is not the checkout.

The environment sees the host's site-packages (torch, streamlit, … are large; the wheel's own
dependency ranges must accept them, which pip checks when it installs the wheel).
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import free_port, stop_server

pytestmark = pytest.mark.package

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = shutil.ignore_patterns(".git", "tests", "test-artifacts", "build", "dist", "*.egg-info", "__pycache__",
                                  ".pytest_cache", ".ruff_cache", ".benchmarks")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv with the wheel installed (built from a copy of the checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    source, wheels, venv = work / "source", work / "wheels", work / "venv"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(wheels)], cwd=work)
    wheel, = wheels.glob("rnnviz-*.whl")
    run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], cwd=work)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=work)
    return venv / "bin"


def run(command: list[str], cwd: Path, timeout: int = 300) -> str:
    """`command`'s output; a failure shows what it printed."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "RNNVIZ_MODELS_DIR")}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_installed_package_is_used_and_lists_its_bundled_models(installed, tmp_path):
    out = run([str(installed / "python"), "-c",
               "import rnnviz; print(rnnviz.__file__); print(' '.join(rnnviz.list_models()))"], cwd=tmp_path)
    where, models = out.splitlines()
    assert Path(where).is_relative_to(installed.parent), f"imported from {where}, not from the venv"
    bundled = sorted(p.stem for p in (ROOT / "rnnviz" / "assets" / "models").glob("*.json"))
    assert models.split() == bundled


def test_the_console_script_is_the_cli(installed, tmp_path):
    assert "usage: rnnviz" in run([str(installed / "rnnviz"), "--help"], cwd=tmp_path)
    out = run([str(installed / "rnnviz"), "trace", "alice says the movie was good .", "--model", "story-lstm"],
              cwd=tmp_path)
    assert out.startswith("7 tokens"), out


def test_rnnviz_app_serves_the_app_from_the_wheel(installed, tmp_path):
    port = free_port()
    server = subprocess.Popen([str(installed / "rnnviz"), "app", "--server.port", str(port),
                               "--server.address", "127.0.0.1"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert healthy_within(f"http://127.0.0.1:{port}/_stcore/health", 90), server_output(server)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as page:
            assert page.status == 200 and b"<html" in page.read(2000).lower()
    finally:
        stop_server(server)
    started = server_output(server).splitlines()[0]
    assert Path(started.rpartition(" in ")[2]) == installed.parent.joinpath(
        "lib", f"python{sys.version_info.major}.{sys.version_info.minor}", "site-packages", "rnnviz", "app"), started


def test_every_page_of_the_wheels_app_runs_without_an_exception(installed, tmp_path):
    """Each page of the installed app, run by Streamlit's AppTest inside the venv: a file the
    package reads but the wheel left out (a script, a style, a catalogue) fails here."""
    script = ("import sys, rnnviz\n"
              "from pathlib import Path\n"
              "from streamlit.testing.v1 import AppTest\n"
              "app = Path(rnnviz.__file__).parent / 'app' / 'app.py'\n"
              "at = AppTest.from_file(str(app), default_timeout=120).run()\n"
              "for page in sorted((app.parent / 'views').glob('*.py')):\n"
              "    at.switch_page(f'views/{page.name}').run()\n"
              "    assert not at.exception, (page.name, [e.message for e in at.exception])\n"
              "    print(page.name)\n")
    pages = run([str(installed / "python"), "-c", script], cwd=tmp_path, timeout=600).split()
    assert pages == sorted(p.name for p in (ROOT / "views").glob("*.py"))


def healthy_within(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def server_output(server: subprocess.Popen) -> str:
    return server.stdout.read().decode(errors="replace") if server.poll() is not None else "(still running)"


def test_the_code_compiles_on_the_oldest_python_it_promises():
    """requires-python says 3.10: its syntax must hold there (the machines have a 3.10 beside 3.11)."""
    found = next(iter(sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python")))), None) \
        or shutil.which("python3.10")       # (pyenv's shim exists even where it cannot run 3.10)
    assert found, "no Python 3.10 interpreter on this machine to check requires-python >= 3.10 with"
    run([found, "-m", "compileall", "-q", "rnnviz", "app.py", "views"], cwd=ROOT)
