"""The Flags page's plain-words analyses: contrast sentences that the grammar itself would write,
"tells on from off in k of n sentences" against a direct count, and a clamp demo sentence that
really flips, on a model whose female flag was planted by hand."""
from __future__ import annotations

import random

import numpy as np
import pytest

from rnnviz.analysis import flags
from rnnviz.analysis.clamp import clamped_choice, flipping_example
from rnnviz.analysis.contrast import concept_on, concept_side, contrast_rows, read_rows
from rnnviz.tasks import get_task, prepared, trigger_words
from rnnviz.tasks.story import COPULAS, MOODS, POSITIVE, PRONOUNS, VERBS
from rnnviz.trace import read
from tests.unit.test_analysis import female_flag_model

STORY = get_task("story")
FLAG = (0, 0, 0)
NEGATORS = set(trigger_words("negation"))


@pytest.fixture(scope="module")
def planted():
    return female_flag_model()


@pytest.fixture(scope="module")
def probe():
    return STORY.probe(60, seed=3)


def samples(n: int, seed: int = 5):
    rng = random.Random(seed)
    return [STORY.sample(rng) for _ in range(n)]


# ---- contrast sentences --------------------------------------------------------------------------

def test_subject_rows_are_the_sentence_about_her_him_and_them_with_agreement_kept():
    for ex in samples(150):
        rows = contrast_rows("story", "female", ex.text)
        assert [r.kind for r in rows] == ["female", "male", "plural"]
        assert [r.yours for r in rows].count(True) == 1, ex.text
        yours = next(r for r in rows if r.yours)
        kind = "plural" if ex.concepts["plural"] else "female" if ex.concepts["female"] else "male"
        assert yours.kind == kind and yours.tokens == ex.tokens
        for row in rows:
            many = row.kind == "plural"
            assert row.decided == PRONOUNS[row.kind] == row.tokens[row.read_at + 1]
            assert row.tokens[row.read_at] == "."
            assert row.tokens[row.read_at + 2] == COPULAS[many]
            assert VERBS[many] in row.tokens and VERBS[not many] not in row.tokens
            # after the verb nothing but the pronoun and its copula changed
            tail = row.tokens[row.tokens.index(VERBS[many]) + 1:]
            mine = ex.tokens[ex.tokens.index(VERBS[ex.concepts["plural"]]) + 1:]
            assert [a == b for a, b in zip(tail, mine)].count(False) == (0 if row.kind == kind else 2 if
                                                                         many != ex.concepts["plural"] else 1)
            assert concept_on(row, "female") == (row.kind == "female")


def test_negation_rows_take_not_out_and_put_it_in_and_the_mood_follows():
    for ex in samples(150, seed=8):
        rows = contrast_rows("story", "negation", ex.text)
        assert [r.kind for r in rows] == ["plain", "negation"]
        plain, negated = rows
        assert not NEGATORS & set(plain.tokens) and NEGATORS & set(negated.tokens)
        assert (plain.yours, negated.yours) == (not ex.concepts["negation"], ex.concepts["negation"])
        positive = bool(set(ex.tokens) & set(POSITIVE))
        for row in rows:
            mood = row.tokens[row.read_at + 1]
            assert mood in MOODS and row.decided == mood
            assert (mood == "happy") == (positive and row.kind == "plain")


def test_a_sentence_the_rewrite_cannot_read_comes_first_above_the_prepared_contrasts():
    text = "my little brother did not like the new teacher at school"
    rows = contrast_rows("story", "female", text)
    assert rows[0].kind == "yours" and rows[0].yours and rows[0].read_at == len(text.split()) - 1
    assert concept_on(rows[0], "female") is None
    assert [r.kind for r in rows[1:]] == ["female", "male", "plural"]
    assert rows[1].text == prepared()["ideas"]["flags"][0]
    assert contrast_rows("recall", "word", "the key is red .", None) == [rows[0].__class__(
        ("the", "key", "is", "red", "."), "yours", True, 4)]


def test_a_typed_word_is_shown_with_and_without_it():
    rows = contrast_rows("recall", "word", "the key is red . what colour was the key ?", "red")
    assert [r.kind for r in rows] == ["word", "without"] and rows[0].yours
    assert "red" not in rows[1].tokens and len(rows[1].tokens) == len(rows[0].tokens) - 1
    assert [r.read_at for r in rows] == [len(r.tokens) - 1 for r in rows]


def test_review_negation_works_on_the_reviews_own_forms():
    rows = contrast_rows("sentiment", "negation", "i did n't like this film")
    assert [r.text for r in rows] == ["i did like this film", "i did n't like this film"]
    rows = contrast_rows("sentiment", "negation", "the movie was good")
    assert [r.text for r in rows] == ["the movie was good", "the movie was not good"]
    assert [r.read_at for r in rows] == [3, 4]


def test_reading_the_rows_and_which_side_the_concept_is_on():
    rows = contrast_rows("story", "female", "alice says the movie was good . she is happy .")
    at = [r.read_at for r in rows]

    def reading(female: float, male: float, plural: float):
        values = [np.linspace(-0.5, 1, len(r.tokens)) for r in rows]
        for v, k, x in zip(values, at, (female, male, plural)):
            v[k] = x
        return values, read_rows(values, at)

    values, seen = reading(5.0, -3.0, 0.5)
    assert seen.at_decision == [5.0, -3.0, 0.5]
    assert seen.peaks == [(at[0], 5.0), (at[1], -3.0), (len(rows[2].tokens) - 1, 1.0)]
    assert concept_side(rows, seen, "female") == "higher"
    assert concept_side(rows, reading(-4.0, -3.0, 0.5)[1], "female") == "lower"
    assert concept_side(rows, reading(0.0, -3.0, 0.5)[1], "female") is None, "between the contrasts"
    assert concept_side(rows, reading(0.0, -3.0, 0.5)[1], "plural") == "higher"
    assert concept_side(rows, reading(0.55, -3.0, 0.5)[1], "female") is None, "a gap within the margin"
    assert concept_side(rows, reading(0.55, -3.0, 0.5)[1], "female", margin=0.01) == "higher"


# ---- k of n sentences ------------------------------------------------------------------------------

def test_sentences_on_their_side_matches_a_direct_count():
    rng = np.random.default_rng(0)
    on, off = rng.normal(1, 1, (30, 4)), rng.normal(-1, 1, (25, 4))
    typical_on, typical_off = np.median(on, 0), np.median(off, 0)
    typical_on[3], typical_off[3] = -1.0, 1.0                    # a unit that is lower when on
    counted = flags.sentences_on_their_side(on, off, typical_on, typical_off)
    for k in range(4):
        middle = (typical_on[k] + typical_off[k]) / 2
        up = typical_on[k] > typical_off[k]
        direct = sum((x > middle) == up for x in on[:, k]) + sum((x < middle) == up for x in off[:, k])
        assert counted[k] == direct


def test_the_planted_flag_tells_every_matched_sentence_apart(planted, probe):
    scores = flags.unit_scores(planted, probe, "female")
    matched = [ex for ex in probe if flags.dependent_predictions(planted, ex, "female")]
    assert all(s.sentences == len(matched) for s in scores)
    best = scores[0]
    assert best.key == FLAG and best.sentences_right == best.sentences
    ends = {ex.tokens: float(read(planted, ex.tokens).runs[0][0].c[ex.scopes["female"][1] - 1, 0]) for ex in matched}
    middle = (best.on + best.off) / 2
    assert best.sentences_right == sum((ends[ex.tokens] > middle) == ex.concepts["female"] for ex in matched)


# ---- a clamp that flips --------------------------------------------------------------------------

def test_the_demo_sentence_is_the_shortest_that_flips_and_the_flip_is_real(planted, probe):
    best = flags.unit_scores(planted, probe, "female")[0]
    flip = flipping_example(planted, probe, "female", best.key, best.on, best.off)
    assert flip is not None and flip.before != flip.after and {flip.before, flip.after} <= {"she", "he"}
    example = next(ex for ex in probe if ex.tokens == flip.tokens)
    assert flip.toward == ("off" if example.concepts["female"] else "on")
    assert flip.value == (best.off if flip.toward == "off" else best.on)
    assert clamped_choice(planted, flip.tokens, flip.unit, flip.value, flip.position, PRONOUNS.values()) == (
        flip.before, flip.after)
    shorter = [ex for ex in probe if len(ex.tokens) < len(flip.tokens)]
    assert not any(b != a for ex in shorter for _, b, a in flags.clamp_flips(planted, ex, "female", best.key,
                                                                             best.on, best.off))


def test_a_unit_the_head_never_reads_has_no_demo_and_changes_no_choice(planted, probe):
    other = next(s for s in flags.unit_scores(planted, probe, "female") if s.key != FLAG)
    assert flipping_example(planted, probe, "female", other.key, other.on, other.off) is None
    tokens = "alice says the movie was good .".split()
    assert clamped_choice(planted, tokens, other.key, -5.0, len(tokens) - 1, ("she", "he")) == ("she", "she")
    assert clamped_choice(planted, tokens, FLAG, 0.0, len(tokens) - 1, ("she", "he")) == ("she", "he")
