"""Modern Greek spelling of foreign names, read back the way it sounds.

Greek writes sounds it has no letter for with digraphs: μπ for b, ντ for d,
γκ for g, τζ for j, ου for u ("Γκουαρντ" is "Guard"). Transliterating letter
by letter ("Gkouarnt") loses the name, so the digraphs are read first. (Inside
a word μπ and ντ may also be mb and nd; reading them as b and d measured better.)
"""

from __future__ import annotations

import re

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
