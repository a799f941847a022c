"""The n-gram baselines (rnnviz.analysis.ngram): proper distributions, Kneser–Ney by hand, the
scoring convention of rnnviz.train.next_token_scores, D chosen on the valid part only, and the
real character corpus ordered trigram < bigram < unigram."""
from __future__ import annotations

import math

import pytest

from rnnviz.analysis.ngram import BOS, DISCOUNTS, NGram, baselines, choose_discount
from rnnviz.tasks.base import Example
from rnnviz.text import PAD, UNK, Vocab
from rnnviz.train import Data, build_model, encode, make_data, next_token_scores

VOCAB = Vocab([PAD, UNK, "a", "b", "c", "d"])
ITEMS = [["a", "b", "c"], ["a", "c"], ["b", "c", "a", "b"], ["c", "a", "zz", "b"], ["d"]]
CONTEXTS = ([], ["a"], ["b", "c"], ["zz"], ["a", "zz"], ["d", "d"], [BOS], [BOS, "a"], ["c", "a", "b"])


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("discount", [*DISCOUNTS, 1.0])
def test_every_context_gives_a_distribution_over_the_vocabulary_without_pad(order, discount):
    model = NGram(order, VOCAB, discount).fit(ITEMS)
    assert model.outcomes == (UNK, "a", "b", "c", "d")
    for context in CONTEXTS:       # seen, unseen ("d d"), with an unknown word, at the start of an item
        probs = [model.prob(context, w) for w in model.outcomes]
        assert all(p > 0 for p in probs)
        assert sum(probs) == pytest.approx(1.0, abs=1e-9)


def test_a_kneser_ney_bigram_probability_computed_by_hand():
    """Items <s> a b c | <s> a c | <s> b c, V' = {<unk>, a, b, c}, D = 0.75.
    Bigram types: (<s>,a) (a,b) (b,c) (<s>,b) (a,c): five. Continuation counts N1+(• w):
    a: {<s>} = 1, b: {a, <s>} = 2, c: {b, a} = 2, <unk>: 0; three words have one.
      P_1(c) = (2 − D)/5 + D·3/5 · 1/4 = 0.25 + 0.1125 = 0.3625
    After "a": c(a b) = c(a c) = 1, A = 2, T = 2:
      P(c | a) = (1 − D)/2 + D·2/2 · P_1(c) = 0.125 + 0.75 · 0.3625 = 0.396875
      P(<unk> | a) = D·2/2 · (0 + D·3/5 · 1/4) = 0.75 · 0.1125 = 0.084375"""
    vocab = Vocab([PAD, UNK, "a", "b", "c"])
    model = NGram(2, vocab, discount=0.75).fit([["a", "b", "c"], ["a", "c"], ["b", "c"]])
    assert model.prob(["a"], "c") == pytest.approx(0.396875, abs=1e-12)
    assert model.prob(["a"], "never-seen") == pytest.approx(0.084375, abs=1e-12)
    # an unseen context backs off to the continuation unigram: P(c | <unk>) = P_1(c)
    assert model.prob(["qq"], "c") == pytest.approx(0.3625, abs=1e-12)


def test_add_one_unigram():
    """P(w) = (c(w) + 1) / (N + V'): every token of the training items counts (zz as <unk>)."""
    model = NGram(1, VOCAB).fit(ITEMS)
    n = sum(len(item) for item in ITEMS)
    assert model.prob([], "a") == pytest.approx((4 + 1) / (n + 5))
    assert model.prob(["b"], "zz") == pytest.approx((1 + 1) / (n + 5))
    assert model.prob([], "d") == pytest.approx((1 + 1) / (n + 5))


def test_a_pattern_is_read_better_by_longer_contexts():
    """a b a c …: after a, b or c (a bigram must hedge); after (b, a) always c and after (c, a)
    always b (a trigram knows)."""
    pattern = ["a", "b", "a", "c"] * 6
    train = [pattern[start:start + 13] for start in range(0, 8, 2)] * 3
    held_out = [pattern[1:17], pattern[3:20]]
    scores = [NGram(order, VOCAB).fit(train).cross_entropy(held_out)["cross_entropy"] for order in (1, 2, 3)]
    assert scores[2] < scores[1] < scores[0]


@pytest.mark.parametrize("order", [1, 2, 3])
def test_the_first_token_of_an_item_is_not_scored(order):
    model = NGram(order, VOCAB).fit(ITEMS)
    items = [["a", "b", "c", "a"], ["b", "d"], ["c"], []]
    scored = model.cross_entropy(items)
    assert scored["count"] == sum(max(len(item) - 1, 0) for item in items) == 4
    # the same sum by hand: every token after the first, with <s> and what precedes it as context
    nats = -sum(math.log(model.prob([BOS, *item[:i]], item[i])) for item in items for i in range(1, len(item)))
    assert scored["cross_entropy"] == pytest.approx(nats / 4, rel=1e-12)
    assert scored["bits"] == pytest.approx(scored["cross_entropy"] / math.log(2), rel=1e-12)
    assert scored["perplexity"] == pytest.approx(math.exp(scored["cross_entropy"]), rel=1e-12)
    if order == 1:     # a unigram reads no context: a different first token changes nothing
        assert model.cross_entropy([["zz", "b", "d"]]) == model.cross_entropy([["c", "b", "d"]])


@pytest.mark.parametrize("order", [1, 2, 3])
def test_unknown_tokens_are_scored_and_counted_as_unk(order):
    unknown = NGram(order, VOCAB).fit([[w if w != "zz" else "qq" for w in item] for item in ITEMS])
    spelt = NGram(order, VOCAB).fit([[w if w != "zz" else UNK for w in item] for item in ITEMS])
    items = [["a", "zz", "b", "yy"], ["zz", "c"]]
    as_unk = [["a", UNK, "b", UNK], [UNK, "c"]]
    assert unknown.cross_entropy(items) == spelt.cross_entropy(as_unk) == spelt.cross_entropy(items)
    assert unknown.prob(["a"], "zz") == unknown.prob(["a"], UNK) == unknown.prob(["a"], PAD)


def test_examples_are_read_like_token_lists():
    model = NGram(3, VOCAB).fit([Example(tuple(item)) for item in ITEMS if len(item) >= 2])
    plain = NGram(3, VOCAB).fit([item for item in ITEMS if len(item) >= 2])
    held_out = [["a", "b", "c", "d"], ["d", "a", "zz"]]
    assert model.cross_entropy([Example(tuple(t)) for t in held_out]) == plain.cross_entropy(held_out)


def _data(valid, test) -> Data:
    train = [["a", "b", "c", "d"]] * 4 + [["b", "a", "d", "c"]] * 3 + [["c", "d", "a", "b"]] * 2
    return Data("fixture", 0, VOCAB, (), *([Example(tuple(t)) for t in part] for part in (train, valid, test)))


def test_the_discount_is_chosen_on_the_valid_part_and_never_on_the_test_part():
    seen = [["a", "b", "c", "d"], ["b", "a", "d", "c"]]           # n-grams of the train part: small D wins
    novel = [["a", "c", "b", "d", "a", "a"], ["d", "b", "b", "c"]]  # new n-grams: large D wins
    chosen = {}
    for name, valid in (("seen", seen), ("novel", novel)):
        data = _data(valid, test=seen)
        result = baselines(data)
        for order, key in ((2, "bigram"), (3, "trigram")):
            by_hand = {d: NGram(order, VOCAB, d).fit(data.train).cross_entropy(data.valid)["cross_entropy"]
                       for d in DISCOUNTS}
            assert result[key]["discount"] == min(by_hand, key=by_hand.get)
            assert result[key]["valid_cross_entropy"] == pytest.approx(min(by_hand.values()), rel=1e-12)
            chosen[name, key] = result[key]["discount"]
    assert chosen["seen", "trigram"] != chosen["novel", "trigram"]
    assert chosen["seen", "bigram"] != chosen["novel", "bigram"]
    # the test part changes the reported figures, never the D chosen
    for key in ("bigram", "trigram"):
        one, other = baselines(_data(seen, test=seen))[key], baselines(_data(seen, test=novel))[key]
        assert one["discount"] == other["discount"] and one["cross_entropy"] != other["cross_entropy"]


def test_choose_discount_sets_the_model_to_the_best_valid_score():
    model = NGram(3, VOCAB).fit(ITEMS)
    scores = choose_discount(model, [["a", "b", "c"], ["c", "a", "b"]], (0.3, 0.6, 0.95))
    assert set(scores) == {0.3, 0.6, 0.95}
    assert model.discount == min(scores, key=scores.get)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        NGram(0, VOCAB)
    with pytest.raises(ValueError):
        NGram(2, VOCAB, discount=1.5)
    with pytest.raises(ValueError):
        NGram(2, Vocab([PAD, "a", "b"]))


def test_on_the_real_character_corpus_longer_contexts_read_better():
    data = make_data("english-chars")
    result = baselines(data)
    bits = [result[name]["bits"] for name in ("unigram", "bigram", "trigram")]
    assert all(math.isfinite(b) for b in bits)
    assert bits[2] < bits[1] < bits[0]
    count = sum(len(ex.tokens) - 1 for ex in data.test)          # next_token_scores' count
    assert all(result[name]["count"] == count for name in result)
    assert result["trigram"]["discount"] in DISCOUNTS and result["bigram"]["discount"] in DISCOUNTS


def test_the_count_is_the_one_next_token_scores_gives_a_model():
    """The same tokens are scored as a model's (rnnviz.train.next_token_scores), unknown ones included."""
    items = [Example(tuple(t)) for t in (["a", "zz", "b"], ["c", "d", "a", "b", "yy"], ["b", "a"])]
    model = build_model("english-chars", VOCAB, "lstm", emb=4, hidden=4)
    expected = next_token_scores(model, encode(VOCAB, items))["count"]
    assert all(NGram(order, VOCAB).fit(ITEMS).cross_entropy(items)["count"] == expected for order in (1, 2, 3))
