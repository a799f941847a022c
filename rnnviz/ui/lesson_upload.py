"""Streamlit glue for Your lesson model: open the classifier a student trained in the lesson's
notebook (its state_dict and its vocabulary, uploaded as two files) as this session's model.

Nothing in an upload is ever run: load_lesson_model checks sizes and loads with weights_only.
"""
from __future__ import annotations

import streamlit as st

from rnnviz.errors import CheckpointError
from rnnviz.i18n import t
from rnnviz.lesson import load_lesson_model
from rnnviz.model import Model
from rnnviz.registry import POOLINGS, cell_kind
from rnnviz.ui import keys, loaders
from rnnviz.ui.controls import use_model
from rnnviz.ui.make import DEFAULT_CELL

MAX_VOCAB_BYTES = 8 * 2**20
DEFAULT_LABELS = "World, Sports, Business, Sci/Tech"
NOTEBOOK_CODE = ('torch.save(net.state_dict(), "model.pt")\n'
                 'open("vocab.txt", "w").write("\\n".join(vocab.get_itos()))')


def labels_from(text: str) -> list[str]:
    return [label.strip() for label in (text or "").split(",") if label.strip()]


def open_lesson_files(weights: bytes, vocab: bytes, cell: str, pooling: str, labels: list[str]) -> Model:
    """The notebook's state_dict and vocabulary (bytes) as a Model, or CheckpointError saying why.

    load_lesson_model checks size, loads with weights_only (nothing in a file is ever run) and
    checks every shape against the vocabulary and the cell."""
    if len(vocab) > MAX_VOCAB_BYTES:
        raise CheckpointError(t("make.vocab_too_large", mb=MAX_VOCAB_BYTES // 2**20))
    return load_lesson_model(weights, vocab, cell=cell, pooling=pooling, labels=labels or None)


def open_upload() -> None:
    """Button callback: open the two uploaded files; the result (or its Problem) goes to LESSON_RESULT."""
    state = st.session_state
    weights, vocab = state.get(keys.WEIGHTS_FILE), state.get(keys.VOCAB_FILE)
    if weights is None or vocab is None:
        state[keys.LESSON_RESULT] = ("error", ("make.upload_both", {}))
        return
    cell = state.get(keys.LESSON_CELL, DEFAULT_CELL)
    pooling = state.get(keys.lesson_pooling(cell), cell_kind(cell).lesson_pooling)
    try:
        model = open_lesson_files(weights.getvalue(), vocab.getvalue(), cell, pooling,
                                  labels_from(state.get(keys.LESSON_LABELS, DEFAULT_LABELS)))
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
    """What was found in the files, and how much of `text` the vocabulary knows: {label: value},
    labels in the current language (the class names stay as the files have them)."""
    spec, tokens = model.spec, model.tokenize(text or "")
    known = sum(model.vocab.known(tokens))
    found = {"cell": spec.cell_kind.title, "layers": spec.layers, "directions": spec.directions,
             "embedding": spec.emb_size, "hidden": spec.hidden_size, "vocabulary": len(model.vocab),
             "classes": ", ".join(spec.labels), "pooling": pooling_label(spec.pooling),
             "known": t("make.summary.known_of", known=known, total=len(tokens))
             + (f" ({known / len(tokens):.0%})" if tokens else "")}
    return {t(f"make.summary.{what}"): value for what, value in found.items()}


def pooling_label(pooling: str) -> str:
    """How a classifier reads its states: "the last state", "the mean of all states"."""
    return t(f"make.pooling.{pooling}") if pooling in POOLINGS else pooling
