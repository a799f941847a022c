"""python -m rnnviz train: train one model, or rebuild the bundled ones from their recipes.

    python -m rnnviz train --task story --cell lstm --seed 2 --out my-models/my-story
    python -m rnnviz train --name story-lstm        # one bundled model, from its recipe
    python -m rnnviz train --all                    # every bundled model (rnnviz/assets/models)

A progress bar goes to stderr; a one-line summary per model to stdout.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from .. import checkpoints, recipes
from ..analysis.flags import find_flags
from ..errors import RnnvizError
from ..registry import CELL_KINDS, POOLINGS
from ..tasks import ALL_TASKS, get_task
from ..train import DEFAULT_STEPS, make_data, train

CELLS, TASK_NAMES = "|".join(CELL_KINDS), "|".join(ALL_TASKS)


def add_parser(subparsers):
    p = subparsers.add_parser("train", help="train a model on a task (or --all bundled models)")
    what = p.add_argument_group("what to train")
    what.add_argument("--task", help=TASK_NAMES)
    what.add_argument("--cell", help=CELLS)
    what.add_argument("--name", help="rebuild one bundled model from its recipe, e.g. story-lstm")
    what.add_argument("--all", action="store_true", help="rebuild every bundled model from its recipe")
    what.add_argument("--out", help="save here: a path without suffix (writes OUT.pt and OUT.json); "
                                    "with --name/--all, the folder (default rnnviz/assets/models)")
    how = p.add_argument_group("how (with --task/--cell)")
    how.add_argument("--seed", type=int, default=0)
    how.add_argument("--emb", type=int, default=16, help="embedding size (default 16)")
    how.add_argument("--hidden", type=int, default=32, help="hidden units (default 32)")
    how.add_argument("--layers", type=int, default=1)
    how.add_argument("--bidirectional", action="store_true")
    how.add_argument("--steps", type=int, help="Adam steps (default: "
                     + ", ".join(f"{task} {steps}" for task, steps in DEFAULT_STEPS.items()) + ")")
    how.add_argument("--lr", type=float, default=3e-3)
    how.add_argument("--batch", type=int, default=64)
    how.add_argument("--clip", type=float, default=1.0, help="gradient-norm clip (0 = none)")
    how.add_argument("--forget-bias", type=float, default=0.0, help="forget-gate bias at init (a cell with one)")
    how.add_argument("--pooling", default="last", help=f"what a classifier reads: {'|'.join(POOLINGS)}")
    how.add_argument("--target", type=float, help="stop once the validation accuracy reaches this")
    how.add_argument("--tied", action="store_true", help="a next-word head that shares the embedding (emb = hidden)")
    how.add_argument("--sampled", type=int, default=0,
                     help="train a next-word model's loss on this many sampled words (0 = all)")
    how.add_argument("--dropout", type=float, default=0.0, help="a next-word model's training dropout (0 = none)")
    how.add_argument("--decay", action="store_true", help="cosine learning-rate decay from --lr to 0")
    p.add_argument("--no-flags", action="store_true", help="do not look for flag units for the card")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    if args.all or args.name:
        if args.all and args.name or args.task or args.cell:
            raise RnnvizError("Give either --all, --name NAME, or --task and --cell (not several).")
        if args.name and args.name not in recipes.RECIPES:
            raise RnnvizError(f"There is no recipe called {args.name!r}. Recipes: {', '.join(recipes.RECIPES)}.")
        return _recipes(args, list(recipes.RECIPES) if args.all else [args.name])
    if not args.task or not args.cell:
        raise RnnvizError(f"Say what to train: --task {TASK_NAMES} --cell {CELLS}, or --name NAME, or --all.")
    return _single(args)


def _single(args) -> int:
    task = get_task(args.task)
    settings = {"emb": args.emb, "hidden": args.hidden, "layers": args.layers, "bidirectional": args.bidirectional,
                "steps": args.steps, "lr": args.lr, "batch": args.batch, "clip": args.clip,
                "forget_bias": args.forget_bias, "pooling": args.pooling, "target": args.target, "tied": args.tied,
                "sampled": args.sampled, "dropout": args.dropout, "decay": args.decay}
    if args.cell not in CELL_KINDS:
        raise RnnvizError(f"There is no cell called {args.cell!r}. Choose one of: {', '.join(CELL_KINDS)}.")
    data = make_data(task.name)
    bar = None if args.quiet else ProgressBar(f"{task.name}-{args.cell}")
    result = train(task.name, args.cell, seed=args.seed, data=data, **settings, progress=bar)
    if bar:
        bar.done()
    where = "not saved (give --out to keep it)"
    if args.out:
        flags = None if args.no_flags else find_flags(
            result.model, task, recipes.probe_set(data, recipes.CARD_PROBE_SEED))
        card = recipes.make_card(result, data, flags=flags,
                                 description=recipes.default_description(task.name, args.cell, settings),
                                 command=recipes.command_line(task.name, args.cell, args.seed, settings, args.out))
        checkpoints.save(result.model, Path(args.out), card)
        where = f"saved {args.out}.pt and {args.out}.json"
    print(f"{task.name}-{args.cell} seed {args.seed}: {_summary(result.metrics)} in {result.seconds:.1f} s; {where}")
    return 0


def _recipes(args, names: list[str]) -> int:
    folder = Path(args.out) if args.out else checkpoints.MODELS_DIR
    start = time.perf_counter()
    for name in names:
        began = time.perf_counter()
        bar = None if args.quiet else ProgressBar(name)
        best, card = recipes.build(name, folder, flags=not args.no_flags, progress=bar)
        if bar:
            bar.done()
        flags = ", ".join(f"{f['concept']} unit {f['unit']} AUROC {f['auroc']:.2f}" for f in card["flags"])
        print(f"{name}: seed {best.seed}, {_summary(best.metrics)}, trained in {best.seconds:.1f} s "
              f"({time.perf_counter() - began:.0f} s with all seeds and flags)"
              + (f"; flags: {flags}" if flags else ""), flush=True)
    print(f"{len(names)} model(s) in {time.perf_counter() - start:.0f} s, saved in {folder}")
    return 0


def _summary(metrics: dict) -> str:
    if "cross_entropy" in metrics:             # a corpus model: next-token scores
        return (f"held-out {metrics['bits']:.3f} bits per token (perplexity {metrics['perplexity']:.1f}, "
                f"top-1 {metrics['accuracy']:.3f})")
    parts = [f"held-out accuracy {metrics['accuracy']:.3f}"]
    parts += [f"{k} {v:.3f}" for k, v in metrics.get("by_kind", {}).items() if v is not None]
    return " ".join(parts[:1]) + (f" ({', '.join(parts[1:])})" if parts[1:] else "")


class ProgressBar:
    """A text progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise."""

    def __init__(self, label: str, width: int = 30, stream=None):
        self.label, self.width, self.stream = label, width, stream or sys.stderr
        self.shown, self.open = 0.0, False

    def __call__(self, step: int, total: int, metrics: dict) -> None:
        tty = getattr(self.stream, "isatty", lambda: False)()
        now = time.monotonic()
        if step != total and (now - self.shown < 0.2 if tty else step % max(total // 10, 1)):
            return
        self.shown = now
        done = int(self.width * step / total)
        valid = f" valid {metrics['valid_accuracy']:.3f}" if "valid_accuracy" in metrics else ""
        seed = f" seed {metrics['seed']}" if "seed" in metrics else ""
        line = (f"{self.label}{seed} [{'#' * done}{'.' * (self.width - done)}] {step}/{total} "
                f"loss {metrics['loss']:.3f} acc {metrics['accuracy']:.3f} |g| {metrics['grad_norm']:.2f}{valid}")
        self.open = tty and step != total
        self.stream.write(("\r" + line + ("\n" if step == total else "")) if tty else line + "\n")
        self.stream.flush()

    def done(self) -> None:
        """End a line left open by a run that stopped before its last step."""
        if self.open:
            self.stream.write("\n")
            self.open = False
