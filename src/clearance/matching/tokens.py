"""How alike two name tokens are, 0..1, with the reason.

rapidfuzz's optimal-string-alignment distance covers typos and swapped
letters. Three cases it scores too low are added: initials ("a" for "abdul"),
the same name romanised by another convention ("Tschatajew"/"Chataev",
"Bioutoukaiev"/"Byutukaev", compared after `romanization_fold`), and tokens
with the same consonant skeleton when one side was written without vowels.
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA

from clearance.names import romanization_fold, skeleton

#: below this two tokens are not considered the same name part at all
MIN_TOKEN_SIMILARITY = 0.76  # excludes one edit in four letters ("jong"/"song")
INITIAL_SIMILARITY = 0.75
SWAP_SIMILARITY = 0.8
SKELETON_SIMILARITY = 0.8
#: a match only after folding romanisation conventions is a little less certain
ROMANIZATION_DISCOUNT = 0.95
MIN_FOLDED_SIMILARITY = 0.8
#: syllables ("jung", "yong") are too short to compare after folding
MIN_FOLD_LENGTH = 5


@lru_cache(maxsize=500_000)
def token_similarity(
    a: str, b: str, initials: bool = True, abjad: bool = False
) -> tuple[float, str]:
    """(similarity, how) where how is "exact", "typo", "initial", "sound" or "".

    `initials`: a single letter may stand for a name part (persons' names only).
    `abjad`: one side was written without vowels (Arabic, Hebrew script), so a
    vowelless token may stand for a vowelled one with the same consonants.
    """
    if a == b:
        return 1.0, "exact"
    if len(a) == 1 or len(b) == 1:
        if initials and a[0] == b[0] and (len(a) > 1 or len(b) > 1):
            return INITIAL_SIMILARITY, "initial"
        return 0.0, ""
    short = min(len(a), len(b))
    if short <= 3:
        # in a two- or three-letter token one edit makes another word
        return 0.0, ""
    similarity = OSA.normalized_similarity(a, b)  # a swap of two letters is one edit
    if ("rn" in a) != ("rn" in b):  # OCR reads "m" as "rn" and back ("Femando")
        similarity = max(similarity, OSA.normalized_similarity(_ocr(a), _ocr(b)))
    if similarity >= MIN_TOKEN_SIMILARITY:
        return similarity, "typo"
    if len(a) == len(b) and sorted(a) == sorted(b) and OSA.distance(a, b) == 1:
        return SWAP_SIMILARITY, "typo"  # "Maas" for "Masa": two letters swapped
    if short >= MIN_FOLD_LENGTH:
        folded_a, folded_b = romanization_fold(a), romanization_fold(b)
        folded = OSA.normalized_similarity(folded_a, folded_b) * ROMANIZATION_DISCOUNT
        if folded >= MIN_FOLDED_SIMILARITY:
            return folded, "romanization"
    if abjad and (_vowelless(a) or _vowelless(b)) and max(len(a), len(b)) <= 3 * short:
        # written without vowels (abbreviation, Arabic transliteration): compare sounds
        key_a, key_b = skeleton(a), skeleton(b)
        if len(key_a) >= 2 and (key_a == key_b or _without_ta_marbuta(key_a, key_b)):
            return SKELETON_SIMILARITY, "sound"
    return 0.0, ""


def _vowelless(token: str) -> bool:
    """Written without short vowels (y and w stand for consonants there)."""
    return len(token) >= 3 and not any(c in "aeiou" for c in token[1:])


def _without_ta_marbuta(key_a: str, key_b: str) -> bool:
    """Arabic's feminine ending is written -t/-h but romanised -a ("islamiyya")."""
    return (key_a[-1:] in "th" and key_a[:-1] == key_b) or (
        key_b[-1:] in "th" and key_b[:-1] == key_a
    )


def _ocr(token: str) -> str:
    return token.replace("rn", "m")
