"""The character cells' analysis: labels on hand-made strings, AUROC on a made-up reading where one
unit is the feature itself, and the alignment of labels and values on a small real model."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz import corpus
from rnnviz.analysis import char_cells as cc
from rnnviz.errors import RnnvizError
from rnnviz.model import Model, ModelSpec
from rnnviz.tasks.english import ALPHABET
from rnnviz.text import MAX_TOKENS, SPACE, Vocab, characters


def positions(mask) -> list[int]:
    return [int(k) for k in np.flatnonzero(mask)]


def test_quote_is_on_from_the_opening_quote_up_to_before_the_closing_one():
    tokens = characters('a "bc" d "e')
    assert tokens == ["a", SPACE, '"', "b", "c", '"', SPACE, "d", SPACE, '"', "e"]
    marks = cc.labels(tokens)
    assert positions(marks.on["quote"]) == [2, 3, 4, 9, 10]      # the unclosed quote stays open
    assert marks.counted["quote"].all()


def test_word_starts_are_letters_after_a_space_or_at_the_start():
    tokens = characters('Hi, you "two" 3x')
    # H i , ␣ y o u ␣ " t w o " ␣ 3 x
    marks = cc.labels(tokens)
    assert positions(marks.on["word_start"]) == [0, 4]   # "t" follows a quote, "x" a digit: not starts
    assert marks.counted["word_start"].all()


def test_word_position_counts_letters_since_the_last_space():
    tokens = characters("cat don't a")
    # c a t ␣ d o n ' t ␣ a
    marks = cc.labels(tokens)
    assert marks.position.tolist() == [0, 1, 2, -1, 0, 1, 2, -1, 3, -1, 0]
    assert positions(marks.counted["word_position"]) == [0, 1, 2, 4, 5, 6, 8, 10]     # letters only
    assert positions(marks.on["word_position"]) == [2, 6, 8]                          # p ≥ 2


def test_an_empty_text_has_no_labels():
    marks = cc.labels([])
    assert all(len(v) == 0 for v in marks.on.values()) and len(marks.position) == 0


def made_up(tokens_per_item: list[list[str]], unit: int, sign: float, hidden: int = 5) -> cc.Collected:
    """A reading where unit `unit` of c is sign × (quote on) and every other unit is noise."""
    rng = np.random.default_rng(0)
    marks = [cc.labels(t) for t in tokens_per_item]
    on = np.concatenate([m.on["quote"] for m in marks])
    values = rng.normal(size=(len(on), 1, 1, hidden))
    values[:, 0, 0, unit] = sign * on
    h = rng.normal(size=values.shape)
    quoted = np.concatenate([np.full(len(t), cc.QUOTE in t) for t in tokens_per_item])
    return cc.Collected({"c": values, "h": h},
                        {f: np.concatenate([m.on[f] for m in marks]) for f in cc.FEATURES},
                        {f: np.concatenate([m.counted[f] for m in marks]) for f in cc.FEATURES},
                        len(marks), quoted)


@pytest.mark.parametrize("sign, goes", [(1.0, "up"), (-1.0, "down")])
def test_a_unit_that_is_the_quote_feature_has_auroc_one(sign, goes):
    items = [characters(s) for s in ('He said "go now" and left.', '"Yes," she said.', "No quotes here.")]
    data = made_up(items, unit=3, sign=sign)
    best = cc.best_cell(data, "quote", "c")
    noise = cc.best_cell(data, "quote", "h")
    assert noise["auroc"] < 1.0 and cc.best_cells([noise, best]) == [best]       # c beats the noise of h
    on = int(sum(cc.labels(t).on["quote"].sum() for t in items))
    total = sum(len(t) for t in items)
    assert (best["state"], best["layer"], best["direction"], best["unit"]) == ("c", 0, 0, 3)
    assert best["auroc"] == 1.0 and best["goes"] == goes
    assert (best["on"], best["off"]) == (sign, 0.0)         # the medians of the unit on each side
    assert (best["positions_on"], best["positions_off"], best["items"]) == (on, total - on, 3)
    spec = ModelSpec(cell="lstm", vocab_size=3, emb_size=2, hidden_size=5, head="lm", tokenizer="chars")
    assert set(best) == {*cc.CARD_KEYS, "auroc_quoted_items"} and cc.valid_entries([best], spec) == [best]
    assert best["auroc_quoted_items"] == 1.0 and cc.follows_the_quotes(best)


def test_a_unit_that_marks_quoted_items_fails_the_quote_control():
    items = [characters(s) for s in ('He said "go" and left at once.', '"Yes," she said to him.', "No quotes.",
                                     "None here either.")]
    data = made_up(items, unit=3, sign=1.0)
    data.values["c"][:, 0, 0, 3] = data.quoted_item                 # on across the whole of a quoted item
    best = cc.best_cell(data, "quote", "c")
    off = ~data.on["quote"]
    tied = (off & data.quoted_item).sum() / off.sum()               # off positions in quoted items read 1 too
    assert best["unit"] == 3 and best["auroc"] == pytest.approx((1 - tied) + tied / 2, abs=1e-4)   # quote-like …
    assert best["auroc_quoted_items"] == 0.5 and cc.follows_the_quotes(best) is False   # … but is not one
    assert cc.follows_the_quotes({k: v for k, v in best.items() if k != "auroc_quoted_items"}) is None


def tiny_char_model(seed: int = 0) -> Model:
    torch.manual_seed(seed)
    spec = ModelSpec(cell="lstm", vocab_size=len(ALPHABET) + 2, emb_size=4, hidden_size=6, head="lm",
                     tokenizer="chars")
    return Model(spec, Vocab(["<pad>", "<unk>", *ALPHABET])).eval()


def test_collected_values_and_labels_line_up_with_each_reading():
    model = tiny_char_model()
    texts = ['She said "hi".', "A cat.", "x" * (MAX_TOKENS + 30)]
    data = cc.collect(model, texts)
    start = 0
    for text in texts:
        tr = rnnviz.trace(model, text)
        tokens = characters(text)[:MAX_TOKENS]
        assert tr.tokens == tokens
        n = len(tokens)
        for letter, field in (("c", tr.cell), ("h", tr.hidden)):
            got = data.values[letter][start:start + n]                        # [n, L, D, H]
            assert np.allclose(np.moveaxis(got, 0, 2), field, atol=1e-5)
        marks = cc.labels(tokens)
        for f in cc.FEATURES:
            assert (data.on[f][start:start + n] == marks.on[f]).all()
        start += n
    assert start == len(data.on["quote"]) and data.items == 3


def test_unit_values_are_the_trace_values_of_that_unit():
    model = tiny_char_model(1)
    text = cc.EXAMPLE
    tokens, values = cc.unit_values(model, text, "c", (0, 0, 4))
    tr = rnnviz.trace(model, text)
    assert tokens == tr.tokens and np.allclose(values, tr.cell[0, 0, :, 4], atol=1e-5)
    tokens, values = cc.unit_values(model, text, "h", (0, 0, 2))
    assert np.allclose(values, tr.hidden[0, 0, :, 2], atol=1e-5)


def test_state_cells_of_a_real_model_match_a_direct_auroc():
    model = tiny_char_model(2)
    texts = cc.held_out_items(limit=40)
    cells = cc.state_cells(model, texts)
    assert [(c["feature"], c["state"]) for c in cells] == [(f, s) for f in cc.FEATURES for s in ("c", "h")]
    data = cc.collect(model, texts)
    for cell in cells:
        f = cell["feature"]
        column = data.values[cell["state"]][:, cell["layer"], cell["direction"], cell["unit"]]
        on, off = column[data.counted[f] & data.on[f]], column[data.counted[f] & ~data.on[f]]
        pairs = (on[:, None] > off[None, :]).mean() + 0.5 * (on[:, None] == off[None, :]).mean()   # Mann–Whitney
        assert cell["auroc"] == pytest.approx(max(pairs, 1 - pairs), abs=1e-4)
        assert cell["goes"] == ("up" if pairs >= 0.5 else "down")
        a, _ = cc.feature_scores(data, f, cell["state"])        # no unit of that state is farther from ½
        assert np.abs(a - 0.5).max() <= cell["auroc"] - 0.5 + 1e-4
    best = cc.best_cells(cells)
    assert [b["auroc"] for b in best] == [max(c["auroc"] for c in cells if c["feature"] == f) for f in cc.FEATURES]
    assert cc.in_state(cells, "c") == cells[0::2] and cc.flag_letter(model.spec) == "c"
    assert cc.valid_entries(cells, model.spec) == cells


def test_a_cell_without_c_is_read_in_h_alone():
    torch.manual_seed(3)
    spec = ModelSpec(cell="gru", vocab_size=len(ALPHABET) + 2, emb_size=3, hidden_size=4, head="lm", tokenizer="chars")
    model = Model(spec, Vocab(["<pad>", "<unk>", *ALPHABET])).eval()
    cells = cc.state_cells(model, ['"Hi," he said.', "Go on now."])
    assert [c["state"] for c in cells] == ["h"] * 3 and cc.flag_letter(spec) == "h"
    score = cc.as_score(cells[0])
    assert score.key == (cells[0]["layer"], 0, cells[0]["unit"]) and score.on == cells[0]["on"]
    assert cc.reads_characters(spec) and not cc.reads_characters(ModelSpec(cell="gru", vocab_size=5, emb_size=2,
                                                                           hidden_size=3, head="lm"))


def test_a_text_without_both_sides_of_a_feature_is_refused():
    with pytest.raises(RnnvizError):
        cc.state_cells(tiny_char_model(), ["no quotes"])
    with pytest.raises(RnnvizError):
        cc.state_cells(tiny_char_model(), ["", "  "])


def test_the_held_out_items_hold_every_quoted_item_and_are_fixed():
    valid = corpus.lines("valid")
    items = cc.held_out_items(limit=100)
    quoted = [s for s in valid if cc.QUOTE in characters(s)]
    assert items[:len(quoted)] == quoted and len(items) == 100 and set(items) <= set(valid)
    assert items == cc.held_out_items(limit=100)


def test_shown_means_average_each_side():
    tokens = characters('a "b" c')            # a ␣ " b " ␣ c : quote on at 2, 3
    values = np.arange(len(tokens), dtype=float)
    assert cc.shown_means([values], [tokens], "quote") == (2.5, np.mean([0, 1, 4, 5, 6]))
    assert cc.shown_means([values[:2]], [tokens], "quote") is None


def test_card_entries_that_do_not_fit_are_dropped():
    entry = dict(zip(cc.CARD_KEYS, ("quote", "c", 0, 0, 3, 0.9, "up", 2.5, 1.0, 0.0, 5, 5, 2)))
    spec = tiny_char_model().spec                                       # 1 layer, 1 direction, 6 units
    wrong = [{**entry, "feature": "mood"}, {**entry, "unit": "3"}, {**entry, "unit": 6}, {**entry, "layer": 1},
             {**entry, "goes": "sideways"}, {k: v for k, v in entry.items() if k != "items"}, "x"]
    assert cc.valid_entries([*wrong, entry, entry], spec) == [entry]
    assert cc.valid_entries([{**entry, "state": "c"}], ModelSpec(cell="gru", vocab_size=3, emb_size=2,
                                                                 hidden_size=6, head="lm")) == []
    assert cc.valid_entries(None, spec) == []


def test_the_bundled_character_models_card_holds_its_measured_cells():
    model = rnnviz.load_model("english-char-lstm")
    card = model.card[cc.CARD_FIELD]
    assert cc.valid_entries(card, model.spec) == card and len(card) == 2 * len(cc.FEATURES)
    again = cc.state_cells(model)
    for kept, now in zip(card, again):
        assert [kept[k] for k in ("feature", "state", "layer", "direction", "unit", "goes", "items")] == \
               [now[k] for k in ("feature", "state", "layer", "direction", "unit", "goes", "items")]
        assert kept["auroc"] == pytest.approx(now["auroc"], abs=2e-3)
