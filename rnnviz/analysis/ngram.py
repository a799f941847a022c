"""Smoothed n-gram language models written with plain counting: the baselines a corpus model's
card is measured against (Karpathy, Johnson & Fei-Fei 2015 put LSTMs beside n-gram models).

    from rnnviz.analysis.ngram import NGram, baselines
    baselines(make_data("english"))      # {"unigram": {...}, "bigram": {...}, "trigram": {...}}
    NGram(3, data.vocab, discount=0.75).fit(data.train).cross_entropy(data.test)

They are scored exactly as `rnnviz.train.next_token_scores` scores a model: an item is a token
list; its first token has no context and is not scored, every later token is; a token outside
the vocabulary counts as <unk>. The outcomes are the vocabulary's V' tokens: every entry except
<pad> (so <unk> is one), the same softmax a model's head spreads its probability over.

- order 1: add-one (Laplace),  P(w) = (c(w) + 1) / (N + V'),  c counted over every token of the
  training items, N = Σ_w c(w).
- order 2 and 3: interpolated Kneser–Ney (Chen & Goodman 1998) with one absolute discount D.
  Each item is read as [<s>, t1, …, tL]: the begin marker <s> is a context, never an outcome, so
  the 2nd token's trigram context is (<s>, t1). Level k (k = 1 … n) has counts a_k:
      a_n(g)   = c(g), the raw count of the n-gram g;
      a_k(g)   = N1+(• g) = #{x : (x, g) occurs}, the continuation count, for k < n
                 (an n-gram that starts with <s> has nothing on its left: its raw count, as KenLM);
  and for a context h of k−1 tokens, A_k(h) = Σ_w a_k(h w) and T_k(h) = #{w : a_k(h w) > 0}:
      P_k(w | h) = (max(a_k(h w) − D, 0) + D · T_k(h) · P_{k−1}(w | h')) / A_k(h)    if A_k(h) > 0
      P_k(w | h) = P_{k−1}(w | h')                                                  otherwise
  with h' = h without its first token and P_0(w) = 1 / V' (uniform). Each level sums to 1 over
  the V' outcomes when 0 < D ≤ 1; a probability costs n look-ups, never a loop over V'.

D is chosen among DISCOUNTS by the cross-entropy on the valid part (`choose_discount`); the test
part is only scored.

Legend: n order, k level, V' outcomes, D discount, L tokens in an item.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat

from ..text import PAD, UNK, Vocab

BOS = "<s>"                      # the begin marker of every item: a context, never predicted
DISCOUNTS = (0.5, 0.75, 0.9)     # the absolute discounts tried on the valid part
NAMES = {1: "unigram", 2: "bigram", 3: "trigram"}
_BOS_ID = -1                     # no vocabulary id is negative


class NGram:
    """An order-`order` language model over `vocab` (module docstring: add-one for order 1,
    interpolated Kneser–Ney with discount `discount` above). `fit` before `prob`."""

    def __init__(self, order: int, vocab: Vocab, discount: float = 0.75):
        if order < 1:
            raise ValueError("An n-gram model needs an order of at least 1.")
        if UNK not in vocab.stoi:
            raise ValueError(f"The vocabulary needs {UNK}: the tokens outside it are scored as {UNK}.")
        if order > 1 and not 0 < discount <= 1:
            raise ValueError("The Kneser–Ney discount D must be above 0 and at most 1.")
        self.order, self.vocab, self.discount = order, vocab, discount
        self.outcomes = tuple(dict.fromkeys(t for t in vocab.tokens if t != PAD))     # V', each token once
        self._unk = vocab.stoi[UNK]
        self._id = {t: i for t, i in vocab.stoi.items() if t != PAD}    # token -> id of an outcome
        self._counts: list[dict[tuple, int]] = []       # [k] a_k(g), k = 1 … n (index 0 unused)
        self._contexts: list[dict[tuple, tuple[int, int]]] = []   # [k] h -> (A_k(h), T_k(h))
        self._unigrams: Counter = Counter()
        self._total = 0

    def ids(self, tokens: Iterable[str]) -> list[int]:
        """Each token's id; <pad> and tokens outside the vocabulary become <unk>'s."""
        return list(map(self._id.get, tokens, repeat(self._unk)))

    def fit(self, items: Iterable) -> NGram:
        """Count the training items (Examples or token sequences). Returns self."""
        sequences = [self.ids(_tokens(item)) for item in items]
        if self.order == 1:
            self._unigrams = Counter(i for seq in sequences for i in seq)
            self._total = sum(self._unigrams.values())
            return self
        flat = [i for seq in sequences for i in (_BOS_ID, *seq)]     # every item after its <s>
        raw = {k: _windows(flat, k) for k in range(2, self.order + 1)}   # k -> c(g), g of k tokens
        self._counts = [{}] * (self.order + 1)
        self._counts[self.order] = dict(raw[self.order])
        for k in range(self.order - 1, 0, -1):
            level = Counter(g[1:] for g in raw[k + 1])               # N1+(• g): distinct left neighbours
            if k > 1:                                                # <s>-started: nothing on the left
                level.update({g: n for g, n in raw[k].items() if g[0] == _BOS_ID})
            self._counts[k] = dict(level)
        self._contexts = [{}] + [_context_totals(counts) for counts in self._counts[1:]]
        return self

    def prob(self, context: Sequence[str], token: str) -> float:
        """P(token | context): the last order−1 tokens of `context` count, a shorter one is the
        start of an item (<s> before it); "<s>" in `context` is the begin marker. A token outside
        the vocabulary (or <pad>) is scored as <unk>."""
        context = [BOS] * self.order + list(context)
        ids = [_BOS_ID if t == BOS else i for t, i in zip(context, self.ids(context))]
        return self._prob(tuple(ids[len(ids) - (self.order - 1):]) if self.order > 1 else (),
                          self.ids([token])[0])

    def _prob(self, h: tuple, w: int) -> float:
        """P_n(w | h) for ids, h of n−1 ids, by the recursion of the module docstring, from P_0 up."""
        if self.order == 1:                                          # (c(w) + 1) / (N + V')
            return (self._unigrams.get(w, 0) + 1) / (self._total + len(self.outcomes))
        d, p = self.discount, 1 / len(self.outcomes)                 # P_0(w) = 1 / V'
        for k in range(1, self.order + 1):
            ctx = h[len(h) - (k - 1):] if k > 1 else ()
            totals = self._contexts[k].get(ctx)
            if totals is None:                                       # A_k(h) = 0: P_k = P_{k−1}
                continue
            a, t = totals
            p = (max(self._counts[k].get(ctx + (w,), 0) - d, 0) + d * t * p) / a
        return p

    def cross_entropy(self, items: Iterable) -> dict:
        """Mean −ln P(t_i | context) over every token but each item's first: cross_entropy (nats
        per token), bits (= nats / ln 2), perplexity (= e^nats) and count (= Σ (L − 1))."""
        total, count, nats = 0.0, 0, {}          # nats: (h, w) -> −ln P(w | h), each pair computed once
        width = self.order - 1
        for item in items:
            seq = [_BOS_ID, *self.ids(_tokens(item))]
            for i in range(2, len(seq)):                             # seq[i] = t_i, t_1 unscored
                key = (tuple(seq[i - width:i]) if width else (), seq[i])
                if key not in nats:
                    nats[key] = -math.log(self._prob(*key))
                total += nats[key]
                count += 1
        mean = total / max(count, 1)
        return {"cross_entropy": mean, "bits": mean / math.log(2), "perplexity": math.exp(mean), "count": count}


def choose_discount(model: NGram, valid: Sequence, discounts: Sequence[float] = DISCOUNTS) -> dict[float, float]:
    """Set the fitted `model`'s D to the one of `discounts` with the lowest cross-entropy on
    `valid` (the first of equals); returns D -> valid cross-entropy. The counts do not depend on D,
    so the model is fitted once."""
    scores = {}
    for d in discounts:
        model.discount = d
        scores[d] = model.cross_entropy(valid)["cross_entropy"]
    model.discount = min(scores, key=scores.get)
    return scores


def baselines(data, discounts: Sequence[float] = DISCOUNTS) -> dict[str, dict]:
    """The unigram, bigram and trigram baselines of a corpus task's `rnnviz.train.Data`: fitted on
    data.train with data.vocab, D chosen on data.valid, scored on data.test. Each entry holds
    cross_entropy, bits, perplexity, count; the Kneser–Ney ones also discount (the D chosen) and
    valid_cross_entropy (its score on data.valid)."""
    results = {}
    for order, name in NAMES.items():
        model = NGram(order, data.vocab).fit(data.train)
        chosen = choose_discount(model, data.valid, discounts) if order > 1 else None
        results[name] = model.cross_entropy(data.test)
        if chosen is not None:
            results[name].update(discount=model.discount, valid_cross_entropy=chosen[model.discount])
    return results


def _windows(flat: list[int], k: int) -> Counter:
    """c(g) of every k tokens in a row inside one item of `flat` (items one after another, each
    after its <s>): a window with <s> after its first place spans two items and is dropped."""
    counts = Counter(zip(*(flat[j:] for j in range(k))))
    for gram in [g for g in counts if _BOS_ID in g[1:]]:
        del counts[gram]
    return counts


def _context_totals(counts: dict[tuple, int]) -> dict[tuple, tuple[int, int]]:
    """Context h -> (A(h) = Σ_w a(h w), T(h) = #{w : a(h w) > 0}) of one level's counts."""
    totals: dict[tuple, list[int]] = {}
    for gram, n in counts.items():
        entry = totals.setdefault(gram[:-1], [0, 0])
        entry[0] += n
        entry[1] += 1
    return {h: (a, t) for h, (a, t) in totals.items()}


def _tokens(item) -> Sequence[str]:
    """An Example's tokens, or a token sequence as it is."""
    return getattr(item, "tokens", item)
