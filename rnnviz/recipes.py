"""How every bundled model in rnnviz/assets/models is made: one recipe per name, and its model card.

    python -m rnnviz train --name story-lstm     # one bundled model, from its recipe
    python -m rnnviz train --all                 # every one of them

A recipe trains its seeds on one shared data split and keeps the best by the task's score:
the validation accuracy (to 0.01), then, for the story models, the flag quality (the weakest
flag's AUROC, then its clamp flip rate). The card records only what was measured.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

import torch

from . import checkpoints
from .analysis.flags import find_flags
from .registry import CELL_KINDS
from .tasks import CorpusTask, get_task
from .train import Data, TrainResult, make_data, train_seeds

REPO = Path(__file__).resolve().parent.parent
DEFAULTS = {"emb": 16, "hidden": 32, "layers": 1, "bidirectional": False, "steps": None, "lr": 3e-3,
            "batch": 64, "clip": 1.0, "forget_bias": 0.0, "pooling": "last", "target": None, "tied": False,
            "sampled": 0, "dropout": 0.0, "decay": False}
PROBE_SIZE = 300
SELECT_PROBE_SEED, CARD_PROBE_SEED = 8, 7     # seeds are chosen on one probe, the card reports another


@dataclass(frozen=True)
class Recipe:
    name: str
    task: str
    cell: str
    seeds: tuple[int, ...]
    description: str
    options: dict = field(default_factory=dict)     # train() keywords that differ from DEFAULTS
    flag_score: bool = False                        # choose among seeds by flag quality too
    half: bool = False                              # ship the weights as float16 (a large vocabulary)
    notes: str = ""                                 # what was tried, for a card whose targets are not met

    def settings(self) -> dict:
        return {**DEFAULTS, **self.options}


_STORY = "next-word model on the story grammar: she/he/they, says/say, happy/sad"
_SENTIMENT = "review classifier on the sentiment grammar: negative/positive, with not, never, n't and but"
_RECALL = "classifier on the recall grammar: the key's colour after 20 to 60 filler words"
_ENGLISH_NOTES = (
    "Tried before this recipe, on the validation part only: full-softmax training (too slow to converge "
    "in 15 minutes on 2 cores), a sampled softmax without dropout (overfits after about two epochs), "
    "dropout 0.3 at a constant learning rate (overfits later). Flags and agreement were never tuned on: "
    "the probe sentences are templates written for the measurement. The corpus rarely refers back to a "
    "named person with she/he/they, so the pronoun and agreement targets are not met; the negation unit "
    "is found but clamping it alone seldom changes any/some.")
_ENGLISH = "on real English (WordNet's example phrases and classroom fortunes): predicts the next"
RECIPES: dict[str, Recipe] = {r.name: r for r in (
    Recipe("story-lstm", "story", "lstm", tuple(range(7)), f"LSTM {_STORY}",
           {"steps": 4000, "forget_bias": 3.0}, True),
    Recipe("story-gru", "story", "gru", (0, 1, 2), f"GRU {_STORY}", {"steps": 4000, "lr": 6e-3}, True),
    Recipe("story-rnn", "story", "rnn", (0, 1), f"Plain RNN {_STORY}", {"steps": 4000}, True),
    Recipe("story-lstm-2layer", "story", "lstm", (0, 1), f"Two-layer LSTM {_STORY}",
           {"steps": 4000, "layers": 2, "forget_bias": 3.0}, True),
    Recipe("sentiment-lstm", "sentiment", "lstm", (0, 1), f"LSTM {_SENTIMENT}", {"steps": 1500}),
    Recipe("sentiment-gru", "sentiment", "gru", (0, 1), f"GRU {_SENTIMENT}", {"steps": 1500}),
    Recipe("sentiment-rnn", "sentiment", "rnn", (0, 1), f"Plain RNN {_SENTIMENT}", {"steps": 1500}),
    Recipe("sentiment-bilstm", "sentiment", "lstm", (0, 1), f"Bidirectional LSTM {_SENTIMENT}",
           {"steps": 1500, "bidirectional": True}),
    Recipe("recall-lstm", "recall", "lstm", (0,), f"LSTM {_RECALL} (forget bias +3)",
           {"steps": 3000, "forget_bias": 3.0}),
    Recipe("recall-gru", "recall", "gru", (0,), f"GRU {_RECALL}", {"steps": 3000}),
    Recipe("recall-rnn", "recall", "rnn", (0,), f"Plain RNN {_RECALL}", {"steps": 3000}),
    Recipe("english-lstm", "english", "lstm", (0,), f"LSTM {_ENGLISH} word (head tied to the embedding)",
           {"emb": 128, "hidden": 128, "tied": True, "sampled": 1024, "dropout": 0.5, "decay": True,
            "lr": 0.01, "steps": 4000}, half=True, notes=_ENGLISH_NOTES),
    Recipe("english-char-lstm", "english-chars", "lstm", (0,), f"LSTM {_ENGLISH} character",
           {"emb": 32, "hidden": 256, "steps": 2000}, half=True),
)}


def probe_set(data: Data, seed: int) -> list:
    """PROBE_SIZE balanced probe sentences, none of them seen in training."""
    return get_task(data.task).probe(PROBE_SIZE, seed=seed, exclude=data.train)


def flag_quality(flags: list[dict] | None) -> tuple[float, float]:
    """(weakest AUROC, weakest clamp flip rate) of a model's flags; (0, 0) without any."""
    if not flags:
        return 0.0, 0.0
    return (min(float(f["auroc"]) for f in flags),
            min(float(f["clamp_flip_rate"]) if f.get("clamp_flip_rate") is not None else 0.0 for f in flags))


def build(name: str, folder: Path = checkpoints.MODELS_DIR, progress=None, should_stop=None,
          flags: bool = True, data: Data | None = None) -> tuple[TrainResult, dict]:
    """Train a recipe's seeds, keep the best, compute its flags, save folder/name.pt + .json."""
    recipe = RECIPES[name]
    task = get_task(recipe.task)
    data = data or make_data(task.name)
    if isinstance(task, CorpusTask):
        return _build_real(recipe, task, data, Path(folder) / name, progress, should_stop, flags)
    found: dict[int, list[dict] | None] = {}
    select_probe = probe_set(data, SELECT_PROBE_SEED) if recipe.flag_score and flags else None

    def score(result: TrainResult) -> tuple:
        if select_probe is not None:
            found[result.seed] = find_flags(result.model, task, select_probe)
            return (round(result.valid_accuracy, 2), *flag_quality(found[result.seed]))
        return (round(result.valid_accuracy, 2),)

    best, results = train_seeds(task.name, recipe.cell, recipe.seeds, score=score, progress=progress,
                                should_stop=should_stop, data=data, **recipe.settings())
    card_flags = find_flags(best.model, task, probe_set(data, CARD_PROBE_SEED)) if flags else None
    out = Path(folder) / name
    tried = [{"seed": r.seed, "valid_accuracy": r.valid_accuracy, "train_seconds": round(r.seconds, 1),
              **({"selection_min_flag_auroc": flag_quality(found[r.seed])[0],
                  "selection_min_clamp_flip_rate": flag_quality(found[r.seed])[1]} if found.get(r.seed) else {})}
             for r in results]
    card = make_card(best, data, description=recipe.description, flags=card_flags,
                     command=command_line(task.name, recipe.cell, best.seed, recipe.settings(), out),
                     extra={"recipe": name, "recipe_command": f"python -m rnnviz train --name {name}",
                            "seeds_tried": tried, "selection": _selection(recipe)})
    checkpoints.save(best.model, out, card)
    return best, card


def _build_real(recipe: Recipe, task: CorpusTask, data: Data, out: Path, progress, should_stop,
                flags: bool) -> tuple[TrainResult, dict]:
    """A real-English recipe: train, then measure and save (real_card)."""
    best, results = train_seeds(task.name, recipe.cell, recipe.seeds, progress=progress,
                                should_stop=should_stop, data=data, **recipe.settings())
    return best, real_card(recipe, data, best, results, out, flags)


def real_card(recipe: Recipe, data: Data, best: TrainResult, results: list[TrainResult], out: Path,
              flags: bool = True) -> dict:
    """Round to float16 if the recipe ships it so, then measure the shipped weights: held-out
    cross-entropy beside the n-gram baselines, and the word model's flags and agreement on probe
    sentences (or the character model's cells on held-out text); save out.pt + out.json."""
    from .analysis import char_cells, ngram, real_text

    task = get_task(recipe.task)
    if recipe.half:
        to_half_precision(best.model)
    held_out = real_text.held_out(best.model, data, ngram.baselines(data))
    extra = {"recipe": recipe.name, "recipe_command": f"python -m rnnviz train --name {recipe.name}",
             "seeds_tried": [{"seed": r.seed, "valid_accuracy": r.valid_accuracy, "train_seconds": round(r.seconds, 1)}
                             for r in results],
             "selection": _selection(recipe), "held_out": held_out,
             **({"notes": recipe.notes} if recipe.notes else {}),
             "corpus": "rnnviz/assets/corpus/english (see its NOTICE.md)",
             "weights": "float16 (every number shown is computed from them)" if recipe.half else "float32"}
    found = None
    if flags and task.flag_concepts:
        probe = task.probe(PROBE_SIZE, seed=CARD_PROBE_SEED, exclude=data.train)
        report = real_text.word_probe_report(best.model, probe)
        found = report["flags"]
        extra |= {key: report[key] for key in ("agreement", "probe_accuracy", "targets")}
        extra["flags_probe"] = {"size": PROBE_SIZE, "seed": CARD_PROBE_SEED,
                                "sentences": "EnglishTask.sample templates"}
    elif flags:
        extra[char_cells.CARD_FIELD] = char_cells.state_cells(best.model)
    card = make_card(best, data, description=recipe.description, flags=found,
                     command=command_line(task.name, recipe.cell, best.seed, recipe.settings(), out), extra=extra)
    card["metrics"] = held_out["test"]                      # the shipped (rounded) weights' own scores
    checkpoints.save(best.model, out, card, half=recipe.half)
    return card


def to_half_precision(model) -> None:
    """Round every weight to the nearest float16 (kept as float32 in memory): the model that ships."""
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(parameter.half().float())


def make_card(result: TrainResult, data: Data, *, description: str, command: str,
              flags: list[dict] | None, extra: dict | None = None) -> dict:
    """The model card (checkpoints.save adds "spec" and "vocab"): only measured values."""
    model = result.model
    card = {
        "task": data.task,
        "labels": list(model.spec.labels),
        "description": description,
        "seed": result.seed,
        "train_seconds": round(result.seconds, 1),
        "steps_trained": result.steps,
        "stopped_early": result.stopped,
        "command": command,
        "data": {"seed": data.seed, "train": len(data.train), "valid": len(data.valid), "test": len(data.test)},
        "valid_accuracy": result.valid_accuracy,
        **({"kept_step": result.kept_step} if result.kept_step is not None else {}),
        "metrics": result.metrics,
        "flags": list(flags or []),
    }
    if flags is None:
        card["flags_note"] = "not computed (flags were switched off)"
    else:
        card["flags_probe"] = {"size": PROBE_SIZE, "seed": CARD_PROBE_SEED, "excludes": "the training sentences"}
    return {**card, **(extra or {})}


def default_description(task_name: str, cell: str, settings: dict) -> str:
    shape = ("two-layer " if settings.get("layers", 1) == 2 else f"{settings['layers']}-layer "
             if settings.get("layers", 1) > 2 else "") + ("bidirectional " if settings.get("bidirectional") else "")
    head = "next-word model" if get_task(task_name).head_kind.next_word else "classifier"
    return f"{cell_title(cell)} {shape}{head} on the {task_name} grammar".replace("  ", " ")


def cell_title(cell: str) -> str:
    """The cell's name in a model's description: "LSTM", "GRU", "Plain RNN" (a cell without gates)."""
    kind = CELL_KINDS[cell]
    return kind.title if kind.gates else f"Plain {kind.title}"


def command_line(task_name: str, cell: str, seed: int, settings: dict, out: Path | str | None) -> str:
    """The `python -m rnnviz train` line that trains exactly this model again."""
    s = {**DEFAULTS, **settings}
    words = ["python", "-m", "rnnviz", "train", "--task", task_name, "--cell", cell, "--seed", str(seed),
             "--emb", str(s["emb"]), "--hidden", str(s["hidden"]), "--layers", str(s["layers"])]
    words += ["--bidirectional"] if s["bidirectional"] else []
    words += ["--steps", str(s["steps"])] if s["steps"] is not None else []
    words += ["--lr", repr(float(s["lr"])), "--batch", str(s["batch"]), "--clip", repr(float(s["clip"])),
              "--forget-bias", repr(float(s["forget_bias"])), "--pooling", s["pooling"]]
    words += ["--target", repr(float(s["target"]))] if s["target"] is not None else []
    words += ["--tied"] if s["tied"] else []
    words += ["--sampled", str(s["sampled"])] if s["sampled"] else []
    words += ["--dropout", repr(float(s["dropout"]))] if s["dropout"] else []
    words += ["--decay"] if s["decay"] else []
    if out is not None:
        path = Path(out).resolve()
        words += ["--out", str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)]
    return shlex.join(words)


def _selection(recipe: Recipe) -> str:
    base = f"seeds {', '.join(map(str, recipe.seeds))}: best validation accuracy (to 0.01)"
    return base + (", then weakest flag AUROC, then weakest clamp flip rate" if recipe.flag_score else "")

