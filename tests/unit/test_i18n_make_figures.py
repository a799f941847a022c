"""The training curves in Filipino: panel titles, axis titles, notes, hover words and the
scrubber's labels come from the Filipino catalogue when the language is Filipino."""
from __future__ import annotations

from rnnviz import i18n
from rnnviz.figures import training
from tests.unit.figkit import FIL


def history(n: int = 10) -> list[dict]:
    rows = [{"step": s, "loss": 1.0 / s, "accuracy": s / n, "grad_norm": float(s)} for s in range(1, n + 1)]
    rows[-1]["valid_accuracy"] = 0.8
    return rows


def test_panel_and_axis_titles_are_filipino(filipino):
    fig = training.training_curves_figure(history(), 10, clip=1.0)
    titles = [a.text for a in fig.layout.annotations][:3]
    assert titles == [FIL["train.fig.loss_title"], FIL["train.fig.accuracy_title"], FIL["train.fig.grad_title"]]
    assert fig.layout.yaxis2.title.text == FIL["train.fig.accuracy_axis"] != "accuracy"
    assert fig.layout.xaxis3.title.text == FIL["train.fig.step_axis"] != "training step"
    assert any(a.text == FIL["train.fig.clip_note"].format(clip="1") for a in fig.layout.annotations)


def test_hover_words_and_held_out_points_are_filipino(filipino):
    fig = training.training_curves_figure(history(), 10)
    step = FIL["train.fig.step"]
    assert all(d.hovertemplate.startswith(f"{step} %{{x}}<br>") for d in fig.data)
    points = [d for d in fig.data if d.mode == "markers"]
    assert points[0].name == FIL["train.fig.held_out"] != "held-out accuracy"
    assert FIL["train.fig.held_out"] in points[0].hovertemplate


def test_the_empty_note_and_snapshot_label_are_filipino(filipino):
    fig = training.training_curves_figure([], None)
    assert [a.text for a in fig.layout.annotations][-1] == FIL["train.fig.empty_note"]
    assert training.empty_note() == FIL["train.fig.empty_note"]
    assert training.snapshot_label(1200, 3000) == "hakbang 1,200 sa 3,000"


def test_the_words_follow_the_language_at_each_call(filipino):
    assert training.curves()[0][1] == FIL["train.fig.loss_title"]
    with i18n.speaking("en"):
        assert training.curves()[0][1] == i18n.catalogue("en")["train.fig.loss_title"] != FIL["train.fig.loss_title"]
