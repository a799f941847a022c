"""The sentiment grammar: short reviews whose label a classifier reads from its last state.

Five frames (WORK is a countable noun like "film", ASPECT a part like "acting"):

    DET WORK|ASPECT was|is [NEG] [INT] ADJ             the movie was not very good
    i [NEG] VERB DET WORK                              i did n't like this film
    it was|is [NEG] a|an [INT] ADJ WORK                it is never a boring book
    what a|an [very|really] ADJ WORK                   what a great show
    the ASPECT was|is [INT] ADJ but CLAUSE             the acting was bad but the story was great

each optionally ending in "." or "!". NEG is not, never or n't ("was n't", "did n't", "do n't");
INT is very, really, so or quite. The label is positive exactly when the sentiment word
(ADJ or VERB) is positive XOR the clause is negated: "not bad" is positive, "not very good"
negative. In a contrast the clause after "but" decides; the clause before it is never negated
and has the opposite polarity, so only "but" can explain the label.

Concepts: negation (the deciding clause is negated), positive (the label). Scopes: negation runs
from the negator (or where it would stand) to the end; positive from the sentiment word to the end.
"""
from __future__ import annotations

import random

from .base import Example, Task

POSITIVE = ("good", "great", "fun", "wonderful", "excellent", "amazing", "brilliant", "lovely",
            "funny", "beautiful", "exciting", "charming", "enjoyable", "fantastic", "superb",
            "clever", "delightful")
NEGATIVE = ("bad", "boring", "awful", "terrible", "dull", "horrible", "poor", "weak", "silly",
            "ugly", "slow", "stupid", "painful", "bland", "tedious", "lame")
POSITIVE_VERBS = (("liked", "like"), ("loved", "love"), ("enjoyed", "enjoy"))   # (past, base)
NEGATIVE_VERBS = (("hated", "hate"), ("disliked", "dislike"))
NEGATORS = ("not", "never", "n't")
INTENSIFIERS = ("very", "really", "so", "quite")
WORKS = ("movie", "film", "show", "book", "story", "play", "series")
ASPECTS = ("acting", "plot", "music", "ending", "dialogue", "cast", "story")
ENDINGS = ((), (".",), ("!",))
FRAME_WEIGHTS = {"copula": 35, "like": 20, "it": 15, "what": 10, "contrast": 20}

P_NEGATION = 0.45
P_INTENSIFIER = 0.4


class SentimentTask(Task):
    name = "sentiment"
    head = "classifier"
    labels = ("negative", "positive")
    description = "Short reviews with negation and 'but': is the review negative or positive?"
    flag_concepts = ("negation",)          # "positive" is the label itself: no flag to look for
    triggers = {"negation": NEGATORS}

    def _words(self):
        yield from POSITIVE + NEGATIVE + NEGATORS + INTENSIFIERS + WORKS + ASPECTS
        yield from (word for pair in POSITIVE_VERBS + NEGATIVE_VERBS for word in pair)
        yield from ("the", "this", "was", "is", "i", "did", "do", "it", "a", "an", "what", "but", ".", "!")

    def sample(self, rng: random.Random) -> Example:
        """One review; its label is fixed by construction (word polarity XOR negation)."""
        frame = rng.choices(list(FRAME_WEIGHTS), weights=list(FRAME_WEIGHTS.values()))[0]
        positive_word, negated = rng.random() < 0.5, False
        if frame == "what":
            tokens, neg_at, word_at = _what(rng, positive_word)
        else:
            negated = rng.random() < P_NEGATION
            build = _like if frame == "like" else _it if frame == "it" else _copula
            tokens, neg_at, word_at = build(rng, positive_word, negated)
        positive = positive_word != negated
        if frame == "contrast":   # opposite first clause, never negated: only "but" explains the label
            first, _, _ = _copula(rng, not positive, False, nouns=ASPECTS, determiners=("the",))
            shift = len(first) + 1
            tokens, neg_at, word_at = first + ["but"] + tokens, neg_at + shift, word_at + shift
        tokens += rng.choice(ENDINGS)
        return Example(
            tokens=tuple(tokens), label=self.labels[positive], checks=(),
            concepts={"negation": negated, "positive": positive},
            scopes={"negation": (neg_at, len(tokens)), "positive": (word_at, len(tokens))},
            distance=None,
        )

    def examples(self) -> list[str]:
        return [
            "the movie was not very good",
            "i did n't like this film",
            "this book is never boring",
            "what a great show !",
            "the acting was bad but the story was great .",
        ]


def _negation(rng: random.Random, tokens: list[str], negated: bool) -> int:
    """Append a negator if `negated`; return where it stands (or would stand)."""
    at = len(tokens)
    if negated:
        tokens.append(rng.choice(NEGATORS))
    return at


def _adjective(rng: random.Random, tokens: list[str], positive: bool, intensifiers=INTENSIFIERS) -> int:
    """Append [INT] ADJ; return the position of ADJ."""
    if rng.random() < P_INTENSIFIER:
        tokens.append(rng.choice(intensifiers))
    tokens.append(rng.choice(POSITIVE if positive else NEGATIVE))
    return len(tokens) - 1


def _copula(rng, positive, negated, nouns=WORKS + ASPECTS, determiners=("the", "this")):
    """DET NOUN was|is [NEG] [INT] ADJ."""
    tokens = [rng.choice(determiners), rng.choice(nouns), rng.choice(("was", "is"))]
    neg_at = _negation(rng, tokens, negated)
    return tokens, neg_at, _adjective(rng, tokens, positive)


def _like(rng, positive, negated):
    """i [did n't | do n't | never] VERB DET WORK (base verb after did/do, past otherwise)."""
    tokens, neg_at = ["i"], 1
    past, base = rng.choice(POSITIVE_VERBS if positive else NEGATIVE_VERBS)
    verb = past
    if negated:
        auxiliary = rng.choice(("did", "do", None))
        if auxiliary:
            tokens.append(auxiliary)
            neg_at, verb = 2, base
        tokens.append("n't" if auxiliary else "never")
    tokens.append(verb)
    word_at = len(tokens) - 1
    tokens += [rng.choice(("this", "the")), rng.choice(WORKS)]
    return tokens, neg_at, word_at


def _it(rng, positive, negated):
    """it was|is [NEG] a|an [INT] ADJ WORK."""
    tokens = ["it", rng.choice(("was", "is"))]
    neg_at = _negation(rng, tokens, negated)
    word_at = _with_article(rng, tokens, positive, INTENSIFIERS)
    return tokens + [rng.choice(WORKS)], neg_at, word_at


def _what(rng, positive):
    """what a|an [very|really] ADJ WORK: never negated; its would-be negation slot is the article."""
    tokens = ["what"]
    word_at = _with_article(rng, tokens, positive, ("very", "really"))
    return tokens + [rng.choice(WORKS)], 1, word_at


def _with_article(rng, tokens: list[str], positive: bool, intensifiers) -> int:
    """Append a|an [INT] ADJ, choosing "an" before a vowel; return the position of ADJ."""
    phrase: list[str] = []
    word_at = _adjective(rng, phrase, positive, intensifiers) + len(tokens) + 1
    tokens += ["an" if phrase[0][0] in "aeiou" else "a"] + phrase
    return word_at
