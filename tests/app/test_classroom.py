"""Issue 7 "Classroom": teacher mode, predict-then-reveal, the guided tour, links and exports."""
from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlsplit

import numpy as np
import pytest

import rnnviz
from rnnviz.figures import theme
from rnnviz.ui import keys, pages, share, tour

from .appkit import assert_ok, charts, live_view, open_app, rendered

SENTENCE = "alice says the movie was good . she is happy ."
STEP_PAGE = pages.page("step_through").path
PAGES = [p.path for p in pages.PAGES if p.section_key != pages.MAKE]      # the pages a class reads together


def font_sizes(at) -> dict[str, float]:
    """Base font size of each figure; the step-through page's live view as "hidden"."""
    sizes = {key: spec["layout"]["font"]["size"] for key, spec in charts(at).items()
             if "size" in spec["layout"].get("font", {})}
    view = live_view(at)
    if view is not None:
        sizes["hidden"] = theme.font_size(view["scale"])
    return sizes


@pytest.mark.parametrize("page", PAGES)
def test_teacher_mode_enlarges_every_figure(page):
    normal = open_app(page=page, text=SENTENCE)
    big = open_app(page=page, text=SENTENCE, teacher="1")
    assert_ok(normal)
    assert_ok(big)
    before, after = font_sizes(normal), font_sizes(big)
    assert before and set(before) == set(after)
    small = {k for k in before if not after[k] > before[k]}
    assert not small, f"{page}: these figures ignore teacher mode: {sorted(small)}"
    assert big.sidebar.toggle(key="teacher").value
    assert big.query_params["teacher"] in ("1", ["1"])


def test_the_toggle_turns_it_on_and_it_survives_a_page_switch():
    at = open_app(page=STEP_PAGE, text=SENTENCE)
    before = font_sizes(at)["hidden"]
    assert "teacher" not in at.query_params
    at.sidebar.toggle(key="teacher").set_value(True).run()
    assert_ok(at)
    assert font_sizes(at)["hidden"] > before
    assert any(b.label == "Leave teacher mode" for b in at.button)
    at.switch_page("views/anatomy.py").run()
    at.run()
    at.toggle(key=keys.ANATOMY_FIGURES).set_value(True).run()        # the plotly figures beside the live view
    assert_ok(at)
    assert at.sidebar.toggle(key="teacher").value
    assert font_sizes(at)["anatomy_simple"] == pytest.approx(theme.font_size(1.5))
    next(b for b in at.button if b.label == "Leave teacher mode").click().run()
    assert not at.sidebar.toggle(key="teacher").value
    assert font_sizes(at)["anatomy_simple"] == pytest.approx(theme.font_size(1.0))


def expected_answer(trace, step: int) -> str:
    """Computed from the trace alone: the gate with the largest mean at the next token (even
    steps), else the top prediction after the next token."""
    nxt = step + 1
    if step % 2 == 0:
        means = {g: float(v[0, 0, nxt].mean()) for g, v in trace.gates.items() if g != "candidate"}
        best = max(means, key=means.get)
        return f"{theme.gate_label(best, 'lstm')} (mean {means[best]:.2f}"
    best = int(np.argmax(trace.probs[nxt]))
    return f"{trace.labels[best]} ({trace.probs[nxt][best]:.0%})"


def reveal_texts(at) -> list[str]:
    return [rendered(s.value) for s in at.success]


def test_predict_then_reveal():
    trace = rnnviz.trace(rnnviz.load_model("story-lstm"), SENTENCE)
    at = open_app(page=STEP_PAGE, text=SENTENCE, step="2", teacher="1")
    assert_ok(at)
    for step in (2, 3):
        assert live_view(at)["step"] == step
        answer = expected_answer(trace, step)
        question = [rendered(m.value) for m in at.markdown if f"“{trace.tokens[step + 1]}”" in rendered(m.value)]
        assert question, "the question names the next token"
        assert not any(answer in s for s in reveal_texts(at)), "the answer is hidden before the reveal"
        at.button(key="reveal").click().run()
        assert_ok(at)
        assert any(answer in s for s in reveal_texts(at)), (answer, reveal_texts(at))
        at.session_state["step"] = step + 1           # the browser's live view moves on
        at.run()
        assert not reveal_texts(at), "a new step asks a new question, its answer hidden"


def test_no_quiz_outside_teacher_mode():
    at = open_app(page=STEP_PAGE, text=SENTENCE)
    assert not [b for b in at.button if b.key == "reveal"]


def test_the_tour_is_the_landing_page_in_the_lessons_order():
    at = open_app(text=SENTENCE)
    assert_ok(at)
    assert "tour" in at.title[0].value.lower()
    headers = [h.value for h in at.header]
    wanted = [f"{k} · {heading}" for k, (_, heading, _, _) in enumerate(tour.sections(), start=1)]
    assert headers == wanted
    assert [key for key, *_ in tour.sections()] == ["order", "unrolling", "cell", "vanishing", "lstm", "flags",
                                                  "gru", "bidirectional", "multilayer", "next"]
    shown = charts(at)
    for key, *_ in tour.sections():
        assert any(k.startswith(f"tour_{key}") for k in shown) or key == "cell" and "hidden" in shown, key
    links = at.get("page_link")
    assert len(links) == len(tour.sections())


def test_the_tour_shows_the_order_pair_with_different_answers():
    at = open_app(text=SENTENCE)
    model = rnnviz.load_model("sentiment-lstm")
    a, b = [rnnviz.trace(model, s) for s in
                             ("the acting was bad but the story was great .",
                              "the acting was great but the story was bad .")]
    said = [model.labels[int(t.probs[-1].argmax())] for t in (a, b)]
    assert said[0] != said[1]
    texts = " ".join(rendered(m.value) for m in at.markdown).replace("**", "")
    assert all(f"says {s} (" in texts for s in said)


@pytest.mark.parametrize("page", [STEP_PAGE, "views/flags.py", "views/tour.py", "views/gradients.py"])
def test_the_copy_link_reopens_the_view(page):
    at = open_app(page=page, text=SENTENCE, model="story-gru", step="3")
    assert_ok(at)
    links = [c.value for c in at.code if "text=" in c.value]
    assert len(links) == 1
    link = links[0]
    assert f"text={quote(SENTENCE, safe='')}" in link and "model=story-gru" in link
    params = dict(parse_qsl(urlsplit(link).query))
    if page in (STEP_PAGE, "views/flags.py"):
        assert "step=3" in link or page == "views/flags.py"
    again = open_app(page=page, **params)
    assert_ok(again)
    assert again.text_area(key="text").value == SENTENCE
    assert again.selectbox(key="model").value == "story-gru"
    if page == STEP_PAGE:
        assert live_view(again)["step"] == 3
    if "unit" in params:
        assert again.query_params["unit"] in (params["unit"], [params["unit"]])


def test_the_link_follows_the_step_and_teacher_mode():
    at = open_app(page=STEP_PAGE, text=SENTENCE, teacher="1")
    at.session_state["step"] = 1                         # the browser's live view moves on
    at.run()
    link = next(c.value for c in at.code if "text=" in c.value)
    assert "step=1" in link and "teacher=1" in link


def test_every_page_offers_the_exports():
    for page in PAGES:
        at = open_app(page=page, text=SENTENCE)
        figures = {keys.AS_FIGURES, keys.ANATOMY_FIGURES, keys.COMPARE_FIGURES, keys.DEEP_FIGURES}
        for key in [toggle.key for toggle in at.toggle if toggle.key in figures]:
            at.toggle(key=key).set_value(True).run()   # a page drawn in the browser offers HTML with its figures
        labels = [b.proto.label for b in at.get("download_button")]
        assert {"Trace as JSON", "States and gates (CSV)", "Per token (CSV)"} <= set(labels), page
        if page != "views/tour.py":
            assert any(label.startswith("HTML") for label in labels), f"{page} offers no figure as HTML"


@pytest.mark.parametrize("opened, app", [
    ("http://host:8501/step_through", "http://host:8501"),
    ("http://host:8501/", "http://host:8501"),
    ("http://host:8501", "http://host:8501"),
    ("http://host/base/flags?unit=3", "http://host/base"),
    ("http://host/base", "http://host/base"),
])
def test_a_link_is_built_on_the_app_address_not_the_page_it_opened_on(opened, app):
    """The browser reports the page the session opened on; the link adds the page shown now."""
    assert share.app_url(opened) == app
