"""The figures of the notebook path, measured (issue #15's closing note):

    python tools/notebook_figures.py            # needs the test tools (keras, h5py): requirements-dev.txt

  notebook   trace_module and show on a lesson-size LSTM (20,000 words, emb 64, hidden 128,
             40 tokens): median of 7 runs; the page show() draws, in KB
  export     export_html of a bundled model's trace: time and page size
  keras      the largest |rnnviz - Keras| over the test suite's Keras layouts (KERAS_BACKEND=torch,
             random weights): every hidden state, and the final probabilities
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import rnnviz  # noqa: E402
from rnnviz.runtime import use_one_thread  # noqa: E402
from tests.lesson_classes import lesson_classes  # noqa: E402

CLASSES = ["World", "Sports", "Business", "Sci/Tech"]
EXPORTS = {"story-lstm": "alice says the movie was good . she is happy .",
           "english-lstm": "my little brother did not like the new teacher at school .",
           "english-char-lstm": "my little brother did not like the new teacher at school."}


def median_ms(work, repeats: int = 7) -> float:
    work()                                      # warm: first calls build caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def notebook() -> None:
    torch.manual_seed(0)
    itos = ["<unk>", "<pad>"] + [f"w{i}" for i in range(20_000)]
    net = lesson_classes()["LSTMClassifier"](len(itos), 64, 128, len(CLASSES)).eval()
    text = " ".join(f"w{i}" for i in range(0, 400, 10))
    given = {"vocab": itos, "tokenizer": rnnviz.text.basic_english, "labels": CLASSES}
    traced = median_ms(lambda: rnnviz.trace_module(net, text, **given))
    shown = median_ms(lambda: rnnviz.show(net, text, **given)._repr_html_())
    page = rnnviz.show(net, text, **given)._repr_html_()
    print(f"notebook  trace_module {traced:.0f} ms · show {shown:.0f} ms, {len(page) / 1024:.0f} KB "
          "(LSTM, 20,002 words, emb 64, hidden 128, 40 tokens)")


def exports() -> None:
    for name, sentence in EXPORTS.items():
        t = rnnviz.trace(rnnviz.load_model(name), sentence)
        ms = median_ms(lambda t=t: rnnviz.export_html(t), repeats=5)
        print(f"export    {name} ({t.steps} tokens): {ms:.0f} ms, {len(rnnviz.export_html(t)) / 1024:.0f} KB")


def keras() -> None:
    from tests.unit.test_keras_models import (
        MODELS,
        TOKEN_SEQUENCES,
        VOCAB,
        H,
        expected_probs,
        keras_sequences,
        save_model,
    )

    worst_h = worst_p = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for name, body in MODELS.items():
            path = Path(folder) / "model.keras"
            net = save_model(path, *body(), seed=len(name))
            model = rnnviz.load_keras_model(path, vocab=VOCAB)
            for tokens in TOKEN_SEQUENCES:
                t = rnnviz.trace(model, tokens)
                ids = [VOCAB.index(x) if x in VOCAB else 1 for x in tokens]
                for k, sequence in enumerate(keras_sequences(net, ids)):
                    for d in range(model.spec.directions):
                        worst_h = max(worst_h, float(np.abs(t.hidden[k, d] - sequence[:, d * H:(d + 1) * H]).max()))
                worst_p = max(worst_p, float(np.abs(t.probs[-1] - expected_probs(net, ids)).max()))
    print(f"keras     {len(MODELS)} layouts × {len(TOKEN_SEQUENCES)} sequences: max |Δh| {worst_h:.1e}, "
          f"max |Δp| {worst_p:.1e}")


if __name__ == "__main__":
    import warnings

    warnings.filterwarnings("ignore")
    use_one_thread()
    notebook()
    exports()
    keras()
