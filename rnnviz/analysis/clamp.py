"""One clamp, one sentence: what switching a unit changes in a single sentence, for a page that
shows the clamp on a sentence where it matters and for a preset that checks the claim
"clamping unit u flips she → he".

The clamp and the choice follow analysis.flags: the unit is pinned at every step, against the
concept (its typical "off" value where the concept is on, "on" where it is off), and a choice is
the most probable of the grammar's competing words (she/he/they), as in flip_rate. Nothing
here changes the model.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..trace import read
from .flags import Unit, choose_one, clamp_flips


@dataclass(frozen=True)
class Flip:
    """A clamp that changes a prediction: `unit` = `value` at every step of `tokens` changes the
    choice made after token `position` from `before` to `after` (words, or class labels).
    `toward` names the value: the unit's typical "on" or "off"."""

    tokens: tuple[str, ...]
    unit: Unit
    value: float
    toward: str
    position: int
    before: str
    after: str

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def flipping_example(model, examples, concept: str, unit: Unit, on: float, off: float) -> Flip | None:
    """The shortest example (the first of equal length) whose dependent choice changes when
    `unit` is clamped against its concept as flip_rate clamps it: a sentence that shows what the
    rate counts. None if no example flips."""
    for ex in sorted(examples, key=lambda ex: len(ex.tokens)):
        for p, before, after in clamp_flips(model, ex, concept, unit, on, off):
            if before != after:
                toward = "off" if ex.concepts.get(concept) else "on"
                value = off if toward == "off" else on
                names = model.labels
                return Flip(tuple(ex.tokens), tuple(unit), float(value), toward, p, names[before], names[after])
    return None


def clamped_choice(model, tokens, unit: Unit, value: float, position: int,
                   alternatives=()) -> tuple[str, str]:
    """(choice before, choice after) after token `position` of `tokens` when `unit` is clamped to
    `value` at every step: the most probable of `alternatives` (words; all outputs when empty),
    the grammar's rule for a check. E.g. ("she", "he") when clamping a female flag off flips the
    pronoun; equal words when the clamp changes nothing there."""
    among = model.vocab.ids(list(alternatives)) if alternatives and model.spec.head_kind.next_word else []
    base, clamped = read(model, tokens), read(model, tokens, clamp={tuple(unit): value})
    names = model.labels
    return names[choose_one(base.logits[position], among)], names[choose_one(clamped.logits[position], among)]
