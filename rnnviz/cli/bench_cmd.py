"""python -m rnnviz bench: trace() against torch.nn's fused pass (T=50, E=64, H=128, one thread),
trace() on real text with the real-English models, and each bundled model's share of known
tokens in the everyday sentences (tests/data/everyday_sentences.txt)."""
import json


def add_parser(subparsers):
    p = subparsers.add_parser("bench", help="time trace() against the fused torch.nn pass, on real text too, "
                                            "and measure each model's known tokens in everyday sentences")
    p.add_argument("--json", action="store_true")
    p.add_argument("--runs", type=int, default=30, help="interleaved runs per side (at least 20)")
    p.add_argument("--tokens", type=int, default=50, help="T of the synthetic rows (the real-text rows are fixed)")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..bench import coverage_rows, real_text_rows, run_all
    from ..errors import RnnvizError

    if args.runs < 20 or not 1 <= args.tokens <= 200:
        raise RnnvizError("bench needs --runs of at least 20 and --tokens from 1 to 200.")
    results = {"cells": run_all(steps=args.tokens, runs=args.runs), "real_text": real_text_rows(runs=args.runs),
               "coverage": coverage_rows()}
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"T={args.tokens} E=64 H=128, one thread, median of {args.runs} interleaved runs")
    print(f"{'cell':<6}{'trace ms':>10}{'fused ms':>10}{'ratio':>8}")
    for cell, r in results["cells"].items():
        print(f"{cell:<6}{r['trace_ms']:>10.2f}{r['fused_ms']:>10.2f}{r['ratio']:>8.2f}")
    print_real_text(results["real_text"], args.runs)
    print_coverage(results["coverage"])
    return 0


def print_real_text(rows: dict, runs: int) -> None:
    print(f"\ntrace() on real text (the everyday sentences), one thread, median of {runs} interleaved runs")
    if not rows:
        print("(no real-English model is bundled)")
        return
    print(f"{'model':<19}{'T':>5}{'H':>6}{'V':>8}{'trace ms':>10}{'fused ms':>10}{'ratio':>8}")
    for name, r in rows.items():
        print(f"{name:<19}{r['tokens']:>5}{r['hidden']:>6}{r['vocab']:>8}"
              f"{r['trace_ms']:>10.2f}{r['fused_ms']:>10.2f}{r['ratio']:>8.2f}")


def print_coverage(rows: dict) -> None:
    print("\nknown tokens in the everyday sentences (tests/data/everyday_sentences.txt)")
    print(f"{'model':<19}{'tokens':>7}{'known':>7}{'rate':>8}  most common unknown")
    for name, r in rows.items():
        unknown = ", ".join(f"{token} ({count})" for token, count in r["unknown"][:5])
        print(f"{name:<19}{r['tokens']:>7}{r['known']:>7}{r['rate']:>8.1%}  {unknown}")
