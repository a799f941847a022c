"""The recall grammar: remember one word across a long stretch of filler (a 4-class classifier).

    the key is COLOUR . FILLER what colour was the key ?

COLOUR is blue, green, red or yellow and is the label; it is always token 3. FILLER is a run
of whole short sentences ("the cat sat on the mat . we walked home .") whose total length is
drawn uniformly from `filler=(low, high)` tokens (default 20 to 60) and is the example's
`distance`. The filler never contains a colour word, so only memory can answer the question.
This is the long-lag task where a plain RNN stays at chance and an LSTM succeeds.
"""
from __future__ import annotations

import random

from ..errors import RnnvizError
from .base import Example, Task

COLOURS = ("blue", "green", "red", "yellow")
DEFAULT_FILLER = (20, 60)
MAX_FILLER = 150   # keeps whole examples under the tokenizer's 200-token cut
FILLER_SENTENCES = tuple(sentence.split() for sentence in (
    "hello .", "ok .", "it rained .", "time passed .", "we waited .", "we sat down .",
    "the sun shone .", "we walked home .", "snow fell all morning .", "the cat sat on the mat .",
    "a dog barked at the door .", "the children played in the park .", "my friend made some tea .",
    "the train left on time .", "birds sang in the tall trees .", "we read a long book by the fire .",
    "the old man fed the ducks .", "she wrote a letter to her aunt .", "the wind was cold that night .",
    "he found a coin on the road .", "they cooked soup for dinner .", "the shop closed early today .",
))
QUESTION = ("what", "colour", "was", "the", "key", "?")


class RecallTask(Task):
    name = "recall"
    head = "classifier"
    labels = COLOURS
    description = "Remember the key's colour across 20 to 60 words of filler: a test of long memory."
    distance_edges = (0, 20, 30, 40, 50)  # the filler's length

    def _words(self):
        yield from COLOURS + QUESTION + ("the", "key", "is", ".")
        yield from (word for sentence in FILLER_SENTENCES for word in sentence)

    def sample(self, rng: random.Random, filler: tuple[int, int] = DEFAULT_FILLER) -> Example:
        """One recall sentence whose filler length is drawn uniformly from `filler` (inclusive)."""
        length = rng.choice(_lengths(filler))
        colour = rng.choice(COLOURS)
        tokens = ("the", "key", "is", colour, ".") + tuple(_filler(rng, length)) + QUESTION
        return Example(tokens=tokens, label=colour, checks=(), concepts={}, scopes={}, distance=length)

    def examples(self) -> list[str]:
        return [
            "the key is red . the cat sat on the mat . we walked home . what colour was the key ?",
            "the key is blue . it rained . the children played in the park . snow fell all morning . "
            "the old man fed the ducks . we waited . what colour was the key ?",
            "the key is yellow . a dog barked at the door . my friend made some tea . "
            "the train left on time . she wrote a letter to her aunt . the wind was cold that night . "
            "we read a long book by the fire . he found a coin on the road . what colour was the key ?",
        ]


def _lengths(filler) -> list[int]:
    """The filler lengths allowed by `filler=(low, high)`; 1 is impossible (a sentence has 2+ tokens)."""
    try:
        low, high = (int(x) for x in filler)
    except (TypeError, ValueError):
        raise RnnvizError(f"filler must be a pair of lengths (low, high), like (20, 60); "
                          f"got {filler!r}.") from None
    lengths = [n for n in range(max(low, 0), min(high, MAX_FILLER) + 1) if n != 1]
    if low < 0 or high > MAX_FILLER or not lengths:
        raise RnnvizError(f"filler=(low, high) needs 0 <= low <= high <= {MAX_FILLER} and a length "
                          f"other than 1 (a filler sentence has at least 2 tokens); got {filler!r}.")
    return lengths


def _filler(rng: random.Random, length: int) -> list[str]:
    """Whole filler sentences adding up to exactly `length` tokens (never leaving 1 token to fill)."""
    words: list[str] = []
    while len(words) < length:
        left = length - len(words)
        words += rng.choice([s for s in FILLER_SENTENCES if len(s) == left or len(s) <= left - 2])
    return words
