"""python -m rnnviz trace TEXT: one sentence through a model, as JSON or a readable summary."""
from __future__ import annotations

import json
import re
import sys

from ..errors import RnnvizError, TargetError
from ..registry import CELL_KINDS, POOLINGS


def add_parser(subparsers):
    p = subparsers.add_parser("trace", help="read one sentence with a model")
    p.add_argument("text")
    p.add_argument("--model", help="a bundled model (see: python -m rnnviz models)")
    p.add_argument("--state-dict", help="a lesson notebook's torch.save(model.state_dict(), F)")
    p.add_argument("--vocab", help="the lesson model's vocabulary, one token per line")
    p.add_argument("--cell", choices=tuple(CELL_KINDS), default="lstm")
    p.add_argument("--pooling", choices=POOLINGS, default="last")
    p.add_argument("--target", help="LABEL or LABEL@POSITION: L = log p(LABEL) after that token")
    p.add_argument("--clamp", action="append", default=[], metavar="LAYER:DIR:UNIT=VALUE",
                   help="pin a state unit at every step (repeatable)")
    p.add_argument("--json", action="store_true", help="print every Trace field as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from .. import load_lesson_model, load_model, trace

    if bool(args.model) == bool(args.state_dict):
        raise RnnvizError("Give either --model NAME or --state-dict FILE --vocab FILE.")
    if args.state_dict and not args.vocab:
        raise RnnvizError("--state-dict needs --vocab, the token list saved from the notebook.")
    model = load_model(args.model) if args.model else load_lesson_model(
        args.state_dict, args.vocab, cell=args.cell, pooling=args.pooling)
    t = trace(model, args.text, target=parse_target(args.target), clamp=parse_clamps(args.clamp))
    sys.stdout.write(json.dumps(t.to_json()) + "\n" if args.json else summary(t))
    return 0


def parse_target(text: str | None):
    if text is None:
        return None
    label, _, pos = text.rpartition("@") if "@" in text else (text, "", "")
    if pos and not re.fullmatch(r"-?\d+", pos):
        raise TargetError(f"--target {text!r}: write LABEL or LABEL@POSITION, e.g. she@12.")
    return (label, int(pos)) if pos else label


def parse_clamps(items: list[str]) -> dict:
    clamp = {}
    for item in items:
        m = re.fullmatch(r"(\d+):(\d+):(\d+)=(-?[\d.]+(?:e-?\d+)?)", item.strip())
        if not m:
            raise TargetError(f"--clamp {item!r}: write LAYER:DIR:UNIT=VALUE, e.g. 0:0:5=0.9.")
        clamp[tuple(int(g) for g in m.groups()[:3])] = float(m.group(4))
    return clamp


def summary(t) -> str:
    """A short human reading: the tokens, the prediction after each, where the gradient fades."""
    lines = [f"{len(t.tokens)} tokens, {int((~t.known).sum())} unknown to the model", f"L = {t.target}", ""]
    top = t.grad_hidden[-1, 0]
    for i, token in enumerate(t.tokens):
        (label, p), = t.top_predictions(i, top=1)
        mark = "" if t.known[i] else "  (unknown)"
        lines.append(f"{i:>3} {token!r:<14} -> {label!r} {p:.2f}   ‖∂L/∂h‖ {top[i]:.2e}{mark}")
    return "\n".join(lines) + "\n"
