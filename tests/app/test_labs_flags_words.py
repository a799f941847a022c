"""The Flags page read at a glance, in AppTest: the first picture is the sentence coloured by the
unit beside its contrasts with a caption made of the picture's own numbers, the card's flags in
plain words (AUROC and d in the tooltip), and the clamp opens on a sentence where it changes
something, never contradicting the flip rate beside it. The tour draws the same view.

Every expected number is recomputed here from rnnviz itself."""
from __future__ import annotations

import json
from functools import cache

import numpy as np

import rnnviz
from rnnviz import i18n, recipes
from rnnviz.analysis import flags
from rnnviz.analysis.clamp import flipping_example
from rnnviz.analysis.contrast import contrast_rows
from rnnviz.analysis.lab import prediction_changes
from rnnviz.figures.theme import safe
from rnnviz.train import make_data
from rnnviz.ui import keys

from .appkit import APP, TIMEOUT, array, assert_ok, charts, rendered, texts

FLAGS, TOUR = "views/flags.py", "views/tour.py"
SENTENCE = "alice says the movie was good . she is happy ."
MALE = "tom says the movie was good . he is happy ."
NAME = "story-lstm"


@cache
def model():
    return rnnviz.load_model(NAME)


@cache
def probe() -> tuple:
    return tuple(recipes.probe_set(make_data("story"), recipes.CARD_PROBE_SEED))


@cache
def score(concept: str, unit=None):
    ranked = flags.unit_scores(model(), list(probe()), concept)
    card = next(f for f in model().card["flags"] if f["concept"] == concept)
    unit = unit or (card["layer"], card["direction"], card["unit"])
    return next(s for s in ranked if s.key == unit)


def open_page(page: str, **query: str):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    at.switch_page(page).run()
    return at.run()


def signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−")


def word_rows(spec: dict) -> list[list[str]]:
    return [list(d["text"]) for d in spec["data"] if d.get("mode") == "text"]


def predicted(trace) -> list[str]:
    return [safe(trace.labels[k]) for k in trace.probs.argmax(1)]


def clamp_rows(at) -> list[list[str]]:
    return [list(row) for row in charts(at)["clamp_effect"]["data"][0]["text"]]


def test_the_first_picture_colours_the_sentence_beside_its_contrasts():
    at = open_page(FLAGS, text=SENTENCE)
    assert_ok(at)
    assert next(iter(charts(at))) == "flag_words", "the page's first picture"
    rows = contrast_rows("story", "female", SENTENCE)
    assert [r.text for r in rows] == [SENTENCE, MALE, "alice and tom say the movie was good . they are happy ."]
    spec = charts(at)["flag_words"]
    assert word_rows(spec) == [[safe(w) for w in r.tokens] for r in rows]
    unit = score("female").key
    values = [rnnviz.trace(model(), r.text).cell[0, 0, :, unit[2]] for r in rows]
    hover = [d for d in spec["data"] if d.get("mode") == "markers" and "customdata" in d]
    for d, v in zip(hover, values):
        np.testing.assert_allclose(array(d["marker"]["color"]).astype(float), v, atol=1e-6)
    caption = next(c for c in texts(at.caption) if "outlined" in c)
    at_decision = [float(v[r.read_at]) for v, r in zip(values, rows)]
    for value, row in zip(at_decision, rows):
        assert f"**{signed(value)}** before “{row.decided}”" in caption
    side = "higher" if at_decision[0] > max(at_decision[1:]) else "lower" if at_decision[0] < min(at_decision[1:]) \
        else None
    assert side is not None, "the card's female flag sets the female sentence apart at the pronoun"
    assert rendered(i18n.t(f"flags.words.{side}", place="before “she”")) in rendered(caption)
    peak = int(np.abs(values[0]).argmax())
    assert rendered(i18n.t("flags.words.strongest", token=rows[0].tokens[peak], value=signed(values[0][peak]))) \
        in rendered(caption)


def test_the_flags_table_speaks_plain_words_with_the_numbers_in_the_tooltip():
    at = open_page(FLAGS, text=SENTENCE)
    table = at.dataframe[0].value
    assert list(table.columns) == [i18n.t(f"units.col.{c}") for c in ("concept", "unit", "apart", "switching")]
    assert not [c for c in table.columns if "AUROC" in c or c == "d"], "no raw statistics as the first read"
    help_text = json.loads(at.dataframe[0].proto.columns)[i18n.t("units.col.apart")]["help"]
    for f in model().card["flags"]:
        s = score(f["concept"])
        row = table[table[i18n.t("units.col.unit")] == f"unit {f['unit']}"].iloc[0]
        assert row[i18n.t("units.col.apart")] == i18n.t(f"units.apart.{f['concept']}", right=s.sentences_right,
                                                          total=s.sentences)
        assert row[i18n.t("units.col.switching")] == i18n.t("units.switching", rate=f"{f['clamp_flip_rate']:.0%}",
                                                              random=f"{f['random_flip_rate']:.1%}")
        assert f"AUROC {f['auroc']:.3f}, d {f['d']:+.2f}" in help_text


def test_a_male_sentence_is_switched_on_and_the_pronoun_flips():
    at = open_page(FLAGS, text=MALE)
    assert_ok(at)
    s = score("female")
    assert at.radio(key=keys.CLAMP_TO).value == "on", "against the sentence's concept, as the flip rate clamps"
    assert at.radio(key=keys.CLAMP_SENTENCE).value == "yours"
    before, after = rnnviz.trace(model(), MALE), rnnviz.trace(model(), MALE, clamp={s.key: s.on})
    assert clamp_rows(at) == [predicted(before), predicted(after)]
    assert any(was == "he" and now == "she" for _, _, was, _, now, _ in prediction_changes(before, after))
    assert any("→" in m for m in texts(at.markdown))


def sentence_where_nothing_changes(s) -> str:
    """A typed sentence on which clamping the female flag against its concept changes nothing."""
    for text in ("the movie was good .", "good", "the", "alice and tom say the movie was good ."):
        trace = rnnviz.trace(model(), text)
        female = any(w in text.split() for w in ("alice", "she")) and "and" not in text.split()
        if not prediction_changes(trace, rnnviz.trace(model(), text, clamp={s.key: s.off if female else s.on})):
            return text
    raise AssertionError("every candidate sentence changes: pick others")


def test_the_clamp_opens_on_a_sentence_where_it_changes_the_answer():
    s = score("female")
    text = sentence_where_nothing_changes(s)
    at = open_page(FLAGS, text=text)
    assert_ok(at)
    demo = flipping_example(model(), list(probe()), "female", s.key, s.on, s.off)
    assert at.radio(key=keys.CLAMP_SENTENCE).value == "demo" and at.radio(key=keys.CLAMP_TO).value == demo.toward
    before, after = rnnviz.trace(model(), demo.text), rnnviz.trace(model(), demo.text, clamp={s.key: demo.value})
    assert clamp_rows(at) == [predicted(before), predicted(after)]
    assert clamp_rows(at)[0][demo.position] == demo.before and clamp_rows(at)[1][demo.position] == demo.after
    rate = flags.flip_rate(model(), list(probe()), "female", s.key, s.on, s.off)
    assert at.metric[0].value == f"{rate:.1%}" and rate > 0

    at.radio(key=keys.CLAMP_SENTENCE).set_value("yours").run()
    assert_ok(at)
    said = " ".join(texts(at.markdown))
    assert i18n.t("flags.no_change") in said and "→" not in said
    assert i18n.t("flags.no_change_yours", unit=f"unit {s.unit}") in said, "says why, and offers the other"
    at.button(key=keys.CLAMP_SHOW_DEMO).click().run()
    assert at.radio(key=keys.CLAMP_SENTENCE).value == "demo"
    assert clamp_rows(at) == [predicted(before), predicted(after)]


def test_the_tour_draws_the_same_view_with_words_from_its_numbers():
    at = open_page(TOUR, text=SENTENCE)
    assert_ok(at)
    rows = contrast_rows("story", "female", SENTENCE)
    assert word_rows(charts(at)["tour_flags"]) == [[safe(w) for w in r.tokens] for r in rows]
    unit = score("female").key
    caption = next(c for c in texts(at.caption) if "outlined" in c)
    for r in rows:
        value = float(rnnviz.trace(model(), r.text).cell[0, 0, r.read_at, unit[2]])
        assert f"**{signed(value)}** before “{r.decided}”" in caption
    assert "stay on" not in " ".join(texts(at.markdown)), "no claim the picture does not show"
