"""Arabic-script names in Latin letters, spelt the way lists and clerks romanise them.

rigour's transliteration follows the scholarly convention: ʿayn and hamza become
apostrophes, which split a word in two once punctuation is removed ("الجماعة" →
"al jma t"), and tāʾ marbūṭa becomes "t" where every list writes "-a" or "-ah".
Neither anyascii nor pypinyin covers this, so the letters are mapped here:
hamza vanishes and ʿayn is written "a" (Latin spellings drop both or write a
vowel: "Abd", "Omar"), the article
is its own word ("al"), long vowels are written (a, w, y) and short ones, which
Arabic script does not write, stay absent. Persian and Urdu letters are included:
the lists carry Afghan and Pakistani names in those alphabets.
"""

from __future__ import annotations

import re
import unicodedata

_LETTERS = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "w", "ئ": "y",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "a", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a",
    # Persian, Urdu, Pashto
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "y", "ے": "e", "ہ": "h",
    "ھ": "h", "ۃ": "a", "ۀ": "a", "ە": "a", "ٹ": "t", "ڈ": "d", "ڑ": "r", "ں": "n",
    "ڤ": "v", "ڭ": "ng", "ځ": "dz", "څ": "ts", "ښ": "kh", "ږ": "zh", "ړ": "r", "ڼ": "n",
    "ۍ": "y", "ې": "e", "ټ": "t", "ډ": "d",
    # short vowels, where a name is written vocalised; the other marks carry no letter
    "\u064e": "a", "\u0650": "i", "\u064f": "u", "\u0670": "a",
    "\u064b": "", "\u064c": "", "\u064d": "", "\u0651": "", "\u0652": "", "\u0640": "",
}  # fmt: skip
_DIGITS = {chr(base + d): str(d) for base in (0x0660, 0x06F0) for d in range(10)}
#: scripts that write no short vowels: their names are compared by consonants too
ABJAD_SCRIPTS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana"})
_TABLE = str.maketrans(_LETTERS | _DIGITS)
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
#: the name of God keeps its article: "عبد الله" is "Abd Allah", not "Abd al lh"
_ALLAH = {"الله": "allah", "لله": "llah", "اللہ": "allah"}


def romanize_arabic(text: str) -> str:
    """Words with Arabic letters romanised; other words (digits, Latin) kept as they are."""
    text = unicodedata.normalize("NFKC", text)  # presentation forms (ﺁ, ﻻ) to letters
    words = []
    for word in text.split():
        if not _ARABIC_LETTER.search(word):
            words.append(word)
            continue
        for whole in _ALLAH:
            if word.endswith(whole) and word[: -len(whole)] == "عبد":
                word = "عبد " + whole  # "عبدالله": two words in Latin
        parts = []
        for part in word.split(" "):
            if part in _ALLAH:
                parts.append(_ALLAH[part])
            elif part.startswith("ال") and len(part) > 3:
                parts.append("al " + part[2:].translate(_TABLE))
            else:
                parts.append(part.translate(_TABLE))
        words.append(" ".join(parts))
    return " ".join(words)


ARTICLES = frozenset({"al", "el", "ul", "il"})
_SUN_ARTICLE = re.compile(r"^[aeu](?:[tdrzsln]|sh|th|dh)$").match
_GOD = re.compile(r"^[aeiou]?l?l[aeiou]h?$").match
#: "servant of": romanised joined to the article ("Abdul", "Abdel") and often to the name
_ABD = ("abdul", "abdel", "abdal", "abdol", "abdoul", "abdur", "abdus", "abdu", "abd")


def arabic_name_parts(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The parts of a romanised Arabic name that carry identity, split the same way
    however it was written.

    The article is dropped, standing alone ("al"), joined ("elmaghraby") or
    assimilated as pronounced ("ar Rahman", "ad Din"); "Allah" is one word
    however romanised ("al-Lah", "Ullah"); and "Abd" forms one part with the name
    it governs, as Arabic script writes it: "Abd al-Rahman", "Abdul Rahman" and
    "Abdulrahman" all become "abdrahman".
    """
    kept: list[str] = []
    for position, token in enumerate(tokens):
        if token in ARTICLES:
            continue
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        if _SUN_ARTICLE(token) and following.startswith(token[1:]) and len(following) > 2:
            continue
        if _GOD(token):
            token = "allah"
        elif len(token) >= 6 and token[:2] in ARTICLES:
            token = token[2:]
        kept.append(token)
    joined: list[str] = []
    pending = ""
    for token in kept:
        if pending:
            joined.append(pending + token)
            pending = ""
            continue
        prefix = next((p for p in _ABD if token.startswith(p)), "")
        if prefix and token == prefix:
            pending = "abd"
        elif prefix and len(token) - len(prefix) >= 3:
            joined.append("abd" + token[len(prefix) :])
        else:
            joined.append(token)
    if pending:
        joined.append(pending)
    return tuple(joined) or tokens
