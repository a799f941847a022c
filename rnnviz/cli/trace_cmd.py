"""python -m rnnviz trace TEXT: one sentence through a model, as JSON or a readable summary."""
from __future__ import annotations

import json
import re
import sys

from ..errors import RnnvizError, TargetError
from ..registry import CELL_KINDS, POOLINGS
from ..text import TOKENIZERS


def add_parser(subparsers):
    p = subparsers.add_parser("trace", help="read one sentence with a model")
    p.add_argument("text")
    p.add_argument("--model", help="a bundled model (see: python -m rnnviz models)")
    p.add_argument("--state-dict", help="a lesson notebook's torch.save(net.state_dict(), F), or a checkpoint "
                   "dict holding one under model_state_dict or state_dict")
    p.add_argument("--keras", metavar="FILE", help="a Keras model (.keras or .h5), pip install rnnviz[keras]")
    p.add_argument("--vocab", help="the model's vocabulary: one token per line, or a JSON list or token->id map "
                   "(for --keras: its TextVectorization vocabulary, unless the file holds it)")
    p.add_argument("--cell", choices=tuple(CELL_KINDS), default="lstm")
    p.add_argument("--pooling", choices=POOLINGS, default=None,
                   help="how the classifier reads its states (default: the lesson's, mean for rnn, last otherwise)")
    p.add_argument("--tokenizer", choices=tuple(TOKENIZERS), default=None,
                   help="how text is split (default: basic_english, the lesson's, for --state-dict)")
    p.add_argument("--target", help="LABEL or LABEL@POSITION: L = log p(LABEL) after that token")
    p.add_argument("--clamp", action="append", default=[], metavar="LAYER:DIR:UNIT=VALUE",
                   help="pin a state unit at every step (repeatable)")
    p.add_argument("--json", action="store_true", help="print every Trace field as JSON")
    p.add_argument("--html", metavar="FILE", help="also write the step-through view as one self-contained page")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..trace import trace

    model = chosen_model(args)
    t = trace(model, args.text, target=parse_target(args.target), clamp=parse_clamps(args.clamp))
    if args.html:
        write_html(t, args.html)
    sys.stdout.write(json.dumps(t.to_json()) + "\n" if args.json else summary(t))
    return 0


def chosen_model(args):
    """The one model the arguments name: --model, --state-dict (+ --vocab) or --keras."""
    from .. import load_keras_model, load_lesson_model, load_model

    if sum(bool(source) for source in (args.model, args.state_dict, args.keras)) != 1:
        raise RnnvizError("Give one of --model NAME, --state-dict FILE --vocab FILE, or --keras FILE.")
    if args.state_dict and not args.vocab:
        raise RnnvizError("--state-dict needs --vocab, the token list saved from the notebook.")
    if not args.state_dict and (args.tokenizer or args.pooling):
        raise RnnvizError("--tokenizer and --pooling go with --state-dict: a bundled or Keras model reads "
                          "as it was built.")
    if args.model:
        return load_model(args.model)
    if args.keras:
        return load_keras_model(args.keras, vocab=args.vocab)
    return load_lesson_model(args.state_dict, args.vocab, cell=args.cell, pooling=args.pooling,
                             tokenizer=args.tokenizer or "basic_english")


def write_html(t, path: str) -> None:
    """The step-through view of `t` as one self-contained page (rnnviz.export.export_html) at `path`."""
    from ..export import export_html  # loads the live view's files: only when asked for

    try:
        export_html(t, path)
    except OSError as err:
        raise RnnvizError(f"Could not write {path}: {err.strerror or err}.") from None


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
    lines = [f"{len(t.tokens)} tokens, {int((~t.known).sum())} unknown to the model (split with {t.tokenizer})",
             f"L = {t.target}", ""]
    top = t.grad_hidden[-1, 0]
    for i, token in enumerate(t.tokens):
        (label, p), = t.top_predictions(i, top=1)
        mark = "" if t.known[i] else "  (unknown)"
        lines.append(f"{i:>3} {token!r:<14} -> {label!r} {p:.2f}   ‖∂L/∂h‖ {top[i]:.2e}{mark}")
    return "\n".join(lines) + "\n"
