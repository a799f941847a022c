"""A Trace (or a figure) as a file a student can keep: CSV tables, the CLI's JSON, stand-alone HTML
(a figure's, or the whole step-through view's: export_html).

Pure builders, no Streamlit: the app's download buttons (rnnviz.ui.share) only hand these on.
"""
from __future__ import annotations

import csv
import io
import json
from contextlib import nullcontext

from . import i18n
from .trace import Trace

STATE_COLUMNS = ["t", "token", "layer", "direction", "unit", "h", "c"]     # then one column per gate


def trace_json(trace: Trace) -> str:
    """Exactly `python -m rnnviz trace --json`: every Trace field under its own name."""
    return json.dumps(trace.to_json())


def states_csv(trace: Trace) -> str:
    """One row per token × layer × direction × unit: h, c (empty unless LSTM) and every gate."""
    gates, carries_cell = list(trace.gates), trace.cell_kind.carries_cell
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STATE_COLUMNS + gates)
    layers, directions, steps, units = trace.hidden.shape                # [L, D, T, H]
    for t in range(steps):
        for layer in range(layers):
            for d in range(directions):
                for u in range(units):
                    at = (layer, d, t, u)
                    c = repr(float(trace.cell[at])) if carries_cell else ""
                    writer.writerow([t, trace.tokens[t], layer, d, u, repr(float(trace.hidden[at])), c]
                                    + [repr(float(trace.gates[g][at])) for g in gates])
    return out.getvalue()


def token_columns(trace: Trace) -> list[str]:
    """The per-token table's header: t, token, known, p(label)…, grad_h / grad_c per slice, connectivity."""
    layers, directions = trace.grad_hidden.shape[:2]
    slices = [f"l{layer}d{d}" for layer in range(layers) for d in range(directions)]
    return (["t", "token", "known"] + [f"p({label})" for label in trace.labels]
            + [f"grad_h_{s}" for s in slices]
            + ([f"grad_c_{s}" for s in slices] if trace.cell_kind.carries_cell else [])
            + ["connectivity"])


def tokens_csv(trace: Trace) -> str:
    """One row per token: whether the model knows it, the probabilities after it, ‖∂L/∂h‖, ‖∂L/∂c‖
    of every layer and direction, and ‖∂L/∂x‖ (L is trace.target, named in the JSON)."""
    layers, directions = trace.grad_hidden.shape[:2]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(token_columns(trace))
    for t in range(trace.steps):
        grads = [trace.grad_hidden[layer, d, t] for layer in range(layers) for d in range(directions)]
        if trace.cell_kind.carries_cell:
            grads += [trace.grad_cell[layer, d, t] for layer in range(layers) for d in range(directions)]
        writer.writerow([t, trace.tokens[t], int(bool(trace.known[t]))]
                        + [repr(float(p)) for p in trace.probs[t]]
                        + [repr(float(g)) for g in grads] + [repr(float(trace.connectivity[t]))])
    return out.getvalue()


def figure_html(fig) -> str:
    """A plotly figure as one self-contained HTML page (plotly.js inside: it opens offline)."""
    return fig.to_html(include_plotlyjs=True, full_html=True)


def export_html(trace: Trace, path=None, *, title: str | None = None, step: int = 0,
                cell_bound: float | None = None, lang: str | None = None) -> str:
    """The step-through view of `trace` as ONE self-contained HTML page (rnnviz.standalone: the
    app's own live view, its numbers and scripts inline, nothing fetched): it opens offline and
    steps with ← → Home End, plays with Space, shows values on hover. Every layer and direction
    is there (buttons switch). Written to `path` (UTF-8) when given; returned either way.
    `step` is where the cursor starts; `cell_bound` the colour range ±R of c (default: this
    sentence's own); `title` the page's title (default: the catalogue's); `lang` its language
    (default: the current one; a download built after the page ran names it)."""
    from .standalone import page_html  # loaded on first use (it loads the figures): `import rnnviz` stays light

    # i18n.speaking swaps the language for the whole process: only when this page needs another one
    with i18n.speaking(lang) if lang and lang != i18n.language() else nullcontext():
        page = page_html(trace, title=title, step=step, cell_bound=cell_bound)
    if path is not None:
        with open(path, "w", encoding="utf-8") as out:
            out.write(page)
    return page
