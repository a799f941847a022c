"""Flag units: find the units of the carried state that switch on with a concept, then test them.

A flag is read from the state that carries memory (CellKind.flag_state): the cell state c where
the cell has one (LSTM), h otherwise. Like the number units of Lakretz et al. (2019), a flag is
found by reading, then tested by intervention. Scoring: collect that state at the positions inside
the concept's scope in sentences where the concept is on, and at the same structural positions
in sentences where it is off, then per unit

    AUROC = P(s_on > s_off) + ½ P(s_on = s_off)        (Mann–Whitney U / (n_on · n_off))
    d     = (mean_on − mean_off) / s_pooled,  s_pooled² = ((n_on−1)s_on² + (n_off−1)s_off²) / (n_on+n_off−2)

Units are ranked by |AUROC − ½| (a flag may switch on or off), then by |d|. In plain words a unit
also "tells on from off in k of n sentences": read at each sentence's last position of the scope
(the token after which the concept's prediction is made), k sentences fall on their own side of
the midpoint m = (on + off) / 2 of the unit's typical on and off values. The causal test
clamps one unit to its typical "on" value (median over on positions) where the concept is off,
and to its "off" value where it is on, at every step, and counts the dependent predictions whose
choice changes ("flips"). A language model's dependent prediction is a grammar check, and its
choice is the most probable of the check's alternatives (she/he/they, happy vs sad;
the whole vocabulary for a check without alternatives), so a flip is a change of that choice,
not any change of the top word. A classifier's choice is its predicted class. Any change counts,
whether or not it lands on the concept's opposite.

Nothing here changes the model: clamps go through `read(..., clamp=)`, no gradients are taken.
Legend: T tokens, L layers, D directions, H hidden units.
"""
from __future__ import annotations

import difflib
import random
from dataclasses import dataclass

import numpy as np

from ..tasks import ALL_TASKS, get_task
from ..tasks.base import choose
from ..text import MAX_TOKENS, tokenize
from ..trace import Reading, read

Unit = tuple[int, int, int]                  # (layer, direction, unit)
FLAG_CONCEPTS = {name: get_task(name).flag_concepts for name in ALL_TASKS}     # task -> its flag concepts
CARD_KEYS = ("concept", "layer", "direction", "unit", "auroc", "d", "on", "off",
             "clamp_flip_rate", "random_flip_rate")
MIN_POOLED_SD = 1e-6                         # a unit constant on both sides still gets a finite d


@dataclass(frozen=True)
class UnitScore:
    """How well one unit separates "on" from "off" positions. auroc ≥ 0.5; on/off are medians;
    sentences_right of `sentences` read on their own side of the midpoint (module docstring)."""

    layer: int
    direction: int
    unit: int
    auroc: float
    d: float
    on: float
    off: float
    sentences_right: int = 0
    sentences: int = 0

    @property
    def key(self) -> Unit:
        return (self.layer, self.direction, self.unit)


@dataclass(frozen=True)
class PairDiff:
    """Two texts read side by side. diff = state(b) − state(a) at aligned positions, [L, D, n, H]."""

    tokens_a: list[str]
    tokens_b: list[str]
    aligned: list[tuple[int, int]]            # (position in a, position in b), equal tokens or the ends
    diff: np.ndarray                          # flag state (c where the cell has one, else h)
    diff_hidden: np.ndarray                   # h, for every cell
    state: str                                # "cell" or "hidden": what `diff` holds (CellKind.flag_state)
    ranking: list[tuple[int, int, int, float]]  # (layer, direction, unit, max |diff|), largest first


_RUN_FIELDS = {"cell": "c", "hidden": "h"}    # a state's name (registry) -> its letter in a Run


def flag_state(reading: Reading, spec) -> np.ndarray:
    """The state that carries flags (CellKind.flag_state): c where the cell has one, else h.  [L, D, T, H]"""
    return _states(reading, _RUN_FIELDS[spec.cell_kind.flag_state])


def _states(reading: Reading, name: str) -> np.ndarray:
    return np.array([[getattr(run, name) for run in row] for row in reading.runs])    # [L, D, T, H]


def auroc(on: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Per column, P(on > off) + ½ P(on = off): the Mann–Whitney U statistic over n_on · n_off.

    on [n_on, K], off [n_off, K] -> [K]. For each on value, searchsorted in the sorted off values
    counts the off values below it (left) and not above it (right); (left + right) / 2 is its
    mid-rank among the off values, i.e. ties count one half.
    """
    on, off = np.asarray(on, dtype=float), np.asarray(off, dtype=float)
    out = np.empty(on.shape[1])
    for k in range(on.shape[1]):
        ranked = np.sort(off[:, k])
        below = np.searchsorted(ranked, on[:, k], side="left")
        not_above = np.searchsorted(ranked, on[:, k], side="right")
        out[k] = (below + not_above).sum() / (2.0 * len(on) * len(off))
    return out


def cohens_d(on: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Per column, (mean_on − mean_off) / pooled sd (signed); the sd is floored at MIN_POOLED_SD."""
    n1, n0 = len(on), len(off)
    pooled = ((n1 - 1) * on.var(axis=0, ddof=1 if n1 > 1 else 0)
              + (n0 - 1) * off.var(axis=0, ddof=1 if n0 > 1 else 0)) / max(n1 + n0 - 2, 1)
    return (on.mean(axis=0) - off.mean(axis=0)) / np.maximum(np.sqrt(pooled), MIN_POOLED_SD)


def sentences_on_their_side(on_ends: np.ndarray, off_ends: np.ndarray, typical_on: np.ndarray,
                            typical_off: np.ndarray) -> np.ndarray:
    """Per unit, how many sentences read on their own side of m = (typical_on + typical_off) / 2:
    "on" sentences above m and "off" ones below it where typical_on > typical_off, the other way
    round otherwise. on_ends [n_on, K], off_ends [n_off, K] (one value per sentence) -> [K]."""
    middle = (typical_on + typical_off) / 2                                    # [K]
    up = typical_on > typical_off                                              # [K]
    on_right = np.where(up, on_ends > middle, on_ends < middle).sum(axis=0)    # [K]
    off_right = np.where(up, off_ends < middle, off_ends > middle).sum(axis=0)
    return on_right + off_right


def _ranked(on: np.ndarray, off: np.ndarray, on_ends: np.ndarray, off_ends: np.ndarray) -> list[UnitScore]:
    """Score every unit from on [n_on, L, D, H] and off [n_off, L, D, H] values (every position),
    and one value per sentence (on_ends [s_on, L, D, H], off_ends [s_off, L, D, H]), best first."""
    if len(on) == 0 or len(off) == 0:
        return []
    shape = on.shape[1:]
    a = auroc(on.reshape(len(on), -1), off.reshape(len(off), -1))
    d = cohens_d(on.reshape(len(on), -1), off.reshape(len(off), -1))
    med_on, med_off = np.median(on, axis=0).ravel(), np.median(off, axis=0).ravel()
    right = sentences_on_their_side(on_ends.reshape(len(on_ends), -1), off_ends.reshape(len(off_ends), -1),
                                    med_on, med_off)
    order = np.lexsort((-np.abs(d), -np.abs(a - 0.5)))         # |AUROC − ½| first, then |d|
    return [UnitScore(*(int(i) for i in np.unravel_index(k, shape)), float(max(a[k], 1 - a[k])),
                      float(d[k]), float(med_on[k]), float(med_off[k]), int(right[k]),
                      len(on_ends) + len(off_ends)) for k in order]


def as_tokens(item) -> list[str]:
    """A text, an Example or a token sequence, as a list of tokens."""
    return tokenize(item) if isinstance(item, str) else list(getattr(item, "tokens", item))


def _stacked(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty((0,))


def _from_position(model, group: list[tuple[list[str], int]]) -> list[np.ndarray]:
    """Flag-state values of each (tokens, k) at positions k … T−1, one [T−k, L, D, H] per sentence."""
    return [np.moveaxis(flag_state(read(model, tokens), model.spec)[:, :, k:], 2, 0) for tokens, k in group]


def _scored(on: list[np.ndarray], off: list[np.ndarray]) -> list[UnitScore]:
    """_ranked over per-sentence values [n_i, L, D, H]; a sentence is read at its last position."""
    ends = [np.stack([v[-1] for v in side]) if side else np.empty((0,)) for side in (on, off)]
    return _ranked(_stacked(on), _stacked(off), *ends)


def unit_scores(model, examples, concept: str, *, matched: bool = True, readings=None) -> list[UnitScore]:
    """Rank every unit by how well it separates the concept's scope (on) from matched positions (off).

    matched: compare only sentences where the concept decides a prediction (dependent_predictions
    not empty), e.g. for "female" the singular sentences, so "off" means male and not plural (a
    plural unit would otherwise pass for a gender unit). `readings` (one `read()` per example,
    same order) may be passed to avoid reading twice.
    """
    on, off = [], []
    for i, ex in enumerate(examples):
        if concept not in ex.concepts or concept not in ex.scopes or (
                matched and not dependent_predictions(model, ex, concept)):
            continue
        r = readings[i] if readings is not None else read(model, ex.tokens)
        start, end = ex.scopes[concept]
        values = np.moveaxis(flag_state(r, model.spec)[:, :, start:end], 2, 0)   # [n, L, D, H]
        if len(values):
            (on if ex.concepts[concept] else off).append(values)
    return _scored(on, off)


def trigger_scores(model, examples_or_texts, word: str) -> list[UnitScore]:
    """Rank units for a typed trigger word: positions at/after its first occurrence (on) vs the
    same relative positions in sentences without it (off).

    "Same relative position": with q = median of k/T over the sentences holding the word (k its
    first position, T the length), a sentence of length T' without it contributes positions
    ⌊q·T'⌋ … T'−1.
    """
    word = (tokenize(word) or [""])[0]
    texts = [as_tokens(item)[:MAX_TOKENS] for item in examples_or_texts]
    on = [(tokens, tokens.index(word)) for tokens in texts if word in tokens]
    without = [tokens for tokens in texts if tokens and word not in tokens]
    if not on or not without:
        return []
    q = float(np.median([k / len(tokens) for tokens, k in on]))
    off = [(tokens, min(int(q * len(tokens)), len(tokens) - 1)) for tokens in without]
    return _scored(_from_position(model, on), _from_position(model, off))


def minimal_pair(model, text_a, text_b) -> PairDiff:
    """Read two texts that differ in a few words and compare every unit at aligned positions.

    Aligned: positions matched as equal by difflib.SequenceMatcher on the tokens, plus the pair of
    last tokens. A unit's score is its largest |diff| over the aligned positions; before the first
    difference (in a direction's reading order) the states are identical, so this is the largest
    difference after the point where the texts part.
    """
    ra, rb = read(model, text_a), read(model, text_b)
    matcher = difflib.SequenceMatcher(a=ra.tokens, b=rb.tokens, autojunk=False)
    aligned = [(m.a + k, m.b + k) for m in matcher.get_matching_blocks() for k in range(m.size)]
    ends = (len(ra.tokens) - 1, len(rb.tokens) - 1)
    if ends not in aligned:
        aligned.append(ends)
    ia, ib = (np.array(side) for side in zip(*aligned))
    diff = flag_state(rb, model.spec)[:, :, ib] - flag_state(ra, model.spec)[:, :, ia]   # [L, D, n, H]
    peak = np.abs(diff).max(axis=2)                                                      # [L, D, H]
    order = np.argsort(-peak, axis=None, kind="stable")
    ranking = [(*(int(i) for i in np.unravel_index(k, peak.shape)), float(peak.ravel()[k])) for k in order]
    diff_hidden = _states(rb, "h")[:, :, ib] - _states(ra, "h")[:, :, ia]
    return PairDiff(ra.tokens, rb.tokens, aligned, diff, diff_hidden, model.spec.cell_kind.flag_state, ranking)


def dependent_predictions(model, example, concept: str) -> list[tuple[int, str]]:
    """What the concept decides: (position, expected) of the predictions made after that position.

    Language model: the example's checks attributed to the concept by the grammar (story: female →
    she vs he in singular sentences; plural → the pronoun, they vs she/he, in every sentence;
    negation → the mood after a positive adjective; says/say and is/are depend on no flag).
    Classifier: the label, read after the last token, in every example that has the concept.
    """
    return [(p, e) for p, e, _ in _dependent_choices(model, example, concept)]


def _dependent_choices(model, example, concept: str) -> list[tuple[int, str, list[int]]]:
    """dependent_predictions with the output indices each choice is made among ([] = all outputs)."""
    if model.spec.head_kind.next_word:
        return [(c.position, c.expected, c.among(model.vocab))
                for c in example.checks if concept in c.concepts and c.position < MAX_TOKENS - 1]
    if concept not in example.concepts or example.label is None:
        return []
    return [(min(len(example.tokens), MAX_TOKENS) - 1, example.label, [])]


def choose_one(logits: np.ndarray, among: list[int]) -> int:
    """The index of the highest logit, among `among` (all when empty): tasks.base.choose, for one row."""
    return int(choose(logits, among))


def flip_rate(model, examples, concept: str, unit: Unit, on: float, off: float, *, readings=None) -> float:
    """Fraction of dependent predictions whose choice changes when `unit` is clamped at every step
    to `on` in examples without the concept and to `off` in examples with it (0.0 if none).

    The choice of a language-model check is the most probable of its alternatives (says vs say):
    clamping a plural unit so that "the" replaces "say" as the top word is no flip, while
    says → say is one. A classifier's choice is its predicted class.
    """
    bases = readings if readings is not None else [None] * len(examples)
    flipped = total = 0
    for ex, base in zip(examples, bases):
        flips = clamp_flips(model, ex, concept, unit, on, off, base)
        flipped += sum(before != after for _, before, after in flips)
        total += len(flips)
    return flipped / total if total else 0.0


def clamp_flips(model, example, concept: str, unit: Unit, on: float, off: float,
                 base: Reading | None = None) -> list[tuple[int, int, int]]:
    """(position, choice before, choice after) of each dependent prediction of `example` when
    `unit` is clamped against the concept (`off` where it is on, `on` where it is off)."""
    targets = _dependent_choices(model, example, concept)
    if not targets:
        return []
    # a language model is causal: reading up to the last dependent position changes nothing
    lm = model.spec.head_kind.next_word
    tokens = example.tokens[: max(p for p, _, _ in targets) + 1] if lm else example.tokens
    base = base if base is not None else read(model, tokens)
    clamped = read(model, tokens, clamp={tuple(unit): off if example.concepts.get(concept) else on})
    return [(p, choose_one(base.logits_at(p), among), choose_one(clamped.logits_at(p), among))
            for p, _, among in targets]


def random_flip_rate(model, examples, concept: str, n_units: int = 5, seed: int = 0, *,
                     exclude=(), scores=None, readings=None) -> float:
    """Mean flip rate of `n_units` random units (not in `exclude`, e.g. the flag unit), each
    clamped to its own on/off medians from unit_scores: the baseline a flag must beat."""
    scores = scores if scores is not None else unit_scores(model, examples, concept, readings=readings)
    excluded = {tuple(u) for u in exclude}
    pool = [s for s in scores if s.key not in excluded]
    chosen = random.Random(seed).sample(pool, min(n_units, len(pool)))
    rates = [flip_rate(model, examples, concept, s.key, s.on, s.off, readings=readings) for s in chosen]
    return float(np.mean(rates)) if rates else 0.0


def find_flags(model, task, probe=None, concepts=None, *, candidates: int = 5,
               n_random: int = 5, seed: int = 0) -> list[dict]:
    """The best flag unit per concept, as model-card dicts with exactly CARD_KEYS.

    Among the `candidates` best-separating units the one with the highest clamp flip rate wins
    (redundant units can separate perfectly and still change nothing when clamped alone); ties
    go to the better-separating unit. A concept with no on or no off positions is left out.
    """
    task = get_task(task) if isinstance(task, str) else task
    probe = task.probe(300, seed=7) if probe is None else list(probe)
    if concepts is None:
        concepts = FLAG_CONCEPTS.get(task.name, sorted({c for ex in probe for c in ex.concepts}))
    readings = [read(model, ex.tokens) for ex in probe]
    flags = []
    for concept in concepts:
        scores = unit_scores(model, probe, concept, readings=readings)
        if not scores:
            continue
        rates = [flip_rate(model, probe, concept, s.key, s.on, s.off, readings=readings)
                 for s in scores[:candidates]]
        best = int(np.argmax(rates))                      # argmax keeps the first of equal rates
        flag = scores[best]
        baseline = random_flip_rate(model, probe, concept, n_random, seed, exclude=[flag.key],
                                    scores=scores, readings=readings)
        measured = {k: round(float(getattr(flag, k)), 4) for k in ("auroc", "d", "on", "off")}
        flags.append({"concept": str(concept), "layer": flag.layer, "direction": flag.direction,
                      "unit": flag.unit, **measured, "clamp_flip_rate": round(float(rates[best]), 4),
                      "random_flip_rate": round(baseline, 4)})
    return flags
