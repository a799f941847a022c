"""Training curves: three panels (loss, accuracy, gradient norm), held-out points, clip line, marks."""
from __future__ import annotations

import numpy as np

from rnnviz.figures.training import curves, empty_note, snapshot_label, training_curves_figure


def history(n: int = 20) -> list[dict]:
    rows = [{"step": s, "loss": 2.0 / s, "accuracy": min(1.0, s / n), "grad_norm": 1.0 + s} for s in range(1, n + 1)]
    rows[9]["valid_accuracy"], rows[-1]["valid_accuracy"] = 0.6, 0.9
    return rows


def lines(fig):
    return [d for d in fig.data if d.mode == "lines"]


def test_one_panel_per_curve_with_the_values_of_the_history():
    fig = training_curves_figure(history(), 40)
    assert len(lines(fig)) == len(curves()) == 3
    for data, (key, _, _, _) in zip(lines(fig), curves()):
        np.testing.assert_allclose(data.y, [r[key] for r in history()])
        assert list(data.x) == list(range(1, 21))
    assert [a.text for a in fig.layout.annotations][:3] == [title for _, title, _, _ in curves()]
    assert fig.layout.yaxis3.type == "log" and fig.layout.xaxis3.title.text == "training step"
    assert list(fig.layout.xaxis3.range) == [0, 40]


def test_held_out_accuracy_is_drawn_as_points():
    points = [d for d in training_curves_figure(history()).data if d.mode == "markers"]
    assert len(points) == 1 and list(points[0].x) == [10, 20] and list(points[0].y) == [0.6, 0.9]


def test_clip_line_snapshots_and_mark():
    fig = training_curves_figure(history(), 20, clip=1.5, snapshots=[1, 10, 20], mark=10)
    shapes = fig.layout.shapes
    assert any(s.y0 == 1.5 and s.y1 == 1.5 for s in shapes), "the clip threshold line"
    verticals = [s.x0 for s in shapes if s.x0 == s.x1]
    assert verticals.count(10) == 1 + 3, "a snapshot tick and the mark through all three panels"
    assert any("clip at 1.5" in (a.text or "") for a in fig.layout.annotations)


def test_an_empty_history_draws_empty_panels_with_a_note():
    fig = training_curves_figure([], None)
    assert len(lines(fig)) == 3 and all(len(d.x) == 0 for d in lines(fig))
    assert any(a.text == empty_note() for a in fig.layout.annotations)


def test_snapshot_label():
    assert snapshot_label(1200, 3000) == "step 1,200 of 3,000"
