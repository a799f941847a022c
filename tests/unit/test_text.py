"""Tokenizer and vocabulary: ordinary English, contractions, and everything a person might paste."""
import pytest

from rnnviz.errors import CheckpointError
from rnnviz.text import MAX_CHARS, UNK, Vocab, tokenize


@pytest.mark.parametrize("text,tokens", [
    ("The movie was GOOD.", ["the", "movie", "was", "good", "."]),
    ("I didn't like it, wasn't it?", ["i", "did", "n't", "like", "it", ",", "was", "n't", "it", "?"]),
    ("You can't; we won't!", ["you", "can", "n't", ";", "we", "will", "n't", "!"]),
    ("don’t", ["do", "n't"]),
    ("alice's (happy)", ["alice", "'", "s", "(", "happy", ")"]),
    ("", []),
    ("  \n\t ", []),
    ("a\u200bb \u200f c", ["ab", "c"]),
    ("<script>alert(1)</script>", ["<", "script", ">", "alert", "(", "1", ")", "<", "/", "script", ">"]),
    ("good 😀!", ["good", "😀", "!"]),
    ("مرحبا بالعالم", ["مرحبا", "بالعالم"]),
    ("ｆｕｌｌｗｉｄｔｈ", ["fullwidth"]),
])
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


def test_very_long_text_is_read_only_up_to_the_cap():
    tokens = tokenize("word " * 100_000)
    assert 0 < len(tokens) <= MAX_CHARS // 5 + 1


def test_vocab_ids_unknown_and_known_mask():
    vocab = Vocab(["<pad>", UNK, "the", "movie"])
    assert vocab.ids(["the", "zebra", "movie"]) == [2, 1, 3]
    assert vocab.known(["the", "zebra", "<unk>", "<pad>"]) == [True, False, False, False]
    assert "movie" in vocab and "<unk>" not in vocab and len(vocab) == 4


def test_vocab_from_text_keeps_ids_and_rejects_junk(tmp_path):
    assert Vocab.from_text("a\nb\nc\n").tokens == ["a", "b", "c"]
    assert Vocab.from_text(b"a\nb").tokens == ["a", "b"]
    assert Vocab.from_text("x\ny\nx\n").stoi["x"] == 0                  # first occurrence wins
    with pytest.raises(CheckpointError, match="UTF-8"):
        Vocab.from_text(b"\xff\xfe\x00")
    with pytest.raises(CheckpointError, match="empty"):
        Vocab([])
    with pytest.raises(CheckpointError, match="Could not read"):
        Vocab.from_file(tmp_path / "missing.txt")
