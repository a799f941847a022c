"""The Make pages in Filipino: Train a model (settings, training, the scrubber) and Your lesson
model (uploads, messages, what was found), with no English catalogue text left on them."""
from __future__ import annotations

import re
import time

import pytest

from rnnviz import i18n
from rnnviz.errors import RnnvizError
from rnnviz.ui import keys, make

from .appkit import (
    FIL,
    LESSON_TOKENS,
    assert_ok,
    charts,
    english_leftovers,
    lesson_weights,
    open_in_filipino,
    panels_of,
)

TRAIN, LESSON = "views/train.py", "views/your_model.py"


def assert_filipino(at) -> None:
    assert_ok(at)
    assert english_leftovers(at) == []


# ---- Train a model ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trained():
    """The Train page in Filipino after a short story-GRU run (the story task has three flags)."""
    at = open_in_filipino(TRAIN, text="alice says the movie was good")
    assert at.title[0].value == FIL["train.title"] != i18n.catalogue("en")["train.title"]
    assert_filipino(at)
    at.selectbox(key="make_task").set_value("story")
    at.selectbox(key="make_cell").set_value("gru")
    for key, value in (("make_hidden", 8), ("make_emb", 8), ("make_steps", 20)):
        at.slider(key=key).set_value(value)
    at.run()
    assert at.button(key="make_start").proto.label == FIL["train.start"]
    at.button(key="make_start").click().run()
    assert_filipino(at)
    job = at.session_state[keys.JOB]
    job.thread.join(120)
    assert not job.running and job.error is None, job.error
    at.run()
    return at, job


def test_the_train_page_opens_in_filipino():
    at = open_in_filipino(TRAIN)
    assert at.title[0].value == FIL["train.title"]
    assert [h.value for h in at.header] == [FIL["train.settings"], FIL["train.training"]]
    assert at.selectbox(key="make_task").label == FIL["make.task"]
    assert at.select_slider(key="make_clip").label == FIL["make.clip"]
    spec = charts(at)["training_curves"]
    assert spec["layout"]["xaxis3"]["title"]["text"] == FIL["train.fig.step_axis"]
    assert FIL["train.fig.empty_note"] in [a["text"] for a in spec["layout"]["annotations"]]
    assert_filipino(at)


def test_a_finished_run_speaks_filipino(trained):
    at, job = trained
    assert_filipino(at)
    done = [s.value for s in at.success]
    ready = FIL["make.ready"].split("**{name}**")[0]          # "Handa na ang "
    assert any(v.startswith(ready) and job.name in v and FIL["make.steps_done"].format(steps="20") in v
               for v in done), done
    assert at.button(key="make_use").proto.label == FIL["make.use"]
    assert [h.value for h in at.header][-1] == FIL["train.scrub"]
    titles = [panel["title"] for panel in panels_of(at)]
    assert FIL["train.scrub_curve_title"] in titles, titles          # the scrubber's panels speak Filipino


def test_the_scrubber_and_the_flag_picker_work_in_filipino(trained):
    at, job = trained
    at.session_state[keys.SNAPSHOT] = 0                 # what the browser's "moved" event sets
    at.toggle(key=keys.SCRUB_FIGURES).set_value(True).run()
    assert_filipino(at)
    assert {"scrub_curves", "scrub_hidden", "scrub_gradient"} <= set(charts(at))
    concept = at.selectbox(key=keys.TRAIN_CONCEPT)
    assert concept.label == FIL["train.concept"]
    assert concept.options == [FIL[f"train.concept.{c}"] for c in ("female", "plural", "negation")]
    concept.select_index(1).run()             # "maramihan": the tester has no format_func to set by value
    assert_filipino(at)
    assert at.session_state[keys.TRAIN_CONCEPT] == "plural"
    assert "scrub_flags" in charts(at) or [i.value for i in at.info] == [FIL["train.no_ranking"]]
    at.button(key="make_use").click().run()
    assert_filipino(at)
    assert at.sidebar.selectbox(key="model").value == job.name


def test_progress_and_stop_speak_filipino():
    at = open_in_filipino(TRAIN, text="the movie was not good")
    for key, value in (("make_hidden", 8), ("make_emb", 8), ("make_steps", 3000)):
        at.slider(key=key).set_value(value)
    at.run()
    at.button(key="make_start").click().run()
    job = at.session_state[keys.JOB]
    deadline = time.monotonic() + 60
    while len(job.history) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    at.run()
    assert_filipino(at)
    progress = [p.proto.text for p in at.get("progress")]
    shown = FIL["make.progress"].format(done=r"[\d,]+", total="3,000")      # "hakbang 12 sa 3,000"
    assert len(progress) == 1 and re.fullmatch(shown, progress[0]), progress
    assert at.button(key=keys.STOP).proto.label == FIL["make.stop"]
    at.button(key=keys.STOP).click().run()
    job.thread.join(60)
    at.run()
    assert_filipino(at)
    steps = f"{job.result.steps:,}"
    stopped = FIL["make.stopped_after"].format(steps=steps, total="3,000")
    assert any(stopped in s.value for s in at.success), [s.value for s in at.success]


@pytest.mark.parametrize("raised, key", [(ValueError("boom"), "make.training_failed"),
                                         (RnnvizError("no <b>data</b>"), "make.training_stopped")])
def test_a_failed_run_is_told_in_filipino(monkeypatch, raised, key):
    """The thread has no language: it keeps the problem, and the page words it in Filipino."""
    def fail(*args, **kwargs):
        raise raised
    monkeypatch.setattr(make.training, "train", fail)
    at = open_in_filipino(TRAIN)
    at.button(key="make_start").click().run()
    at.session_state[keys.JOB].thread.join(30)
    at.run()
    assert_ok(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(FIL[key].split("{")[0]), errors
    assert "<b>" not in errors[0], "a core message reaches markdown escaped"


# ---- Your lesson model ------------------------------------------------------------------------




def test_the_lesson_page_opens_in_filipino_and_asks_for_both_files():
    at = open_in_filipino(LESSON, text="the match was won")
    assert at.title[0].value == FIL["your_model.title"] != i18n.catalogue("en")["your_model.title"]
    assert at.button(key="lesson_open").proto.label == FIL["your_model.open"]
    assert_filipino(at)
    assert at.info, "a bundled model is shown until the student opens one"
    at.button(key="lesson_open").click().run()
    assert_filipino(at)
    errors = [e.value.replace("\\", "") for e in at.error]
    expected = FIL["your_model.could_not_open"].format(detail=FIL["make.upload_both"])
    assert expected in errors, errors


def test_an_opened_lesson_model_is_described_in_filipino():
    at = open_in_filipino(LESSON, text="the match was won")
    at.file_uploader(key=keys.WEIGHTS_FILE).set_value(("model.pt", lesson_weights(), "application/octet-stream"))
    at.file_uploader(key=keys.VOCAB_FILE).set_value(("vocab.txt", "\n".join(LESSON_TOKENS).encode(), "text/plain"))
    at.selectbox(key=keys.LESSON_CELL).set_value("lstm")
    at.run()
    at.button(key="lesson_open").click().run()
    assert_filipino(at)
    assert not at.error, [e.value for e in at.error]
    opened = FIL["your_model.opened"].split("{name}")[0]
    assert any(s.value.startswith(opened) for s in at.success), [s.value for s in at.success]
    assert [h.value for h in at.subheader] == [FIL["your_model.found_title"]]
    table = at.dataframe[0].value
    assert list(table.columns) == [FIL["your_model.column_what"], FIL["your_model.column_found"]]
    found = dict(zip(*(table[c] for c in table.columns)))
    assert found[FIL["make.summary.pooling"]] == FIL["make.pooling.last"]
    assert found[FIL["make.summary.known"]] == "4 sa 4 (100%)"
    assert at.metric[0].label.startswith(FIL["your_model.prediction"].split("(")[0])


def test_a_bad_upload_keeps_the_reason_inside_a_filipino_sentence():
    at = open_in_filipino(LESSON, text="the match was won")
    at.file_uploader(key=keys.WEIGHTS_FILE).set_value(("model.pt", lesson_weights()[:100], "application/octet-stream"))
    at.file_uploader(key=keys.VOCAB_FILE).set_value(("vocab.txt", "\n".join(LESSON_TOKENS).encode(), "text/plain"))
    at.run()
    at.button(key="lesson_open").click().run()
    assert_filipino(at)
    errors = [e.value.replace("\\", "") for e in at.error]
    lead = FIL["your_model.could_not_open"].split("{detail}")[0]
    assert any(e.startswith(lead) and "not a plain PyTorch weights file" in e for e in errors), errors
