"""The real-English corpus: the build script on a small fixture of WordNet and fortune files, and the
corpus the repository ships (its size, its parts, its notices)."""
from __future__ import annotations

import pytest

from rnnviz import corpus
from rnnviz.cli import main
from rnnviz.corpus import build
from rnnviz.corpus.screen import unsuitable
from rnnviz.errors import RnnvizError

pytestmark = pytest.mark.unit

GLOSS = "00022686 29 v 06 stimulate 0 arouse 0 018 @ 00019448 v 0000 | {gloss}  \n"
HEADER = "  1 This software and database is being provided to you, the LICENSEE, by  \n"


def fixture(tmp_path, examples: dict[str, list[str]], fortunes: dict[str, list[str]]):
    """WordNet data files whose glosses quote `examples`, fortune files holding `fortunes`, licences."""
    wordnet, games, docs = tmp_path / "wordnet", tmp_path / "fortunes", tmp_path / "docs"
    for folder in (wordnet, games, docs):
        folder.mkdir()
    for part in build.WORDNET_PARTS:
        lines = [GLOSS.format(gloss="a gloss; " + "; ".join(f'"{e}"' for e in examples.get(part, [])))]
        (wordnet / f"data.{part}").write_text(HEADER + "".join(lines), encoding="latin-1")
    for name in build.FORTUNE_FILES:
        (games / name).write_text("\n%\n".join(fortunes.get(name, ["Nothing here today."])) + "\n%\n")
    licences = {name: docs / name for name in ("wordnet", "fortunes")}
    for path in licences.values():
        path.write_text(f"the {path.name} licence\n")
    return wordnet, games, licences


def test_the_build_keeps_quoted_examples_and_short_fortunes_cleaned_and_screened(tmp_path):
    wordnet, games, licences = fixture(tmp_path, {
        "verb": ["Coffee and tea stimulate me", "the dog barked at the mailman"],
        "noun": ["the dog barked at the MAILMAN", "he drank a beer"],          # a duplicate; screened
    }, {"kids": ["A child of five could understand this!\n\t\t-- Groucho Marx",
                 "x" * 300 + " too long", "#### ### ## #\n## ## ##"],           # long; a picture
        "food": ["\u201cTea\u201d is better\u2014hot."]})
    report = build.build(tmp_path / "out", wordnet, games, licences)
    kept = [line for part in build.PARTS for line in (tmp_path / "out" / f"{part}.txt").read_text().splitlines()]
    assert "Coffee and tea stimulate me" in kept
    assert "A child of five could understand this!" in kept, "the author's line is gone"
    assert '"Tea" is better - hot.' in kept, "typographic marks become plain ASCII"
    assert sum("dog barked" in line for line in kept) == 1, "duplicates differing in case are one item"
    assert not any("beer" in line or "too long" in line or "####" in line for line in kept)
    assert report["sources"]["wordnet"]["screened out"] == 1 and report["sources"]["wordnet"]["duplicate"] == 1
    assert report["sources"]["fortunes"]["not an everyday phrase"] == 2
    assert (tmp_path / "out" / "LICENCE-wordnet.txt").read_text() == "the wordnet licence\n"
    assert "WordNet 3.0" in (tmp_path / "out" / "NOTICE.md").read_text()


def test_an_items_part_depends_only_on_the_item(tmp_path):
    items = [f"the {n} small dogs barked at {n} cats" for n in range(200)]
    parts, _ = build.gather({"a": items})
    reversed_parts, _ = build.gather({"b": items[::-1]})
    assert {p: sorted(v) for p, v in parts.items()} == {p: sorted(v) for p, v in reversed_parts.items()}
    assert all(parts[p] for p in build.PARTS), "200 items land in all three parts"
    assert all(build.part_of(item) == part for part, lines in parts.items() for item in lines)


def test_a_missing_package_is_a_clear_message(tmp_path, capsys):
    with pytest.raises(RnnvizError, match="apt-get install wordnet-base"):
        build.build(tmp_path / "out", tmp_path / "nowhere", tmp_path / "nowhere")
    assert main(["corpus", "build", "--out", str(tmp_path / "o"), "--wordnet", str(tmp_path / "none")]) == 2
    assert "apt-get install wordnet-base" in capsys.readouterr().err


def test_the_screen_removes_listed_words_and_their_stems_only():
    assert unsuitable("He was DRUNK again") == "drunk"
    assert unsuitable("the drugstore on the corner") == "drugstore"      # a stem errs on removing
    assert unsuitable("a pot of soup and a glass of milk") is None


def test_the_shipped_corpus_is_small_split_and_noticed():
    parts = {part: corpus.lines(part) for part in build.PARTS}
    size = sum(len(line) + 1 for lines in parts.values() for line in lines)
    assert 1_000_000 < size <= build.MAX_CORPUS_BYTES
    keys = {part: {build.key(line) for line in lines} for part, lines in parts.items()}
    assert not keys["train"] & keys["test"] and not keys["train"] & keys["valid"] and not keys["valid"] & keys["test"]
    assert all(build.part_of(line) == part for part, lines in parts.items() for line in lines[:500])
    assert not any(unsuitable(line) for lines in parts.values() for line in lines)
    assert all(line.isascii() and line == " ".join(line.split()) for lines in parts.values() for line in lines)
    for name in ("NOTICE.md", "LICENCE-wordnet.txt", "LICENCE-fortunes.txt"):
        assert (corpus.CORPUS_DIR / name).stat().st_size > 500
