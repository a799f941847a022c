"""Orders of the units (rnnviz.analysis.unit_order): by activity, flags first, by number.

Expected orders are computed here with plain Python from the trace's numbers, not copied from a run.
"""
import numpy as np
import pytest

import rnnviz
from rnnviz.analysis import unit_order
from tests.unit.figkit import make_trace

SENTENCE = "alice and tom say the movie was not good . they are sad ."


@pytest.fixture(scope="module")
def story():
    return rnnviz.trace(rnnviz.load_model("story-lstm"), SENTENCE)


def mean_abs(rows: list[list[float]], unit: int) -> float:
    return sum(abs(row[unit]) for row in rows) / len(rows)


def test_activity_is_the_mean_size_of_each_unit_over_the_sentence(story):
    h = story.hidden[0, 0]                                                      # [T, H]
    rows = h.astype(float).tolist()
    expected = [mean_abs(rows, j) for j in range(h.shape[1])]
    np.testing.assert_allclose(unit_order.activity(h), expected, rtol=1e-12)


def test_the_activity_order_puts_the_most_active_unit_first(story):
    h = story.hidden[0, 0]
    rows = h.astype(float).tolist()
    size = {j: mean_abs(rows, j) for j in range(h.shape[1])}
    order = unit_order.by_activity(h)
    assert sorted(order) == list(range(h.shape[1])), "a permutation of the units"
    assert order == sorted(size, key=lambda j: (-size[j], j))
    assert all(size[a] >= size[b] for a, b in zip(order, order[1:]))


def test_ties_keep_the_smaller_unit_first_and_rest_counts_as_quiet():
    values = np.array([[0.5, -0.5, 0.0, 1.0], [-0.5, 0.5, 0.0, -1.0]])          # units 0 and 1 tie
    assert unit_order.by_activity(values) == [3, 0, 1, 2]
    assert unit_order.by_activity(np.zeros((0, 3))) == [0, 1, 2], "no tokens: every unit at rest"
    with pytest.raises(ValueError):
        unit_order.activity(np.zeros(4))


CARD = [
    {"concept": "female", "layer": 0, "direction": 0, "unit": 21, "auroc": 0.91},
    {"concept": "plural", "layer": 0, "direction": 0, "unit": 8, "auroc": 1.0},
    {"concept": "negation", "layer": 0, "direction": 0, "unit": 6, "auroc": 0.05},        # goes down: |0.05 − 0.5|
    {"concept": "again", "layer": 0, "direction": 0, "unit": 8, "auroc": 0.8},             # a unit named twice
    {"concept": "backward", "layer": 0, "direction": 1, "unit": 3, "auroc": 1.0},          # another slice
    {"concept": "too far", "layer": 0, "direction": 0, "unit": 99, "auroc": 1.0},          # not this model's
    {"feature": "quote", "state": "c", "unit": 2, "auroc": 0.7},                           # a char cell: layer 0
]


def test_the_cards_flags_come_clearest_first_once_each_in_their_own_slice():
    assert unit_order.flag_units(CARD, 32) == [8, 6, 21, 2]        # |auroc − .5|: .5, .45, .41, (.3 for 8 again), .2
    assert unit_order.flag_units(CARD, 32, direction=1) == [3]
    assert unit_order.flag_units(None, 32) == [] and unit_order.flag_units([{"unit": "7"}], 32) == []
    names = unit_order.flag_names(CARD, 32)
    assert names == {8: ["plural", "again"], 6: ["negation"], 21: ["female"], 2: ["quote"]}


def test_flags_first_then_the_most_active(story):
    h = story.hidden[0, 0]
    orders = unit_order.unit_orders(h, CARD)
    active = unit_order.by_activity(h)
    assert orders["activity"] == active and orders["natural"] == list(range(32))
    assert orders["flags"][:4] == [8, 6, 21, 2]
    assert orders["flags"][4:] == [j for j in active if j not in {8, 6, 21, 2}]
    assert "flags" not in unit_order.unit_orders(h), "no card flags, no flags order"
    assert "flags" not in unit_order.unit_orders(h, CARD, direction=2)


def test_the_bundled_cards_flags_lead_the_flags_order(story):
    card = rnnviz.load_model("story-lstm").card
    orders = unit_order.unit_orders(story.hidden[0, 0], card["flags"])
    named = [f["unit"] for f in sorted(card["flags"], key=lambda f: -abs(f["auroc"] - 0.5))]
    assert orders["flags"][:len(set(named))] == list(dict.fromkeys(named))


@pytest.mark.parametrize("units", [128, 256])
def test_the_orders_of_a_wide_slice_are_permutations(units):
    trace = make_trace("lstm", T=7, H=units, L=2, D=2, seed=3)
    for layer in range(2):
        for direction in range(2):
            h = trace.hidden[layer, direction]
            orders = unit_order.unit_orders(h, [{"unit": 100, "layer": layer, "direction": direction, "auroc": 1}],
                                            layer, direction)
            assert all(sorted(o) == list(range(units)) for o in orders.values())
            assert orders["flags"][0] == 100
            size = np.abs(h.astype(float)).mean(axis=0)
            assert orders["activity"][0] == int(np.flatnonzero(size == size.max())[0])


def test_only_a_unit_that_separates_well_is_shown_as_a_flag():
    from rnnviz.analysis.unit_order import FLAG_MIN_AUROC, shown_flags
    card = rnnviz.load_model("english-lstm").card["flags"]
    shown = shown_flags(card)
    assert shown and all(f["auroc"] >= FLAG_MIN_AUROC for f in shown)
    assert {f["concept"] for f in shown} == {f["concept"] for f in card if f["auroc"] >= 0.9}
    assert shown_flags([{"unit": 1, "concept": "x"}, "junk", None]) == []
