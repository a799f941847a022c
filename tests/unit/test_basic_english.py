"""The lesson's tokenizer and Keras's, case by case, against the rules their sources state.

torchtext's basic_english (torchtext/data/utils.py, `_basic_english_normalize`; the lesson's pinned
0.9.1 runs this Python version): lower-case the line, then apply these substitutions in this
order, then split on whitespace:
    '  -> " '  "      "  -> ""        .  -> " . "     <br />  -> " "     ,  -> " , "
    (  -> " ( "       )  -> " ) "     !  -> " ! "     ?  -> " ? "       ;  -> " "    :  -> " "
    \\s+ -> " "
Everything not named stays inside its word (hyphens, $, %, &, #, /, curly quotes, emoji).

Keras's TextVectorization defaults (keras/src/layers/preprocessing/text_vectorization.py):
standardize="lower_and_strip_punctuation" (tf.strings.lower, then delete every character of
DEFAULT_STRIP_REGEX = [!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'], i.e. ASCII punctuation), split="whitespace".
Each expected list below is worked out from those rules by hand; the comment says which rule.
"""
import pytest

from rnnviz.text import TOKENIZERS, basic_english, keras_standard

BASIC_ENGLISH_CASES = [
    # quotes: ' is spaced (" '  "), " is deleted
    ('She said "hello"', ["she", "said", "hello"]),
    ("'quoted'", ["'", "quoted", "'"]),
    ('""', []),
    # apostrophes: the ' is its own token, so "don't" is three tokens (not "do n't")
    ("Don't", ["don", "'", "t"]),
    ("AT&T's profit", ["at&t", "'", "s", "profit"]),
    # a typographic apostrophe is not ': it stays inside the word
    ("don\u2019t", ["don\u2019t"]),
    # -- and hyphens are not named by any rule: they stay
    ("wait -- what", ["wait", "--", "what"]),
    ("wait--what", ["wait--what"]),
    ("well-known state-of-the-art", ["well-known", "state-of-the-art"]),
    # : and ; become spaces (and vanish)
    ("Result: 3; next", ["result", "3", "next"]),
    ("a:b;c", ["a", "b", "c"]),
    # $ and % are not named; . is spaced, so a decimal point splits a number
    ("$600", ["$600"]),
    ("$1.5 million, 20%", ["$1", ".", "5", "million", ",", "20%"]),
    # <br /> becomes a space, but only after . was spaced; "<br/>" (no space) is not the pattern
    ("good.<br /><br />Bad", ["good", ".", "bad"]),
    ("a<br/>b", ["a<br/>b"]),
    # ! ? . , ( ) each become a token of their own
    ("Wow!? (really), ok.", ["wow", "!", "?", "(", "really", ")", ",", "ok", "."]),
    ("U.S.A.", ["u", ".", "s", ".", "a", "."]),
    ("wait...", ["wait", ".", ".", "."]),
    # lower case first, for every letter Python lowers
    ("NASA Launches ÉCOLE", ["nasa", "launches", "école"]),
    # tabs, newlines and any run of whitespace separate tokens
    ("a\tb\nc\r\nd  e\u00a0f", ["a", "b", "c", "d", "e", "f"]),
    # empty and blank text
    ("", []),
    ("   \n\t", []),
    # emoji stay, as a token when spaced, inside the word when not
    ("great \U0001F44D\U0001F3FD!", ["great", "\U0001F44D\U0001F3FD", "!"]),
    ("I \u2764\ufe0f it", ["i", "\u2764\ufe0f", "it"]),
    ("great\U0001F44D", ["great\U0001F44D"]),
    # signs that no rule names
    ("#1 & co/op @home", ["#1", "&", "co/op", "@home"]),
]


@pytest.mark.parametrize("text,expected", BASIC_ENGLISH_CASES, ids=[c[0][:20] for c in BASIC_ENGLISH_CASES])
def test_basic_english_follows_torchtexts_rules(text, expected):
    assert basic_english(text) == expected


def test_basic_english_is_the_lesson_tokenizer_in_the_table():
    assert TOKENIZERS["basic_english"] is basic_english


def test_basic_english_differs_from_rnnviz_words_where_the_issue_found_it():
    """The cases #15 measured: rnnviz's own words split these the other way."""
    words = TOKENIZERS["words"]
    for text in ("wait -- what", 'said "hi"', "a: b", "don't", "well-known", "$600"):
        assert basic_english(text) != words(text), text


KERAS_CASES = [
    # every ASCII punctuation mark is deleted, where it is: words join across it
    ("Don't stop!", ["dont", "stop"]),
    ("well-known", ["wellknown"]),
    ("$600", ["600"]),
    ("U.S.A.", ["usa"]),
    ("a -- b", ["a", "b"]),
    ("a--b", ["ab"]),
    ('She said "hello", (twice); ok: [yes] {no} <br />', ["she", "said", "hello", "twice", "ok", "yes", "no", "br"]),
    ("e-mail a_b@c.com #1 50% a+b=c ~x^ `y` |z| \\w", ["email", "abccom", "1", "50", "abc", "x", "y", "z", "w"]),
    # typographic quotes are not ASCII punctuation: they stay
    ("don\u2019t \u201cok\u201d", ["don\u2019t", "\u201cok\u201d"]),
    # ASCII upper case is lowered
    ("NASA Launches", ["nasa", "launches"]),
    # whitespace splits
    ("a\tb\nc  d", ["a", "b", "c", "d"]),
    ("", []),
    ("?!.", []),
    # emoji are not punctuation
    ("great \U0001F44D!", ["great", "\U0001F44D"]),
]


@pytest.mark.parametrize("text,expected", KERAS_CASES, ids=[c[0][:20] for c in KERAS_CASES])
def test_keras_standard_follows_textvectorizations_defaults(text, expected):
    assert keras_standard(text) == expected


def test_keras_strips_exactly_the_ascii_punctuation_marks():
    """DEFAULT_STRIP_REGEX names 32 characters: Python's string.punctuation, no more, no less."""
    import string

    for mark in string.punctuation:
        assert keras_standard(f"a{mark}b") == ["ab"], mark
    for kept in "\u2019\u201c\u00bf\u00a1\u2014\u00ab":      # ’ “ ¿ ¡ — «: not ASCII, so kept
        assert keras_standard(f"a{kept}b") == [f"a{kept}b"], kept
