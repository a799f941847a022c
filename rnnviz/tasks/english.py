"""Real English: next-word and next-character models that learn from the corpus (rnnviz.corpus),
not from a grammar. A corpus task reads its train / valid / test items from the corpus's parts;
its own generator (`sample`) writes only the probe sentences that look for flags.

The word task's probes are templates written for the measurement (never corpus text), with real
names and nouns that are frequent in the corpus:

    SUBJECT [ATTRACTOR] is|are ADJ . PRONOUN [did not|never|did n't] VERB any|some THING .
    the boy near the cars is tired . he did not want any bread .

- SUBJECT is a female or male name or noun ("mary", "the girl", "my mother", "john", "the man"),
  or a plural one ("the girls", "my friends", "john and mary"); ATTRACTOR ("near the cars") is of
  either number, and must not change is/are (number agreement across an attractor, Lakretz et al.).
- PRONOUN is she, he or they; after a negator comes "any", without one "some" (a negative-polarity
  item: the choice the negation flag must carry past the verb).

Checks (contrastive): is/are after the subject (no concept: agreement), she/he/they after the
full stop (female, plural), any/some after the verb (negation).
"""
from __future__ import annotations

import random
import string
from collections import Counter
from functools import cache

from .. import corpus
from ..text import SPACE, characters, tokenize
from .base import Check, Example, Task

MIN_COUNT = 2             # the word vocabulary: every word seen at least this often in the train part
FEMALE = ("mary", "rose", "grace", "ruth", "sue", "susan", "elizabeth", "the woman", "the girl",
          "my mother", "my sister", "the queen", "my aunt", "his wife", "the lady", "her daughter")
MALE = ("john", "bill", "tom", "mark", "bob", "george", "jack", "sam", "the man", "the boy",
        "my father", "my brother", "the king", "my uncle", "her husband", "his son")
PLURAL = ("the girls", "the boys", "the children", "my friends", "the students", "the women",
          "the men", "my parents", "the teachers", "john and mary", "tom and sue", "the kids")
ATTRACTORS = (("near", "the", "car", "cars"), ("with", "the", "dog", "dogs"), ("from", "the", "city", "cities"),
              ("behind", "the", "house", "houses"), ("beside", "the", "tree", "trees"),
              ("with", "the", "friend", "friends"))
ADJECTIVES = ("tired", "happy", "sad", "late", "ready", "hungry", "busy", "sick", "kind", "tall", "young", "old")
NEGATORS = (("did", "not"), ("never",), ("did", "n't"))
VERBS = (("want", "wanted"), ("need", "needed"), ("have", "had"), ("find", "found"), ("see", "saw"),
         ("buy", "bought"))
THINGS = ("bread", "money", "water", "food", "help", "books", "friends", "time", "news", "fruit")
PRONOUNS = {"female": "she", "male": "he", "plural": "they"}
P_ATTRACTOR, P_NEGATION = 0.5, 0.5
# The character models' alphabet: printable ASCII, with SPACE for " ". Anything else is unknown.
ALPHABET = tuple(SPACE if c == " " else c for c in string.printable[:95])


class CorpusTask(Task):
    """A next-token task whose sentences are the corpus's items, tokenized by `tokenizer`."""

    head = "lm"
    tokenizer = "words"

    def tokens(self, text: str) -> list[str]:
        return characters(text) if self.tokenizer == "chars" else tokenize(text)

    def part(self, name: str) -> list[Example]:
        """The corpus part `name` as examples (items with fewer than two tokens have nothing to predict)."""
        return [Example(tuple(t)) for t in map(self.tokens, corpus.lines(name)) if len(t) >= 2]


class EnglishTask(CorpusTask):
    name = "english"
    description = "Real English phrases and sayings (WordNet's examples, classroom fortunes): predict the next word."
    flag_concepts = ("female", "plural", "negation")
    triggers = {"female": tuple(sorted({s.split()[-1] for s in FEMALE})),
                "plural": tuple(sorted({s.split()[-1] for s in PLURAL} | {"and"})),
                "negation": ("not", "never", "n't")}

    def vocabulary(self) -> list[str]:
        """Every word seen at least MIN_COUNT times in the corpus's train part, sorted."""
        return _word_vocabulary()

    def _words(self):
        return self.vocabulary()

    def sample(self, rng: random.Random) -> Example:
        """One probe sentence (module docstring) with its checks, concepts and scopes."""
        kind = rng.choice(("female", "male", "plural"))
        tokens = rng.choice({"female": FEMALE, "male": MALE, "plural": PLURAL}[kind]).split()
        subject_end, plural = len(tokens) - 1, kind == "plural"
        if rng.random() < P_ATTRACTOR:
            preposition, det, singular, many = rng.choice(ATTRACTORS)
            tokens += [preposition, det, rng.choice((singular, many))]
        copula_at = len(tokens)
        tokens += ["are" if plural else "is", rng.choice(ADJECTIVES), "."]
        pronoun_at = len(tokens)
        tokens.append(PRONOUNS[kind])
        negation_at, negated = len(tokens), rng.random() < P_NEGATION
        base, past = rng.choice(VERBS)
        tokens += [*rng.choice(NEGATORS), base] if negated else [past]
        choice_at = len(tokens)
        tokens += ["any" if negated else "some", rng.choice(THINGS), "."]
        checks = (Check(copula_at - 1, tokens[copula_at], "verb", (), ("is", "are")),
                  Check(pronoun_at - 1, tokens[pronoun_at], "pronoun",
                        ("plural",) if plural else ("female", "plural"), tuple(PRONOUNS.values())),
                  Check(choice_at - 1, tokens[choice_at], "polarity", ("negation",), ("any", "some")))
        return Example(tuple(tokens), None, checks,
                       concepts={"female": kind == "female", "plural": plural, "negation": negated},
                       scopes={"female": (subject_end, pronoun_at), "plural": (subject_end, pronoun_at),
                               "negation": (negation_at, choice_at)},
                       distance=pronoun_at - subject_end - 1)

    def examples(self) -> list[str]:
        return ["my little brother did not like the new teacher at school .",
                "the children near the old house are happy . they want some bread .",
                "she said that the weather would be better tomorrow .",
                "we never found any money in the garden .",
                "the cat sat by the door and looked at the birds ."]


class EnglishCharsTask(CorpusTask):
    name = "english-chars"
    tokenizer = "chars"
    description = "Real English phrases and sayings, read one character at a time: predict the next character."

    def vocabulary(self) -> list[str]:
        """ALPHABET: fixed, so no plain English letter, digit or ASCII mark is ever unknown."""
        return list(ALPHABET)

    def _words(self):
        return ALPHABET

    def examples(self) -> list[str]:
        return ['She said, "I will be there at 5 o\'clock."',
                "My little brother did not like the new teacher at school.",
                "The quick brown fox jumps over the lazy dog.",
                "A friend in need is a friend indeed."]


@cache
def _word_vocabulary() -> list[str]:
    counts = Counter(t for line in corpus.lines("train") for t in tokenize(line))
    return sorted(w for w, n in counts.items() if n >= MIN_COUNT)
