"""One comparable form for a name: Latin letters, lower case, without legal form or title.

The steps, in order, and why:
1. Unicode NFKC and removal of invisible characters (zero-width, bidi marks, soft
   hyphens): evasion inserts them, and they change nothing a person sees.
2. Transliteration of every script to Latin with rigour (Han → pinyin, Cyrillic,
   Arabic, Greek, Hangul…). Look-alike letters from another script ("Сiti" with a
   Cyrillic С) become their Latin twins on the way.
3. Legal forms removed (rigour's tables, then the token list in vocabulary.py),
   abbreviations expanded, honorifics stripped from persons' names.
4. OCR folding inside tokens that mix letters and digits ("H1KV1S10N").
Each step that changed something leaves a note, so explanations can say what was done.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne
from rigour.names import remove_org_types
from rigour.text.translit import ascii_text

from clearance.model import detect_script
from clearance.names.arabic import ARTICLES as ARABIC_ARTICLES
from clearance.names.arabic import romanize_arabic
from clearance.names.greek import greek_fold, read_greek
from clearance.names.hangul import romanize_hangul
from clearance.names.homoglyphs import fold_homoglyphs
from clearance.names.vocabulary import (
    ABBREVIATIONS,
    ARTICLES,
    CJK_LEGAL_FORMS,
    HONORIFICS,
    LEGAL_FORM_TOKENS,
    LONG_LEGAL_FORM_WORDS,
)

_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Co", "Cs", "Cn"}
_TOKEN = re.compile(r"[a-z0-9]+")
_OCR = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b"}
)
#: legal forms as a Latin name written in Greek letters reads back ("Κομπανυ", "ΛΤΝΤ")
_GREEK_LEGAL_FORMS = frozenset(greek_fold(t) for t in LEGAL_FORM_TOKENS if len(t) > 2)
_QUOTES = re.compile(r"[\"“”„«»‹›「」『』]")
#: dotted honorifics the token list cannot see once the dots are gone ("H.E.")
_HONORIFIC_PREFIX = re.compile(r"^\s*(?:h\.\s?e\.|his excellency|her excellency|judge)\s+", re.I)
_ORG_SCHEMATA = {"Organization", "Company", "LegalEntity", None}
_PERSON_SCHEMATA = {"Person", "LegalEntity", None}


@dataclass(frozen=True, slots=True)
class NormalizedName:
    original: str
    tokens: tuple[str, ...]  # the comparable name parts, in order
    script: str  # the script of the original ("Latin", "Han", "Cyrillic", "Mixed", …)
    notes: tuple[str, ...]  # what normalisation did, in words
    #: the parts without spaces: compares "Hang Zhou" with "Hangzhou" (made once: a
    #: look-up, each comparison and a monitoring check all ask for it)
    joined: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "joined", "".join(self.tokens))

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def strip_invisible(text: str) -> tuple[str, int]:
    """Remove format and control characters (keeping ordinary whitespace)."""
    kept = []
    removed = 0
    for char in text:
        if char in " \t\n" or unicodedata.category(char) not in _INVISIBLE_CATEGORIES:
            kept.append(char)
        else:
            removed += 1
    return "".join(kept), removed


@lru_cache(maxsize=200_000)
def _ascii_word(word: str) -> str:
    return str(ascii_text(word))


def _ascii(text: str) -> str:
    """rigour's transliteration word by word: names share words, and a new non-ASCII
    string costs about 0.16 ms in rigour, a cached word nothing."""
    if text.isascii():
        return text
    return " ".join(_ascii_word(word) for word in text.split(" "))


def _fold_ocr(token: str) -> str:
    if token.isdigit() or token.isalpha():
        return token
    return token.translate(_OCR)


@lru_cache(maxsize=200_000)
def normalize_name(name: str, schema: str | None = None) -> NormalizedName:
    """Normalise a name for comparison; `schema` decides whether legal forms or titles go."""
    notes: list[str] = []
    text = unicodedata.normalize("NFKC", name)
    text, invisible = strip_invisible(text)
    if invisible:
        notes.append(f"removed {invisible} invisible character(s)")
    script = detect_script(text)
    if script == "Mixed":
        text, folded = fold_homoglyphs(text)
        if folded:
            notes.append(f"{folded} look-alike letter(s) from another script read as Latin")
        if detect_script(text) == "Latin":
            script = "Latin"
    if script == "Mixed":
        notes.append("mixed scripts transliterated")
    elif script not in ("Latin", "Common"):
        notes.append(f"transliterated from {script}")
    if schema in _ORG_SCHEMATA and (stripped := _strip_cjk_legal_forms(text)) != text:
        notes.append("removed legal form")
        text = stripped
    text = _QUOTES.sub("", text)
    text = _HONORIFIC_PREFIX.sub("", text) if schema in _PERSON_SCHEMATA else text
    latin = romanize_hangul(text) if script == "Hangul" else text
    latin = read_greek(latin) if script == "Greek" else latin
    latin = romanize_arabic(latin) if script == "Arabic" else latin
    latin = _ascii(latin).casefold().replace("'", "").replace("`", "")
    latin = _TOKEN.sub(lambda m: _fold_ocr(m.group(0)), latin)
    if schema in _ORG_SCHEMATA:
        # a hyphen separates words as a space does ("S.A. de-C.V."), which rigour's
        # legal-form patterns only know as spaces; tokens split on both anyway
        latin = latin.replace("-", " ")
        without_forms = remove_org_types(latin, replacement=" ")
        trusted = schema is not None or not _maybe_person_name(latin, without_forms)
        if _TOKEN.search(without_forms) and without_forms != latin and trusted:
            notes.append("removed legal form")
            latin = without_forms
    tokens = _TOKEN.findall(latin)
    tokens = [ABBREVIATIONS.get(t, t) for t in tokens]
    if schema in _ORG_SCHEMATA:
        kept = [
            t
            for t in tokens
            if not is_legal_form_word(t)
            and not (script == "Greek" and greek_fold(t) in _GREEK_LEGAL_FORMS and len(t) > 2)
        ]
        if len(kept) > 1 and kept[0] in ARTICLES:
            kept = kept[1:]
        if schema is None and _maybe_person_name(" ".join(tokens), " ".join(kept)):
            kept = tokens
        if kept and len(kept) < len(tokens):
            if "removed legal form" not in notes:
                notes.append("removed legal form")
            tokens = kept
    if schema in _PERSON_SCHEMATA:
        tokens = _strip_honorifics(tokens, notes, trailing=schema is not None)
    return NormalizedName(name, tuple(tokens), script, tuple(notes))


def _maybe_person_name(before: str, after: str) -> bool:
    """Without a schema, "Khun Sa" may be a person: a one-word remainder after taking
    away only an undotted two-letter "legal form" (SA, AG, AS, AB…) is not trusted;
    "Acme S.A." is a company."""
    if "." in before:
        return False
    left = _TOKEN.findall(after)
    removed = set(_TOKEN.findall(before)) - set(left)
    return len(left) < 2 and all(len(t) <= 2 for t in removed)


#: legal-form words short enough that only a letter too many is taken for a misspelling
_SHORT_LEGAL_FORM_WORDS = sorted(w for w in LEGAL_FORM_TOKENS if len(w) == 4 and w.isalpha())


@lru_cache(maxsize=100_000)
def is_legal_form_word(token: str) -> bool:
    """A legal-form word, also misspelt ("LINMITED", "Coproratin", "AKTSIONERNNOE"):
    left in the name, a misspelt legal form would weigh like a rare word."""
    if token in LEGAL_FORM_TOKENS:
        return True
    if len(token) < 4:
        return False
    allowed = 1 if len(token) < 8 else 2
    found = extractOne(token, LONG_LEGAL_FORM_WORDS, scorer=OSA.distance, score_cutoff=allowed)
    if found is None and len(token) == 5:
        # a four-letter form with a letter too many ("Oppen", "Gmbhh"); one letter
        # fewer or another letter makes too many real words ("Sal", "Com")
        found = extractOne(token, _SHORT_LEGAL_FORM_WORDS, scorer=OSA.distance, score_cutoff=1)
    return found is not None


def _strip_cjk_legal_forms(text: str) -> str:
    """Han/Hangul/Kana legal forms go before transliteration, while they are still words:
    afterwards they are loose syllables ("gu fen you xian gong si")."""
    for form in CJK_LEGAL_FORMS:
        if text.endswith(form) and len(text) > len(form):
            return text[: -len(form)].rstrip()
        if text.startswith(form) and len(text) > len(form):
            return text[len(form) :].lstrip()
    return text


def _strip_honorifics(tokens: list[str], notes: list[str], trailing: bool) -> list[str]:
    """Drop titles at the start (and the end, for persons), keeping two name parts.

    Without a schema a trailing "General" is more likely a company's word
    ("Nam Nam General Corporation") than a rank, so it stays."""
    start, end = 0, len(tokens)
    while end - start > 2 and tokens[start] in HONORIFICS:
        start += 1
    while trailing and end - start > 2 and tokens[end - 1] in HONORIFICS:
        if tokens[end - 2] in ARABIC_ARTICLES:
            break  # after the article a title is a family name ("Turki al-Sayed")
        end -= 1
    if (start, end) != (0, len(tokens)):
        notes.append("removed title(s) " + ", ".join(tokens[:start] + tokens[end:]))
    return tokens[start:end]
