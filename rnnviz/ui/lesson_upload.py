"""Streamlit glue for Your lesson model: open the classifier a student trained in the lesson's
notebook (its state_dict and its vocabulary, uploaded as two files) as this session's model.

Nothing in an upload is ever run: load_lesson_model checks sizes and loads with weights_only.
The model reads text as the notebook does: torchtext's basic_english unless the student picks
another tokenizer, and the lesson's pooling for the cell (the RNN classifier's mean).
"""
from __future__ import annotations

import streamlit as st

from rnnviz.checkpoints import SAVE_STATE_DICT
from rnnviz.errors import CheckpointError
from rnnviz.i18n import known, t
from rnnviz.lesson import EXPORT_CODE, lesson_pooling, load_lesson_model
from rnnviz.model import Model
from rnnviz.registry import POOLINGS, cell_kind
from rnnviz.text import TOKENIZERS
from rnnviz.ui import keys, loaders
from rnnviz.ui.controls import use_model
from rnnviz.ui.make import DEFAULT_CELL
from rnnviz.vocab_files import MAX_VOCAB_FILE_BYTES

MAX_VOCAB_BYTES = MAX_VOCAB_FILE_BYTES
DEFAULT_LABELS = "World, Sports, Business, Sci/Tech"
DEFAULT_TOKENIZER = "basic_english"          # the lesson's: torchtext's get_tokenizer("basic_english")
TOKENIZER_CHOICES = tuple(TOKENIZERS)
# What the uploaders take: the formats that open, and the pickles a student may have saved instead,
# so the refusal can say what the file is and what to do (nothing in them is ever unpickled).
WEIGHTS_TYPES = ["pt", "pth", "tar", "ckpt", "bin", "pkl"]
VOCAB_TYPES = ["txt", "json", "pkl", "pickle", "pt", "pth"]
# The notebook's lines: the weights, then the vocabulary as text (torchtext 0.9.1's itos or a newer get_itos()).
NOTEBOOK_CODE = f"{SAVE_STATE_DICT}\n{EXPORT_CODE}"


def labels_from(text: str) -> list[str]:
    return [label.strip() for label in (text or "").split(",") if label.strip()]


def open_lesson_files(weights: bytes, vocab: bytes, cell: str, pooling: str | None, labels: list[str],
                      tokenizer: str = DEFAULT_TOKENIZER) -> Model:
    """The notebook's state_dict and vocabulary (bytes) as a Model, or CheckpointError saying why.

    load_lesson_model checks size, loads with weights_only (nothing in a file is ever run) and
    checks every shape against the vocabulary and the cell."""
    if len(vocab) > MAX_VOCAB_BYTES:
        raise CheckpointError(t("make.vocab_too_large", mb=MAX_VOCAB_BYTES // 2**20))
    return load_lesson_model(weights, vocab, cell=cell, pooling=pooling, labels=labels or None, tokenizer=tokenizer)


def open_upload() -> None:
    """Button callback: open the two uploaded files; the result (or its Problem) goes to LESSON_RESULT."""
    state = st.session_state
    weights, vocab = state.get(keys.WEIGHTS_FILE), state.get(keys.VOCAB_FILE)
    if weights is None or vocab is None:
        state[keys.LESSON_RESULT] = ("error", ("make.upload_both", {}))
        return
    cell = state.get(keys.LESSON_CELL, DEFAULT_CELL)
    pooling = state.get(keys.lesson_pooling(cell), lesson_pooling(cell))
    try:
        model = open_lesson_files(weights.getvalue(), vocab.getvalue(), cell, pooling,
                                  labels_from(state.get(keys.LESSON_LABELS, DEFAULT_LABELS)),
                                  state.get(keys.LESSON_TOKENIZER, DEFAULT_TOKENIZER))
    except CheckpointError as err:
        state[keys.LESSON_RESULT] = ("error", str(err))
        return
    except Exception as err:  # noqa: BLE001 — never a traceback for a bad upload
        state[keys.LESSON_RESULT] = ("error", ("make.upload_failed", {"kind": type(err).__name__}))
        return
    own = loaders.session_models()
    name = f"lesson-{cell}-{1 + sum(1 for n in own if n.startswith(f'lesson-{cell}-'))}"
    title = cell_kind(cell).title
    model.card = {**model.card, "description": f"your lesson {title} classifier, uploaded in this session"}
    own[name] = model
    state[keys.LESSON_RESULT] = ("ok", name)
    use_model(name)


def lesson_summary(model: Model, text: str) -> dict:
    """What was found in the files, how the model splits text, and how much of `text` the
    vocabulary knows: {label: value}, labels in the current language (the class names stay as
    the files have them)."""
    spec, tokens = model.spec, model.tokenize(text or "")
    known_words = sum(model.vocab.known(tokens))
    found = {"cell": spec.cell_kind.title, "layers": spec.layers, "directions": spec.directions,
             "embedding": spec.emb_size, "hidden": spec.hidden_size, "vocabulary": len(model.vocab),
             "classes": ", ".join(spec.labels), "pooling": pooling_label(spec.pooling),
             "tokenizer": tokenizer_label(model.tokenizer_name),
             "known": t("make.summary.known_of", known=known_words, total=len(tokens))
             + (f" ({known_words / len(tokens):.0%})" if tokens else "")}
    return {t(f"make.summary.{what}"): value for what, value in found.items()}


def lesson_notes(model: Model) -> dict:
    """The two things a sentence each says better than a table cell: how an unknown word is read,
    and where in the file the weights were. {label: sentence}, in the current language."""
    return {t("make.summary.unknown"): unknown_rule(model),
            t("make.summary.weights"): weights_origin(model.card.get("weights"))}


def pooling_label(pooling: str) -> str:
    """How a classifier reads its states: "the last state", "the mean of all states"."""
    return t(f"make.pooling.{pooling}") if pooling in POOLINGS else pooling


def tokenizer_label(name: str) -> str:
    """A tokenizer as the page names it: "basic_english (the lesson's tokenizer)"."""
    key = f"your_model.tokenizer_name.{name}"
    return t(key) if known(key) else name


def unknown_rule(model: Model) -> str:
    """How the vocabulary reads a word it lacks, in the words of its layout (Vocab.layout)."""
    vocab = model.vocab
    return t(f"your_model.unknown.{vocab.layout}", token=vocab.tokens[vocab.unk_id] or '""', id=vocab.unk_id)


def weights_origin(found: dict | None) -> str:
    """Where in the file the weights were: a plain state_dict, or a checkpoint's entry (what else it held)."""
    found = found or {}
    if found.get("entry"):
        ignored = ", ".join(found.get("ignored") or ())
        said = t("your_model.weights_from.entry", entry=found["entry"], ignored=ignored) if ignored else (
            t("your_model.weights_from.entry_only", entry=found["entry"]))
    else:
        said = t("your_model.weights_from.plain")
    return said + (t("your_model.weights_from.prefix", prefix=found["prefix"]) if found.get("prefix") else "")
