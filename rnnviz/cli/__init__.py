"""Command line: each sub-command is a module with `add_parser(subparsers)` and `run(args) -> int`.

Friendly errors (rnnviz.errors.RnnvizError) print one line to stderr and exit 2; never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys

from ..errors import RnnvizError
from . import app_cmd, bench_cmd, corpus_cmd, models_cmd, trace_cmd, train_cmd

COMMANDS = (trace_cmd, models_cmd, app_cmd, bench_cmd, train_cmd, corpus_cmd)


class _Parser(argparse.ArgumentParser):
    def error(self, message):            # one line, exit 2, as argparse does, but without the usage block
        sys.stderr.write(f"rnnviz: {message}\n")
        sys.exit(2)


def main(argv: list[str] | None = None, prog: str = "python -m rnnviz") -> int:
    parser = _Parser(prog=prog, description="Look inside recurrent networks.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for command in COMMANDS:
        command.add_parser(subparsers)
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_on", False):       # only `rnnviz app` hands options on (to streamlit)
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.streamlit_args = extra
    try:
        return args.run(args)
    except RnnvizError as err:
        sys.stderr.write(f"rnnviz: {err}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("rnnviz: stopped.\n")
        return 130
    except BrokenPipeError:              # the output went to a reader that closed (… | head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def console() -> int:
    """The `rnnviz` command a pip install puts on the PATH: the same as `python -m rnnviz`."""
    from ..runtime import use_one_thread

    use_one_thread()      # an entry point chooses the threads; importing rnnviz does not
    return main(prog="rnnviz")
