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


# ---- a character-level model: its tokens are characters, its unknown ones outside the alphabet ----

def char_model():
    """An untrained character-level next-token model over the corpus task's alphabet (only its
    tokenizer and vocabulary matter here)."""
    from rnnviz.model import Model, ModelSpec
    from rnnviz.tasks.english import ALPHABET
    from rnnviz.text import PAD, UNK, Vocab
    vocab = Vocab([PAD, UNK, *ALPHABET])
    spec = ModelSpec("lstm", len(vocab), 4, 4, head="lm", tokenizer="chars")
    return Model(spec, vocab).eval()


def test_a_character_model_reads_characters_and_counts_only_those_outside_its_alphabet():
    m = char_model()
    text = "Café au lait, naïve!"
    found = reading(rnnviz.trace(m, text), m.vocab)
    chars = m.tokenize(text)
    outside = [c for c in chars if c not in m.vocab]
    assert found.tokens == len(chars) != len(tokenize(text))
    assert found.unknown == len(outside) and sorted(outside) == ["é", "ï"]
    assert found.readable, "two unknown characters in twenty do not make a sentence unreadable"
    assert reading(rnnviz.trace(m, EVERYDAY), m.vocab).unknown == 0, "no plain English letter is unknown"


def test_a_mostly_foreign_text_is_unreadable_to_a_character_model():
    m = char_model()
    text = "Ελληνικά γράμματα"          # Greek: every letter outside the ASCII alphabet
    found = reading(rnnviz.trace(m, text), m.vocab)
    assert found.unknown == sum(c not in m.vocab for c in m.tokenize(text)) == len(m.tokenize(text)) - 1
    assert found.mostly_unknown and not found.readable


def test_the_nearest_sentence_splits_the_prepared_ones_with_the_models_tokenizer(prepared):
    m = char_model()
    sentences = prepared["english-chars"]
    typed = "A friend in need"
    tokens = m.tokenize(typed)
    nearest = nearest_sentence(tokens, m.vocab, sentences, tokens_of=m.tokenize)
    shared = [len(set(tokens) & set(m.tokenize(s))) for s in sentences]
    assert nearest == sentences[shared.index(max(shared))]
    first = sentences[0]
    assert nearest_sentence(m.tokenize(first), m.vocab, sentences, tokens_of=m.tokenize) != first
    assert nearest_sentence(m.tokenize(first), m.vocab, [first], tokens_of=m.tokenize) is None, \
        "the sentence itself, split into characters, is never offered"
    assert nearest_sentence(m.tokenize(first), m.vocab, [first]) == first, \
        "split into words it would not be recognised as itself: the tokenizer matters"
