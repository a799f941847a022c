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
from .lm_corpus import bucketed, has_next, next_token_scores, rows_of, sampled_softmax, unigram_sampler
from .model import LIMITS, Model, ModelSpec, forget_gate_cells, layout_problems, set_forget_bias, whole_number_problems
from .registry import CELL_KINDS
from .tasks import CorpusTask, Example, get_task
from .tasks.base import choose
from .text import PAD, UNK, Vocab

DEFAULT_STEPS = {"story": 4000, "sentiment": 1500, "recall": 3000}
# The Train page's settings when it opens: short enough for a class to train on one server in about
# a minute. What they reach is what the page promises (train.scrub_intro), measured by
# tests/unit/test_train_promise.py: the task's own flag (negation) sharpens; a flag the task barely
# needs (female, on the story task) stays near chance until far more steps (DEFAULT_STEPS).
PAGE_DEFAULTS = {"task": "sentiment", "cell": "lstm", "seed": 0, "emb": 16, "hidden": 32, "layers": 1,
                 "bidirectional": False, "steps": 300, "lr": 3e-3, "clip": 1.0, "forget_bias": 0.0}
DATA_SIZES = {"story": 20_000, "sentiment": 10_000, "recall": 10_000}   # training sentences (a grammar's)
N_VALID, N_TEST = 500, 1000
TIED_INIT = 0.1                   # a tied matrix starts uniform in ±this (N(0, 1) logits would be huge)
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
    kept_step: int | None = None     # a corpus model: the step whose weights were kept (lowest valid loss)


def make_data(task_name: str, n_train: int | None = None, seed: int = 0,
              n_valid: int = N_VALID, n_test: int = N_TEST) -> Data:
    """A train/valid/test split of the task's sentences (valid and test never occur in train).
    A corpus task's split is the corpus's own (its parts; n_train, seed, n_valid and n_test unused)."""
    task = get_task(task_name)
    if isinstance(task, CorpusTask):
        return Data(task.name, 0, Vocab([PAD, UNK] + task.vocabulary()), (), task.part("train"),
                    task.part("valid"), task.part("test"))
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
                     bidirectional=bidirectional, head=task.head, pooling=pooling, labels=tuple(task.labels),
                     tokenizer=getattr(task, "tokenizer", "words"))
    return Model(spec, vocab, {"task": task.name})


def train(task_name: str, cell: str, *, seed: int = 0, emb: int = 16, hidden: int = 32, layers: int = 1,
          bidirectional: bool = False, steps: int | None = None, lr: float = 3e-3, batch: int = 64,
          clip: float = 1.0, forget_bias: float = 0.0, pooling: str = "last", target: float | None = None,
          tied: bool = False, sampled: int = 0, dropout: float = 0.0, decay: bool = False,
          progress: Progress | None = None,
          should_stop: Callable[[], bool] | None = None,
          data: Data | None = None, on_step: Callable[[int, Model], None] | None = None) -> TrainResult:
    """Train one model. `progress(step, total, metrics)` after every step; `should_stop()` before
    every step (True ends training, keeping what was learnt); `target` ends it once the
    validation accuracy (checked every EVAL_EVERY steps) reaches it. `clip` 0 = no clipping.
    `on_step(step, model)` sees the model after each step (to copy snapshots; it must not change it).
    `tied`: a next-word model's head shares the embedding matrix (W_fc = E; Press & Wolf 2017), which
    needs emb = hidden × directions and halves a large vocabulary's weights. `sampled` > 0: a corpus
    model's training loss scores each next token against that many sampled words (sampled_softmax)
    instead of the whole vocabulary; evaluation always uses the whole vocabulary. `dropout`: a language
    model's training drops that share of embeddings and outputs (Model.states); never at evaluation.
    `decay`: the learning rate follows a cosine from `lr` at the first step to 0 after the last,
    lr_t = lr · ½ (1 + cos(π (t − 1) / steps)). A corpus model keeps the weights of the evaluation
    (every EVAL_EVERY steps) with the lowest validation loss: TrainResult.kept_step."""
    task = get_task(task_name)
    steps = DEFAULT_STEPS[task.name] if steps is None else steps
    _check_options(task, cell, steps, dict(emb=emb, hidden=hidden, layers=layers, batch=batch, seed=seed, lr=lr,
                                           clip=clip, forget_bias=forget_bias, pooling=pooling, target=target,
                                           bidirectional=bidirectional, tied=tied, sampled=sampled,
                                           dropout=dropout, decay=decay))
    data = data or make_data(task.name)
    if data.task != task.name:
        raise RnnvizError(f"These data are for the {data.task!r} task, not {task.name!r}.")
    seed_everything(seed)
    model = build_model(task.name, data.vocab, cell, emb, hidden, layers, bidirectional, pooling)
    set_forget_bias(model, forget_bias)
    if tied:     # one matrix reads words in and scores them out: start it small, as the head's own
        nn.init.uniform_(model.embedding.weight, -TIED_INIT, TIED_INIT)
        model.fc.weight = model.embedding.weight
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    order = torch.Generator().manual_seed(seed)
    tensors, history, stopped, valid = data.tensors("train"), [], False, 0.0
    n = len(tensors["lengths"])
    sampler = unigram_sampler(tensors, len(data.vocab), sampled, order) if sampled else None
    pick = bucketed(tensors["lengths"], order) if isinstance(task, CorpusTask) else \
        (lambda size: torch.randint(n, (size,), generator=order))
    kept = None                                       # (valid loss, step, weights) of a corpus model
    start = time.perf_counter()
    for step in range(1, steps + 1):
        if should_stop is not None and should_stop():
            stopped = True
            break
        if decay:
            for group in optimiser.param_groups:
                group["lr"] = lr * 0.5 * (1 + np.cos(np.pi * (step - 1) / steps))
        rows = rows_of(tensors, pick(batch))
        loss, right, count = _step_loss(model, rows, corpus=isinstance(task, CorpusTask), sampler=sampler,
                                        dropout=dropout)
        optimiser.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), clip if clip > 0 else float("inf"))
        optimiser.step()
        record = {"step": step, "loss": float(loss.detach()), "accuracy": right / max(count, 1),
                  "grad_norm": float(norm)}
        if step % EVAL_EVERY == 0 or step == steps:
            record.update(_valid_record(model, task, data))
            valid = record["valid_accuracy"]
            if "valid_loss" in record and (kept is None or record["valid_loss"] < kept[0]):
                kept = (record["valid_loss"], step, valid, {k: v.clone() for k, v in model.state_dict().items()})
        history.append(record)
        if progress is not None:
            progress(step, steps, record)
        if on_step is not None:
            on_step(step, model)
        if target is not None and "valid_accuracy" in record and valid >= target:
            break
    seconds = time.perf_counter() - start
    if kept is not None and kept[1] != len(history):
        model.load_state_dict(kept[3])
        valid = kept[2]
    elif not history or "valid_accuracy" not in history[-1]:
        valid = _valid_record(model, task, data)["valid_accuracy"]
    metrics = next_token_scores(model, data.tensors("test")) if isinstance(task, CorpusTask) \
        else evaluate(model, task, data.test)
    return TrainResult(model, history, seconds, metrics, seed, len(history), stopped, valid,
                       kept[1] if kept else None)


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
    if o["tied"] and not (task.head_kind.next_word and o["emb"] == o["hidden"] * (2 if o["bidirectional"] else 1)):
        problems.append("a tied head needs a next-word task and emb equal to the hidden units")
    if not (isinstance(o["sampled"], int) and 0 <= o["sampled"] <= 1_000_000):
        problems.append("sampled must be a whole number of words, 0 (the whole vocabulary) or more")
    elif o["sampled"] and not task.head_kind.next_word:
        problems.append("a sampled softmax needs a next-word task")
    dropout_ok = isinstance(o["dropout"], (int, float)) and 0 <= o["dropout"] < 1
    if not dropout_ok or (o["dropout"] and not task.head_kind.next_word):
        problems.append("dropout must be from 0 to below 1, and only for a next-word task")
    if o["target"] is not None and not (isinstance(o["target"], (int, float)) and 0 < o["target"] <= 1):
        problems.append("target must be an accuracy above 0 and at most 1")
    if problems:
        raise RnnvizError("Cannot train: " + "; ".join(problems) + ".")


def _step_loss(model: Model, rows: dict, corpus: bool, sampler=None,
               dropout: float = 0.0) -> tuple[torch.Tensor, int, int]:
    """(mean loss, right, scored) of one batch. A language model predicts token t+1 after token t,
    never past the end: its head runs only where a next token exists (N of them), so padding costs
    nothing. Scored: the grammar's checks, or for a corpus every next token (top-1)."""
    if not model.spec.head_kind.next_word:
        logits = model(rows["ids"], rows["lengths"])
        return (nn.functional.cross_entropy(logits, rows["label"]),
                *_count(logits.detach().argmax(1, keepdim=True), rows["label"].unsqueeze(1)))
    out, _ = model.states(rows["ids"], rows["lengths"], dropout)             # [B, T, H]
    where = has_next(rows)                                                  # [B, T-1]
    expected = rows["ids"][:, 1:][where]                                     # [N]
    if sampler is not None:
        loss, right = sampled_softmax(model.fc, out[:, :-1][where], expected, *sampler())
        return loss, right, int(expected.numel())
    logits = model.fc(out[:, :-1][where])                                    # [N, V]
    loss = nn.functional.cross_entropy(logits, expected)
    if corpus:
        return loss, int((logits.detach().argmax(1) == expected).sum()), int(expected.numel())
    return loss, *_count(_check_choices(model, out.detach(), rows), rows["expected"])


def _check_choices(model: Model, out: torch.Tensor, rows: dict) -> torch.Tensor:
    """[B, K]: what a language model chooses at each check (Check.among), from the top layer's
    outputs `out` [B, T, H]: the head runs only at the checks' positions."""
    pos = rows["pos"].clamp(min=0)
    with torch.no_grad():
        at_checks = model.fc(out.gather(1, pos.unsqueeze(2).expand(-1, -1, out.shape[2])))   # [B, K, V]
    return torch.from_numpy(choose(at_checks.numpy(), rows["alternatives"].numpy()))


def _valid_record(model: Model, task, data: Data) -> dict:
    """valid_accuracy (checks or labels; a corpus's next tokens), and a corpus's valid_loss."""
    if not isinstance(task, CorpusTask):
        return {"valid_accuracy": accuracy(model, data.tensors("valid"))}
    scores = next_token_scores(model, data.tensors("valid"))
    return {"valid_accuracy": scores["accuracy"], "valid_loss": scores["cross_entropy"]}


def _predictions(model: Model, rows: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """(predicted, expected) at every scored place: [B, K] checks for a language model, [B, 1] labels.

    A check predicts the alternative with the highest logit (= probability); without
    alternatives (Check.among), the word with the highest logit in the whole vocabulary."""
    if model.spec.head_kind.next_word:
        out, _ = model.states(rows["ids"], rows["lengths"])
        return _check_choices(model, out, rows), rows["expected"]
    return model(rows["ids"], rows["lengths"]).argmax(1, keepdim=True), rows["label"].unsqueeze(1)


def _count(predicted: torch.Tensor, expected: torch.Tensor) -> tuple[int, int]:
    """(right, scored) over the places that are scored (expected ≥ 0)."""
    scored = expected >= 0
    return int(((predicted == expected) & scored).sum()), int(scored.sum())


def _predict(model: Model, tensors: dict, chunk: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """(predicted, expected) [N, K] over a whole encoded set, without gradients."""
    outs = []
    with torch.no_grad():
        for start in range(0, len(tensors["lengths"]), chunk):
            rows = rows_of(tensors, torch.arange(start, min(start + chunk, len(tensors["lengths"]))))
            outs.append(_predictions(model, rows))
    return torch.cat([o[0] for o in outs]), torch.cat([o[1] for o in outs])


def check_predictions(model: Model, examples: list[Example]) -> tuple[torch.Tensor, torch.Tensor]:
    """(predicted, expected) output ids [N, K] at every check of every example (-1: no check there),
    or [N, 1] labels for a classifier."""
    return _predict(model, encode(model.vocab, examples, model.spec.labels))


def accuracy(model: Model, tensors: dict) -> float:
    right, count = _count(*_predict(model, tensors))
    return right / max(count, 1)


def evaluate(model: Model, task, examples: list[Example]) -> dict:
    """Held-out accuracy: of the label (classifier) or of the checks (language model: the expected
    token has the highest probability among the check's alternatives, e.g. says vs say),
    with the story's per kind (verb, pronoun, mood), sentiment's with and without negation, and
    by distance (story: the pronoun, whose memory spans the distance; recall: the colour)."""
    task = get_task(task) if isinstance(task, str) else task
    predicted, expected = check_predictions(model, examples)
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
