"""rnnviz app: the Streamlit app, from a source checkout (its app.py) or an installed wheel
(rnnviz/app/, copied in by setup.py). Extra arguments go to `streamlit run` (e.g. --server.port 8502)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..errors import RnnvizError
from ..paths import PACKAGE


def add_parser(subparsers):
    p = subparsers.add_parser("app", help="start the app in the browser (streamlit run app.py)")
    p.add_argument("streamlit_args", nargs="*", metavar="ARG",
                   help="passed on to streamlit run, e.g. -- --server.port 8502")
    p.set_defaults(run=run)


def app_script(package: Path = PACKAGE) -> Path:
    """app.py beside the package (a checkout, or `pip install -e .`), else the wheel's copy."""
    for script in (package.parent / "app.py", package / "app" / "app.py"):
        if script.is_file() and (script.parent / "views").is_dir():
            return script
    raise RnnvizError("The app's pages are not installed with this copy of rnnviz: "
                      "reinstall it with `pip install rnnviz` (or run `streamlit run app.py` in a checkout).")


def command(script: Path, streamlit_args: list[str]) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(script), *streamlit_args]


def run(args) -> int:
    script = app_script()
    try:            # the app's folder is the working directory, so its .streamlit/config.toml applies
        return subprocess.call(command(script, args.streamlit_args), cwd=script.parent)
    except KeyboardInterrupt:
        return 0
