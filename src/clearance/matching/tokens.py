"""How alike two name tokens are, 0..1, with the reason.

rapidfuzz's optimal-string-alignment distance covers typos and swapped
letters. The cases it scores too low are added: initials ("a" for "abdul"),
the same name romanised by another convention ("Tschatajew"/"Chataev",
"Bioutoukaiev"/"Byutukaev", compared after `romanization_fold`), tokens
with the same consonant skeleton when one side was written without vowels, one
slip inside a four-letter word ("Lssa"/"Lasa": a quarter of the word, which the
plain ratio cannot tell from "Jong"/"Song"), and a misspelt plural of a business
word the index holds in the singular ("Induwtries"/"industry").
"""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import OSA

from clearance.names import abjad_keys, romanization_fold, skeleton
from clearance.names.greek import greek_fold
from clearance.names.vocabulary import ABBREVIATIONS

#: below this two tokens are not considered the same name part at all
MIN_TOKEN_SIMILARITY = 0.76  # excludes one edit in four letters ("jong"/"song")
INITIAL_SIMILARITY = 0.75
SWAP_SIMILARITY = 0.8
#: one letter wrong, missing or extra inside a four-letter word whose first and last
#: letters stand ("Nva" for "Nova", "Lssa" for "Lasa")
SHORT_TYPO_SIMILARITY = 0.75
SHORT_TYPO_LENGTH = 4
SKELETON_SIMILARITY = 0.8
#: same Arabic consonants, by how many consonants the key has (1, 2, 3, 4 or more)
ABJAD_SIMILARITY = (0.0, 0.78, 0.8, 0.84, 0.88)
#: a match only after folding romanisation conventions is a little less certain
ROMANIZATION_DISCOUNT = 0.95
MIN_FOLDED_SIMILARITY = 0.8
#: syllables ("jung", "yong") are too short to compare after folding
MIN_FOLD_LENGTH = 5


#: business words the index holds in the singular, by their plural ("industry": "industries")
PLURALS = {
    singular: plural
    for plural, singular in ABBREVIATIONS.items()
    if plural.endswith("s") and plural[: len(singular) - 1] == singular[:-1]
}

#: how a query written in another script may be read against a Latin name
ABJAD, GREEK = "abjad", "greek"


@lru_cache(maxsize=500_000)
def token_similarity(
    a: str, b: str, initials: bool = True, vowelless: bool = False, reading: str = ""
) -> tuple[float, str]:
    """(similarity, how) where how is "exact", "typo", "initial", "romanization",
    "sound" or "".

    `initials`: a single letter may stand for a name part (persons' names only).
    `vowelless`: a vowelless token may stand for a vowelled one with the same
    consonants (abbreviations: "Mhmd").
    `reading`: one side was romanised from another script, which loses what
    Latin spelling distinguishes. ABJAD (Arabic, Hebrew script): tokens with the
    same consonants (`abjad_keys`) are the same word whatever vowels either side
    guessed ("Mehmad" / "mhmd"). GREEK: a Latin name written in Greek letters
    comes back with k for c, o for w, v for b ("Ωεβ" → "oev" for "Web"), so both
    are compared after `greek_fold`.
    """
    if a == b:
        return 1.0, "exact"
    if len(a) == 1 or len(b) == 1:
        if initials and a[0] == b[0] and (len(a) > 1 or len(b) > 1):
            return INITIAL_SIMILARITY, "initial"
        return 0.0, ""
    # the Arabic consonant key is the finer form of the vowelless skeleton
    similarity, how = _spelling_similarity(a, b, vowelless and reading != ABJAD)
    if reading == ABJAD and similarity < ABJAD_SIMILARITY[-1]:
        sound = _abjad_similarity(a, b)
        if sound > similarity:
            return sound, "sound"
    elif reading == GREEK and similarity < MIN_FOLDED_SIMILARITY / ROMANIZATION_DISCOUNT:
        folded_a, folded_b = greek_fold(a), greek_fold(b)
        if min(len(folded_a), len(folded_b)) >= 3:
            folded = OSA.normalized_similarity(folded_a, folded_b) * ROMANIZATION_DISCOUNT
            if folded >= MIN_FOLDED_SIMILARITY and folded > similarity:
                return folded, "romanization"
    return similarity, how


def _abjad_similarity(a: str, b: str) -> float:
    shared = set(abjad_keys(a)).intersection(abjad_keys(b))
    if not shared:
        return 0.0
    key = max(shared, key=len)
    # two consonants say less than four: "sd" is Saad, Saadi and Saeed; one
    # says little unless the words are short and start alike ("Ali", "aly")
    if len(key) >= 2 or (max(len(a), len(b)) <= 4 and a[0] == b[0]):
        return ABJAD_SIMILARITY[min(len(key), len(ABJAD_SIMILARITY) - 1)]
    return 0.0


def _spelling_similarity(a: str, b: str, vowelless: bool) -> tuple[float, str]:
    short = min(len(a), len(b))
    # one edit in four letters: trusted only inside the word, where typing slips, not
    # at its ends where names differ ("Jong"/"Song", "Ali"/"Alim"); in three letters
    # one edit leaves too little ("Kim"/"Kam", "Bin"/"Ben")
    if (
        max(len(a), len(b)) == SHORT_TYPO_LENGTH
        and short >= SHORT_TYPO_LENGTH - 1
        and a[0] == b[0]
        and a[-1] == b[-1]
        and OSA.distance(a, b) == 1
    ):
        swapped = len(a) == len(b) and sorted(a) == sorted(b)
        return (SWAP_SIMILARITY if swapped else SHORT_TYPO_SIMILARITY), "typo"
    if short <= 3:
        # in a two- or three-letter token one edit makes another word
        return 0.0, ""
    similarity = OSA.normalized_similarity(a, b)  # a swap of two letters is one edit
    if a[-1] != b[-1] and (b in PLURALS or a in PLURALS):
        # a misspelt plural ("Induwtries") is not singularised like the word itself:
        # compare it with the plural the singular stands for
        plural_a, plural_b = PLURALS.get(a, a), PLURALS.get(b, b)
        similarity = max(similarity, OSA.normalized_similarity(plural_a, plural_b))
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
    if vowelless and (_vowelless(a) or _vowelless(b)) and max(len(a), len(b)) <= 3 * short:
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
