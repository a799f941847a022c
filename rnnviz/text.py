"""Text to tokens to ids: a word tokenizer close to the lesson's `basic_english`, a character
tokenizer for the character-level models, and the vocabulary."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .errors import CheckpointError

MAX_TOKENS = 200          # longer texts are cut here (the app says so)
MAX_CHARS = 20_000        # text beyond this is not even read
MAX_VOCAB = 200_000
PAD, UNK = "<pad>", "<unk>"
SPACE = "\u2423"         # "␣": a space, as the character models' token (so every picture shows it)

_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_NEGATION = re.compile(r"(\w)n[’']t\b")        # "wasn't" -> "was n't", "don't" -> "do n't"
_IRREGULAR = {"can't": "can n't", "won't": "will n't", "shan't": "shall n't", "ain't": "is n't"}
_TOKEN = re.compile(r"n't|[^\W_]+|[^\w\s]|_")


def tokenize(text: str) -> list[str]:
    """Lower-case words, numbers and single punctuation marks, like torchtext's basic_english.

    Contractions keep their negation as a token of its own, "n't", so a model can learn it:
    "I didn't like it!" -> ["i", "did", "n't", "like", "it", "!"].
    Invisible characters (zero-width, direction marks) are dropped; emoji become tokens.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).lower().replace("’", "'")
    text = _INVISIBLE.sub("", text)
    for word, split in _IRREGULAR.items():
        text = re.sub(rf"\b{word}\b", split, text)
    text = _NEGATION.sub(r"\1 n't", text)
    return _TOKEN.findall(text)


_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                        "\u2014": "-", "\u00a0": " ", "\t": " ", "\n": " ", "\r": " "})


def characters(text: str) -> list[str]:
    """One token per character, case kept, for the character-level models: typographic quotes and
    dashes become their plain forms, any run of spaces, tabs and line breaks becomes one SPACE,
    invisible characters are dropped. "Don’t  go!" -> ["D", "o", "n", "'", "t", "␣", "g", "o", "!"].
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text[:MAX_CHARS]).translate(_PLAIN))
    return [SPACE if c == " " else c for c in " ".join(text.split())]


TOKENIZERS = {"words": tokenize, "chars": characters}    # ModelSpec.tokenizer -> its function


class Vocab:
    """Token <-> id. Unknown words map to `<unk>` if the list has it, else to id 0 (the lesson's rule)."""

    def __init__(self, tokens: list[str]):
        if not tokens:
            raise CheckpointError("The vocabulary is empty: it needs one token per line.")
        if len(tokens) > MAX_VOCAB:
            raise CheckpointError(f"The vocabulary has {len(tokens):,} tokens; the limit is {MAX_VOCAB:,}.")
        self.tokens = list(tokens)
        self.stoi = {}
        for i, token in enumerate(self.tokens):
            self.stoi.setdefault(token, i)
        self.unk_id = self.stoi.get(UNK, 0)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi and token not in (PAD, UNK)

    def ids(self, tokens: list[str]) -> list[int]:
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def known(self, tokens: list[str]) -> list[bool]:
        """Whether the model has its own embedding for each token."""
        return [t in self for t in tokens]

    @classmethod
    def from_file(cls, path: str | Path) -> Vocab:
        """A token-list file: line i holds the token with id i (as the notebook exports it)."""
        try:
            return cls.from_text(Path(path).read_bytes())
        except OSError as err:
            raise CheckpointError(f"Could not read the vocabulary file: {err.strerror}.") from None

    @classmethod
    def from_text(cls, data: str | bytes) -> Vocab:
        """One token per line; a final newline ends the last line rather than adding an empty token."""
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError:
                raise CheckpointError("The vocabulary file must be UTF-8 text, one token per line.") from None
        lines = data.split("\n")
        return cls(lines[:-1] if data.endswith("\n") else lines)
