"""What every synthetic grammar shares: the Example record, its Checks, and the Task base class.

A task generates labelled sentences from a `random.Random` it is given (never the global
`random`), so a seed fixes every sentence. The base class turns `sample()` into a train/test
split with no test sentence in train, and into a small probe set balanced across the
concepts (for finding flag units).
"""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..errors import RnnvizError
from ..registry import HeadKind, head_kind

PROBE_SEED_OFFSET = 1_000_003   # probe(n, seed) draws from Random(seed + this): unlike split(seed)
MAX_TRIES_PER_EXAMPLE = 200     # give up (with a readable error) if a grammar is too small
_PROBE_WARMUP = 64              # draws before the strata seen so far are trusted to be all


@dataclass(frozen=True)
class Check:
    """A position where the grammar decides between competing next tokens: after tokens[0..position]
    comes `expected`, and it must beat the other `alternatives` (the contrastive test of
    Linzen et al. 2016: p(says) vs p(say), not argmax over every word).

    `alternatives` includes `expected`; the default (expected,) means "argmax over the whole
    vocabulary" (the next token itself is determined). `among` is that rule for every scorer
    (training, evaluation, flag clamps). `concepts` are the flag concepts that decide the choice
    from far back, so that a flag's clamp must be able to change it (empty for none).
    """

    position: int
    expected: str     # == tokens[position + 1]
    kind: str         # "verb" | "pronoun" | "mood"
    concepts: tuple[str, ...] = ()   # the flag concepts this choice depends on, e.g. ("plural",)
    alternatives: tuple[str, ...] = ()

    def __post_init__(self):
        concepts = (self.concepts,) if isinstance(self.concepts, str) else tuple(self.concepts)
        object.__setattr__(self, "concepts", concepts)               # one concept may come alone
        alternatives = tuple(self.alternatives) or (self.expected,)
        if self.expected not in alternatives or len(set(alternatives)) != len(alternatives):
            raise ValueError(f"check {self}: the alternatives must be distinct and include {self.expected!r}")
        object.__setattr__(self, "alternatives", alternatives)

    @property
    def contrastive(self) -> bool:
        """True when the check compares its alternatives, False for argmax over the vocabulary."""
        return len(self.alternatives) > 1

    def among(self, vocab) -> list[int]:
        """The ids of the outputs this check chooses among: its alternatives', or [] for every word
        (the form `choose` takes; a word the vocabulary lacks is its <unk> id)."""
        return vocab.ids(list(self.alternatives)) if self.contrastive else []


def choose(logits: np.ndarray, among) -> np.ndarray:
    """The output each row chooses: the id with the highest logit among its ids (Check.among,
    -1 padding), or among all V where it names none. logits [..., V], among [..., A] -> [...] ids.

    The one rule of a choice for training's accuracy, evaluation and the flags' clamp test.
    Ties go to the lowest id."""
    among = np.asarray(among, dtype=np.int64)
    given = among >= 0                                                                  # [..., A]
    allowed = ((among[..., None] == np.arange(logits.shape[-1])) & given[..., None]).any(-2)   # [..., V]
    allowed |= ~given.any(-1)[..., None]
    return np.where(allowed, logits, -np.inf).argmax(-1)


@dataclass(frozen=True)
class Example:
    """One generated sentence with everything the grammar knows about it."""

    tokens: tuple[str, ...]
    label: str | None = None                                     # classifier class; None for lm
    checks: tuple[Check, ...] = ()
    concepts: dict[str, bool] = field(default_factory=dict)      # e.g. {"negation": True}
    scopes: dict[str, tuple[int, int]] = field(default_factory=dict)  # concept -> [start, end)
    distance: int | None = None

    def __post_init__(self):
        for check in self.checks:   # a wrong check would silently mislead every score built on it
            inside = 0 <= check.position < len(self.tokens) - 1
            if not inside or self.tokens[check.position + 1] != check.expected:
                raise ValueError(f"check {check} does not match the tokens {self.tokens}")

    @property
    def text(self) -> str:
        """The sentence as a string that tokenizes back to `tokens`."""
        return " ".join(self.tokens)


class Task:
    """A seeded generator of labelled sentences. Subclasses set the class attributes and
    implement `_words()` (every token the grammar can produce), `sample()` and `examples()`."""

    name: str = ""
    head: str = "lm"                  # a registry.HEADS name: "lm" (next word) or "classifier"
    labels: tuple[str, ...] = ()
    description: str = ""
    flag_concepts: tuple[str, ...] = ()                 # concepts a flag unit is looked for (analysis.flags)
    triggers: dict[str, tuple[str, ...]] = {}           # concept -> the words that switch it on
    distance_edges: tuple[int, ...] = ()                # starts of the buckets of accuracy by `distance`

    @property
    def head_kind(self) -> HeadKind:
        """The registry entry of `head` (does it predict the next word?)."""
        return head_kind(self.head)

    def _words(self) -> Iterable[str]:
        raise NotImplementedError

    def sample(self, rng: random.Random, **options) -> Example:
        raise NotImplementedError

    def examples(self) -> list[str]:
        """The prepared sentences the pages offer for this task (rnnviz.tasks.prepared)."""
        raise NotImplementedError

    def vocabulary(self) -> list[str]:
        """Every token the grammar can produce, sorted (no <pad>/<unk>: the model adds those)."""
        return sorted(set(self._words()))

    def split(self, n_train: int, n_test: int, seed: int, **options) -> tuple[list[Example], list[Example]]:
        """`n_train` sampled sentences, then `n_test` distinct ones that never occur in train.

        Train keeps the grammar's own distribution (a repeated sentence stays repeated);
        test is drawn next from the same generator, skipping any token sequence already seen.
        """
        _check_count("n_train", n_train)
        _check_count("n_test", n_test)
        rng = random.Random(seed)
        train = [self.sample(rng, **options) for _ in range(n_train)]
        seen = {ex.tokens for ex in train}
        test = []
        for _ in range(MAX_TRIES_PER_EXAMPLE * n_test):
            if len(test) == n_test:
                break
            ex = self.sample(rng, **options)
            if ex.tokens not in seen:
                seen.add(ex.tokens)
                test.append(ex)
        if len(test) < n_test:
            raise RnnvizError(f"The '{self.name}' grammar ran out of new sentences after {len(test)} "
                              f"test sentences; ask for fewer than {n_test}.")
        return train, test

    def probe(self, n: int, seed: int, exclude: Iterable[Example | tuple[str, ...]] = (),
              **options) -> list[Example]:
        """`n` distinct sentences, balanced across strata (label and concepts on/off), interleaved.

        Drawn from `Random(seed + PROBE_SEED_OFFSET)`, so they differ from `split(..., seed)`;
        pass the training set as `exclude` to make the probe strictly held out.
        """
        _check_count("n", n)
        rng = random.Random(seed + PROBE_SEED_OFFSET)
        seen = {ex.tokens if isinstance(ex, Example) else tuple(ex) for ex in exclude}
        strata: dict[tuple, list[Example]] = {}
        for tries in range(MAX_TRIES_PER_EXAMPLE * max(n, 1)):
            if tries >= _PROBE_WARMUP and all(len(b) * len(strata) >= n for b in strata.values()):
                break
            ex = self.sample(rng, **options)
            if ex.tokens not in seen:
                seen.add(ex.tokens)
                strata.setdefault(_stratum(ex), []).append(ex)
        buckets = [strata[key] for key in sorted(strata, key=repr)]
        mixed = [b[i] for i in range(max(map(len, buckets), default=0)) for b in buckets if i < len(b)]
        if len(mixed) < n:
            raise RnnvizError(f"The '{self.name}' grammar ran out of new sentences after {len(mixed)} "
                              f"probe sentences; ask for fewer than {n}.")
        return mixed[:n]


def _stratum(ex: Example) -> tuple:
    return ex.label or "", tuple(sorted(ex.concepts.items()))


def _check_count(what: str, n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise RnnvizError(f"{what} must be a whole number of sentences, 0 or more (got {n!r}).")
