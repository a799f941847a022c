"""Coverage of everyday English (issue #14, item 5): how much of a sentence a student types each
bundled model can read.

The sentences (tests/data/everyday_sentences.txt) are written for this test, not taken from the
corpus; english-lstm must know at least 95 % of their tokens, english-char-lstm every plain
character, and the synthetic-grammar models, which know a hundred-odd words, far less.
"""
from __future__ import annotations

import string

import pytest

import rnnviz
from rnnviz import corpus
from rnnviz.analysis.coverage import characters_until, everyday_sentences, everyday_text, known_share, words_until
from rnnviz.analysis.reading import MOSTLY_UNKNOWN
from rnnviz.errors import RnnvizError
from rnnviz.model import Model, ModelSpec
from rnnviz.registry import CELL_KINDS, HEADS
from rnnviz.tasks import TASKS
from rnnviz.text import PAD, SPACE, UNK, Vocab, characters, tokenize

WORD_MODEL, CHAR_MODEL = "english-lstm", "english-char-lstm"
TARGET_RATE = 0.95                                  # the goal for the word model
PLAIN = string.ascii_letters + string.digits + string.punctuation


def next_token_model(tokens: list[str], tokenizer: str = "words") -> Model:
    """An untrained next-token model whose vocabulary is <pad>, <unk> and `tokens`."""
    head = next(name for name, kind in HEADS.items() if kind.next_word)
    vocab = Vocab([PAD, UNK, *tokens])
    spec = ModelSpec(cell=next(iter(CELL_KINDS)), vocab_size=len(vocab), emb_size=2, hidden_size=2, head=head,
                     tokenizer=tokenizer)
    return Model(spec, vocab)


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return everyday_sentences()


@pytest.fixture(scope="module")
def shares(sentences) -> dict[str, dict]:
    """known_share of the sentences for every bundled model, with the model's task."""
    result = {}
    for name in rnnviz.list_models():
        model = rnnviz.load_model(name)
        result[name] = {**known_share(model, sentences), "task": model.card.get("task")}
    return result


def test_the_file_holds_a_hundred_distinct_everyday_sentences(sentences):
    assert len(set(sentences)) >= 100 and len(set(sentences)) == len(sentences)
    assert all(5 <= len(s.split()) <= 20 for s in sentences), [s for s in sentences if not 5 <= len(s.split()) <= 20]
    assert not any(s.startswith("#") for s in sentences)           # the header comment is skipped


def test_the_loader_skips_comments_and_blank_lines_and_says_when_the_file_is_missing(tmp_path):
    path = tmp_path / "sentences.txt"
    path.write_text("# what this is\nI like tea.\n\n  We won!  \n", encoding="utf-8")
    assert everyday_sentences(path) == ["I like tea.", "We won!"]
    with pytest.raises(RnnvizError, match="everyday sentences"):
        everyday_sentences(tmp_path / "missing.txt")


def test_no_sentence_is_copied_from_the_corpus(sentences):
    items = {line.strip().lower() for part in ("train", "valid", "test") for line in corpus.lines(part)}
    assert len(items) > 10_000
    assert [s for s in sentences if s.strip().lower() in items] == []


def test_known_share_counts_the_models_own_tokens():
    model = next_token_model(["the", "cat", "."])
    share = known_share(model, ["The cat didn't sit.", "the dog"])
    tokens = ["the", "cat", "did", "n't", "sit", ".", "the", "dog"]     # the word tokenizer's reading
    assert tokenize("The cat didn't sit.") + tokenize("the dog") == tokens
    assert share["tokens"] == len(tokens) and share["known"] == 4 and share["rate"] == 4 / len(tokens)
    assert share["unknown"] == [("did", 1), ("n't", 1), ("sit", 1), ("dog", 1)]
    assert known_share(model, [])["rate"] == 0.0
    assert known_share(model, ["the the dog"], top=1)["unknown"] == [("dog", 1)]


def test_a_character_model_knows_the_characters_of_its_alphabet():
    model = next_token_model(["a", "b", SPACE], tokenizer="chars")
    share = known_share(model, ["ab  c", "bé"])
    assert share["tokens"] == len(characters("ab  c")) + 2 == 6                 # two spaces read as one
    assert share["known"] == 4 and share["unknown"] == [("c", 1), ("é", 1)]


def test_english_lstm_knows_at_least_95_percent_of_everyday_tokens(shares):
    share = shares[WORD_MODEL]
    assert share["tokens"] > 1000
    assert share["rate"] >= TARGET_RATE, share


def test_english_char_lstm_never_marks_a_plain_character_unknown(sentences):
    model = rnnviz.load_model(CHAR_MODEL)
    for sentence in [*sentences, PLAIN, "Don't  stop: 3 + 4 = 7, OK?"]:
        tokens = model.tokenize(sentence)
        unknown = [t for t, known in zip(tokens, model.vocab.known(tokens)) if not known]
        assert [t for t in unknown if t in PLAIN or t == SPACE] == [], (sentence, unknown)
    assert known_share(model, sentences)["rate"] == 1.0        # the sentences are plain ASCII
    assert known_share(model, ["naïve"])["unknown"] == [("ï", 1)]   # outside the alphabet is still marked


def test_every_bundled_model_has_a_rate_and_the_real_english_one_beats_every_grammar(shares):
    assert set(shares) == set(rnnviz.list_models()) and WORD_MODEL in shares
    for name, share in shares.items():
        assert share["tokens"] > 0 and 0.0 <= share["rate"] <= 1.0, name
        assert 0 <= share["known"] <= share["tokens"], name
    grammar = {name: share["rate"] for name, share in shares.items() if share["task"] in TASKS}
    assert {share["task"] for share in shares.values()} >= set(TASKS)          # story, sentiment and recall
    assert max(grammar.values()) < shares[WORD_MODEL]["rate"], grammar
    # each grammar model reads an everyday sentence as "mostly unknown" (the app's own warning)
    assert all(1 - rate > MOSTLY_UNKNOWN for rate in grammar.values()), grammar


def test_text_for_the_bench_has_exactly_the_tokens_asked(sentences):
    words = words_until(sentences, 60, tokenize)
    assert tokenize(words) == [t for s in sentences for t in tokenize(s)][:60]
    chars = characters_until(sentences, 200)
    assert " ".join(sentences).startswith(chars) and len(chars) == 200
    assert words_until(sentences[:1], 10_000, tokenize).split() == tokenize(sentences[0])    # short: all of it
    for name, count in ((WORD_MODEL, 60), (CHAR_MODEL, 200)):
        model = rnnviz.load_model(name)
        assert len(model.tokenize(everyday_text(model, count))) == count, name
