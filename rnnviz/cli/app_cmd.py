"""rnnviz app: the Streamlit app, from a source checkout (its app.py) or an installed wheel
(rnnviz/app/, copied in by setup.py). Extra arguments go to `streamlit run` (e.g. --server.port 8502)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import RnnvizError
from ..paths import PACKAGE


def add_parser(subparsers):
    p = subparsers.add_parser("app", help="start the app in the browser (streamlit run app.py)",
                              description="Any further options go to streamlit run, e.g. --server.port 8502.")
    p.set_defaults(run=run, passes_on=True)


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
    """Becomes `streamlit run` (exec: Ctrl+C and a stop signal reach the server itself), with the
    app's folder as the working directory so its .streamlit/config.toml applies."""
    script = app_script()
    print(f"rnnviz: starting the app in {script.parent}", flush=True)
    os.chdir(script.parent)
    os.execv(sys.executable, command(script, args.streamlit_args))
