"""How alike two name tokens are, 0..1, with the reason.

rapidfuzz's Levenshtein distance covers typos; two cases it scores too low
are added: initials ("a" for "abdul") and tokens with the same consonant
skeleton (dropped vowels, doubled letters, Arabic written without vowels).
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from clearance.names import skeleton

#: below this two tokens are not considered the same name part at all
MIN_TOKEN_SIMILARITY = 0.7
INITIAL_SIMILARITY = 0.75
SKELETON_SIMILARITY = 0.8


@lru_cache(maxsize=500_000)
def token_similarity(a: str, b: str) -> tuple[float, str]:
    """(similarity, how) where how is "exact", "typo", "initial", "sound" or ""."""
    if a == b:
        return 1.0, "exact"
    if len(a) == 1 or len(b) == 1:
        if a[0] == b[0] and (len(a) > 1 or len(b) > 1):
            return INITIAL_SIMILARITY, "initial"
        return 0.0, ""
    short = min(len(a), len(b))
    if short <= 3:
        # in a two- or three-letter token one edit makes another word
        return 0.0, ""
    similarity = Levenshtein.normalized_similarity(a, b)
    if similarity >= MIN_TOKEN_SIMILARITY:
        return similarity, "typo"
    if _vowelless(a) or _vowelless(b):
        # written without vowels (abbreviation, Arabic transliteration): compare sounds
        key_a, key_b = skeleton(a), skeleton(b)
        if key_a == key_b and len(key_a) >= 3:
            return SKELETON_SIMILARITY, "sound"
    return 0.0, ""


def _vowelless(token: str) -> bool:
    return not any(c in "aeiouy" for c in token[1:])
