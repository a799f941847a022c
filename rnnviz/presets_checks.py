"""The measurements behind the lesson presets' claims (presets.py): one check per idea.

Each check reads the bundled models through a loader (name → Model), computes the one fact its
preset's sentence states, and returns a Claim: whether the fact holds (with margin: the thresholds
below sit well inside what the bundled models do) and the strings that fill the sentence.

Legend: T tokens, L layers, D directions, H hidden units; p(w | x_0..x_t) is the prediction after
token t; h_t the hidden state, ‖·‖ the Euclidean norm.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .analysis.gradients import LESSON_LAB, gradient_curve
from .analysis.lab import label_position
from .model import Model
from .text import tokenize
from .trace import Trace, trace

Loader = Callable[[str], Model]

STORY_MODEL = "story-lstm"
ORDER_MODEL = "sentiment-lstm"
RECALL_MODELS = ("recall-rnn", "recall-lstm")          # plain RNN first, the gated cell last
GRU_MODELS = ("story-rnn", "story-gru")
BIDIRECTIONAL, MULTILAYER = "sentiment-bilstm", "story-lstm-2layer"
FLAG_CONCEPT = "female"
LAB_LESSON = {"scale": LESSON_LAB.scale, "activation": LESSON_LAB.activation,   # the gradient lab where the
              "forget_bias": LESSON_LAB.forget_bias, "clip": LESSON_LAB.clip or "off"}  # LSTM's memory shows

SURE = 0.9              # "the model predicts w": p(w) ≥ SURE
UNSURE = 0.5            # "… but not from one block alone": p(w) ≤ UNSURE
KEEPS_MORE = 1_000      # vanishing: the LSTM keeps ≥ 1,000× more of ‖∂L/∂h‖ at the key than the RNN
AHEAD = 0.3             # gru: the GRU gives the right word ≥ 0.3 more probability than the plain RNN
SAME = 1e-6             # a difference of state below this is "the same"
MOVES = 0.5             # a difference of state above this is "moved"


@dataclass(frozen=True)
class Claim:
    """What a check found: whether the preset's sentence is true, and the strings that fill its
    {fields} (the same fields in every language)."""

    holds: bool
    fields: dict[str, str]


def token_step(text: str, word: str) -> int:
    """The position of `word`'s first occurrence in `text`'s tokens (the cursor a preset opens at)."""
    return tokenize(text).index(word)


def last_step(text: str) -> int:
    return len(tokenize(text)) - 1


def _share(p: float) -> str:
    return f"{p:.0%}"


def _top(tr: Trace, step: int = -1) -> tuple[str, float]:
    return tr.top_predictions(step, top=1)[0]


def _p(tr: Trace, label: str, step: int = -1) -> float:
    return dict(tr.top_predictions(step)).get(label, 0.0)


def _times(ratio: float) -> str:
    """A large ratio the way a student reads it: "1,234" up to a million, then "10¹²"."""
    if not np.isfinite(ratio):
        return "∞"
    if ratio < 1e6:
        return f"{ratio:,.0f}"
    return "10" + str(int(np.floor(np.log10(ratio)))).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def order(load: Loader) -> Claim:
    """The same words in the other order (same multiset of tokens) get a different answer, each
    with p ≥ SURE: what an average of word embeddings could never do."""
    from .presets import preset
    a, b = preset("order").texts[:2]
    model = load(ORDER_MODEL)
    (first, p_first), (second, p_second) = _top(trace(model, a)), _top(trace(model, b))
    holds = sorted(tokenize(a)) == sorted(tokenize(b)) and first != second and min(p_first, p_second) >= SURE
    return Claim(holds, {"model": ORDER_MODEL, "other": b, "before": first, "p_before": _share(p_first),
                         "after": second, "p_after": _share(p_second)})


def unrolling(load: Loader) -> Claim:
    """After the chain of blocks up to token t the model predicts w with p ≥ SURE; the one block
    for x_t alone (from the zero state) gives w at most UNSURE: the state carried the past."""
    from .presets import preset
    p = preset("unrolling")
    model = load(STORY_MODEL)
    word = tokenize(p.text)[p.step]
    label, sure = _top(trace(model, p.text), p.step)
    alone = _p(trace(model, word), label)
    return Claim(sure >= SURE and alone <= UNSURE,
                 {"count": str(p.step + 1), "word": word, "label": label, "p": _share(sure), "alone": _share(alone)})


def negation(load: Loader) -> Claim:
    """"not" changes the word predicted after "she is": without it w₁, with it w₂ ≠ w₁ (each p ≥ SURE)."""
    from .presets import preset
    p = preset("negation")
    with_not, without = p.texts[:2]
    model = load(STORY_MODEL)
    after, p_after = _top(trace(model, with_not), p.step)
    before, p_before = _top(trace(model, without), token_step(without, "is"))
    holds = "not" in tokenize(with_not) and "not" not in tokenize(without) and before != after \
        and min(p_before, p_after) >= SURE
    return Claim(holds, {"before": before, "p_before": _share(p_before), "after": after, "p_after": _share(p_after)})


def vanishing(load: Loader) -> Claim:
    """With L = log p(the key's colour) after the question, ‖∂L/∂h_k‖ / ‖∂L/∂h_T‖ at the key k:
    the LSTM keeps ≥ KEEPS_MORE times the plain RNN's share (analysis.gradients.gradient_curve)."""
    from .presets import preset
    text = preset("vanishing").text
    rnn, lstm = (load(n) for n in RECALL_MODELS)
    first = trace(rnn, text)
    key = label_position(first, rnn.labels)
    if key is None:
        return Claim(False, {"colour": "?", "gated": "—", "plain": "—", "times": "0", "distance": "0"})
    colour = first.tokens[key]
    kept = [float(gradient_curve(trace(m, text, colour))[key]) for m in (rnn, lstm)]
    ratio = kept[1] / kept[0] if kept[0] > 0 else float("inf")
    return Claim(ratio >= KEEPS_MORE, {"colour": colour, "gated": f"{kept[1]:.1e}", "plain": f"{kept[0]:.1e}",
                                       "times": _times(ratio), "distance": str(first.steps - 1 - key)})


def flag_unit(model: Model, concept: str = FLAG_CONCEPT) -> dict | None:
    """The model card's flag entry for `concept` (layer, direction, unit, on, off …), or None."""
    return next((f for f in model.card.get("flags", []) if f.get("concept") == concept), None)


def flag_settings(model: Model) -> dict:
    """The Flags page's unit for the preset: the card's flag unit (layer, direction, unit)."""
    flag = flag_unit(model)
    return {} if flag is None else {"unit": (int(flag["layer"]), int(flag["direction"]), int(flag["unit"]))}


def flags(load: Loader) -> Claim:
    """Clamping the card's female flag unit to its typical "off" value at every step changes the
    word predicted after the first "." (she → he), before and after each with p ≥ UNSURE."""
    from .presets import preset
    p = preset("flags")
    model = load(STORY_MODEL)
    flag = flag_unit(model)
    if flag is None:
        return Claim(False, {"unit": "?", "value": "—", "before": "—", "p_before": "—", "after": "—", "p_after": "—"})
    where = (int(flag["layer"]), int(flag["direction"]), int(flag["unit"]))
    before, p_before = _top(trace(model, p.text), p.step)
    after, p_after = _top(trace(model, p.text, clamp={where: float(flag["off"])}), p.step)
    holds = before != after and min(p_before, p_after) >= UNSURE
    return Claim(holds, {"unit": str(where[2]), "value": f"{float(flag['off']):+.2f}", "before": before,
                         "p_before": _share(p_before), "after": after, "p_after": _share(p_after)})


def gru(load: Loader) -> Claim:
    """After a subject with a distracting phrase ("mary near the dogs …"), the GRU gives the
    right next word p ≥ SURE, at least AHEAD more than the plain RNN trained on the same task."""
    from .presets import preset
    p = preset("gru")
    word = tokenize(p.text)[p.step + 1]
    plain, gated = (_p(trace(load(n), p.text), word, p.step) for n in GRU_MODELS)
    return Claim(gated >= SURE and gated - plain >= AHEAD,
                 {"word": word, "gated": _share(gated), "plain": _share(plain)})


def bidirectional(load: Loader) -> Claim:
    """Two sentences that share their first word: at t = 0 the forward h_0 is the same for both
    (‖Δ‖ < SAME), the backward h_0 already differs (‖Δ‖ > MOVES): it has read the whole sentence."""
    from .presets import preset
    a, b = preset("bidirectional").texts[:2]
    model = load(BIDIRECTIONAL)
    ta, tb = trace(model, a), trace(model, b)
    if ta.hidden.shape[1] < 2 or ta.tokens[0] != tb.tokens[0]:
        return Claim(False, {"word": ta.tokens[0], "other": b, "forward": "—", "backward": "—"})
    forward, backward = (float(np.linalg.norm(ta.hidden[-1, d, 0] - tb.hidden[-1, d, 0])) for d in (0, 1))
    return Claim(forward < SAME and backward > MOVES,
                 {"word": ta.tokens[0], "other": b, "forward": f"{forward:.2f}", "backward": f"{backward:.2f}"})


def multilayer(load: Loader) -> Claim:
    """One word less ("never") changes the word predicted after "he is" (each p ≥ SURE), and the
    difference passes up through both layers: at "is", ‖Δh‖ > MOVES in layer 1 and in layer 2."""
    from .presets import preset
    p = preset("multilayer")
    model = load(MULTILAYER)
    ta, tb = trace(model, p.texts[0]), trace(model, p.texts[1])
    sa, sb = p.step, token_step(p.texts[1], "is")
    (first, p_first), (second, p_second) = _top(ta, sa), _top(tb, sb)
    moved = [float(np.linalg.norm(ta.hidden[layer, 0, sa] - tb.hidden[layer, 0, sb])) for layer in range(2)] \
        if ta.hidden.shape[0] >= 2 else [0.0, 0.0]
    holds = first != second and min(p_first, p_second) >= SURE and min(moved) > MOVES
    return Claim(holds, {"before": first, "p_before": _share(p_first), "after": second, "p_after": _share(p_second),
                         "bottom": f"{moved[0]:.2f}", "top": f"{moved[1]:.2f}"})
