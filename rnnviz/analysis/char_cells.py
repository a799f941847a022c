"""Cells of a character model that track where it is in the text: inside quotation marks, at the
start of a word, how far into a word (Karpathy, Johnson & Fei-Fei 2015, "Visualizing and
understanding recurrent networks", found such cells in LSTMs trained on text).

Every character position t of an item (tokens x_0 … x_{T−1} from the model's own tokenizer,
SPACE "␣" for a space) gets three labels, each about the state *after* reading x_t:

    quote:         q_t = (number of '"' in x_0 … x_t) is odd        inside a quotation: the opening
                   quote is inside, the closing one is not
    word_start:    x_t is a letter and (t = 0 or x_{t−1} = ␣)        the first letter of a word
    word_position: p_t = letters among x_s … x_{t−1}, s the first position after the last ␣
                   (0 for a word's first letter); read as a binary feature over letters only,
                   on = p_t ≥ LATE_IN_WORD, off = p_t < LATE_IN_WORD

For each feature, each state S in (c, h) (h alone for a cell without c) and each unit k, the
AUROC of S_k at the positions where the feature is on against those where it is off
(analysis.flags.auroc: P(S_on > S_off) + ½ P(S_on = S_off)). The best cell of a feature is the
(state, layer, direction, unit) whose AUROC is farthest from ½; it "goes up" with the feature
when AUROC > ½, "down" when below, and the reported AUROC is max(a, 1 − a). The quote cell also
gets a control: its AUROC over the items that hold a '"' alone (`auroc_quoted_items`), since a
unit that only marks quoted items, or grows along a long item, scores well overall without
knowing where a quotation opens and closes.

Text: the corpus's held-out valid part, every item with a '"' plus a fixed sample of the others
(seeded, so the same model always gives the same figures), at most MAX_ITEMS items, each cut at
text.MAX_TOKENS tokens as read() cuts it. Nothing here changes the model: read() only.
Legend: T tokens, L layers, D directions, H hidden units, n positions.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from .. import corpus
from ..errors import RnnvizError
from ..text import MAX_TOKENS, SPACE, characters
from ..trace import Reading, read
from .flags import UnitScore, auroc, cohens_d

QUOTE = '"'
FEATURES = ("quote", "word_start", "word_position")
LATE_IN_WORD = 2               # word_position: letters at p ≥ 2 (on) against a word's first two (off)
MAX_ITEMS = 200                # items read at most (every quoted item, then the sample): a few seconds
SAMPLE_SEED = 14
STATE_FIELDS = {"c": "cell", "h": "hidden"}      # a state's letter -> its name in the registry
CARD_KEYS = ("feature", "state", "layer", "direction", "unit", "auroc", "goes", "d", "on", "off",
             "positions_on", "positions_off", "items")
CARD_FIELD = "char_cells"      # the model card's list of state_cells entries
EXAMPLE = 'He asked, "Where is the library?" and she said, "Over there, by the old school."'


@dataclass(frozen=True)
class Labels:
    """The features of one item's positions, each [T]: on (bool) and counted (bool, the positions
    that take part: every position, or the letters alone for word_position); `position` holds p_t
    (−1 where x_t is not a letter)."""

    on: dict[str, np.ndarray]
    counted: dict[str, np.ndarray]
    position: np.ndarray


def is_letter(token: str) -> bool:
    return len(token) == 1 and token.isalpha()


def labels(tokens: list[str]) -> Labels:
    """The three features at every position of `tokens` (module docstring)."""
    quotes = np.cumsum([tok == QUOTE for tok in tokens])                       # [T]
    letters = np.array([is_letter(tok) for tok in tokens], dtype=bool)         # [T]
    position, seen = np.full(len(tokens), -1), 0
    for k, tok in enumerate(tokens):
        if tok == SPACE:
            seen = 0
        elif letters[k]:
            position[k], seen = seen, seen + 1
    after_space = np.array([k == 0 or tokens[k - 1] == SPACE for k in range(len(tokens))], dtype=bool)
    every = np.ones(len(tokens), dtype=bool)
    return Labels(on={"quote": quotes % 2 == 1, "word_start": letters & after_space,
                      "word_position": position >= LATE_IN_WORD},
                  counted={"quote": every, "word_start": every, "word_position": letters},
                  position=position)


def held_out_items(limit: int = MAX_ITEMS, seed: int = SAMPLE_SEED) -> list[str]:
    """Every valid item holding a '"' (typographic quotes count: the tokenizer makes them plain),
    then a seeded sample of the others, `limit` in all."""
    items = corpus.lines("valid")
    quoted = [s for s in items if QUOTE in characters(s)]
    others = [s for s in items if QUOTE not in characters(s)]
    rest = max(0, limit - len(quoted))
    return quoted[:limit] + random.Random(seed).sample(others, min(rest, len(others)))


def state_letters(spec) -> tuple[str, ...]:
    """("c", "h") for a cell that carries c, ("h",) otherwise."""
    return ("c", "h") if spec.cell_kind.carries_cell else ("h",)


def states(reading: Reading, letter: str) -> np.ndarray:
    """State `letter` ("c" or "h") at every position: [T, L, D, H]."""
    return np.moveaxis(np.array([[getattr(run, letter) for run in row] for row in reading.runs]), 2, 0)


@dataclass(frozen=True)
class Collected:
    """Every position of the items read, in order: values[letter] [n, L, D, H], and on[feature],
    counted[feature] [n] over the same n positions."""

    values: dict[str, np.ndarray]
    on: dict[str, np.ndarray]
    counted: dict[str, np.ndarray]
    items: int
    quoted_item: np.ndarray | None = None     # [n]: the position's item holds a '"' (the quote control)


def collect(model, texts: list[str]) -> Collected:
    """Read each text with the model (its own tokenizer, cut at MAX_TOKENS) and label it."""
    letters = state_letters(model.spec)
    values = {s: [] for s in letters}
    on, counted = {f: [] for f in FEATURES}, {f: [] for f in FEATURES}
    items, quoted = 0, []
    for text in texts:
        tokens = model.tokenize(text)[:MAX_TOKENS]
        if not tokens:
            continue
        reading, marks = read(model, tokens), labels(tokens)
        for s in letters:
            values[s].append(states(reading, s))
        for f in FEATURES:
            on[f].append(marks.on[f])
            counted[f].append(marks.counted[f])
        quoted.append(np.full(len(tokens), QUOTE in tokens))
        items += 1
    if not items:
        raise RnnvizError("There is no text to look for cells in.")
    return Collected({s: np.concatenate(v) for s, v in values.items()},
                     {f: np.concatenate(v) for f, v in on.items()},
                     {f: np.concatenate(v) for f, v in counted.items()}, items, np.concatenate(quoted))


def feature_scores(data: Collected, feature: str, letter: str) -> tuple[np.ndarray, np.ndarray]:
    """(AUROC [L, D, H], Cohen's d [L, D, H]) of every unit of state `letter` for `feature`."""
    values = data.values[letter]                                               # [n, L, D, H]
    mask, on = data.counted[feature], data.on[feature]
    flat = values.reshape(len(values), -1)                                     # [n, L·D·H]
    a = auroc(flat[mask & on], flat[mask & ~on])
    return a.reshape(values.shape[1:]), cohens_d(flat[mask & on], flat[mask & ~on]).reshape(values.shape[1:])


def best_cell(data: Collected, feature: str, letter: str) -> dict:
    """The unit of state `letter` whose AUROC for `feature` is farthest from ½, as a card entry."""
    mask, on = data.counted[feature], data.on[feature]
    if not (mask & on).any() or not (mask & ~on).any():
        raise RnnvizError(f"The text has no position on both sides of {feature!r}.")
    a, d = feature_scores(data, feature, letter)
    k = int(np.argmax(np.abs(a - 0.5)))
    layer, direction, unit = np.unravel_index(k, a.shape)
    column = data.values[letter][:, layer, direction, unit]                    # [n]
    value = float(a.ravel()[k])
    return {"feature": feature, "state": letter, "layer": int(layer), "direction": int(direction),
            "unit": int(unit), "auroc": round(max(value, 1 - value), 4), "goes": "up" if value >= 0.5 else "down",
            "d": round(float(d.ravel()[k]), 3), "on": round(float(np.median(column[mask & on])), 4),
            "off": round(float(np.median(column[mask & ~on])), 4),
            "positions_on": int((mask & on).sum()), "positions_off": int((mask & ~on).sum()),
            "items": data.items, **_quote_control(data, feature, column, value >= 0.5)}


def _quote_control(data: Collected, feature: str, column: np.ndarray, up: bool) -> dict:
    """For the quote cell, {"auroc_quoted_items": its AUROC (same orientation) over the items that
    hold a '"' alone}: a unit that follows something else that comes with quoted items (their
    length, their style) separates the items, not the inside of the quotes from the outside."""
    if feature != "quote" or data.quoted_item is None:
        return {}
    mask, on = data.quoted_item & data.counted[feature], data.on[feature]
    if not (mask & on).any() or not (mask & ~on).any():
        return {}
    a = float(auroc(column[mask & on][:, None], column[mask & ~on][:, None])[0])
    return {"auroc_quoted_items": round(a if up else 1 - a, 4)}


def follows_the_quotes(entry: dict) -> bool | None:
    """Whether the quote cell still separates inside from outside within the quoted items alone,
    keeping at least half its distance from chance: |a_quoted − ½| ≥ ½ |a − ½| with a_quoted on
    the cell's own side of ½. None without the control."""
    within = entry.get("auroc_quoted_items")
    if not isinstance(within, (int, float)):
        return None
    return within - 0.5 >= (entry["auroc"] - 0.5) / 2


def state_cells(model, texts: list[str] | None = None) -> list[dict]:
    """The best cell of each feature in each state (c, then h), FEATURES order, over `texts`
    (default: held_out_items()): the entries a model card keeps."""
    data = collect(model, held_out_items() if texts is None else texts)
    return [best_cell(data, f, letter) for f in FEATURES for letter in data.values]


def best_cells(entries: list[dict]) -> list[dict]:
    """Of state_cells' entries, the one farthest from ½ for each feature (the first on a tie)."""
    best = {}
    for e in entries:
        if e["feature"] not in best or e["auroc"] > best[e["feature"]]["auroc"]:
            best[e["feature"]] = e
    return [best[f] for f in FEATURES if f in best]


def in_state(entries: list[dict], letter: str) -> list[dict]:
    """The entries of state `letter` (one per feature)."""
    return [e for e in entries if e["state"] == letter]


def flag_letter(spec) -> str:
    """The letter of the state that carries flags and that a clamp pins: c where the cell has one, else h."""
    return state_letters(spec)[0]


def unit_values(model, text: str, letter: str, unit: tuple[int, int, int]) -> tuple[list[str], np.ndarray]:
    """(tokens, values [T]) of one unit of state `letter` over `text`, for the coloured text."""
    reading = read(model, text)
    layer, direction, index = unit
    return reading.tokens, states(reading, letter)[:, layer, direction, index]


def shown_means(values: list[np.ndarray], texts_tokens: list[list[str]], feature: str) -> tuple[float, float] | None:
    """(mean where `feature` is on, mean where it is off) of a unit's values over the shown
    texts (values[k] aligned with texts_tokens[k]); None if one side is empty."""
    on, off = [], []
    for v, tokens in zip(values, texts_tokens):
        marks = labels(list(tokens)[:len(v)])
        keep = marks.counted[feature]
        on.append(np.asarray(v)[keep & marks.on[feature]])
        off.append(np.asarray(v)[keep & ~marks.on[feature]])
    on_all, off_all = np.concatenate(on or [np.empty(0)]), np.concatenate(off or [np.empty(0)])
    if not len(on_all) or not len(off_all):
        return None
    return float(on_all.mean()), float(off_all.mean())


def valid_entries(entries, spec) -> list[dict]:
    """The card entries (state_cells) that are well formed and name a unit of a state this
    model has, one per feature and state."""
    good = {}
    for e in entries if isinstance(entries, list) else []:
        if _fits(e, spec):
            good.setdefault((e["feature"], e["state"]), e)
    return list(good.values())


def _fits(e, spec) -> bool:
    numbers = ("layer", "direction", "unit", "auroc", "d", "on", "off", "positions_on", "positions_off", "items")
    if not (isinstance(e, dict) and all(k in e for k in CARD_KEYS) and e["feature"] in FEATURES
            and e["state"] in state_letters(spec) and e["goes"] in ("up", "down")
            and all(isinstance(e[k], (int, float)) and not isinstance(e[k], bool) for k in numbers)):
        return False
    return (0 <= e["layer"] < spec.layers and 0 <= e["direction"] < spec.directions
            and 0 <= e["unit"] < spec.hidden_size)


def as_score(entry: dict) -> UnitScore:
    """A card entry as analysis.flags.UnitScore (the typical on / off values a clamp pins)."""
    return UnitScore(int(entry["layer"]), int(entry["direction"]), int(entry["unit"]), float(entry["auroc"]),
                     float(entry["d"]), float(entry["on"]), float(entry["off"]))


def reads_characters(spec) -> bool:
    """Whether the model reads one character at a time (its tokenizer), so these cells apply."""
    return spec.tokenizer == "chars"
