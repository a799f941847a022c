"""A lesson model's vocabulary, in whatever form the notebook left it, as a Vocab.

Read: a text file (UTF-8 with or without a BOM; lines ending in \\n, \\r\\n or \\r; line i = the
token with id i), a JSON list of tokens or a JSON token→id object (compact or indented, told
apart from a token list by its content), a Python list, a token→id dict, or the vocabulary object
itself (torchtext's new Vocab has `get_itos()`, the lesson's torchtext 0.9.1 `itos`; Keras's
TextVectorization `get_vocabulary()`). Refused, saying what the file is and what to do: a pickled
vocabulary, a weights file, binary data, UTF-16, an empty file, ids with gaps or repeats.

How an unknown word is read depends on the layout (Vocab.layout, describe_unknown): torchtext
0.9's Vocab puts <unk> (id 0) and <pad> (id 1) first; newer torchtext has <unk> only where the
student put it, or no specials at all; Keras starts with "" (padding) and [UNK].
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from .errors import CheckpointError
from .pickled import pickled_kind
from .text import Vocab

MAX_VOCAB_FILE_BYTES = 8 * 2**20
KERAS_SPECIALS = ("", "[UNK]")           # TextVectorization's padding and out-of-vocabulary tokens

# What the notebook runs to write its vocabulary: torchtext 0.9.1 (the lesson's) has `vocab.itos`,
# newer torchtext `vocab.get_itos()`; UTF-8 and "\n" whatever the computer. EXPORT_CODE is shown
# on the page, EXPORT_LINE (the same, one line) in messages, which stay one line for the CLI.
EXPORT_CODE = ('itos = vocab.get_itos() if hasattr(vocab, "get_itos") else vocab.itos\n'
               'with open("vocab.txt", "w", encoding="utf-8", newline="\\n") as f:\n'
               '    f.write("\\n".join(itos) + "\\n")')
EXPORT_LINE = ('with open("vocab.txt", "w", encoding="utf-8", newline="\\n") as f: f.write("\\n".join('
               'vocab.get_itos() if hasattr(vocab, "get_itos") else vocab.itos) + "\\n")')
WRITE_IT = f"Write its tokens as text in the notebook with: {EXPORT_LINE}"
COUNTS = "(If the numbers are word counts, this is the Counter the vocabulary was built from, not the vocabulary.)"


def read_vocab(vocab) -> Vocab:
    """`vocab` as a Vocab: a path (str or Path), bytes, a token list, a token→id dict, a
    torchtext-like object (`get_itos()` or `itos`, its default index kept as the unknown-word id),
    or a Vocab (returned as it is)."""
    if isinstance(vocab, Vocab):
        return vocab
    if isinstance(vocab, (str, Path)):
        return read_vocab_bytes(_file_bytes(Path(vocab)))
    if isinstance(vocab, (bytes, bytearray, memoryview)):
        return read_vocab_bytes(bytes(vocab))
    if hasattr(vocab, "getvalue") or hasattr(vocab, "read"):     # an open file, an upload
        data = vocab.getvalue() if hasattr(vocab, "getvalue") else vocab.read(MAX_VOCAB_FILE_BYTES + 1)
        return read_vocab_bytes(data.encode("utf-8") if isinstance(data, str) else bytes(data))
    if isinstance(vocab, Counter):
        raise CheckpointError("This is a Counter of word counts: the vocabulary was built from it, but the ids are "
                              f"not in it. Pass the vocabulary itself (vocab.itos or vocab.get_itos()). {WRITE_IT}")
    if isinstance(vocab, Mapping):
        return from_token_ids(vocab)
    if isinstance(vocab, (list, tuple)):
        return from_tokens(list(vocab), "list")
    for method in ("get_itos", "get_vocabulary"):
        if callable(getattr(vocab, method, None)):
            return from_tokens(list(getattr(vocab, method)()), f"{method}()", _default_index(vocab))
    if isinstance(getattr(vocab, "itos", None), (list, tuple)):
        return from_tokens(list(vocab.itos), "itos", _default_index(vocab))
    raise CheckpointError("A vocabulary is a file, a list of tokens, a token→id dict or a torchtext vocab "
                          f"(with get_itos() or itos), not a {type(vocab).__name__}.")


def read_vocab_bytes(data: bytes) -> Vocab:
    """A vocabulary file's contents: a token per line, or JSON (list or token→id object)."""
    if len(data) > MAX_VOCAB_FILE_BYTES:
        raise CheckpointError(f"The vocabulary file is larger than {MAX_VOCAB_FILE_BYTES // 2**20} MB.")
    if not data.strip():
        raise CheckpointError("The vocabulary file is empty: the export in the notebook wrote nothing. "
                              f"{WRITE_IT}")
    _refuse_binary(data)
    text = data.decode("utf-8").removeprefix("\ufeff")
    if _looks_like_json(text):
        return _from_json(text)
    return from_tokens(_lines(text), "file")


def from_tokens(tokens: list, where: str = "list", unk_id: int | None = None) -> Vocab:
    """Token i has id i. Keras's layout ("" then [UNK] first) reads unknown words as [UNK]."""
    bad = next((i for i, token in enumerate(tokens) if not isinstance(token, str)), None)
    if bad is not None:
        raise CheckpointError(f"A vocabulary {where} must hold tokens (strings): item {bad} is a "
                              f"{type(tokens[bad]).__name__}.")
    if not any(tokens):
        raise CheckpointError(f"The vocabulary {where} is empty: it needs one token per id.")
    if tokens[:2] == list(KERAS_SPECIALS) and unk_id in (None, 1):
        return Vocab(tokens, unk=KERAS_SPECIALS[1], specials=KERAS_SPECIALS)
    return Vocab(tokens, unk_id=unk_id)


def from_token_ids(mapping: Mapping) -> Vocab:
    """A token→id dict (torchtext's get_stoi(), a JSON object): the ids must be 0 … N−1, each once."""
    if not mapping:
        raise CheckpointError("The token→id map is empty.")
    bad = next(((k, v) for k, v in mapping.items()
                if not (isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool))), None)
    if bad is not None:
        raise CheckpointError(f"A token→id map must map each token (a string) to its id (a whole number), but "
                              f"{str(bad[0])[:40]!r} maps to a {type(bad[1]).__name__}.")
    by_id: dict[int, str] = {}
    for token, i in mapping.items():
        if i in by_id:
            raise CheckpointError(f"The token→id map gives id {i} to both {by_id[i]!r} and {token!r}: "
                                  f"each id must belong to one token. {COUNTS}")
        by_id[i] = token
    missing = sorted(set(range(len(by_id))) - set(by_id))
    if missing:
        raise CheckpointError(f"The token→id map's ids must run from 0 to {len(by_id) - 1} without gaps: "
                              f"id {missing[0]} is missing (the largest is {max(by_id)}). {COUNTS} {WRITE_IT}")
    return from_tokens([by_id[i] for i in range(len(by_id))], "map")


def describe_unknown(vocab: Vocab) -> str:
    """How `vocab` reads a word it does not have, in the words of its layout (English; the app's
    catalogues say the same per Vocab.layout)."""
    token = vocab.tokens[vocab.unk_id]
    return {
        "torchtext_legacy": "Unknown words are read as <unk>, id 0, as torchtext 0.9's Vocab does "
                            "(the lesson's layout: <unk> is id 0, <pad> id 1).",
        "keras": "Unknown words are read as [UNK], id 1, as Keras's TextVectorization does (id 0, the empty "
                 "token, is padding).",
        "unk_token": f"Unknown words are read as {token}, id {vocab.unk_id}, where this vocabulary has it (as newer "
                     f"torchtext does after vocab.set_default_index(vocab[{token!r}])).",
        "default_index": f"Unknown words are read as id {vocab.unk_id} ({token!r}), the default index the "
                         "vocabulary object was given (vocab.set_default_index).",
        "no_unk": f"This vocabulary has no token for unknown words (torchtext's vocab() without specials): rnnviz "
                  f"reads an unknown word as id 0 ({token!r}) and marks it unknown; the notebook would raise an "
                  "error on such a word unless vocab.set_default_index(…) was called.",
    }[vocab.layout]


def _file_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_VOCAB_FILE_BYTES:
            raise CheckpointError(f"{path.name} is larger than {MAX_VOCAB_FILE_BYTES // 2**20} MB, the limit "
                                  "for a vocabulary file.")
        return path.read_bytes()
    except OSError as err:
        hint = " (that looks like the vocabulary's text, not a file name)" if "\n" in str(path) else ""
        raise CheckpointError(f"Could not read the vocabulary file: {err.strerror}{hint}.") from None


def _refuse_binary(data: bytes) -> None:
    """Whatever is not a text vocabulary, said as what it is and what to do."""
    if data[:1] == b"\x80" or data[:4] == b"PK\x03\x04":      # a pickle's PROTO opcode; torch.save's zip
        if pickled_kind(data) == "tensors":
            raise CheckpointError("This is a PyTorch weights file (a state_dict), not the vocabulary: open it "
                                  "as the weights, and the vocabulary as a text file.")
        raise CheckpointError("This is a pickled vocab object (rnnviz never unpickles one: that could run code): "
                              f"write its tokens as text with: {EXPORT_LINE}")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise CheckpointError("This vocabulary file is UTF-16 text: save it as UTF-8 instead "
                              f"(open(…, \"w\", encoding=\"utf-8\")). {WRITE_IT}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CheckpointError(f"The vocabulary file is not UTF-8 text (byte {err.start} is not): it should be "
                              f"one token per line. {WRITE_IT}") from None
    if "\x00" in text:
        raise CheckpointError(f"The vocabulary file holds binary data, not one token per line. {WRITE_IT}")


def _looks_like_json(text: str) -> bool:
    """A JSON list or object, not a token file whose first token is "[" or "{": the first two
    characters that are not spaces are [" or [] or {" or {}."""
    start = "".join(text.split())[:2]
    return start in ('["', "[]", '{"', "{}") or (start[:1] == '"' and _parses_as_json(text))


def _parses_as_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _from_json(text: str) -> Vocab:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise CheckpointError(f"The vocabulary looks like JSON but is not valid JSON (line {err.lineno}: "
                              f"{err.msg}). Write a JSON list of tokens, or one token per line.") from None
    if isinstance(value, list):
        return from_tokens(value, "JSON list")
    if isinstance(value, dict):
        return from_token_ids(value)
    raise CheckpointError(f"This JSON holds a {type(value).__name__}, not a vocabulary: write a JSON list of "
                          "tokens (json.dump(itos, f)) or a token→id object, or one token per line.")


def _lines(text: str) -> list[str]:
    """Line i is token i: a line's \\r (a Windows file) belongs to its ending, not its token, and a
    newline after the last line ends it rather than adding an empty token."""
    lines = text.split("\r") if "\n" not in text else [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if len(lines) > 1 and lines[-1] == "" else lines


def _default_index(vocab) -> int | None:
    """The unknown-word id a vocabulary object was given: new torchtext's get_default_index(), the
    legacy Vocab's unk_index; None when it has none."""
    getter = getattr(vocab, "get_default_index", None)
    index = getter() if callable(getter) else getattr(vocab, "unk_index", None)
    return index if isinstance(index, int) and not isinstance(index, bool) else None
