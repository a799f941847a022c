"""python -m rnnviz models: the bundled models with their one-line descriptions."""


def add_parser(subparsers):
    p = subparsers.add_parser("models", help="list the bundled models")
    p.set_defaults(run=run)


def run(args) -> int:
    from .. import list_models
    from ..checkpoints import MODELS_DIR, read_card

    for name in list_models():
        card = read_card(MODELS_DIR / f"{name}.json")
        metrics = card.get("metrics", {})
        accuracy, bits = metrics.get("accuracy"), metrics.get("bits")
        score = f"  held-out accuracy {accuracy:.3f}" if isinstance(accuracy, (int, float)) else ""
        if isinstance(bits, (int, float)):
            score = f"  held-out {bits:.2f} bits per token (perplexity {metrics.get('perplexity', 0):.1f})"
        print(f"{name:<20} {card.get('description', '')}{score}")
    return 0
