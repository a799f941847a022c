"""Text to tokens to ids: rnnviz's word tokenizer, a character tokenizer for the character-level
models, the lesson's own `basic_english` (torchtext's rules, exactly), Keras's default text
standardisation, and the vocabulary."""
from __future__ import annotations

import re
import string
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


# torchtext's basic_english, rule by rule, applied in this order to the lower-cased text.
_BASIC_ENGLISH = [(re.compile(pattern), spaced) for pattern, spaced in (
    (r"'", " '  "), (r'"', ""), (r"\.", " . "), (r"<br \/>", " "), (r",", " , "), (r"\(", " ( "),
    (r"\)", " ) "), (r"!", " ! "), (r"\?", " ? "), (r";", " "), (r":", " "), (r"\s+", " "))]


def basic_english(text: str) -> list[str]:
    """The lesson's tokenizer, torchtext's `get_tokenizer("basic_english")`, reproduced exactly:
    lower-case; a space either side of ' . , ( ) ! ?; drop "; ; and : and "<br />" become spaces;
    split on whitespace. Everything else stays inside its word: "don't" -> ["don", "'", "t"],
    "--" and "$600" and "well-known" stay whole. (Text beyond MAX_CHARS is not read.)
    """
    text = text[:MAX_CHARS].lower()
    for rule, spaced in _BASIC_ENGLISH:
        text = rule.sub(spaced, text)
    return text.split()


_KERAS_PUNCTUATION = re.compile(r"[!\"#$%&()\*\+,\-\./:;<=>?@\[\\\]^_`{|}~']")


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_ASCII_SPACE = re.compile(r"[ \t\n\r\x0b\x0c]+")


def keras_standard(text: str) -> list[str]:
    """Keras's TextVectorization with its defaults (standardize="lower_and_strip_punctuation",
    split="whitespace"), as TensorFlow's string ops do it: lower-case A-Z only (tf.strings.lower
    leaves "É" as it is), delete every ASCII punctuation mark, split on ASCII whitespace.
    "Don't stop!" -> ["dont", "stop"]."""
    text = _KERAS_PUNCTUATION.sub("", text[:MAX_CHARS].translate(_ASCII_LOWER))
    return [token for token in _ASCII_SPACE.split(text) if token]


# ModelSpec.tokenizer -> its function. "words" and "chars" are rnnviz's own models; a lesson
# model reads with "basic_english", a Keras model with "keras".
TOKENIZERS = {"words": tokenize, "chars": characters, "basic_english": basic_english, "keras": keras_standard}


class Vocab:
    """Token <-> id. An unknown word maps to `unk_id` when given (a vocabulary object's default
    index), else to the `unk` token if the list has it, else to id 0. `specials` are tokens that
    are not words (padding, the unknown word): a text token equal to one of them still counts as
    unknown. Keras's layout is Vocab(tokens, unk="[UNK]", specials=("", "[UNK]")).

    `layout` names which of the lesson's layouts this is, so a page can say how an unknown word is
    read (rnnviz.vocab_files.describe_unknown): files are read by rnnviz.vocab_files.read_vocab."""

    def __init__(self, tokens: list[str], unk: str = UNK, specials: tuple[str, ...] = (PAD, UNK),
                 unk_id: int | None = None):
        if not tokens:
            raise CheckpointError("The vocabulary is empty: it needs one token per line.")
        if len(tokens) > MAX_VOCAB:
            raise CheckpointError(f"The vocabulary has {len(tokens):,} tokens; the limit is {MAX_VOCAB:,}.")
        if unk_id is not None and not (isinstance(unk_id, int) and 0 <= unk_id < len(tokens)):
            raise CheckpointError(f"The unknown-word id must be a token id from 0 to {len(tokens) - 1}, "
                                  f"not {unk_id!r}.")
        self.tokens = list(tokens)
        self.stoi = {}
        for i, token in enumerate(self.tokens):
            self.stoi.setdefault(token, i)
        self.unk, self.unk_id_given = unk, unk_id is not None
        self.unk_id = self.stoi.get(unk, 0) if unk_id is None else unk_id
        self.specials = frozenset(specials)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi and token not in self.specials

    @property
    def layout(self) -> str:
        """How this vocabulary came to read unknown words as `unk_id`:
        "torchtext_legacy" (<unk> 0 and <pad> 1 first: torchtext 0.9's Vocab, the lesson's),
        "keras" ("" 0 and [UNK] 1: TextVectorization), "unk_token" (an unknown-word token
        where the list has it), "default_index" (an id the vocabulary object set, no such token),
        "no_unk" (no unknown-word token at all: id 0, whatever word that is)."""
        if self.tokens[:2] == [UNK, PAD] and self.unk_id == 0:
            return "torchtext_legacy"
        if self.tokens[:2] == ["", "[UNK]"] and self.unk_id == 1:
            return "keras"
        if self.stoi.get(self.unk) == self.unk_id:
            return "unk_token"
        return "default_index" if self.unk_id_given else "no_unk"

    def ids(self, tokens: list[str]) -> list[int]:
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def known(self, tokens: list[str]) -> list[bool]:
        """Whether the model has its own embedding for each token."""
        return [t in self for t in tokens]

    @classmethod
    def from_file(cls, path: str | Path) -> Vocab:
        """A vocabulary file in any layout rnnviz reads (rnnviz.vocab_files.read_vocab)."""
        from .vocab_files import read_vocab  # vocab_files builds Vocabs: imported when used
        return read_vocab(Path(path))

    @classmethod
    def from_text(cls, data: str | bytes) -> Vocab:
        """A vocabulary file's contents (text, or bytes as read): one token per line or JSON."""
        from .vocab_files import read_vocab_bytes
        return read_vocab_bytes(data.encode("utf-8") if isinstance(data, str) else data)
