"""Fold look-alike letters from other scripts into the Latin letters they imitate.

Transliteration would turn a Cyrillic "С" into "S" (its sound); in a Latin name
it stands for "C" (its look). The Unicode confusables table, through the
confusable-homoglyphs package, says which Latin letter a character imitates.
"""

from __future__ import annotations

from functools import lru_cache

from confusable_homoglyphs import confusables

_LATIN_LETTER = "LATIN"


@lru_cache(maxsize=4096)
def latin_lookalike(char: str) -> str | None:
    if char.isascii():
        return None
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    if not found:
        return None
    for glyph in found[0]["homoglyphs"]:
        if glyph["n"].startswith(_LATIN_LETTER) and len(glyph["c"]) == 1:
            return str(glyph["c"])
    return None


def fold_homoglyphs(text: str) -> tuple[str, int]:
    """Replace look-alikes inside words that also hold Latin letters; count replacements.

    Only mixed words are touched: a name written wholly in Cyrillic is Cyrillic,
    and is transliterated by sound later.
    """
    words = []
    folded = 0
    for word in text.split(" "):
        if any(c.isascii() and c.isalpha() for c in word) and not word.isascii():
            chars = []
            for char in word:
                replacement = latin_lookalike(char) if char.isalpha() else None
                if replacement is not None:
                    folded += 1
                chars.append(replacement or char)
            word = "".join(chars)
        words.append(word)
    return " ".join(words), folded
