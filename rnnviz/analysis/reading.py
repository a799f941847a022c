"""How much of a sentence a model can read, and whether its answer can come from the sentence.

A model knows the words of its training vocabulary; it reads every other word as the one
unknown-word vector (Trace.known marks each token). From that, three computed facts a page says
above a prediction:

    u = (tokens the model does not know) / T          Reading.share
    mostly unknown:  u > MOSTLY_UNKNOWN               the model mostly reads the same vector, so its
                                                      answer is about that vector, not the sentence
    missing key:     a classifier whose classes are words it reads (recall: blue, green, red,
                     yellow) answers with a word that must be in the sentence; when none of its
                     classes is there, any answer, even at 99 %, is a guess from the rest

and, to offer instead, the prepared sentence sharing the most known tokens with this one.

A token is what the model reads: a word, or a character for a character-level model (whose
"unknown" tokens are the characters outside its alphabet). Sentences are split with the model's
own tokenizer (Model.tokenize), never with a fixed one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rnnviz.text import Vocab, tokenize
from rnnviz.trace import Trace

MOSTLY_UNKNOWN = 0.5      # "most of a sentence": more than half of its tokens unknown to the model


@dataclass(frozen=True)
class Reading:
    """What the model could read of one sentence."""

    unknown: int                # tokens not in the model's vocabulary
    tokens: int                 # T
    key_words: tuple[str, ...]  # a classifier's classes when each is a word it reads (else empty)
    missing_key: bool           # there are key words and none of them is in the sentence

    @property
    def share(self) -> float:
        """u, the share of the tokens the model does not know (0 for an empty sentence)."""
        return self.unknown / self.tokens if self.tokens else 0.0

    @property
    def mostly_unknown(self) -> bool:
        return self.share > MOSTLY_UNKNOWN

    @property
    def readable(self) -> bool:
        """Whether the model's answer is about this sentence (else a page says why, not "99 % sure")."""
        return not (self.mostly_unknown or self.missing_key)


def key_words(trace: Trace, vocab: Vocab) -> tuple[str, ...]:
    """The classes of a classifier whose every class is a word it reads (its answer is a word it
    must find in the sentence); () for a language model or for classes that are not words."""
    labels = tuple(str(label) for label in trace.labels)
    if trace.predicts_next_word or not labels or not all(label in vocab for label in labels):
        return ()
    return labels


def reading(trace: Trace, vocab: Vocab) -> Reading:
    """How much of `trace`'s sentence the model (of vocabulary `vocab`) could read."""
    keys = key_words(trace, vocab)
    present = set(trace.tokens)
    return Reading(unknown=int((~trace.known.astype(bool)).sum()), tokens=trace.steps, key_words=keys,
                   missing_key=bool(keys) and not any(word in present for word in keys))


def nearest_sentence(tokens, vocab: Vocab, prepared: list[str],
                     tokens_of: Callable[[str], list[str]] = tokenize) -> str | None:
    """The prepared sentence sharing the most tokens the model knows with `tokens` (the first of
    equals, so the task's first example when nothing is shared); never the sentence itself.

    `tokens_of` splits a prepared sentence as the model reads it: pass the model's own
    `Model.tokenize` (the default, the word tokenizer, fits word-level models only)."""
    known = {tok for tok in tokens if tok in vocab}
    split = {p: tokens_of(p) for p in prepared}
    others = [p for p in prepared if split[p] != list(tokens)]
    if not others:
        return None
    return max(others, key=lambda p: len(known & set(split[p])))      # max keeps the first of equals
