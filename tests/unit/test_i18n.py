"""The catalogues: the same keys and format fields in every language, and t() fills them."""
import string

import pytest

from rnnviz import i18n


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_key():
    english = i18n.catalogue("en")
    for lang in i18n.LANGUAGES:
        other = i18n.catalogue(lang)
        assert set(other) - set(english) == set(), f"{lang} has keys English lacks"
        assert set(english) - set(other) == set(), f"{lang} lacks keys"


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_texts_are_filled_and_fields_match_english(lang):
    english, other = i18n.catalogue("en"), i18n.catalogue(lang)
    for key, text in other.items():
        assert isinstance(text, str) and text.strip(), f"{lang}: {key} is empty"
        assert fields(text) == fields(english[key]), f"{lang}: {key} has other fields than English"


def test_filipino_is_a_translation_not_a_copy():
    """Technical names stay English ("forget gate f"), but sentences are translated."""
    english, filipino = i18n.catalogue("en"), i18n.catalogue("fil")
    sentences = [k for k in english if len(english[k].split()) > 4]
    same = [k for k in sentences if english[k] == filipino[k]]
    assert len(same) <= 0.05 * len(sentences), f"untranslated: {same[:10]}"


def test_t_follows_the_language_spoken_and_fills_fields():
    with i18n.speaking("fil"):
        assert i18n.t("nav.tour") == i18n.catalogue("fil")["nav.tour"] != i18n.catalogue("en")["nav.tour"]
        assert "zz" in i18n.t("language.unknown", asked="zz")
        with i18n.speaking("klingon"):
            assert i18n.t("nav.tour") == i18n.catalogue("en")["nav.tour"]
        assert i18n.language() == "fil", "the language spoken before comes back"


def test_a_missing_key_is_an_error():
    with pytest.raises(KeyError):
        i18n.t("no.such.key")


def test_every_bundled_model_has_its_card_line_in_both_languages():
    """The English line is the card's own description word for word, so the two cannot drift."""
    from rnnviz.checkpoints import MODELS_DIR, read_card
    from rnnviz.recipes import RECIPES
    for name in RECIPES:
        key = f"controls.model.{name}"
        assert i18n.known(key), name
        assert i18n.t(key, lang="en") == read_card(MODELS_DIR / f"{name}.json")["description"]
        assert i18n.t(key, lang="fil") != i18n.t(key, lang="en")
    assert not i18n.known("controls.model.my-own-model")
