"""Contrast sentences for the Flags page: the student's sentence beside the same sentence with the
concept switched, so "the words coloured by one unit" compares like with like.

For the story grammar the subject is swapped and the agreement follows it (the lesson's
alice … she / tom … he / alice and tom … they), or "not" is taken out and put in (the mood
follows: a positive adjective is "happy" only when not negated). For the reviews "not" is taken
out and put in; for a typed trigger word the sentence is shown with and without that word. A
sentence the rewrite cannot read (no "says"/"say", no "was") is shown first, as it is, above the
rewrites of the task's prepared sentence.

Each row is read at `read_at`: the token after which the concept decides the next word (the
one before the pronoun for female/plural, before happy/sad for negation) or, for a classifier or
a typed word, the last token. Nothing here reads a model; `read_rows` summarises the unit's
values that a page computed for the rows.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..tasks import get_task, prepared, story, trigger_words
from ..text import tokenize

DEFAULT_FEMALE, DEFAULT_MALE = "alice", "tom"      # the lesson's own names
PLURAL_NOUNS = frozenset(phrase[-1] for phrase in story.PLURAL_SUBJECTS)
COPULA_WORDS = ("was", "is", "are", "were")      # "not" goes right after the first of these
SIDE_MARGIN = 0.1      # a gap smaller than this (in state units) does not "set a sentence apart"


@dataclass(frozen=True)
class ContrastRow:
    """One sentence of the contrast. kind: the concept's side this sentence is on ("female",
    "male", "plural"; "negation", "plain"; "word", "without") or "yours" for a sentence the
    rewrite could not place. The concept is on in this sentence exactly when kind == concept."""

    tokens: tuple[str, ...]
    kind: str
    yours: bool                  # the student's own sentence
    read_at: int                 # the token after which the concept's prediction is made
    decided: str | None = None   # the word the concept decides there ("she"), if the grammar says

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def _first(tokens, words, start: int = 0) -> int | None:
    return next((k for k in range(start, len(tokens)) if tokens[k] in words), None)


# ---- story: swap the subject -----------------------------------------------------------------

def _subject_rows(tokens: list[str]) -> list[ContrastRow] | None:
    """female / male / plural versions of a story sentence (None without says/say after a subject).

    The student's names are kept where they fit (mary → mary, tom; "mary and ben" → mary, ben)."""
    verb = _first(tokens, story.VERBS)
    if not verb:
        return None
    end = next((k for k in range(verb) if tokens[k] in story.PREPOSITIONS), verb)
    subject = tokens[:end]
    female = next((w for w in subject if w in story.FEMALE_NAMES), DEFAULT_FEMALE)
    male = next((w for w in subject if w in story.MALE_NAMES), DEFAULT_MALE)
    plural = subject if "and" in subject or subject[-1] in PLURAL_NOUNS else [female, "and", male]
    rows = []
    for kind, words in (("female", [female]), ("male", [male]), ("plural", plural)):
        many = kind == "plural"
        new = words + tokens[end:verb] + [story.VERBS[many]] + tokens[verb + 1:]
        pronoun = _first(new, story.PRONOUNS.values(), start=len(words) + verb - end + 1)
        if pronoun is not None:
            new[pronoun] = story.PRONOUNS[kind]
            if pronoun + 1 < len(new) and new[pronoun + 1] in story.COPULAS:
                new[pronoun + 1] = story.COPULAS[many]
        rows.append(ContrastRow(tuple(new), kind, False, len(new) - 1 if pronoun is None else pronoun - 1,
                                None if pronoun is None else story.PRONOUNS[kind]))
    return rows


# ---- negation: take "not" out, put it in -------------------------------------------------------

def _negation_rows(tokens: list[str], mood: bool) -> list[ContrastRow] | None:
    """plain / negated versions: the sentence without its negators, and the sentence as it is
    (or, without a negator, with "not" after its first copula; None without either). With `mood`
    (the story grammar) happy/sad follows: happy exactly when the adjective is positive and not
    negated; the row is read before the mood."""
    negators = set(trigger_words("negation"))
    plain = [w for w in tokens if w not in negators]
    at = _first(plain, COPULA_WORDS)
    if len(plain) < len(tokens):
        negated, at = list(tokens), _first(tokens, negators) - 1
    elif at is not None:
        negated = plain[:at + 1] + ["not"] + plain[at + 1:]
    else:
        return None
    rows = []
    for kind, new in (("plain", plain), ("negation", negated)):
        where = _first(new, story.MOODS, start=at + 1) if mood else None
        if where is not None:
            liked = _first(new, story.POSITIVE, start=at + 1) is not None
            new = new[:where] + [story.MOODS[0] if liked and kind == "plain" else story.MOODS[1]] + new[where + 1:]
        rows.append(ContrastRow(tuple(new), kind, False, len(new) - 1 if where is None else where - 1,
                                None if where is None else new[where]))
    return [r for r in rows if r.tokens]


# ---- a typed word: with and without it ---------------------------------------------------------

def _word_rows(tokens: list[str], word: str | None) -> list[ContrastRow] | None:
    without = [w for w in tokens if w != word]
    if not word or word not in tokens or not without:
        return None
    return [ContrastRow(tuple(tokens), "word", False, len(tokens) - 1),
            ContrastRow(tuple(without), "without", False, len(without) - 1)]


def _rewrite(task: str, concept: str, tokens: list[str], word: str | None) -> list[ContrastRow] | None:
    if concept in ("female", "plural") and task == "story":
        return _subject_rows(tokens)
    if concept == "negation" and task in ("story", "sentiment"):
        return _negation_rows(tokens, mood=task == "story")
    return _word_rows(tokens, word) if word else None


def _fallback_text(task: str, concept: str) -> str:
    """The prepared sentence whose rewrites stand in when the student's cannot be rewritten."""
    ideas = prepared()["ideas"]
    if task == "story":
        return ideas["negation" if concept == "negation" else "flags"][0]
    return get_task(task).examples()[0]


def contrast_rows(task: str, concept: str, text: str, word: str | None = None) -> list[ContrastRow]:
    """The student's sentence and its contrasts, in a fixed order of kinds (female, male, plural;
    plain, negation; with the word, without it). The student's row is marked `yours`; when the
    rewrite cannot read it, it comes first (kind "yours", read at its last token) and the rows
    after it rewrite the task's prepared sentence. A task or concept without a rewrite: the
    student's row alone."""
    tokens = tokenize(text)
    rows = _rewrite(task, concept, tokens, word) if tokens else None
    if rows is not None:
        return [ContrastRow(r.tokens, r.kind, r.tokens == tuple(tokens), r.read_at, r.decided) for r in rows]
    own = [ContrastRow(tuple(tokens), "yours", True, len(tokens) - 1)] if tokens else []
    if task not in ("story", "sentiment") or concept == "word":
        return own
    return own + (_rewrite(task, concept, tokenize(_fallback_text(task, concept)), None) or [])


def concept_on(row: ContrastRow, concept: str) -> bool | None:
    """Whether the concept is on in `row` (None for a sentence the rewrite could not place)."""
    return None if row.kind == "yours" else row.kind == concept


@dataclass(frozen=True)
class RowsReading:
    """What one unit reads on the contrast rows. at_decision[k]: its value at rows[k].read_at;
    peaks[k]: (token position, value) of its largest |value| in row k."""

    at_decision: list[float]
    peaks: list[tuple[int, float]]


def read_rows(values: list[np.ndarray], read_at: list[int]) -> RowsReading:
    """Summarise a unit's values on the rows: values[k] has one value per token of row k, read at
    token read_at[k] (a row's read_at, or less where a long text was cut)."""
    at = [float(v[k]) for v, k in zip(values, read_at)]
    strongest = [int(np.abs(v).argmax()) if len(v) else 0 for v in values]
    return RowsReading(at, [(k, float(v[k]) if len(v) else 0.0) for k, v in zip(strongest, values)])


def concept_side(rows: list[ContrastRow], reading: RowsReading, concept: str,
                 margin: float = SIDE_MARGIN) -> str | None:
    """"higher" when every row where the concept is on reads above every row where it is off (at
    read_at) by more than `margin`, "lower" when below by more than `margin`; None when the two
    sides overlap or nearly touch, or one is missing."""
    on = [v for r, v in zip(rows, reading.at_decision) if concept_on(r, concept)]
    off = [v for r, v in zip(rows, reading.at_decision) if concept_on(r, concept) is False]
    if not on or not off:
        return None
    return "higher" if min(on) - max(off) > margin else "lower" if min(off) - max(on) > margin else None
