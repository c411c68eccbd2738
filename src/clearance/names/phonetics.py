"""A consonant skeleton: a sound key that survives dropped vowels and doubled letters.

Metaphone treats "Mhmmd" and "Muhammad" differently; list evasion and
abbreviation drop vowels, and Arabic script writes none, so this key keeps only
the consonants in order, without h/w/y, with q/c read as k, without repeats:
"Muhammad", "Mohamed" and "mhmd" all give "mmd" → "md".
"""

from __future__ import annotations

from functools import lru_cache

_DROP = set("aeiouyhw")
_SAME = str.maketrans({"q": "k", "c": "k", "v": "f", "z": "s"})


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    out: list[str] = []
    for char in token.translate(_SAME):
        if char in _DROP or not char.isalpha():
            continue
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


#: spelling conventions of romanisation systems (German, French, English, scholarly)
#: for the same sounds, longest first: "tsch", "tch" and "ch" all become "c"…
_ROMANIZATION = (
    ("tsch", "c"),
    ("sch", "s"),
    ("tch", "c"),
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("ch", "c"),
    ("sh", "s"),
    ("ph", "f"),
    ("ck", "k"),
    ("ou", "u"),
    ("oo", "u"),
    ("ts", "c"),
    ("tz", "c"),
    ("x", "ks"),
)
_ROMANIZATION_LETTERS = str.maketrans({"w": "v", "j": "y", "q": "k", "z": "s"})


@lru_cache(maxsize=200_000)
def romanization_fold(token: str) -> str:
    """One spelling for the romanisations of the same sounds, doubled letters single.

    Only consonant conventions and two vowel digraphs are folded; vowels stay,
    so "Jones" and "Younes" remain different names.
    """
    for old, new in _ROMANIZATION:
        if old in token:
            token = token.replace(old, new)
    token = token.translate(_ROMANIZATION_LETTERS).replace("iy", "i").replace("yi", "i")
    out: list[str] = []
    for char in token:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)
