"""The training loop: seeded, observable, stoppable, and its CLI. Tiny models, a few steps each."""
from __future__ import annotations

from functools import cache

import pytest
import torch

import rnnviz
from rnnviz import checkpoints
from rnnviz import train as training
from rnnviz.cli import main
from rnnviz.errors import RnnvizError
from rnnviz.model import set_forget_bias
from rnnviz.train import evaluate, make_data, train

TINY = {"emb": 4, "hidden": 6, "steps": 30, "batch": 16}
CARD_KEYS = {"task", "spec", "vocab", "labels", "seed", "train_seconds", "command", "metrics",
             "description", "flags"}


@cache
def tiny_data(task: str):
    return make_data(task, n_train=200, n_valid=40, n_test=60)


def weights(model) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.state_dict().items()}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("task,cell", [("story", "lstm"), ("sentiment", "gru"), ("recall", "rnn")])
def test_one_seed_gives_identical_weights_and_another_differs(task, cell):
    runs = [train(task, cell, seed=s, data=tiny_data(task), **TINY) for s in (3, 3, 4)]
    assert same(weights(runs[0].model), weights(runs[1].model))
    assert [h["loss"] for h in runs[0].history] == [h["loss"] for h in runs[1].history]
    assert not same(weights(runs[0].model), weights(runs[2].model))


def test_the_seed_covers_random_numpy_and_torch():
    import random

    import numpy as np
    training.seed_everything(5)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    training.seed_everything(5)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


def test_progress_reports_loss_accuracy_and_grad_norm_every_step():
    calls = []
    result = train("story", "lstm", data=tiny_data("story"), progress=lambda *a: calls.append(a), **TINY)
    assert [c[0] for c in calls] == list(range(1, 31)) and {c[1] for c in calls} == {30}
    for _, _, metrics in calls:
        assert {"loss", "accuracy", "grad_norm"} <= set(metrics)
        assert metrics["loss"] > 0 and 0 <= metrics["accuracy"] <= 1 and metrics["grad_norm"] >= 0
    assert "valid_accuracy" in calls[-1][2]
    assert result.history == [c[2] for c in calls] and result.steps == 30 and not result.stopped


def test_clipping_reports_the_norm_before_clipping():
    clipped = train("sentiment", "rnn", data=tiny_data("sentiment"), clip=1e-3, **TINY)
    assert max(h["grad_norm"] for h in clipped.history) > 1e-3     # measured before the clip


def test_should_stop_ends_early_and_keeps_a_usable_model():
    asked = []
    result = train("story", "lstm", data=tiny_data("story"), should_stop=lambda: asked.append(1) or len(asked) > 5,
                   **TINY)
    assert result.stopped and result.steps == 5 and len(result.history) == 5
    t = rnnviz.trace(result.model, "alice says the movie was not good . she is")
    assert t.probs.shape == (len(t.tokens), len(result.model.vocab))
    assert 0 <= result.metrics["accuracy"] <= 1


def test_target_accuracy_stops_training(monkeypatch):
    monkeypatch.setattr(training, "EVAL_EVERY", 5)
    result = train("sentiment", "lstm", data=tiny_data("sentiment"), target=0.01, **TINY)
    assert result.steps == 5 and result.history[-1]["valid_accuracy"] >= 0.01 and not result.stopped


def test_forget_bias_sets_exactly_the_forget_block():
    data = tiny_data("sentiment")
    models = []
    for bias in (0.0, 3.0):
        training.seed_everything(0)
        model = training.build_model("sentiment", data.vocab, "lstm", 4, 6, layers=2, bidirectional=True)
        set_forget_bias(model, bias)
        models.append(dict(model.rnn.named_parameters()))
    h = 6
    biases = [name for name in models[1] if name.startswith("bias_")]
    assert len(biases) == 8                                          # 2 layers × 2 directions × (ih, hh)
    for name, tensor in models[1].items():
        rows = torch.ones(4 * h, dtype=torch.bool)
        if name.startswith("bias_"):
            rows[h:2 * h] = False                                    # i, f, g, o: f is rows H..2H
        assert torch.equal(tensor.detach()[rows], models[0][name].detach()[rows]), name
    for suffix in ("l0", "l1", "l0_reverse", "l1_reverse"):
        total = models[1][f"bias_ih_{suffix}"][h:2 * h] + models[1][f"bias_hh_{suffix}"][h:2 * h]
        assert torch.equal(total.detach(), torch.full((h,), 3.0))
    with pytest.raises(RnnvizError, match="LSTM"):
        train("sentiment", "gru", data=data, forget_bias=3.0, **TINY)
    gru = training.build_model("sentiment", data.vocab, "gru", 4, 6)
    before = weights(gru)
    set_forget_bias(gru, 0.0)                                        # no forget gate: nothing to set
    assert same(weights(gru), before)
    with pytest.raises(RnnvizError, match="LSTM"):
        set_forget_bias(gru, 3.0)


def test_evaluate_reports_kinds_and_distances():
    result = train("story", "lstm", data=tiny_data("story"), **TINY)
    m = evaluate(result.model, "story", tiny_data("story").test)
    assert set(m["by_kind"]) == {"verb", "pronoun", "mood"} and m["count"] == 4 * 60
    assert sum(b["count"] for b in m["by_distance"].values()) == 60
    assert set(m["by_distance"]) <= {"6-8", "9-11", "12-14", "15+"}
    recall = train("recall", "lstm", data=tiny_data("recall"), **TINY).metrics
    assert recall["count"] == 60 and sum(b["count"] for b in recall["by_distance"].values()) == 60
    assert set(recall["by_distance"]) <= {"20-29", "30-39", "40-49", "50+"}
    sentiment = train("sentiment", "lstm", data=tiny_data("sentiment"), **TINY).metrics
    assert set(sentiment["by_negation"]) == {"negated", "not negated"}


def test_evaluate_is_contrastive_among_each_checks_alternatives():
    """A hand-built model whose next-word logits are its output biases, the same after every
    word: the > he > says > she > say > everything else."""
    from rnnviz.model import Model, ModelSpec
    from rnnviz.tasks import Check, Example
    from rnnviz.text import Vocab
    words = ["<pad>", "<unk>", "alice", "tom", "and", "ben", "says", "say", "the", "she", "he"]
    model = Model(ModelSpec(cell="lstm", vocab_size=len(words), emb_size=2, hidden_size=2, head="lm"), Vocab(words))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        for word, bias in {"the": 5.0, "he": 4.0, "says": 3.0, "she": 2.0, "say": 1.0}.items():
            model.fc.bias[words.index(word)] = bias
    examples = [
        Example(("alice", "says", "the"), checks=(Check(0, "says", "verb", "plural", ("says", "say")),)),  # right
        Example(("tom", "and", "ben", "say"), checks=(Check(2, "say", "verb", "plural", ("says", "say")),)),  # wrong
        Example(("alice", "she"), checks=(Check(0, "she", "pronoun", "female", ("she", "he")),)),      # wrong
        Example(("tom", "he"), checks=(Check(0, "he", "pronoun", "female", ("she", "he")),)),          # right
        Example(("tom", "he"), checks=(Check(0, "he", "pronoun", "female"),)),         # whole vocabulary: wrong
    ]
    m = evaluate(model, "story", examples)
    assert m["count"] == 5 and m["accuracy"] == pytest.approx(2 / 5)
    assert m["by_kind"] == {"pronoun": pytest.approx(1 / 3), "verb": 0.5}


def test_several_seeds_keep_the_best_by_the_score():
    best, results = training.train_seeds("sentiment", "rnn", (0, 1, 2), data=tiny_data("sentiment"),
                                         score=lambda r: (r.seed == 1,), **TINY)
    assert [r.seed for r in results] == [0, 1, 2] and best.seed == 1


def test_bad_options_are_readable_errors():
    for bad in ({"steps": 0}, {"lr": -1.0}, {"hidden": 0}, {"pooling": "max"}, {"target": 2.0}):
        with pytest.raises(RnnvizError):
            train("sentiment", "lstm", data=tiny_data("sentiment"), **{**TINY, **bad})
    with pytest.raises(RnnvizError, match="task"):
        train("nope", "lstm")
    with pytest.raises(RnnvizError, match="cell"):
        train("sentiment", "transformer", data=tiny_data("sentiment"))


def test_training_options_and_model_cards_share_the_models_rules():
    """One rule, one message: what ModelSpec refuses in a card, train() refuses in its options."""
    from rnnviz.model import ModelSpec
    spec = {"cell": "lstm", "vocab_size": 10, "emb_size": 4, "hidden_size": 6, "labels": ("a", "b")}
    for card, option in (({"cell": "cnn"}, {"cell": "cnn"}), ({"pooling": "max"}, {"pooling": "max"})):
        with pytest.raises(RnnvizError) as from_card:
            ModelSpec(**{**spec, **card}).validate()
        with pytest.raises(RnnvizError) as from_options:
            train("sentiment", **{"cell": "lstm", **option}, data=tiny_data("sentiment"), **TINY)
        problem = str(from_card.value).split(": ", 1)[1]
        assert problem in str(from_options.value), (problem, str(from_options.value))
    with pytest.raises(RnnvizError, match="cannot read the future"):
        train("story", "lstm", bidirectional=True, data=tiny_data("story"), **TINY)
    with pytest.raises(RnnvizError, match="cannot read the future"):
        ModelSpec(**{**spec, "head": "lm", "bidirectional": True}).validate()


@pytest.mark.parametrize("argv", [["--task", "nope", "--cell", "lstm"], ["--task", "story", "--cell", "cnn"],
                                  ["--task", "story"], ["--name", "nope"], ["--task", "story", "--cell", "lstm",
                                                                           "--steps", "x"]])
def test_cli_rejects_bad_arguments_with_one_line_and_exit_2(argv, capsys):
    try:
        code = main(["train", *argv])
    except SystemExit as stop:                                       # argparse's own errors
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("rnnviz: ") and err.count("\n") == 1, err


def test_cli_tiny_run_writes_a_loadable_model_and_card(tmp_path, capsys):
    out = tmp_path / "tiny"
    code = main(["train", "--task", "story", "--cell", "gru", "--seed", "1", "--steps", "20", "--emb", "4",
                 "--hidden", "6", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0 and "20/20" in captured.err and "saved" in captured.out
    model = checkpoints.load(out)
    card = checkpoints.read_card(out.with_suffix(".json"))
    assert CARD_KEYS <= set(card)
    assert card["vocab"][:2] == ["<pad>", "<unk>"] and card["task"] == "story" and card["seed"] == 1
    assert "--steps 20" in card["command"] and "--cell gru" in card["command"]
    assert isinstance(card["flags"], list) and 0 <= card["metrics"]["accuracy"] <= 1
    assert model.spec.cell == "gru" and model.spec.hidden_size == 6
    rnnviz.trace(model, "tom says the film was good .")
