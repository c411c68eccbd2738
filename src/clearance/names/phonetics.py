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


#: Latin spellings of one Arabic consonant, longest first
_ABJAD_DIGRAPHS = (
    ("tsh", "$"),  # Arabic writes a foreign "ch" as t-sh ("برنتش", branch)
    ("tch", "$"),
    ("kh", "x"),
    ("sh", "$"),
    ("ch", "$"),
    ("th", "t"),
    ("dh", "d"),
    ("gh", "j"),
    ("ph", "f"),
    ("ck", "k"),
)
_ABJAD_LETTERS = str.maketrans({"q": "k", "c": "k", "p": "b", "v": "f", "g": "j"})
_ABJAD_VOWELS = set("aeiou")
_ABJAD_SEMIVOWELS = set("wy")


@lru_cache(maxsize=200_000)
def abjad_keys(token: str) -> tuple[str, ...]:
    """The consonants of a name part as Arabic script writes them, one or two ways.

    Arabic script writes no short vowels and romanisations guess them
    ("Mehmad", "Muhammad", "mhmd"), spell one consonant with two letters
    ("kh", "sh", "dh") and write the feminine ending "-a" or "-ah". The key keeps
    the consonants only, drops vowels, long vowels inside the word (written
    i/ee/y or u/oo/w), doubled letters and a final "-h", so that every spelling
    of one Arabic word gives one key: "zarqawi", "zrqawy" → "zrk"; "jamaah",
    "jmaa" → "jm". The first key reads "sh", "kh", "th" as one consonant; the
    second as two, because Latin does not say which "Ishaq" (s-h) and "Tehrani"
    (t-h) mean: a shared key of either kind is the same word.
    """
    folded = token
    for old, new in _ABJAD_DIGRAPHS:
        if old in folded:
            folded = folded.replace(old, new)
    keys = (_consonants(folded, token), _consonants(token, token))
    return keys[:1] if keys[0] == keys[1] else keys


def _consonants(text: str, token: str) -> str:
    out: list[str] = []
    for position, char in enumerate(text.translate(_ABJAD_LETTERS)):
        if char in _ABJAD_VOWELS or (char in _ABJAD_SEMIVOWELS and position > 0):
            continue  # a word-initial w or y is a consonant ("Wali", "Yusuf")
        if (char.isalpha() or char == "$") and (not out or out[-1] != char):
            out.append(char)
    if len(out) > 1 and out[-1] == "h" and token.endswith("h"):
        out.pop()  # "-ah" is the feminine ending, "-hi" a consonant
    return "".join(out)
