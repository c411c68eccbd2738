"""A consonant skeleton: a sound key that survives dropped vowels and doubled letters.

Metaphone treats "Mhmmd" and "Muhammad" differently; list evasion and
abbreviation typically drop vowels, so this key keeps the first letter and the
consonants in order, without h/w/y and without repeats.
"""

from __future__ import annotations

_DROP = set("aeiouyhw")


def skeleton(token: str) -> str:
    if not token:
        return ""
    out = [token[0]]
    for char in token[1:]:
        if char in _DROP or not char.isalpha():
            continue
        if out[-1] != char:
            out.append(char)
    return "".join(out)
