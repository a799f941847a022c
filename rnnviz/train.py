"""The seeded training loop used by the CLI and the app's Train page.

    from rnnviz.train import make_data, train
    data = make_data("story")                         # one train/valid/test split, reused by every seed
    result = train("story", "lstm", seed=2, data=data, progress=print_step, should_stop=stop_pressed)
    result.model, result.metrics["accuracy"], result.history[-1]["loss"]

Training runs the fused torch.nn module (Model.forward) with Adam and gradient-norm clipping.
A language model (story) learns every next token (padding ignored) and is scored on the
checks of its grammar (Example.checks): a check is right when its expected token has the highest
probability among the check's alternatives (says vs say; argmax over the whole vocabulary for a
check without alternatives: Check.among); a classifier learns and is scored on the label.
`seed` fixes `random`, numpy and torch (the weights and the order of the batches); the data
come from their own seed, so several seeds train on the same sentences.

Legend: N examples, B batch, T tokens, K checks per example, A alternatives per check, V vocab, C classes.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from .errors import RnnvizError
from .model import LIMITS, Model, ModelSpec, forget_gate_cells, layout_problems, set_forget_bias, whole_number_problems
from .registry import CELL_KINDS
from .tasks import Example, get_task
from .tasks.base import choose
from .text import PAD, UNK, Vocab

DEFAULT_STEPS = {"story": 4000, "sentiment": 1500, "recall": 3000}
# The Train page's settings when it opens: short enough for a class to train on one server in about
# a minute. What they reach is what the page promises (train.scrub_intro), measured by
# tests/unit/test_train_promise.py: the task's own flag (negation) sharpens; a flag the task barely
# needs (female, on the story task) stays near chance until far more steps (DEFAULT_STEPS).
PAGE_DEFAULTS = {"task": "sentiment", "cell": "lstm", "seed": 0, "emb": 16, "hidden": 32, "layers": 1,
                 "bidirectional": False, "steps": 300, "lr": 3e-3, "clip": 1.0, "forget_bias": 0.0}
DATA_SIZES = {"story": 20_000, "sentiment": 10_000, "recall": 10_000}   # training sentences
N_VALID, N_TEST = 500, 1000
EVAL_EVERY = 250                  # steps between validation checks (for `target` and the curves)

Progress = Callable[[int, int, dict], None]


@dataclass
class Data:
    """One task's sentences: train, valid (target and choice of seed) and test (the reported
    metrics), pairwise disjoint, with the vocabulary the models are built on."""

    task: str
    seed: int
    vocab: Vocab
    labels: tuple[str, ...]
    train: list[Example]
    valid: list[Example]
    test: list[Example]
    _tensors: dict = field(default_factory=dict, repr=False)

    def tensors(self, part: str) -> dict[str, torch.Tensor]:
        if part not in self._tensors:
            self._tensors[part] = encode(self.vocab, getattr(self, part), self.labels)
        return self._tensors[part]


@dataclass
class TrainResult:
    """A trained model, one dict per step (loss, accuracy, grad_norm; valid_accuracy every
    EVAL_EVERY steps), the training time in seconds and the held-out test metrics."""

    model: Model
    history: list[dict]
    seconds: float
    metrics: dict
    seed: int = 0
    steps: int = 0                   # steps actually taken
    stopped: bool = False            # should_stop() ended training early
    valid_accuracy: float = 0.0


def make_data(task_name: str, n_train: int | None = None, seed: int = 0,
              n_valid: int = N_VALID, n_test: int = N_TEST) -> Data:
    """A train/valid/test split of the task's sentences (valid and test never occur in train)."""
    task = get_task(task_name)
    train_set, held_out = task.split(n_train or DATA_SIZES[task.name], n_valid + n_test, seed)
    vocab = Vocab([PAD, UNK] + task.vocabulary())
    return Data(task.name, seed, vocab, tuple(task.labels), train_set, held_out[:n_valid], held_out[n_valid:])


def encode(vocab: Vocab, examples: list[Example], labels=()) -> dict[str, torch.Tensor]:
    """Padded ids [N, T], lengths [N], label index [N] (-1 for none), check positions and
    expected ids [N, K] (-1 where an example has fewer checks) and the ids each check chooses
    among [N, K, A] (Check.among, -1 padding; all -1: the whole vocabulary)."""
    labels = list(labels)
    n, t = len(examples), max((len(ex.tokens) for ex in examples), default=1)
    k = max((len(ex.checks) for ex in examples), default=0)
    a = max((len(c.alternatives) for ex in examples for c in ex.checks), default=1)
    # filled as numpy arrays (element writes into a torch tensor cost microseconds each)
    ids = np.full((n, t), vocab.stoi.get(PAD, 0), dtype=np.int64)      # padding is never read (packed)
    pos, expected = np.full((n, k), -1, dtype=np.int64), np.full((n, k), -1, dtype=np.int64)
    alternatives = np.full((n, k, a), -1, dtype=np.int64)
    for i, ex in enumerate(examples):
        ids[i, :len(ex.tokens)] = vocab.ids(list(ex.tokens))
        for j, check in enumerate(ex.checks):
            pos[i, j], expected[i, j] = check.position, vocab.stoi.get(check.expected, vocab.unk_id)
            among = check.among(vocab)
            alternatives[i, j, :len(among)] = among
    return {"ids": torch.from_numpy(ids), "lengths": torch.tensor([len(ex.tokens) for ex in examples]),
            "label": torch.tensor([labels.index(ex.label) if ex.label in labels else -1 for ex in examples]),
            "pos": torch.from_numpy(pos), "expected": torch.from_numpy(expected),
            "alternatives": torch.from_numpy(alternatives)}


def seed_everything(seed: int) -> None:
    """`random`, numpy and torch: unseeded `random` once made two runs with one seed differ."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_model(task_name: str, vocab: Vocab, cell: str, emb: int = 16, hidden: int = 32, layers: int = 1,
                bidirectional: bool = False, pooling: str = "last") -> Model:
    task = get_task(task_name)
    spec = ModelSpec(cell=cell, vocab_size=len(vocab), emb_size=emb, hidden_size=hidden, layers=layers,
                     bidirectional=bidirectional, head=task.head, pooling=pooling, labels=tuple(task.labels))
    return Model(spec, vocab, {"task": task.name})


def train(task_name: str, cell: str, *, seed: int = 0, emb: int = 16, hidden: int = 32, layers: int = 1,
          bidirectional: bool = False, steps: int | None = None, lr: float = 3e-3, batch: int = 64,
          clip: float = 1.0, forget_bias: float = 0.0, pooling: str = "last", target: float | None = None,
          progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
          data: Data | None = None, on_step: Callable[[int, Model], None] | None = None) -> TrainResult:
    """Train one model. `progress(step, total, metrics)` after every step; `should_stop()` before
    every step (True ends training, keeping what was learnt); `target` ends it once the
    validation accuracy (checked every EVAL_EVERY steps) reaches it. `clip` 0 = no clipping.
    `on_step(step, model)` sees the model after each step (to copy snapshots; it must not change it)."""
    task = get_task(task_name)
    steps = DEFAULT_STEPS[task.name] if steps is None else steps
    _check_options(task, cell, steps, dict(emb=emb, hidden=hidden, layers=layers, batch=batch, seed=seed, lr=lr,
                                           clip=clip, forget_bias=forget_bias, pooling=pooling, target=target,
                                           bidirectional=bidirectional))
    data = data or make_data(task.name)
    if data.task != task.name:
        raise RnnvizError(f"These data are for the {data.task!r} task, not {task.name!r}.")
    seed_everything(seed)
    model = build_model(task.name, data.vocab, cell, emb, hidden, layers, bidirectional, pooling)
    set_forget_bias(model, forget_bias)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    order = torch.Generator().manual_seed(seed)
    tensors, history, stopped, valid = data.tensors("train"), [], False, 0.0
    n = len(tensors["lengths"])
    start = time.perf_counter()
    for step in range(1, steps + 1):
        if should_stop is not None and should_stop():
            stopped = True
            break
        rows = _batch(tensors, torch.randint(n, (batch,), generator=order))
        logits = model(rows["ids"], rows["lengths"])
        loss = _loss(model, logits, rows)
        optimiser.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), clip if clip > 0 else float("inf"))
        optimiser.step()
        right, count = _count(*_predictions(model, logits.detach(), rows))
        record = {"step": step, "loss": float(loss.detach()), "accuracy": right / max(count, 1),
                  "grad_norm": float(norm)}
        if step % EVAL_EVERY == 0 or step == steps:
            valid = record["valid_accuracy"] = accuracy(model, data.tensors("valid"))
        history.append(record)
        if progress is not None:
            progress(step, steps, record)
        if on_step is not None:
            on_step(step, model)
        if target is not None and "valid_accuracy" in record and valid >= target:
            break
    seconds = time.perf_counter() - start
    if not history or "valid_accuracy" not in history[-1]:
        valid = accuracy(model, data.tensors("valid"))
    return TrainResult(model, history, seconds, evaluate(model, task, data.test), seed,
                       len(history), stopped, valid)


def train_seeds(task_name: str, cell: str, seeds, *, score: Callable[[TrainResult], tuple] | None = None,
                progress: Progress | None = None, should_stop: Callable[[], bool] | None = None,
                data: Data | None = None, **options) -> tuple[TrainResult, list[TrainResult]]:
    """One model per seed on the same data; returns the best by `score(result)` (higher is
    better; default the validation accuracy) and every result, in seed order. A stop ends all."""
    data = data or make_data(task_name)
    score = score or (lambda r: (r.valid_accuracy,))
    results, scores = [], []
    for seed in seeds:
        told = None if progress is None else (lambda step, total, m, s=seed: progress(step, total, {**m, "seed": s}))
        results.append(train(task_name, cell, seed=seed, data=data, progress=told,
                             should_stop=should_stop, **options))
        scores.append(score(results[-1]))
        if results[-1].stopped:
            break
    best = max(range(len(results)), key=lambda i: scores[i])     # first of equals: the lowest seed
    return results[best], results


def _check_options(task, cell, steps, o: dict) -> None:
    """Every problem with the options in one readable message (RnnvizError), before any work.

    The model's own rules (cell, pooling, a next-word model reads no future) are ModelSpec's."""
    problems = layout_problems(cell, task.head, o["pooling"], o["bidirectional"])
    whole = {"emb": (1, LIMITS["emb_size"]), "hidden": (1, LIMITS["hidden_size"]), "layers": (1, LIMITS["layers"]),
             "steps": (1, 1_000_000), "batch": (1, 4096), "seed": (0, 2**32 - 1)}
    for name, (low, top) in whole.items():
        problems += whole_number_problems(name, steps if name == "steps" else o[name], low, top)
    numbers = {"lr": (lambda x: 0 < x <= 1, "lr must be above 0 and at most 1"),
               "clip": (lambda x: 0 <= x < float("inf"), "clip must be 0 (no clipping) or a positive number"),
               "forget_bias": (lambda x: abs(x) <= 20, "the forget bias must be from -20 to 20")}
    for name, (ok, message) in numbers.items():
        if not isinstance(o[name], (int, float)) or isinstance(o[name], bool) or not ok(o[name]):
            problems.append(message)
    kind = CELL_KINDS.get(cell)
    if o["forget_bias"] and not (kind and kind.forget_gate):
        problems.append(f"a forget bias needs a cell with a forget gate ({', '.join(forget_gate_cells())})")
    if o["target"] is not None and not (isinstance(o["target"], (int, float)) and 0 < o["target"] <= 1):
        problems.append("target must be an accuracy above 0 and at most 1")
    if problems:
        raise RnnvizError("Cannot train: " + "; ".join(problems) + ".")


def _batch(tensors: dict, rows: torch.Tensor) -> dict:
    """The chosen rows, cut to the longest sentence among them."""
    picked = {k: v[rows] for k, v in tensors.items()}
    picked["ids"] = picked["ids"][:, :int(picked["lengths"].max())]          # [B, T]
    return picked


def _loss(model: Model, logits: torch.Tensor, rows: dict) -> torch.Tensor:
    if model.spec.head_kind.next_word:    # predict token t+1 after token t, never past the end
        nxt = rows["ids"][:, 1:].clone()                                      # [B, T-1]
        nxt[torch.arange(nxt.shape[1]) >= (rows["lengths"] - 1).unsqueeze(1)] = -100
        return nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), nxt.reshape(-1),
                                           ignore_index=-100)
    return nn.functional.cross_entropy(logits, rows["label"])


def _predictions(model: Model, logits: torch.Tensor, rows: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """(predicted, expected) at every scored place: [B, K] checks for a language model, [B, 1] labels.

    A check predicts the alternative with the highest logit (= probability); without
    alternatives (Check.among), the word with the highest logit in the whole vocabulary."""
    if model.spec.head_kind.next_word:
        pos = rows["pos"].clamp(min=0)
        picked = logits.gather(1, pos.unsqueeze(2).expand(-1, -1, logits.shape[2]))   # [B, K, V]
        return torch.from_numpy(choose(picked.numpy(), rows["alternatives"].numpy())), rows["expected"]
    return logits.argmax(1, keepdim=True), rows["label"].unsqueeze(1)


def _count(predicted: torch.Tensor, expected: torch.Tensor) -> tuple[int, int]:
    """(right, scored) over the places that are scored (expected ≥ 0)."""
    scored = expected >= 0
    return int(((predicted == expected) & scored).sum()), int(scored.sum())


def _predict(model: Model, tensors: dict, chunk: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """(predicted, expected) [N, K] over a whole encoded set, without gradients."""
    outs = []
    with torch.no_grad():
        for start in range(0, len(tensors["lengths"]), chunk):
            rows = _batch(tensors, torch.arange(start, min(start + chunk, len(tensors["lengths"]))))
            outs.append(_predictions(model, model(rows["ids"], rows["lengths"]), rows))
    return torch.cat([o[0] for o in outs]), torch.cat([o[1] for o in outs])


def accuracy(model: Model, tensors: dict) -> float:
    right, count = _count(*_predict(model, tensors))
    return right / max(count, 1)


def evaluate(model: Model, task, examples: list[Example]) -> dict:
    """Held-out accuracy: of the label (classifier) or of the checks (language model: the expected
    token has the highest probability among the check's alternatives, e.g. says vs say),
    with the story's per kind (verb, pronoun, mood), sentiment's with and without negation, and
    by distance (story: the pronoun, whose memory spans the distance; recall: the colour)."""
    task = get_task(task) if isinstance(task, str) else task
    predicted, expected = _predict(model, encode(model.vocab, examples, model.spec.labels))
    right, scored = predicted == expected, expected >= 0                      # [N, K]
    metrics = {"accuracy": _mean(right[scored]), "count": int(scored.sum())}
    if task.head_kind.next_word:
        kinds = [[c.kind for c in ex.checks] for ex in examples]
        metrics["by_kind"] = {kind: _mean(right[_where(kinds, kind)])
                              for kind in sorted({k for row in kinds for k in row})}
        per_distance = right[_where(kinds, "pronoun")]
        distances = [ex.distance for ex, row in zip(examples, kinds) for k in row if k == "pronoun"]
    else:
        per_distance, distances = right[:, 0], [ex.distance for ex in examples]
        if any("negation" in ex.concepts for ex in examples):
            negated = torch.tensor([bool(ex.concepts.get("negation")) for ex in examples])
            metrics["by_negation"] = {"negated": _mean(right[negated, 0]), "not negated": _mean(right[~negated, 0])}
    if task.distance_edges and all(d is not None for d in distances):
        metrics["by_distance"] = _by_distance(per_distance, distances, task.distance_edges)
    return metrics


def _where(kinds: list[list[str]], kind: str) -> torch.Tensor:
    """[N, K]: True at the checks of `kind`."""
    width = max((len(row) for row in kinds), default=0)
    return torch.tensor([[j < len(row) and row[j] == kind for j in range(width)] for row in kinds], dtype=torch.bool)


def _by_distance(right: torch.Tensor, distances: list[int], edges: tuple[int, ...]) -> dict:
    buckets: dict[str, list[bool]] = {}
    for ok, d in zip(right.tolist(), distances):
        start = max([e for e in edges if e <= d], default=edges[0])
        later = [e for e in edges if e > start]
        name = f"{start}-{later[0] - 1}" if later else f"{start}+"
        buckets.setdefault(name, []).append(ok)
    order = sorted(buckets, key=lambda name: int(name.split("-")[0].rstrip("+")))
    return {name: {"accuracy": sum(buckets[name]) / len(buckets[name]), "count": len(buckets[name])}
            for name in order}


def _mean(values: torch.Tensor) -> float | None:
    return int(values.sum()) / values.numel() if values.numel() else None
