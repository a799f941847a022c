"""The training scrubber's payload: one position per snapshot, each snapshot's pictures exact."""
from __future__ import annotations

import json

import numpy as np

import rnnviz
from rnnviz.analysis.flags import UnitScore
from rnnviz.figures.scrub_panel import TOP_UNITS, scrub_payload, snapshot_record
from tests.unit.reference import make_model

TEXT = "alice and tom was not very good ."
STEPS = [1, 5, 10]                                   # three snapshots of a 10-step run


def history() -> list[dict]:
    """A record per step: the loss falls, the accuracy rises."""
    return [{"step": s, "loss": 2.0 / s, "accuracy": s / 10, "grad_norm": 0.5 + s} for s in range(1, 11)]


def panels(payload: dict) -> list[dict]:
    return [p for row in payload["rows"] for column in row["columns"] for p in column["panels"]]


def test_each_snapshot_is_a_position_with_its_own_reading():
    traces = [rnnviz.trace(make_model("lstm", seed=seed), TEXT) for seed in (0, 1, 2)]
    payload = scrub_payload(STEPS, 10, history(), traces=traces)
    assert json.loads(json.dumps(payload)) == payload
    assert [p["label"] for p in payload["positions"]] == ["step 1 of 10", "step 5 of 10", "step 10 of 10"]
    assert payload["step"] == 2                                        # opens on the last snapshot
    kinds = [p["kind"] for p in panels(payload)]
    assert kinds == ["curve", "heatmap", "curve"]                      # no concept: no ranking
    hidden = panels(payload)[1]
    for frame, trace in zip(hidden["frames"], traces):
        np.testing.assert_allclose(frame["values"], trace.hidden[-1, 0], atol=1e-4)
    assert hidden["x"] == traces[0].tokens
    gradient = panels(payload)[2]
    assert len(gradient["frames"]) == 3 and gradient["x"] == traces[0].tokens
    low, high = gradient["decades"]
    for frame in gradient["frames"]:
        values = [v for line in frame["series"] for v in line["values"] if v is not None]
        assert 10.0 ** low <= min(values) and max(values) <= 10.0 ** high     # one y range for every snapshot


def test_the_training_curve_reads_the_record_of_each_snapshot():
    records = history()
    payload = scrub_payload(STEPS, 10, records, index=0)
    curve = panels(payload)[0]
    loss = curve["series"][0]["values"]
    assert loss == [round(snapshot_record(records, s)["loss"], 4) for s in STEPS]
    assert payload["step"] == 0 and "0.400" in curve["readout"][1] and "50%" in curve["readout"][1]
    assert snapshot_record(records[::2], 4)["step"] == 3                  # the last record before a step


def test_the_ranking_shows_the_best_units_of_each_snapshot():
    def scores(best: int) -> list[UnitScore]:
        units = sorted(range(12), key=lambda u: u != best)
        return [UnitScore(0, 0, u, auroc=0.99 - 0.01 * k, d=1.0, on=0.5, off=-0.5) for k, u in enumerate(units)]
    rankings = [scores(3), scores(7), scores(7)]
    payload = scrub_payload(STEPS, 10, history(), rankings=rankings, concept_name="female")
    bars = next(p for p in panels(payload) if p["kind"] == "bars")
    assert "female" in bars["title"]
    assert [len(v) for v in bars["values"]] == [TOP_UNITS] * 3
    assert bars["values"][0][0] == ["unit 3", 0.99] and bars["values"][1][0][0] == "unit 7"
