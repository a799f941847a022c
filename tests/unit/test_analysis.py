"""The analyses find what was planted by hand, match brute-force counts, and never change a model."""
import hashlib
import json
import random

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.analysis import flags, gradients, saturation
from rnnviz.model import Model, ModelSpec
from rnnviz.tasks import get_task
from rnnviz.tasks.base import Check, Example
from rnnviz.tasks.story import FEMALE_NAMES, POSITIVE
from rnnviz.text import Vocab
from rnnviz.trace import read
from tests.unit.reference import make_model

STORY = get_task("story")
WORDS = ["<pad>", "<unk>"] + STORY.vocabulary()
FLAG = (0, 0, 0)


def female_flag_model() -> Model:
    """A 3-unit LSTM language model with a planted female flag in c of unit 0.

    Embedding dim 0 is 1 exactly for female names. Unit 0: i = σ(20 x_0 − 10) opens only at a
    female name, g = tanh(10) ≈ 1 is written, f = σ(10) ≈ 1 keeps it, o = σ(10) ≈ 1 shows it.
    The head reads only unit 0: logit(she) = 10 h_0, logit(he) = 5, so she wins iff the flag is on.
    Units 1 and 2 read random embedding dims and never reach the head.
    """
    spec = ModelSpec(cell="lstm", vocab_size=len(WORDS), emb_size=4, hidden_size=3, head="lm")
    model = Model(spec, Vocab(WORDS))
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        emb = model.embedding.weight
        emb[:, 1:] = torch.randn(len(WORDS), 3, generator=gen)
        emb[[WORDS.index(w) for w in FEMALE_NAMES], 0] = 1.0
        w_ih, b_ih = model.rnn.weight_ih_l0, model.rnn.bias_ih_l0       # rows: i 0-2, f 3-5, g 6-8, o 9-11
        w_ih[0, 0], b_ih[0] = 20.0, -10.0
        b_ih[3] = b_ih[6] = b_ih[9] = 10.0
        for row in (1, 2, 4, 5, 7, 8, 10, 11):
            w_ih[row, 1:] = torch.randn(3, generator=gen)
        model.fc.weight[WORDS.index("she"), 0] = 10.0
        model.fc.bias[WORDS.index("he")] = 5.0
    return model


def checksum(model) -> str:
    digest = hashlib.sha256()
    for name, value in model.state_dict().items():
        digest.update(name.encode() + value.detach().numpy().tobytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def planted():
    return female_flag_model()


@pytest.fixture(scope="module")
def probe():
    return STORY.probe(60, seed=3)


def test_auroc_matches_a_brute_force_pairwise_count():
    rng = np.random.default_rng(0)
    on, off = rng.integers(0, 5, (40, 3)).astype(float), rng.integers(0, 6, (30, 3)).astype(float)
    for k in range(3):
        pairs = [(a > b) + 0.5 * (a == b) for a in on[:, k] for b in off[:, k]]
        assert flags.auroc(on, off)[k] == pytest.approx(np.mean(pairs))


def test_cohens_d_uses_the_pooled_sd():
    on, off = np.array([[1.0], [2.0], [3.0]]), np.array([[0.0], [1.0]])
    pooled = np.sqrt((2 * 1.0 + 1 * 0.5) / 3)
    assert flags.cohens_d(on, off)[0] == pytest.approx(1.5 / pooled)


def test_flag_concepts_are_the_tasks_own():
    assert flags.FLAG_CONCEPTS == {"story": ("female", "plural", "negation"), "sentiment": ("negation",), "recall": (),
                                   "english": ("female", "plural", "negation"), "english-chars": ()}
    assert all(flags.FLAG_CONCEPTS[name] == get_task(name).flag_concepts for name in flags.FLAG_CONCEPTS)


def test_flag_state_is_the_cell_state_of_an_lstm_and_h_otherwise(planted):
    r = read(planted, "alice says")
    assert np.array_equal(flags.flag_state(r, planted.spec)[0, 0], r.runs[0][0].c)
    gru = make_model("gru", layers=2, bidirectional=True)
    r = read(gru, "alice and tom")
    state = flags.flag_state(r, gru.spec)
    assert state.shape == (2, 2, 3, 5) and np.array_equal(state[1, 1], r.runs[1][1].h)


def test_the_planted_female_flag_ranks_first(planted, probe):
    scores = flags.unit_scores(planted, probe, "female")
    best = scores[0]
    assert best.key == FLAG and best.auroc == 1.0 and best.d > 10
    assert best.on > 0.99 and best.off < 0.01
    assert all(s.auroc >= 0.5 for s in scores) and all(s.auroc < 1.0 for s in scores[1:])


def test_clamping_the_flag_flips_every_pronoun_and_random_units_none(planted, probe):
    best = flags.unit_scores(planted, probe, "female")[0]
    assert flags.flip_rate(planted, probe, "female", best.key, best.on, best.off) == 1.0
    assert flags.random_flip_rate(planted, probe, "female", n_units=2, exclude=[FLAG]) == 0.0
    she = read(planted, "tom says the movie was good .", clamp={FLAG: best.on})
    assert planted.labels[int(she.probs[-1].argmax())] == "she"


def test_dependent_predictions_follow_the_grammar(planted):
    rng = random.Random(1)
    for ex in (STORY.sample(rng) for _ in range(200)):
        stop = ex.tokens.index(".")
        positive = ex.tokens[stop - 1] in POSITIVE
        mood = (len(ex.tokens) - 3, ex.tokens[-2])             # after is/are
        pronoun = (stop, ex.tokens[stop + 1])
        assert flags.dependent_predictions(planted, ex, "negation") == ([mood] if positive else [])
        assert flags.dependent_predictions(planted, ex, "female") == ([] if ex.concepts["plural"] else [pronoun])
        # the pronoun (they vs she/he) depends on the subject's number in every sentence; says/say,
        # decided a few tokens after the subject, and is/are, after the pronoun, depend on no flag
        assert flags.dependent_predictions(planted, ex, "plural") == [pronoun]
    sentiment = get_task("sentiment").probe(4, seed=0)
    classifier = make_model("lstm")
    assert flags.dependent_predictions(classifier, sentiment[0], "negation") == [
        (len(sentiment[0].tokens) - 1, sentiment[0].label)]


def choice_model(say_weight: float) -> Model:
    """A 1-unit LSTM whose logits are constant until unit 0 is clamped: logit(says) = 1 always,
    logit(the) = 10 h_0, logit(say) = say_weight h_0 (all other weights 0, so h_0 = 0 unclamped)."""
    words = ["<pad>", "<unk>", "alice", "says", "say", "the"]
    model = Model(ModelSpec(cell="lstm", vocab_size=len(words), emb_size=2, hidden_size=1, head="lm"),
                  Vocab(words))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.fc.bias[words.index("says")] = 1.0
        model.fc.weight[words.index("the"), 0] = 10.0
        model.fc.weight[words.index("say"), 0] = say_weight
    return model


def test_a_flip_is_a_change_of_choice_among_the_alternatives():
    contrastive = Example(tokens=("alice", "says"), checks=(Check(0, "says", "verb", "plural", ("says", "say")),),
                          concepts={"plural": False}, scopes={"plural": (0, 2)})
    whole = Example(tokens=("alice", "says"), checks=(Check(0, "says", "verb", "plural"),),
                    concepts={"plural": False}, scopes={"plural": (0, 2)})
    for say_weight, contrastive_flips in ((0.0, 0.0), (5.0, 1.0)):
        model = choice_model(say_weight)
        before, after = read(model, ["alice"]), read(model, ["alice"], clamp={(0, 0, 0): 1.0})
        assert model.labels[int(before.logits[0].argmax())] == "says"
        assert model.labels[int(after.logits[0].argmax())] == "the"          # the top word always changes
        says_wins = after.logits[0, model.labels.index("says")] > after.logits[0, model.labels.index("say")]
        assert says_wins == (contrastive_flips == 0.0)
        assert flags.flip_rate(model, [contrastive], "plural", (0, 0, 0), 1.0, -1.0) == contrastive_flips
        assert flags.flip_rate(model, [whole], "plural", (0, 0, 0), 1.0, -1.0) == 1.0


def test_find_flags_returns_card_dicts_and_never_changes_the_model(planted, probe):
    before = checksum(planted)
    found = flags.find_flags(planted, "story", probe=probe)
    assert checksum(planted) == before
    assert all(p.grad is None for p in planted.parameters())
    assert [f["concept"] for f in found] == ["female", "plural", "negation"]
    for f in found:
        assert tuple(f) == flags.CARD_KEYS
        assert json.loads(json.dumps(f, allow_nan=False)) == f
        assert all(type(v) in (str, int, float) for v in f.values())
    female = found[0]
    assert (female["layer"], female["direction"], female["unit"]) == FLAG
    assert female["clamp_flip_rate"] == 1.0 and female["random_flip_rate"] == 0.0


def test_find_flags_for_a_classifier_and_a_task_without_concepts():
    sentiment = get_task("sentiment")
    model = gradients.untrained_model("gru", hidden=8, vocab=["<pad>", "<unk>"] + sentiment.vocabulary())
    found = flags.find_flags(model, sentiment, probe=sentiment.probe(40, seed=0))
    assert [f["concept"] for f in found] == ["negation"] and 0 <= found[0]["clamp_flip_rate"] <= 1
    assert flags.find_flags(model, "recall", probe=get_task("recall").probe(4, seed=0)) == []


def test_minimal_pair_aligns_tokens_and_ranks_the_flag_first(planted):
    pair = flags.minimal_pair(planted, "alice says the movie was good .", "tom near the dogs says the movie was good .")
    assert pair.aligned[0] == (1, 4) and pair.aligned[-1] == (6, 9)
    assert all(pair.tokens_a[i] == pair.tokens_b[j] for i, j in pair.aligned)
    assert pair.diff.shape == (1, 1, len(pair.aligned), 3) == pair.diff_hidden.shape
    assert pair.state == "cell" and pair.ranking[0][:3] == FLAG and pair.ranking[0][3] > 0.99
    gru = make_model("gru", head="lm")
    pair = flags.minimal_pair(gru, "alice says", "tom says")
    assert pair.state == "hidden" and np.array_equal(pair.diff, pair.diff_hidden)


def test_trigger_scores_find_the_unit_that_a_word_switches_on(planted):
    texts = ["tom says alice was good", "the boys say alice is happy", "alice is sad",
             "tom says the film was good", "the boys say he is happy", "tom is sad ."]
    best = flags.trigger_scores(planted, texts, "Alice")[0]
    assert best.key == FLAG and best.auroc == 1.0
    assert flags.trigger_scores(planted, texts[:3], "alice") == []


def test_spectral_radius_of_hand_made_matrices():
    assert gradients.spectral_radius(np.diag([0.5, 2.0])) == pytest.approx(2.0)
    blocks = np.vstack([np.diag([0.5, 2.0]), np.diag([3.0, 0.1])])
    assert gradients.block_spectral_radii(blocks) == pytest.approx([2.0, 3.0])
    assert gradients.spectral_radius(torch.tensor([[0.0, -1.5], [1.5, 0.0]])) == pytest.approx(1.5)


def first_to_last_ratio(model) -> float:
    """‖∂L/∂h‖ at the first of 30 tokens over its value at the last."""
    tokens = ["alice", "says", "the", "movie", "was", "not", "good", "."] * 4
    return gradients.gradient_curve(rnnviz.trace(model, " ".join(tokens[:30])))[0]


def test_untrained_models_explode_vanish_and_remember_with_a_forget_bias():
    ratio = first_to_last_ratio
    assert ratio(gradients.untrained_model("rnn", scale=3.0)) > 1
    assert ratio(gradients.untrained_model("rnn", scale=0.5)) < 1e-2
    default, biased = gradients.untrained_model("lstm"), gradients.untrained_model("lstm", forget_bias=3.0)
    assert ratio(biased) > 1e-2 and ratio(biased) > 1e3 * ratio(default)
    h = biased.spec.hidden_size
    forget = biased.rnn.bias_ih_l0[h:2 * h] + biased.rnn.bias_hh_l0[h:2 * h]
    assert torch.allclose(forget, torch.full((h,), 3.0))
    assert gradients.spectral_radius(biased.rnn.weight_hh_l0) == pytest.approx(1.0, abs=1e-5)


def test_the_lab_starts_the_forget_gate_as_training_does():
    """One convention (model.set_forget_bias): the bias split evenly between b_ih and b_hh; a cell
    without a forget gate ignores the lab's setting and keeps its weights."""
    h = 32
    biased = gradients.untrained_model("lstm", forget_bias=3.0)
    for name in ("bias_ih_l0", "bias_hh_l0"):
        assert torch.equal(getattr(biased.rnn, name)[h:2 * h].detach(), torch.full((h,), 1.5))
    for cell in ("gru", "rnn"):
        assert checksum(gradients.untrained_model(cell, forget_bias=3.0)) == checksum(gradients.untrained_model(cell))


def test_recurrent_radius_is_the_first_layers_spectral_radius():
    for scale in (0.5, 3.0):
        model = gradients.untrained_model("rnn", scale=scale)
        assert gradients.recurrent_radius(model) == gradients.spectral_radius(model.rnn.weight_hh_l0)
        assert gradients.recurrent_radius(model) == pytest.approx(scale, abs=1e-5)
    two = make_model("gru", layers=2, bidirectional=True)
    assert gradients.recurrent_radius(two) == gradients.spectral_radius(two.rnn.weight_hh_l0)


@pytest.mark.parametrize("scale", [1.0, 3.0])
def test_the_lab_trace_reads_the_class_the_model_finds_least_likely(scale):
    model = gradients.untrained_model("rnn", scale=scale)
    text = "the key is green . the cat sat on the mat . what colour was the key ?"
    t = gradients.lab_trace(model, text)
    least = model.labels[int(read(model, text).probs[-1].argmin())]
    assert t.target == rnnviz.trace(model, text, target=least).target and least in t.target
    assert np.array_equal(t.grad_hidden, rnnviz.trace(model, text, target=least).grad_hidden)
    assert t.grad_hidden[0, 0, -1] > 0, "the least likely class always has a slope"


def test_untrained_model_is_deterministic_and_leaves_the_global_seed_alone():
    torch.manual_seed(5)
    expected = torch.rand(1)
    torch.manual_seed(5)
    a, b = gradients.untrained_model("gru", seed=1), gradients.untrained_model("gru", seed=1)
    assert torch.rand(1) == expected
    assert checksum(a) == checksum(b) != checksum(gradients.untrained_model("gru", seed=2))


def test_gradient_curve_is_normalised_at_the_last_non_zero_token():
    model = make_model("lstm", head="lm")
    t = rnnviz.trace(model, "alice and tom said the movie was not good", target=("she", 4))
    curve = gradients.gradient_curve(t)
    assert curve[4] == pytest.approx(1.0) and np.all(curve[5:] == 0)
    raw = gradients.gradient_curve(t, normalise=False)
    assert np.allclose(curve[:5], raw[:5] / raw[4])
    cell = gradients.gradient_curve(rnnviz.trace(model, "the movie was good"), state="cell")
    assert cell[-1] == pytest.approx(1.0)
    gain = gradients.step_gain(t)
    assert len(gain) == len(t.tokens) - 1 and gain[2] == pytest.approx(raw[2] / raw[3])
    assert np.all(np.isnan(gain[4:]))


def test_forget_product_is_the_running_product_of_forget_gates():
    model = make_model("lstm", bidirectional=True)
    t = rnnviz.trace(model, "the movie was not very good")
    f = t.gates["forget"][0, 0].astype(float)
    expected = [np.prod(f[s + 1:], axis=0).mean() for s in range(len(f))]
    assert np.allclose(gradients.forget_product(t), expected) and gradients.forget_product(t)[-1] == 1
    backward = gradients.forget_product(t, direction=1)
    assert backward[0] == 1 and np.isclose(backward[1], t.gates["forget"][0, 1, 0].astype(float).mean())


def test_clipping():
    assert np.array_equal(gradients.clip([0.5, 2.0, 10.0], 1.0), [0.5, 1.0, 1.0])


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_saturation_fractions_match_a_direct_count(cell):
    model = make_model(cell, layers=2)
    texts = ["the movie was not very good", "alice and tom", "she is happy ."]
    before = checksum(model)
    result = saturation.saturation(model, texts)
    assert checksum(model) == before and "candidate" not in result
    for name, (low, high) in result.items():
        values = np.concatenate([np.array([[run.gates[name] for run in row] for row in read(model, t).runs])
                                 for t in texts], axis=2)                                # [L, D, steps, H]
        assert np.allclose(low, (values < 0.1).mean(axis=2)) and np.allclose(high, (values > 0.9).mean(axis=2))
        assert low.shape == (2, 1, 5) and np.all((0 <= low) & (low + high <= 1))
    both = saturation.saturation(model, texts, candidate=True)["candidate"]
    assert np.all((0 <= both[0]) & (both[0] + both[1] <= 1))
    assert saturation.saturation(make_model("rnn"), texts) == {}
