"""Modern Greek spelling of foreign names, read back the way it sounds.

Greek writes sounds it has no letter for with digraphs: μπ for b, ντ for d,
γκ for g, τζ for j, ου for u ("Γκουαρντ" is "Guard"). Transliterating letter
by letter ("Gkouarnt") loses the name, so the digraphs are read first. (Inside
a word μπ and ντ may also be mb and nd; reading them as b and d measured better.)
"""

from __future__ import annotations

import re
from functools import lru_cache

_DIGRAPHS = {
    "μπ": "b",
    "ντ": "d",
    "γκ": "g",
    "γγ": "ng",
    "τζ": "j",
    "τσ": "ts",
    "ου": "u",
    "αι": "e",
    "ει": "i",
    "οι": "i",
    "χ": "h",
}
_PATTERN = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))


def read_greek(text: str) -> str:
    """Replace Greek digraphs by the Latin letter they stand for; other letters stay."""
    return _PATTERN.sub(lambda m: _DIGRAPHS[m.group(0)], text.lower())


#: Latin spellings that a Greek transcription merges, longest first
_FOLD_DIGRAPHS = (("ch", "h"), ("kh", "h"), ("ph", "f"), ("th", "t"), ("ck", "k"))
_FOLD_LETTERS = str.maketrans({"c": "k", "q": "k", "v": "b", "j": "z", "x": "ks"})
#: how Greek spells b, d and g, read back from the Latin letters (after c → k)
_FOLD_CLUSTERS = (("mp", "b"), ("nt", "d"), ("nk", "g"), ("ng", "g"))
_FOLD_VOWELS = re.compile(r"[aeiouyw]+")


@lru_cache(maxsize=100_000)
def greek_fold(token: str) -> str:
    """One spelling for a Latin word and its Greek transcription read back.

    Greek has one letter where Latin has several (κ for c, k and q; β for b and
    v; ζ for j and z; χ for h, ch and kh) and writes b, d, g as μπ, ντ, γκ; its
    vowels are read back in ways Latin does not know (υ as y, ω for w, αι as e),
    so "Huawei" written "Χυαωει" comes back as "hyaoi" and "Company" as
    "kobany". Folding both sides the same way, with every run of vowels as one
    "a", makes them comparable: consonants decide, vowels only hold their place.
    """
    for old, new in _FOLD_DIGRAPHS:
        if old in token:
            token = token.replace(old, new)
    token = token.translate(_FOLD_LETTERS)
    for old, new in _FOLD_CLUSTERS:
        if old in token:
            token = token.replace(old, new)
    token = _FOLD_VOWELS.sub("a", token)
    out: list[str] = []
    for char in token:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)
