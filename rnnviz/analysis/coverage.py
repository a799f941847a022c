"""How much of an everyday sentence a model can read: the share of its tokens the model knows.

A model reads each token of a sentence with its own tokenizer (Model.tokenize: words, or
characters for a character model); a token is known when the model has an embedding of its own
for it (Vocab.known), otherwise it is read as the one unknown-token vector. Over sentences s:

    K = Σ_s #{t ∈ tokens(s) : known(t)}      N = Σ_s |tokens(s)|      rate = K / N

For a word model `known` means "in its vocabulary"; for a character model (spec.tokenizer ==
"chars") its vocabulary is its alphabet, so the same rule says "a character of its alphabet".

The sentences are tests/data/everyday_sentences.txt: sentences a secondary-school student might
type, written for this measurement (not from the corpus), so the rate says how much of a
student's own sentence each bundled model reads (issue #14: the synthetic-grammar models read
little of it, english-lstm nearly all).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from rnnviz.errors import RnnvizError
from rnnviz.model import Model

# The repository's tests/data folder, found from this file (rnnviz/analysis/coverage.py).
EVERYDAY_SENTENCES = Path(__file__).resolve().parents[2] / "tests" / "data" / "everyday_sentences.txt"
COMMON_UNKNOWN = 10       # how many of the most common unknown tokens a result lists


def everyday_sentences(path: Path = EVERYDAY_SENTENCES) -> list[str]:
    """The sentences of the file, one per line, without blank lines and "#" comment lines."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise RnnvizError(f"Could not read the everyday sentences ({Path(path).name}): {err.strerror}.") from None
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def known_share(model: Model, sentences: list[str], top: int = COMMON_UNKNOWN) -> dict:
    """{"tokens": N, "known": K, "rate": K / N (0 when N is 0), "unknown": [(token, count), …]}
    over `sentences` tokenized as `model` reads them; "unknown" lists the `top` most common
    unknown tokens, most common first (ties in order of first appearance)."""
    tokens = [token for sentence in sentences for token in model.tokenize(sentence)]
    known = model.vocab.known(tokens)
    unknown = Counter(token for token, is_known in zip(tokens, known) if not is_known)
    return {"tokens": len(tokens), "known": sum(known), "rate": sum(known) / len(tokens) if tokens else 0.0,
            "unknown": unknown.most_common(top)}


def words_until(sentences: list[str], count: int, tokenize) -> str:
    """The sentences joined by spaces until the text has at least `count` tokens, then cut to
    exactly `count` tokens' worth: the first `count` tokens of the joined text, rejoined.

    A word model reads "I didn't" as i, did, n't; rejoining with spaces keeps that reading
    ("i did n't" tokenizes the same), so the result has exactly `count` tokens.
    """
    tokens: list[str] = []
    for sentence in sentences:
        tokens += tokenize(sentence)
        if len(tokens) >= count:
            return " ".join(tokens[:count])
    return " ".join(tokens)


def characters_until(sentences: list[str], count: int) -> str:
    """The sentences joined by one space, cut to the first `count` characters (a character
    model reads one fewer when the cut lands on a space: the tokenizer drops a trailing space)."""
    return " ".join(sentences)[:count]


def everyday_text(model: Model, count: int) -> str:
    """`count` tokens of the everyday sentences as `model` reads them: its words rejoined
    (words_until), or for a character model the first `count` characters (characters_until)."""
    sentences = everyday_sentences()
    if model.spec.tokenizer == "chars":
        return characters_until(sentences, count)
    return words_until(sentences, count, model.tokenize)
