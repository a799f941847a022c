"""python -m rnnviz bench: trace() against torch.nn's fused pass (T=50, E=64, H=128, one thread)."""
import json


def add_parser(subparsers):
    p = subparsers.add_parser("bench", help="time trace() against the fused torch.nn pass")
    p.add_argument("--json", action="store_true")
    p.add_argument("--runs", type=int, default=30, help="interleaved runs per side (at least 20)")
    p.add_argument("--tokens", type=int, default=50)
    p.set_defaults(run=run)


def run(args) -> int:
    from ..bench import run_all
    from ..errors import RnnvizError

    if args.runs < 20 or not 1 <= args.tokens <= 200:
        raise RnnvizError("bench needs --runs of at least 20 and --tokens from 1 to 200.")
    results = run_all(steps=args.tokens, runs=args.runs)
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"T={args.tokens} E=64 H=128, one thread, median of {args.runs} interleaved runs")
    print(f"{'cell':<6}{'trace ms':>10}{'fused ms':>10}{'ratio':>8}")
    for cell, r in results.items():
        print(f"{cell:<6}{r['trace_ms']:>10.2f}{r['fused_ms']:>10.2f}{r['ratio']:>8.2f}")
    return 0
