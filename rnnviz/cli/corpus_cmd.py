"""python -m rnnviz corpus build: the real-English corpus, from WordNet and the fortunes
(`apt-get install wordnet-base fortunes`), written to rnnviz/assets/corpus/english (see rnnviz.corpus.build)."""
from __future__ import annotations

from pathlib import Path

from ..corpus import CORPUS_DIR
from ..corpus.build import FORTUNE_DIR, WORDNET_DIR, build


def add_parser(subparsers):
    p = subparsers.add_parser("corpus", help="build the real-English corpus from Debian's WordNet and fortunes")
    p.add_argument("action", choices=("build",), help="build: read the packages, write the corpus")
    p.add_argument("--out", default=str(CORPUS_DIR), help="folder to write (default rnnviz/assets/corpus/english)")
    p.add_argument("--wordnet", default=str(WORDNET_DIR), help="WordNet's dict folder (data.noun, …)")
    p.add_argument("--fortunes", default=str(FORTUNE_DIR), help="the fortune files' folder")
    p.set_defaults(run=run)


def run(args) -> int:
    report = build(Path(args.out), Path(args.wordnet), Path(args.fortunes))
    for source, counts in report["sources"].items():
        print(f"{source}: " + ", ".join(f"{what} {n:,}" for what, n in counts.items()))
    print("parts: " + ", ".join(f"{part} {n:,}" for part, n in report["parts"].items())
          + f"; {report['bytes']:,} bytes in {args.out}")
    return 0
