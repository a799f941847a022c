"""Builds the real-English corpus from two Debian packages (apt-get install wordnet-base fortunes):

    python -m rnnviz corpus build            # writes rnnviz/assets/corpus/english/{train,valid,test}.txt

- WordNet 3.0's example phrases: the quoted examples inside the glosses of data.noun, data.verb,
  data.adj and data.adv ("cause to be alert and energetic; "Coffee and tea stimulate me"").
- Short items (at most MAX_CHARS characters) from the fortune files in FORTUNE_FILES, a whitelist
  chosen for a classroom, without their "-- author" lines.

Every item is cleaned (Unicode folded to plain ASCII punctuation, one line, spaces collapsed),
screened (rnnviz.corpus.screen), de-duplicated on its lower-case letters and digits, and put in
train, valid or test by a hash of that key: the split never depends on the order of the files,
and an item keeps its part when others are added or removed.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import RnnvizError
from .screen import unsuitable

WORDNET_DIR = Path("/usr/share/wordnet")
FORTUNE_DIR = Path("/usr/share/games/fortunes")
LICENCES = {"wordnet": Path("/usr/share/doc/wordnet-base/copyright"),
            "fortunes": Path("/usr/share/doc/fortunes/copyright")}
WORDNET_PARTS = ("noun", "verb", "adj", "adv")
FORTUNE_FILES = ("fortunes", "literature", "riddles", "kids", "wisdom", "science", "food", "pets",
                 "education", "love", "work", "sports", "people", "humorists", "songs-poems", "platitudes")
PARTS = ("train", "valid", "test")
SHARES = {"train": 90, "valid": 5, "test": 5}        # percent of the hash space
MAX_CHARS = 240
MIN_WORDS = 2
MAX_CORPUS_BYTES = 3 * 2**20

_ASCII = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                        "\u2014": " - ", "\u2026": "...", "\u00a0": " "})
_ATTRIBUTION = re.compile(r"\s--\s*[A-Z][^\n]*$|^\s*--.*$", re.MULTILINE)
_QUOTED = re.compile(r'"([^"]+)"')


def wordnet_examples(folder: Path = WORDNET_DIR) -> Iterator[str]:
    """The quoted example phrases in the glosses (the text after " | ") of WordNet's data files."""
    for part in WORDNET_PARTS:
        path = Path(folder) / f"data.{part}"
        if not path.exists():
            raise RnnvizError(f"{path} is missing: install WordNet with `apt-get install wordnet-base`.")
        for line in path.read_text(encoding="latin-1").splitlines():
            if not line.startswith("  ") and " | " in line:
                yield from _QUOTED.findall(line.split(" | ", 1)[1])


def fortune_items(folder: Path = FORTUNE_DIR, names: Iterable[str] = FORTUNE_FILES) -> Iterator[str]:
    """The items (separated by lines holding only "%") of the whitelisted fortune files."""
    for name in names:
        path = Path(folder) / name
        if not path.exists():
            raise RnnvizError(f"{path} is missing: install the fortunes with `apt-get install fortunes`.")
        text = path.read_text(encoding="utf-8", errors="replace")
        yield from (item for item in re.split(r"^%$", text, flags=re.MULTILINE) if item.strip())


def clean(item: str) -> str | None:
    """One line of plain ASCII text, or None when the item is not an everyday phrase (too long,
    too short, a picture made of symbols, or characters outside plain English text)."""
    text = _ATTRIBUTION.sub("", unicodedata.normalize("NFKC", item).translate(_ASCII))
    text = " ".join(text.split())
    if not text or len(text) > MAX_CHARS or not text.isascii() or len(text.split()) < MIN_WORDS:
        return None
    letters = sum(c.isalpha() or c == " " for c in text)
    return text if letters >= 0.8 * len(text) else None


def key(text: str) -> str:
    """What makes two items the same: their lower-case letters and digits."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def part_of(text: str) -> str:
    """train, valid or test, from a hash of the item's key (SHARES)."""
    bucket = int(hashlib.sha1(key(text).encode()).hexdigest(), 16) % 100
    return "train" if bucket < SHARES["train"] else "valid" if bucket < 100 - SHARES["test"] else "test"


def gather(sources: dict[str, Iterable[str]]) -> tuple[dict[str, list[str]], dict]:
    """Cleaned, screened, de-duplicated items split into PARTS, and what happened to each source."""
    parts: dict[str, list[str]] = {p: [] for p in PARTS}
    seen: set[str] = set()
    report: dict[str, Counter] = {}
    for source, items in sources.items():
        counts = report.setdefault(source, Counter())
        for item in items:
            counts["read"] += 1
            text = clean(item)
            if text is None:
                counts["not an everyday phrase"] += 1
            elif unsuitable(text):
                counts["screened out"] += 1
            elif key(text) in seen or not key(text):
                counts["duplicate"] += 1
            else:
                seen.add(key(text))
                parts[part_of(text)].append(text)
                counts["kept"] += 1
    return parts, {source: dict(counts) for source, counts in report.items()}


def build(out: Path, wordnet_dir: Path = WORDNET_DIR, fortune_dir: Path = FORTUNE_DIR,
          licences: dict[str, Path] = LICENCES) -> dict:
    """Writes out/{train,valid,test}.txt (one item per line, sorted) and the licence notices;
    returns the report (items per source and part)."""
    parts, report = gather({"wordnet": wordnet_examples(wordnet_dir), "fortunes": fortune_items(fortune_dir)})
    size = sum(len(line) + 1 for lines in parts.values() for line in lines)
    if size > MAX_CORPUS_BYTES:
        raise RnnvizError(f"The corpus would be {size:,} bytes; the limit is {MAX_CORPUS_BYTES:,}.")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for part, lines in parts.items():
        (out / f"{part}.txt").write_text("".join(f"{line}\n" for line in sorted(lines)), encoding="utf-8")
    for name, path in licences.items():
        if not Path(path).exists():
            raise RnnvizError(f"{path} is missing: the corpus cannot ship without its licence notice.")
        shutil.copyfile(path, out / f"LICENCE-{name}.txt")
    result = {"sources": report, "parts": {p: len(lines) for p, lines in parts.items()}, "bytes": size}
    (out / "NOTICE.md").write_text(notice(result), encoding="utf-8")
    return result


def notice(result: dict) -> str:
    """The corpus folder's NOTICE.md: where the text comes from, under which licences, what was done."""
    rows = "\n".join(f"| {source} | " + " | ".join(f"{counts.get(k, 0):,}" for k in _COLUMNS) + " |"
                     for source, counts in result["sources"].items())
    parts = ", ".join(f"{part} {n:,}" for part, n in result["parts"].items())
    return f"""# The real-English corpus

Built by `python -m rnnviz corpus build` (rnnviz/corpus/build.py) from two Debian packages:

- **WordNet 3.0** (package wordnet-base): the example phrases quoted inside the glosses of
  data.noun, data.verb, data.adj and data.adv. WordNet 3.0 Copyright 2006 by Princeton University;
  used under the WordNet 3.0 licence, reproduced in LICENCE-wordnet.txt.
- **fortunes** (package fortunes): short items (at most {MAX_CHARS} characters) of the files
  {", ".join(FORTUNE_FILES)}, without their "-- author" lines. Their notice (BSD licence of
  fortune-mod and the data files' origins) is reproduced in LICENCE-fortunes.txt.

Every item was folded to plain ASCII, put on one line, screened for a classroom (rnnviz/corpus/screen.py:
a documented word list; an item with any listed word is removed), de-duplicated on its lower-case letters
and digits, and assigned to train, valid or test by a hash of that key ({SHARES["train"]} / {SHARES["valid"]}
/ {SHARES["test"]} percent).

| source | {" | ".join(_COLUMNS)} |
|---|{"---|" * len(_COLUMNS)}
{rows}

Items: {parts}; {result["bytes"]:,} bytes.
"""


_COLUMNS = ("read", "kept", "screened out", "duplicate", "not an everyday phrase")
