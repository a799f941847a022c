"""The screen that keeps the corpus fit for a classroom: an item goes if any of its words is on
this list, or starts with one of its stems. Grouped so a reviewer can see why a word is here.

The list errs on the side of removing: a lost harmless phrase costs nothing, a kept crude one
would be on a projector in front of a class. `python -m rnnviz corpus build` reports how many
items each source lost to it.
"""
from __future__ import annotations

import re

# whole words (lower case)
WORDS = frozenset("""
    ass asses arse bastard bitch bitches bloody bollocks crap damn damned dick dicks goddamn hell
    piss pissed prick shit shits shitty slut sluts whore whores wank
    bra breast breasts condom erotic genital genitals horny kinky lust lustful naked nude nudity
    orgasm penis pimp porn prostitute prostitutes rape raped rapes rapist semen seduce sex sexes
    sexual sexually sexy stripper testicle testicles vagina virgin virginity nipple nipples
    bong cocaine heroin marijuana
    suicide suicidal murder murdered murderer murders slaughter torture tortured stab stabbed
    corpse corpses hanged lynch lynched massacre terrorist terrorists abortion
    drunk drunken drunkard beer booze liquor whiskey whisky vodka hangover cigarette cigarettes
    nigger negro negroes chink jap japs kike spic wetback fag fags faggot faggots dyke queer
    retard retarded midget cripple cripples
    satan hitler nazi nazis
""".split())
# stems: any word that starts with one of these
STEMS = ("fuck", "cunt", "cock", "masturb", "pornog", "fornic", "adulter", "mistress", "homosex",
         "incest", "pedoph", "molest", "erection", "intercourse", "orgy", "orgies", "bestial",
         "drug", "narcot", "alcohol", "rapist", "genocid", "suicid", "nigg", "pervers", "pervert", "seduc")

_WORD = re.compile(r"[a-z]+")


def unsuitable(text: str) -> str | None:
    """The first screened word in `text`, or None when the text passes."""
    for word in _WORD.findall(text.lower()):
        if word in WORDS or word.startswith(STEMS):
            return word
    return None
