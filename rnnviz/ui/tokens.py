"""The sentence as a model reads it, said on the page: its tokens as chips (a word, or a character,
"␣" for a space), what "?" on an unknown one means, what the model knows, and, above a
prediction, whether the model can read the sentence at all (analysis.reading), with the nearest
prepared sentence one click away.

Each says it in the words that fit how the model reads (controls.worded): a word model's
unknown tokens are words never seen in training, a character model's are characters outside its
alphabet.
"""
from __future__ import annotations

import streamlit as st

from rnnviz.analysis import reading
from rnnviz.i18n import t
from rnnviz.ui import controls, keys, loaders

KNOWN_LIST_LIMIT = 1_000        # a vocabulary larger than this is counted, not listed, under the sentence


def token_chips(trace, name: str) -> None:
    """The sentence as model `name` sees it: one chip per token (a word, or a character, "␣" for a
    space), unknown ones marked "?" (and what "?" means, whenever one is); then what it knows: the
    list, or for a large vocabulary its size."""
    model = loaders.get_model(name)
    chips = [f":blue-background[{_chip(tok)}]" if known else f":orange-background[{_chip(tok)} ?]"
             for tok, known in zip(trace.tokens, trace.known)]
    st.markdown(" ".join(chips))
    unknown = reading.reading(trace, model.vocab).unknown
    if unknown:
        st.caption(controls.worded("controls.unknown_tokens", model, unknown=unknown, steps=trace.steps))
    words = sorted(tok for tok in model.vocab.tokens if tok in model.vocab)
    if len(words) > KNOWN_LIST_LIMIT:
        st.caption(t("controls.known_words_many", count=f"{len(words):,}"))
        return
    with st.expander(controls.worded("controls.known_words", model, count=len(words))):
        st.text(" ".join(words))


def _chip(token: str) -> str:
    """A token as markdown text: escaped, and its hyphens non-breaking ones (U+2011, which look the
    same), since the markdown renderer turns "--" into a dash even when it is escaped."""
    return controls.md_escape(token).replace("\\-", "\u2011")


def unknown_mark(trace, name: str) -> None:
    """One plain line saying what the "?" / "(?)" on the unknown tokens of model `name`'s reading
    means (if one is): a word never seen in training, or a character outside the alphabet."""
    if not trace.known.all():
        st.caption(controls.worded("controls.unknown_mark", loaders.get_model(name)))


def unknown_notice(trace, model_name: str) -> reading.Reading:
    """Above a prediction, once per page: when the model cannot read the sentence (most words
    unknown, or a classifier's key word missing: analysis.reading), say so, with a button that
    loads the task's prepared sentence nearest to it. Returns the reading; a page shows a
    classifier's answer on an unreadable sentence with `answer_caption`, not as "99 % sure"."""
    model = loaders.get_model(model_name)
    found = reading.reading(trace, model.vocab)
    if found.readable:
        return found
    name = controls.md_escape(model_name)
    why = [controls.worded("controls.cannot_read_unknown", model, name=name, unknown=found.unknown, steps=found.tokens)
           if found.mostly_unknown else "",
           t("controls.cannot_read_no_key", name=name, classes=", ".join(found.key_words)) if found.missing_key else ""]
    st.warning(" ".join(w for w in why if w), icon=":material/help:")
    prepared = controls.examples()["tasks"].get(controls.task_of(model_name), [])
    nearest = reading.nearest_sentence(trace.tokens, model.vocab, prepared, tokens_of=model.tokenize)
    if nearest:
        st.button(t("controls.try_nearest", sentence=controls.md_escape(nearest)), key=keys.TRY_NEAREST, on_click=_read,
                  args=(nearest,), type="tertiary", icon=":material/swap_horiz:")
    return found


def answer_caption(found: reading.Reading, name: str) -> str:
    """How to present model `name`'s answer on a sentence it cannot read: why, instead of a confidence."""
    if found.mostly_unknown:
        return controls.worded("controls.answer_unknown", loaders.get_model(name), unknown=found.unknown,
                               steps=found.tokens)
    return t("controls.answer_no_key")


def _read(sentence: str) -> None:
    """Button callback: read `sentence` instead, from its first token."""
    st.session_state[keys.TEXT] = st.session_state[keys.view(keys.TEXT)] = sentence
    st.session_state[keys.STEP] = 0
