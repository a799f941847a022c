"""The synthetic grammars: labels correct by construction, checked here by independent rules."""
from __future__ import annotations

import random
from collections import Counter
from functools import cache

import pytest

import rnnviz.tasks
from rnnviz.errors import RnnvizError
from rnnviz.tasks import (
    ALL_TASKS,
    CONCEPTS,
    TASKS,
    Example,
    get_task,
    prepared,
    recall,
    sentiment,
    story,
    trigger_words,
)
from rnnviz.text import Vocab, tokenize

N = 2000
COLOURS = {"red", "green", "blue", "yellow"}


@cache
def samples(name: str) -> tuple[Example, ...]:
    rng = random.Random(12345)
    return tuple(get_task(name).sample(rng) for _ in range(N))


# ---------------------------------------------------------------- the registry and the interface

def test_registry_names_heads_and_labels():
    assert TASKS == ("story", "sentiment", "recall")
    assert get_task("story").head == "lm" and get_task("story").labels == ()
    assert get_task("sentiment").head == "classifier"
    assert get_task("sentiment").labels == ("negative", "positive")
    assert get_task("recall").head == "classifier"
    assert get_task("recall").labels == tuple(sorted(COLOURS))
    for name in TASKS:
        task = get_task(name)
        assert task.name == name
        assert task.description and "\n" not in task.description


def test_unknown_task_is_a_friendly_error():
    with pytest.raises(RnnvizError, match="story"):
        get_task("nope")


@pytest.mark.parametrize("name", TASKS)
def test_tokens_round_trip_the_tokenizer(name):
    for ex in samples(name):
        assert tokenize(" ".join(ex.tokens)) == list(ex.tokens), ex.tokens


@pytest.mark.parametrize("name", TASKS)
def test_vocabulary_is_sorted_complete_and_all_used(name):
    vocab = get_task(name).vocabulary()
    assert vocab == sorted(set(vocab))
    assert "<pad>" not in vocab and "<unk>" not in vocab
    assert all(tokenize(word) == [word] for word in vocab)
    used = {token for ex in samples(name) for token in ex.tokens}
    assert used <= set(vocab), used - set(vocab)
    assert set(vocab) <= used, set(vocab) - used     # no dead words that only waste embeddings


@pytest.mark.parametrize("name", TASKS)
def test_examples_are_prepared_sentences_in_the_vocabulary(name):
    task = get_task(name)
    texts = task.examples()
    assert 3 <= len(texts) <= 6
    for text in texts:
        assert set(tokenize(text)) <= set(task.vocabulary()), text


@pytest.mark.parametrize("name", TASKS)
def test_checks_scopes_and_labels_are_well_formed(name):
    task = get_task(name)
    for ex in samples(name):
        for check in ex.checks:
            assert ex.tokens[check.position + 1] == check.expected
            assert check.kind in {"verb", "pronoun", "mood"}
            assert all(concept in ex.concepts for concept in check.concepts)
            assert check.expected in check.alternatives and len(set(check.alternatives)) == len(check.alternatives)
        assert set(ex.scopes) == set(ex.concepts)
        for start, end in ex.scopes.values():
            assert 0 <= start < end <= len(ex.tokens)
        assert (ex.label is None) == task.head_kind.next_word
        assert ex.label is None or ex.label in task.labels


def test_a_wrong_check_is_refused():
    from rnnviz.tasks.base import Check
    with pytest.raises(ValueError):
        Example(tokens=("a", "b"), checks=(Check(0, "c", "verb", "plural"),))
    with pytest.raises(ValueError):
        Check(0, "says", "verb", "plural", ("say", "said"))          # expected must compete
    with pytest.raises(ValueError):
        Check(0, "says", "verb", "plural", ("says", "says"))
    assert Check(0, "b", "verb", "plural").alternatives == ("b",)    # the whole vocabulary
    assert Check(0, "b", "verb", "plural").concepts == ("plural",)   # one concept, given alone
    assert Check(0, "b", "pronoun", ("female", "plural")).concepts == ("female", "plural")


def test_a_check_chooses_among_its_alternatives_or_every_word():
    from rnnviz.tasks.base import Check
    vocab = Vocab(["<pad>", "<unk>", "says", "say", "the"])
    assert Check(0, "says", "verb", (), ("says", "say")).among(vocab) == [2, 3]
    assert Check(0, "says", "verb", (), ("says", "sing")).among(vocab) == [2, 1]   # unknown: <unk>
    assert Check(0, "the", "verb").among(vocab) == []                              # the whole vocabulary


# ---------------------------------------------------------------- what the pages ask of the tasks

def test_concepts_and_their_trigger_words():
    """The words that switch each concept on, as the Flags lab shades them: the grammars' own lists."""
    assert CONCEPTS == ("female", "plural", "negation")
    assert set(trigger_words("female")) == set(story.FEMALE_NAMES)
    assert set(trigger_words("plural")) == {"and"} | {phrase[-1] for phrase in story.PLURAL_SUBJECTS}
    assert set(trigger_words("negation")) == set(story.NEGATORS) | set(sentiment.NEGATORS)
    assert trigger_words("positive") == () and trigger_words("word") == ()
    for concept in CONCEPTS:
        assert list(trigger_words(concept)) == sorted(trigger_words(concept))
        assert any(concept in get_task(name).flag_concepts for name in TASKS)
    assert get_task("story").head_kind.next_word and not get_task("recall").head_kind.next_word


def test_prepared_sentences_come_from_the_tasks_so_they_cannot_drift():
    """examples.json keeps only what no grammar makes (the lesson model's, the ideas'): each
    grammar's sentences live in its examples() alone."""
    import json
    data = prepared()
    assert list(data) == ["tasks", "ideas"]
    assert list(data["tasks"]) == [*ALL_TASKS, "lesson"]
    for name in ALL_TASKS:
        assert data["tasks"][name] == get_task(name).examples()
    stored = json.loads(rnnviz.tasks.EXAMPLES_FILE.read_text(encoding="utf-8"))
    assert not set(stored["tasks"]) & set(ALL_TASKS), "a task's sentences belong in its examples()"
    assert data["ideas"] == stored["ideas"] and data["tasks"]["lesson"] == stored["tasks"]["lesson"]
    assert {"order", "unrolling", "negation", "vanishing", "flags", "gru", "bidirectional", "multilayer"} == \
        set(data["ideas"])
    data["tasks"]["story"].append("changed")
    data["ideas"]["order"].append("changed")
    assert "changed" not in prepared()["tasks"]["story"] and "changed" not in prepared()["ideas"]["order"]


# ---------------------------------------------------------------- determinism and splits

@pytest.mark.parametrize("name", TASKS)
def test_same_seed_same_data_other_seed_other_data(name):
    task = get_task(name)
    first, second, other = task.split(40, 20, seed=7), task.split(40, 20, seed=7), task.split(40, 20, seed=8)
    assert first == second
    assert [ex.tokens for ex in first[0]] != [ex.tokens for ex in other[0]]
    assert task.probe(24, seed=7) == task.probe(24, seed=7)


@pytest.mark.parametrize("name", TASKS)
def test_the_global_random_is_never_used(name):
    task = get_task(name)
    random.seed(1)
    state = random.getstate()
    a = task.sample(random.Random(3))
    assert random.getstate() == state
    random.seed(2)
    assert task.sample(random.Random(3)) == a


@pytest.mark.parametrize("name", TASKS)
def test_test_sentences_never_occur_in_train(name):
    train, test = get_task(name).split(1500, 300, seed=3)
    assert len(train) == 1500 and len(test) == 300
    test_tokens = [ex.tokens for ex in test]
    assert len(set(test_tokens)) == len(test_tokens)
    assert not set(test_tokens) & {ex.tokens for ex in train}


@pytest.mark.parametrize("name", TASKS)
def test_probe_is_balanced_distinct_and_differs_from_split(name):
    task = get_task(name)
    train, test = task.split(300, 50, seed=5)
    probe = task.probe(60, seed=5, exclude=train)
    assert len(probe) == 60 and len({ex.tokens for ex in probe}) == 60
    assert not {ex.tokens for ex in probe} & {ex.tokens for ex in train}
    assert [ex.tokens for ex in probe[:50]] != [ex.tokens for ex in test]
    strata = Counter((ex.label, tuple(sorted(ex.concepts.items()))) for ex in probe)
    assert max(strata.values()) - min(strata.values()) <= 1, strata
    for concept in probe[0].concepts:
        assert 0 < sum(ex.concepts[concept] for ex in probe) < len(probe)


def test_bad_counts_are_friendly_errors():
    with pytest.raises(RnnvizError):
        get_task("story").split(-1, 10, seed=0)
    with pytest.raises(RnnvizError):
        get_task("story").probe(2.5, seed=0)


# ---------------------------------------------------------------- story, by an independent parse

def test_story_has_enough_names():
    for names, required in ((story.FEMALE_NAMES, {"alice", "mary"}), (story.MALE_NAMES, {"tom", "john"})):
        assert len(set(names)) >= 16 and required <= set(names)
    assert not set(story.FEMALE_NAMES) & set(story.MALE_NAMES)
    assert not set(story.POSITIVE) & set(story.NEGATIVE)
    assert len(story.POSITIVE) >= 10 and len(story.NEGATIVE) >= 10


def parse_story(tokens):
    """Subject, verb, pronoun, copula, mood and negation of a story sentence, read off the words."""
    verb_at = next(i for i, t in enumerate(tokens) if t in ("says", "say"))
    subject_len = next(i for i, t in enumerate(tokens) if t in story.PREPOSITIONS or i == verb_at)
    first_stop = tokens.index(".")
    return dict(subject=tokens[:subject_len], verb=tokens[verb_at], adjective=tokens[first_stop - 1],
                negated=bool({"not", "never"} & set(tokens)), pronoun_at=first_stop + 1,
                pronoun=tokens[first_stop + 1], copula=tokens[first_stop + 2], mood=tokens[first_stop + 3])


def test_story_agreement_pronoun_and_mood():
    for ex in samples("story"):
        p = parse_story(ex.tokens)
        female = len(p["subject"]) == 1 and p["subject"][0] in story.FEMALE_NAMES
        male = len(p["subject"]) == 1 and p["subject"][0] in story.MALE_NAMES
        plural = not (female or male)
        assert plural == (len(p["subject"]) > 1), p["subject"]
        assert p["verb"] == ("say" if plural else "says")
        assert p["pronoun"] == ("she" if female else "he" if male else "they")
        assert p["copula"] == ("are" if plural else "is")
        assert (p["mood"] == "happy") == (p["adjective"] in story.POSITIVE and not p["negated"])
        assert p["mood"] in ("happy", "sad")
        assert ex.concepts == {"female": female, "plural": plural, "negation": p["negated"]}
        assert ex.distance == p["pronoun_at"] - len(p["subject"])
        assert ex.tokens[-1] == "." and len(ex.tokens) == p["pronoun_at"] + 4


def test_story_checks_and_scopes_sit_where_the_grammar_says():
    for ex in samples("story"):
        p = parse_story(ex.tokens)
        kinds = [(c.kind, c.expected, c.concepts) for c in ex.checks]
        # the pronoun carries number (they vs she/he) and, when singular, gender (she vs he);
        # is/are is decided by the pronoun right before it and says/say by the subject a few tokens
        # back (no flag); the mood depends on negation only after a positive adjective
        mood_concepts = ("negation",) if p["adjective"] in story.POSITIVE else ()
        pronoun_concepts = ("plural",) if p["pronoun"] == "they" else ("female", "plural")
        assert kinds == [("verb", p["verb"], ()), ("pronoun", p["pronoun"], pronoun_concepts),
                         ("verb", p["copula"], ()), ("mood", p["mood"], mood_concepts)]
        assert [set(c.alternatives) for c in ex.checks] == [{"says", "say"}, {"she", "he", "they"},
                                                             {"is", "are"}, {"happy", "sad"}]
        assert ex.checks[1].position == p["pronoun_at"] - 1
        assert ex.scopes["female"] == ex.scopes["plural"] == (len(p["subject"]) - 1, p["pronoun_at"])
        start, end = ex.scopes["negation"]
        assert ex.tokens[start - 1] == "was" and end == len(ex.tokens) - 2   # up to is/are, before MOOD
        assert (ex.tokens[start] in ("not", "never")) == ex.concepts["negation"]


def test_story_negation_decides_the_mood_exactly_when_a_check_says_so():
    """Flip the negation by hand: the mood changes iff the mood check depends on negation."""
    for ex in samples("story")[:500]:
        p = parse_story(ex.tokens)
        positive = p["adjective"] in story.POSITIVE
        mood = lambda negated, positive=positive: "happy" if positive and not negated else "sad"
        changes = mood(True) != mood(False)
        assert changes == ("negation" in ex.checks[3].concepts)


def test_story_distribution():
    subjects = Counter("female" if ex.concepts["female"] else "plural" if ex.concepts["plural"] else "male"
                       for ex in samples("story"))
    assert 0.44 < (subjects["female"] + subjects["male"]) / N < 0.56
    assert abs(subjects["female"] - subjects["male"]) / N < 0.06
    attractors = Counter(sum(t in story.PREPOSITIONS for t in ex.tokens) for ex in samples("story"))
    assert 0.4 < (attractors[1] + attractors[2]) / N < 0.6 and attractors[2] > 0
    assert any(ex.tokens[:3] == (ex.tokens[0], "and", ex.tokens[2]) for ex in samples("story"))
    moods = Counter(ex.tokens[-2] for ex in samples("story"))
    assert moods["happy"] > 0.15 * N and moods["sad"] > 0.5 * N


# ---------------------------------------------------------------- sentiment, by a small rule

def sentiment_rule(tokens):
    """Positive iff the sentiment word of the deciding clause (after the last "but") is positive
    XOR that clause holds a negator."""
    clause = list(tokens)
    if "but" in clause:
        clause = clause[len(clause) - clause[::-1].index("but"):]
    good = set(sentiment.POSITIVE) | {w for pair in sentiment.POSITIVE_VERBS for w in pair}
    bad = set(sentiment.NEGATIVE) | {w for pair in sentiment.NEGATIVE_VERBS for w in pair}
    words = [t for t in clause if t in good | bad]
    assert len(words) == 1, tokens
    negated = any(t in ("not", "never", "n't") for t in clause)
    return "positive" if (words[0] in good) != negated else "negative"


def test_sentiment_labels_follow_the_rule():
    assert len(sentiment.POSITIVE) >= 15 and len(sentiment.NEGATIVE) >= 15
    assert not set(sentiment.POSITIVE) & set(sentiment.NEGATIVE)
    for ex in samples("sentiment"):
        assert ex.label == sentiment_rule(ex.tokens), ex.tokens
        assert ex.concepts["positive"] == (ex.label == "positive")
        start, end = ex.scopes["negation"]
        assert end == len(ex.tokens)
        if ex.concepts["negation"]:
            assert ex.tokens[start] in ("not", "never", "n't")
        else:
            assert not {"not", "never", "n't"} & set(ex.tokens)


def test_sentiment_covers_the_lesson_cases():
    texts = {ex.text for ex in samples("sentiment")}
    labels = Counter(ex.label for ex in samples("sentiment"))
    assert abs(labels["positive"] - labels["negative"]) < 0.1 * N
    assert any(" not bad" in t for t in texts)
    assert any(" n't " in t for t in texts) and any(" but " in t for t in texts)
    assert any(t.startswith("what a") for t in texts) and any(t.startswith("what an") for t in texts)
    for ex in samples("sentiment"):
        if ex.label == "positive" and ex.tokens[ex.scopes["positive"][0]] in sentiment.NEGATIVE:
            assert ex.concepts["negation"]             # "not bad": only negation makes it positive
    assert [sentiment_rule(tokenize(t)) for t in get_task("sentiment").examples()] == \
        ["negative", "negative", "positive", "positive", "positive"]


# ---------------------------------------------------------------- recall

def test_recall_label_structure_and_filler():
    for ex in samples("recall"):
        assert ex.tokens[:3] == ("the", "key", "is") and ex.tokens[4] == "."
        assert ex.label == ex.tokens[3] and ex.label in COLOURS
        assert ex.tokens[-6:] == ("what", "colour", "was", "the", "key", "?")
        filler = ex.tokens[5:-6]
        assert 20 <= len(filler) <= 60 and ex.distance == len(filler)
        assert not COLOURS & set(filler) and "colour" not in filler
        assert filler[-1] == "."                        # whole sentences only
        assert ex.concepts == {} and ex.scopes == {} and ex.checks == ()
    lengths = Counter(ex.distance for ex in samples("recall"))
    assert min(lengths) == 20 and max(lengths) == 60
    assert set(Counter(ex.label for ex in samples("recall"))) == COLOURS


def test_recall_filler_is_a_parameter():
    task, rng = get_task("recall"), random.Random(0)
    for bounds in ((5, 8), (0, 0), (2, 2), (30, 30)):
        for _ in range(50):
            ex = task.sample(rng, filler=bounds)
            assert bounds[0] <= ex.distance <= bounds[1]
            assert len(ex.tokens) == ex.distance + 11
    train, test = task.split(20, 5, seed=0, filler=(3, 4))
    assert all(3 <= ex.distance <= 4 for ex in train + test)
    for bad in ((1, 1), (10, 5), (-1, 3), "long", (0, 500)):
        with pytest.raises(RnnvizError):
            task.sample(rng, filler=bad)
    assert len(recall.FILLER_SENTENCES) >= 15
