"""The Gradients lab opens on the lesson's setting (analysis.gradients.LESSON_LAB), and that setting
shows the lesson's effect: the LSTM keeps far more of the gradient at the first word than the plain
RNN. The sentence the page prints ("the LSTM keeps N× more …") and its invitation to break it
("forget bias → 0 …, scale → 3 …") are checked here, computed from the same traces the lab draws.
"""
from __future__ import annotations

import numpy as np
import pytest

from rnnviz.analysis.gradients import (
    LAB_TEXT,
    LESSON_LAB,
    gradient_curve,
    keeps_more,
    kept_at,
    lab_trace,
    untrained_model,
)
from rnnviz.i18n import LANGUAGES, t
from rnnviz.registry import CELL_KINDS

PLAIN = next(k.name for k in CELL_KINDS.values() if not k.gates)
CARRIER = next(k.name for k in CELL_KINDS.values() if k.forget_gate)
KEEPS_MORE = 1_000            # "far more": three powers of ten at least (measured ~10⁵–10⁶, see LESSON_LAB)


def lab(cell: str, scale=LESSON_LAB.scale, activation=LESSON_LAB.activation, bias=LESSON_LAB.forget_bias,
        seed: int = 0, text: str = LAB_TEXT):
    """What the lab draws for `cell` (loaders.untrained_trace without the cache)."""
    model = untrained_model(cell, scale=scale, nonlinearity=activation, forget_bias=bias, seed=seed)
    return lab_trace(model, text)


def test_the_lesson_setting_shows_the_lstm_keeping_far_more_than_the_plain_rnn():
    lstm, rnn = lab(CARRIER), lab(PLAIN)
    ratio = keeps_more(lstm, rnn)
    assert ratio == pytest.approx(gradient_curve(lstm)[0] / gradient_curve(rnn)[0])
    assert ratio >= KEEPS_MORE, f"the LSTM keeps only {ratio:.3g}× more than the plain RNN at the first word"
    assert kept_at(rnn) < 1e-3, "the plain RNN's gradient has vanished by the first word"
    assert kept_at(lstm) > 1e-2 and kept_at(lstm, state="cell") > 0.1, "the LSTM's (and its c's) has not"
    assert LESSON_LAB.clip is None, "the lesson's setting does not clip: clipping cannot revive a vanished gradient"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_effect_is_not_one_lucky_draw_of_weights(seed):
    assert keeps_more(lab(CARRIER, seed=seed), lab(PLAIN, seed=seed)) >= KEEPS_MORE


def test_breaking_it_as_the_page_invites_forget_bias_zero_loses_the_effect():
    ratio = keeps_more(lab(CARRIER, bias=0.0), lab(PLAIN))
    assert ratio < 10, f"with forget bias 0 the LSTM still keeps {ratio:.3g}× more: the invitation is wrong"


def test_breaking_it_as_the_page_invites_scale_three_explodes_the_plain_rnn():
    assert kept_at(lab(PLAIN, scale=3.0)) > 1, "at scale 3 the first word gets more than the last: it explodes"


def test_the_lab_widgets_start_on_the_lesson_setting_and_reset_restores_them():
    from rnnviz.ui import gradient_lab, keys

    assert gradient_lab.LESSON == {keys.LAB_SCALE: LESSON_LAB.scale, keys.LAB_ACTIVATION: LESSON_LAB.activation,
                                   keys.LAB_BIAS: LESSON_LAB.forget_bias, keys.LAB_CLIP: "off"}
    for key, value in gradient_lab.LESSON.items():
        assert gradient_lab._valid(key, value), f"{key}={value!r} is not a value its widget can show"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_claim_the_page_prints_is_computed_from_the_traces_it_draws(lang):
    from rnnviz.figures.gradients import signal_words
    from rnnviz.ui import gradient_lab

    def expected(traces: dict) -> str:
        lstm, rnn = traces[gradient_lab.CARRIER.title], traces[gradient_lab.PLAIN.title]
        ratio = kept_at(lstm) / kept_at(rnn)
        fields = dict(lstm=signal_words(kept_at(lstm), lang), rnn=signal_words(kept_at(rnn), lang), word="the")
        if ratio >= 10:
            return t("gradients.lab_claim.more", lang, ratio=signal_words(ratio, lang), **fields)
        if ratio > 0.1:
            return t("gradients.lab_claim.same", lang, **fields)
        return t("gradients.lab_claim.less", lang, ratio=signal_words(1 / ratio, lang), **fields)

    lesson = {k.title: lab(k.name) for k in CELL_KINDS.values()}
    said = gradient_lab.claim(lesson, lang)
    assert said == expected(lesson)
    assert said.startswith(t("gradients.lab_claim.more", lang, ratio="", lstm="", rnn="", word="")[:20])
    ratio = keeps_more(lesson[gradient_lab.CARRIER.title], lesson[gradient_lab.PLAIN.title])
    assert f"**{signal_words(ratio, lang)}**" in said and np.isfinite(ratio)

    broken = dict(lesson, **{gradient_lab.CARRIER.title: lab(CARRIER, bias=0.0)})        # forget bias → 0
    assert gradient_lab.claim(broken, lang) == expected(broken)
    assert gradient_lab.claim(broken, lang).startswith(t("gradients.lab_claim.same", lang, lstm="", rnn="")[:20])
    exploded = {k.title: lab(k.name, scale=3.0) for k in CELL_KINDS.values()}             # scale → 3
    assert gradient_lab.claim(exploded, lang) == expected(exploded)
    assert gradient_lab.claim(exploded, lang).startswith(
        t("gradients.lab_claim.less", lang, ratio="", lstm="", rnn="")[:20])
