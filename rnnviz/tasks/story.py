"""The story grammar: one sentence that needs three long-range memories (a next-word language model).

    SUBJECT [ATTRACTOR [ATTRACTOR]] says|say the THING was [not|never] [very|really] ADJ .
    PRONOUN is|are MOOD .

- SUBJECT is a female name, a male name (about 25% each), "NAME and NAME" or a plural noun
  phrase such as "the girls" (about 25% each).
- ATTRACTOR (in about half of the sentences, sometimes two) is a prepositional phrase of either
  number, "near the dogs", "with the old man": it must NOT change the agreement.
- says/say agrees with the subject; PRONOUN is she (female singular), he (male singular) or
  they (any plural); is/are agrees with the pronoun.
- MOOD is "happy" exactly when ADJ is positive and not negated, else "sad".

So the model must carry number and gender from the subject across the whole first sentence
to the pronoun, and negation from "not" across the adjective to the mood: the flags of
Lakretz et al. (2019). Concepts: female (singular female subject), plural, negation.

Checks are contrastive (Linzen et al. 2016): after the subject the next token is not fixed
("and", an attractor or the verb may follow), but the verb's number is, so the verb check asks
whether p(says) vs p(say) picks the right form; likewise she/he/they, is/are and happy/sad.
Which flags a check depends on (what a flag's clamp must be able to change): the pronoun on
plural (they vs she/he, in every sentence) and, in singular sentences, on female (she vs he);
the mood on negation only when the adjective is positive (after a negative one it is "sad"
either way). says/say follows the subject's number too, but right after the subject or its
attractors, so it tests agreement, not a flag carried across the sentence: no flag concept;
is/are follows the pronoun right before it: none either.
"""
from __future__ import annotations

import random

from .base import Check, Example, Task

FEMALE_NAMES = ("alice", "mary", "emma", "olivia", "sophia", "anna", "lucy", "sarah", "emily",
                "julia", "laura", "kate", "jane", "helen", "linda", "susan", "nora", "clara",
                "ella", "mia", "zoe", "rachel", "maria", "lisa")
MALE_NAMES = ("tom", "john", "james", "david", "peter", "paul", "mark", "george", "henry", "jack",
              "adam", "ben", "daniel", "oliver", "harry", "luke", "leo", "simon", "thomas",
              "oscar", "noah", "ryan", "eric", "carl")
PLURAL_SUBJECTS = (("the", "girls"), ("the", "boys"), ("the", "children"), ("my", "friends"),
                   ("the", "students"), ("the", "kids"), ("my", "parents"), ("the", "teachers"),
                   ("our", "neighbours"), ("the", "women"), ("the", "men"))
PREPOSITIONS = ("near", "with", "behind", "beside", "from")
DETERMINERS = ("the", "my")
ATTRACTOR_ADJECTIVES = ("old", "tall", "small", "big", "young", "little")
ATTRACTOR_NOUNS = (("dog", "dogs"), ("tree", "trees"), ("man", "men"), ("woman", "women"),
                   ("city", "cities"), ("house", "houses"), ("cat", "cats"), ("car", "cars"),
                   ("garden", "gardens"), ("teacher", "teachers"), ("girl", "girls"), ("boy", "boys"))
THINGS = ("movie", "film", "show", "book", "song", "play")
POSITIVE = ("good", "great", "fun", "wonderful", "excellent", "amazing", "brilliant", "lovely",
            "funny", "beautiful", "exciting", "charming")
NEGATIVE = ("bad", "boring", "awful", "terrible", "dull", "horrible", "poor", "weak", "silly",
            "ugly", "slow", "stupid")
NEGATORS = ("not", "never")
INTENSIFIERS = ("very", "really")
PRONOUNS = {"female": "she", "male": "he", "plural": "they"}
VERBS, COPULAS, MOODS = ("says", "say"), ("is", "are"), ("happy", "sad")   # the competing forms
PRONOUN_CHOICES = tuple(PRONOUNS.values())

P_NEGATION = 0.5
P_POSITIVE = 0.5
P_INTENSIFIER = 1 / 3
ATTRACTOR_WEIGHTS = (50, 35, 15)   # none, one, two attractors


class StoryTask(Task):
    name = "story"
    head = "lm"
    labels = ()
    description = ("A tiny story: remember who (she, he, they) and whether the movie was "
                   "liked (happy, sad) across the sentence.")
    flag_concepts = ("female", "plural", "negation")
    triggers = {"female": FEMALE_NAMES,
                "plural": ("and",) + tuple(phrase[-1] for phrase in PLURAL_SUBJECTS),
                "negation": NEGATORS}
    distance_edges = (6, 9, 12, 15)       # words between the subject and its pronoun (6 to 16)

    def _words(self):
        yield from FEMALE_NAMES + MALE_NAMES + PREPOSITIONS + DETERMINERS + ATTRACTOR_ADJECTIVES
        yield from (word for phrase in PLURAL_SUBJECTS + ATTRACTOR_NOUNS for word in phrase)
        yield from THINGS + POSITIVE + NEGATIVE + NEGATORS + INTENSIFIERS
        yield from ("and", "says", "say", "the", "was", ".", "is", "are", "happy", "sad")
        yield from PRONOUNS.values()

    def sample(self, rng: random.Random) -> Example:
        """One story sentence with its checks (verb, pronoun, is/are, mood), concepts and scopes."""
        kind = rng.choice(("female", "male", "pair", "group"))
        if kind == "female":
            tokens = [rng.choice(FEMALE_NAMES)]
        elif kind == "male":
            tokens = [rng.choice(MALE_NAMES)]
        elif kind == "pair":
            first, second = rng.sample(FEMALE_NAMES + MALE_NAMES, 2)
            tokens = [first, "and", second]
        else:
            tokens = list(rng.choice(PLURAL_SUBJECTS))
        plural, female = kind in ("pair", "group"), kind == "female"
        subject_end = len(tokens) - 1                              # last token of the subject
        for _ in range(rng.choices((0, 1, 2), weights=ATTRACTOR_WEIGHTS)[0]):
            tokens += _attractor(rng)

        verb_at = len(tokens)
        tokens += ["say" if plural else "says", "the", rng.choice(THINGS), "was"]
        negation_at = len(tokens)                                  # where not/never is, or would be
        negated = rng.random() < P_NEGATION
        if negated:
            tokens.append(rng.choice(NEGATORS))
        if rng.random() < P_INTENSIFIER:
            tokens.append(rng.choice(INTENSIFIERS))
        positive = rng.random() < P_POSITIVE
        tokens += [rng.choice(POSITIVE if positive else NEGATIVE), "."]

        pronoun_at = len(tokens)
        pronoun = PRONOUNS["plural" if plural else "female" if female else "male"]
        tokens += [pronoun, "are" if plural else "is"]
        mood_at = len(tokens)
        tokens += ["happy" if positive and not negated else "sad", "."]

        checks = (   # contrastive: each check names the forms that compete (module docstring)
            Check(verb_at - 1, tokens[verb_at], "verb", (), VERBS),
            Check(pronoun_at - 1, pronoun, "pronoun", ("plural",) if plural else ("female", "plural"), PRONOUN_CHOICES),
            Check(pronoun_at, tokens[pronoun_at + 1], "verb", (), COPULAS),
            Check(mood_at - 1, tokens[mood_at], "mood", ("negation",) if positive else (), MOODS),
        )
        subject_scope = (subject_end, pronoun_at)
        return Example(
            tokens=tuple(tokens), label=None, checks=checks,
            concepts={"female": female, "plural": plural, "negation": negated},
            scopes={"female": subject_scope, "plural": subject_scope, "negation": (negation_at, mood_at)},
            distance=pronoun_at - subject_end - 1,
        )

    def examples(self) -> list[str]:
        return [
            "alice says the movie was not very good . she is sad .",
            "tom near the dogs says the film was great . he is happy .",
            "alice and tom say the show was really fun . they are happy .",
            "mary with the old man says the book was never exciting . she is sad .",
            "the boys behind the tall trees from the city say the song was awful . they are sad .",
        ]


def _attractor(rng: random.Random) -> list[str]:
    """A prepositional phrase of either number, e.g. "with the old man", "near the dogs"."""
    phrase = [rng.choice(PREPOSITIONS), rng.choice(DETERMINERS)]
    if rng.random() < 0.3:
        phrase.append(rng.choice(ATTRACTOR_ADJECTIVES))
    return phrase + [rng.choice(rng.choice(ATTRACTOR_NOUNS))]
