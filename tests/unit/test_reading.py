"""analysis.reading: how much of a sentence a model can read, whether a classifier's key word is
there, and the prepared sentence nearest to one it cannot read. Expected values are computed
here from the models' vocabularies and the sentences' tokens."""
from __future__ import annotations

import pytest

import rnnviz
from rnnviz import tasks
from rnnviz.analysis.reading import MOSTLY_UNKNOWN, Reading, key_words, nearest_sentence, reading
from rnnviz.text import tokenize

EVERYDAY = "My little brother did not like the new teacher at school"      # from the issue
NO_KEY = "the cat sat on the mat . we walked home . what colour was the key ?"


@pytest.fixture(scope="module")
def prepared():
    return tasks.prepared()["tasks"]


def model(name):
    return rnnviz.load_model(name)


@pytest.mark.parametrize("name", ["story-lstm", "sentiment-lstm", "recall-gru"])
def test_the_unknown_share_counts_the_words_outside_the_vocabulary(name):
    m = model(name)
    found = reading(rnnviz.trace(m, EVERYDAY), m.vocab)
    tokens = tokenize(EVERYDAY)
    outside = sum(tok not in m.vocab for tok in tokens)
    assert (found.unknown, found.tokens) == (outside, len(tokens))
    assert found.mostly_unknown == (outside / len(tokens) > MOSTLY_UNKNOWN)
    assert found.mostly_unknown, f"{name} knows most of the everyday sentence: {found}"
    assert not found.readable


@pytest.mark.parametrize(("unknown", "tokens", "most"), [(2, 4, False), (3, 5, True), (0, 0, False), (5, 10, False)])
def test_most_means_more_than_half(unknown, tokens, most):
    assert Reading(unknown, tokens, (), False).mostly_unknown is most


def test_a_recall_answer_needs_a_colour_in_the_sentence(prepared):
    m = model("recall-gru")
    assert set(key_words(rnnviz.trace(m, NO_KEY), m.vocab)) == set(m.spec.labels)
    keyless = reading(rnnviz.trace(m, NO_KEY), m.vocab)
    assert not any(colour in tokenize(NO_KEY) for colour in m.spec.labels)
    assert keyless.missing_key and not keyless.mostly_unknown and not keyless.readable
    for sentence in prepared["recall"]:
        assert reading(rnnviz.trace(m, sentence), m.vocab).readable, sentence


@pytest.mark.parametrize("name", ["story-lstm", "sentiment-lstm"])
def test_only_a_classifier_whose_classes_are_words_has_key_words(name, prepared):
    m = model(name)
    trace = rnnviz.trace(m, prepared[m.card["task"]][0])
    assert key_words(trace, m.vocab) == ()
    assert reading(trace, m.vocab).readable


@pytest.mark.parametrize("name", ["story-lstm", "recall-gru"])
def test_the_nearest_sentence_shares_the_most_known_words(name, prepared):
    m = model(name)
    sentences = prepared[m.card["task"]]
    tokens = tokenize(EVERYDAY if name.startswith("story") else NO_KEY)
    nearest = nearest_sentence(tokens, m.vocab, sentences)
    shared = [len({t for t in tokens if t in m.vocab} & set(tokenize(s))) for s in sentences]
    assert nearest == sentences[shared.index(max(shared))]
    assert reading(rnnviz.trace(m, nearest), m.vocab).readable, "the offer is a sentence the model can read"


def test_the_nearest_sentence_is_never_the_sentence_itself(prepared):
    m = model("story-lstm")
    first, *rest = prepared["story"]
    assert nearest_sentence(tokenize(first), m.vocab, prepared["story"]) in rest
    assert nearest_sentence(tokenize(first), m.vocab, [first]) is None
    assert nearest_sentence(tokenize(first), m.vocab, []) is None
