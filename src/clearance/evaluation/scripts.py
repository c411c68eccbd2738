"""Normalisation and small transliteration tables for the benchmark's query generators.

The benchmark must produce the queries a real counterparty file holds: a Russian
name romanised the German way, a Korean name written in Hangul, a Chinese company
typed in pinyin without spaces. No library goes from Latin back to Cyrillic,
Arabic, Greek or Hangul, and the romanisation systems used in practice differ
from the one anyascii implements, so the few tables needed are written here.
They are deliberately simple: they generate plausible test queries, they are not
a reference transliteration, and the matcher must not import them.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache

from anyascii import anyascii

_APOSTROPHES = re.compile(r"['`´ʹʺʻʼʽ’‘]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def normalise(text: str) -> str:
    """Lower-case ASCII words: what the benchmark treats as "the same name".

    Used to keep variations from colliding with other listed names and to keep
    negatives off the lists; apostrophes vanish ("O'Brien" = "OBrien"), any other
    punctuation separates words, and Han characters become pinyin syllables
    ("张雷" = "zhang lei", as the lists write Chinese names).
    """
    if _HAN_RUN.search(text):
        text = _HAN_RUN.sub(lambda m: " " + " ".join(_pinyin(m.group())) + " ", text)
    ascii_text = anyascii(text).lower()
    ascii_text = _APOSTROPHES.sub("", ascii_text)
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def _pinyin(han: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return list(lazy_pinyin(han))


def compact(token: str) -> str:
    """One token without punctuation ("S.A." -> "sa", "CO.," -> "co")."""
    return normalise(token).replace(" ", "")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def match_case(word: str, like: str) -> str:
    """`word` in the case style of `like` (all caps, all lower, or as given)."""
    letters = [c for c in like if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return word.upper()
    if letters and all(c.islower() for c in letters):
        return word.lower()
    return word


def _recase(out: str, source: str) -> str:
    """Carry a source word's capitalisation onto its transliteration."""
    if not out:
        return out
    letters = [c for c in source if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return out.upper()
    if letters and letters[0].isupper():
        return out[0].upper() + out[1:].lower()
    return out.lower()


def _words(text: str) -> list[str]:
    """Split into runs of letters (plus apostrophes) and everything else, keeping both."""
    return re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*|[\W\d_]+", text)


# --------------------------------------------------------------------------- pinyin


@cache
def pinyin_syllables() -> frozenset[str]:
    """Every toneless Mandarin syllable pypinyin knows ("zhong", "lv", …)."""
    from pypinyin.pinyin_dict import pinyin_dict

    syllables: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = strip_diacritics(reading).replace("ü", "v").lower()
            if plain.isascii() and plain.isalpha() and re.search(r"[aeiouv]", plain):
                syllables.add(plain)
    return frozenset(syllables)


def segment_pinyin(token: str) -> list[str] | None:
    """Split a Latin token into pinyin syllables ("Hailun" -> hai, lun), None if it isn't pinyin.

    Fewest syllables wins, so "xian" stays one syllable rather than "xi an".
    """
    word = token.lower()
    if not word.isascii() or not word.isalpha() or len(word) > 24:
        return None
    syllables = pinyin_syllables()
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            piece = word[start:end]
            if head is not None and piece in syllables:
                candidate = [*head, piece]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(word)]


def han_to_pinyin_words(text: str) -> list[list[str]]:
    """The Han characters of a name as pinyin, grouped by the words pypinyin's segmenter finds."""
    from pypinyin import lazy_pinyin
    from pypinyin.seg.mmseg import seg

    words: list[list[str]] = []
    for chunk in seg.cut(text):
        syllables = [s for s in lazy_pinyin(chunk) if s.isascii() and s.isalpha()]
        if syllables and all(_is_han(c) for c in chunk):
            words.append(syllables)
    return words


def _is_han(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"
    )


@cache
def _han_for_syllables() -> tuple[dict[str, str], dict[str, str]]:
    """A common character for each syllable: (for family names, for given names).

    Characters that Faker's zh_CN provider uses in names come first, then the
    GB2312 level-1 set, and only characters pypinyin reads back as the same
    syllable on their own are kept.
    """
    from faker.providers.person.zh_CN import Provider
    from pypinyin import lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    def reading(char: str) -> str | None:
        readings = pinyin_dict.get(ord(char))
        if not readings:
            return None
        return strip_diacritics(readings.split(",")[0]).replace("ü", "v")

    family: dict[str, str] = {}
    given: dict[str, str] = {}
    for chars, table in ((list(Provider.last_names), family), (list(Provider.first_names), given)):
        for char in "".join(chars):
            syllable = reading(char)
            if syllable and syllable not in table and lazy_pinyin(char) == [syllable]:
                table[syllable] = char
    common: dict[str, str] = {}
    for code in sorted(pinyin_dict):
        char = chr(code)
        if not "\u4e00" <= char <= "\u9fff":
            continue
        try:
            encoded = char.encode("gb2312")
        except UnicodeEncodeError:
            continue
        syllable = reading(char)
        level_one = encoded[0] < 0xD8
        if level_one and syllable and syllable not in common and lazy_pinyin(char) == [syllable]:
            common[syllable] = char
    return {**common, **given, **family}, {**common, **family, **given}


def pinyin_to_han(family: list[str], given: list[str]) -> str | None:
    """A Chinese person name in characters whose pinyin is the given syllables."""
    from pypinyin import lazy_pinyin

    family_table, given_table = _han_for_syllables()
    try:
        text = "".join(family_table[s] for s in family) + "".join(given_table[s] for s in given)
    except KeyError:
        return None
    if lazy_pinyin(text) != [*family, *given]:
        return None
    return text


# --------------------------------------------------------------------------- Cyrillic

_CYR_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "з": "z", "и": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "ы": "y", "э": "e", "ъ": "", "ь": "", "і": "i", "ґ": "g",
}  # fmt: skip

#: Cyrillic -> Latin in four systems met in practice. "e" entries are for е/ё/я/ю
#: at the start of a word or after a vowel, where BGN and German write the glide.
CYRILLIC_SYSTEMS: dict[str, dict[str, str]] = {
    "bgn": {
        **_CYR_BASE, "е": "e", "ё": "e", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch",
        "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya", "ъ": "", "ь": "'", "ї": "yi", "є": "ye",
        "ў": "w", "initial:е": "ye", "initial:ё": "yo",
    },
    "scholarly": {
        **_CYR_BASE, "е": "e", "ё": "ë", "ж": "ž", "й": "j", "х": "x", "ц": "c", "ч": "č",
        "ш": "š", "щ": "šč", "ю": "ju", "я": "ja", "ъ": "ʺ", "ь": "ʹ", "э": "è", "ї": "ï",
        "є": "je", "ў": "ŭ",
    },
    "german": {
        **_CYR_BASE, "в": "w", "е": "e", "ё": "jo", "ж": "sch", "з": "s", "й": "i", "х": "ch",
        "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja", "ы": "y",
        "ї": "ji", "є": "je", "ў": "w", "initial:е": "je", "с": "s",
    },
    "french": {
        **_CYR_BASE, "е": "e", "ё": "io", "ж": "j", "й": "ï", "х": "kh", "ц": "ts", "ч": "tch",
        "ш": "ch", "щ": "chtch", "у": "ou", "ю": "iou", "я": "ia", "ї": "ï", "є": "ie",
        "ў": "ou", "initial:е": "ie",
    },
}  # fmt: skip

_CYR_VOWELS = set("аеёиоуыэюяіїєaeiou")


def cyrillic_to_latin(text: str, system: str) -> str:
    table = CYRILLIC_SYSTEMS[system]
    out: list[str] = []
    for word in _words(text):
        lower = word.lower()
        if not any(c in table for c in lower):
            out.append(word)
            continue
        pieces: list[str] = []
        for i, char in enumerate(lower):
            glide = i == 0 or lower[i - 1] in _CYR_VOWELS or lower[i - 1] in "ъь"
            key = f"initial:{char}" if glide and f"initial:{char}" in table else char
            pieces.append(table.get(key, char))
        out.append(_recase("".join(pieces), word))
    return "".join(out)


#: Latin -> Cyrillic, longest spelling first: reverses the English-style romanisations
#: on the lists ("Kuzmenko", "Yurievich", "Shchukin").
_LATIN_TO_CYR = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("tz", "ц"),
    ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("iu", "ю"), ("ya", "я"), ("ia", "я"),
    ("yo", "ё"), ("ye", "е"), ("iy", "ий"), ("yy", "ый"), ("ij", "ий"), ("ay", "ай"),
    ("ey", "ей"), ("oy", "ой"), ("uy", "уй"), ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"),
    ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("j", "й"), ("k", "к"),
    ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"),
    ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("q", "к"), ("x", "кс"), ("y", "ы"),
    ("c", "к"), ("'", "ь"),
]  # fmt: skip


def _map_latin_words(text: str, convert: Callable[[str], str]) -> str:
    """Apply `convert` to each Latin word (lower case, no diacritics), keeping its case."""
    out: list[str] = []
    for word in _words(text):
        lower = strip_diacritics(word).lower()
        if not lower.isascii() or not any(c.isalpha() for c in lower):
            out.append(word)
            continue
        out.append(_recase(convert(lower), word))
    return "".join(out)


def _greedy(
    lower: str,
    rules: Sequence[tuple[str, str]],
    pick: Callable[[str, int, str, str], str],
    fallback: Callable[[str], str],
) -> str:
    """Longest-first table transliteration: at each position the first rule that fits."""
    pieces: list[str] = []
    i = 0
    while i < len(lower):
        for latin, target in rules:
            if lower.startswith(latin, i):
                pieces.append(pick(lower, i, latin, target))
                i += len(latin)
                break
        else:
            pieces.append(fallback(lower[i]))
            i += 1
    return "".join(pieces)


def _cyrillic_choice(lower: str, i: int, latin: str, cyr: str) -> str:
    if latin == "e" and i == 0:
        return "э"
    if latin == "y" and i > 0 and lower[i - 1] in "aeiou":
        return "й"
    if latin == "i" and i == len(lower) - 1 and lower[i - 1] in "aeou":
        return "й"  # Nikolai: Николай
    if latin == "y" and i == len(lower) - 1 and i > 1:
        return "ий"  # Dmitry, Vitaly: Дмитрий, Виталий
    if latin == "c" and lower[i + 1 : i + 2] in ("e", "i", "y"):
        return "ц"
    return cyr


def latin_to_cyrillic(text: str) -> str:
    return _map_latin_words(
        text, lambda lower: _greedy(lower, _LATIN_TO_CYR, _cyrillic_choice, lambda c: c)
    )


# --------------------------------------------------------------------------- Arabic

_AR_LETTERS = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "'", "ؤ": "'", "ئ": "'",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "'", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ک": "k", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ی": "y", "ى": "a", "پ": "p",
    "چ": "ch", "ژ": "zh", "گ": "g", "ۀ": "a", "ە": "a", "ټ": "t", "ځ": "z", "څ": "ts",
    "ډ": "d", "ړ": "r", "ږ": "zh", "ښ": "x", "ڼ": "n", "ې": "e", "ۍ": "ai", "ھ": "h",
    "ہ": "h", "ۃ": "a", "ێ": "e", "ڤ": "v", "ڨ": "g",
}  # fmt: skip


def arabic_to_latin(text: str, system: str, rng: random.Random) -> str:
    """Romanise Arabic-script names without short vowels ("consonantal") or with guessed ones.

    Arabic writes no short vowels, so a real romaniser guesses them; "vocalised"
    puts an "a" or "e" between consonants that stand together, as clerks do.
    """
    text = unicodedata.normalize("NFKC", text)  # presentation forms (ﺁ) to letters
    article = rng.choice(["al-", "el-", "al ", "el ", "al"])
    out: list[str] = []
    for word in _words(text):
        if not any(c in _AR_LETTERS for c in word):
            out.append(word)
            continue
        prefix = ""
        body = word
        if body.startswith("ال") and len(body) > 3:
            prefix, body = article, body[2:]
        pieces: list[str] = []
        for i, char in enumerate(body):
            final = i == len(body) - 1
            near_alif = (i > 0 and body[i - 1] == "ا") or body[i + 1 : i + 2] == "ا"
            if char in "يی" and i > 0:
                if final:
                    pieces.append("i")
                elif system == "vocalised" and not near_alif:
                    pieces.append(rng.choice(["i", "i", "ee"]))
                else:
                    pieces.append("y")
                continue
            if char == "و" and i > 0 and system == "vocalised" and not near_alif:
                pieces.append(rng.choice(["u", "u", "o", "ou"]))
                continue
            if char == "ع" and i == 0:
                pieces.append("a" if system == "vocalised" else "'a")
                continue
            pieces.append(_AR_LETTERS.get(char, ""))
        latin = "".join(pieces)
        if system == "vocalised":
            latin = _insert_vowels(latin, rng)
        out.append((prefix + latin).capitalize() if latin else prefix)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _insert_vowels(word: str, rng: random.Random) -> str:
    """Guess short vowels: break a consonant pair at the start and any run of three."""
    units = re.findall(r"th|kh|dh|sh|gh|ch|zh|ts|.", word)
    out = ""
    run = 0
    for i, unit in enumerate(units):
        if unit[0] in "aeiou'":
            run = 0
        else:
            if run >= 2 or (run == 1 and i == 1):
                out += rng.choice("aaeu")
                run = 0
            run += 1
        out += unit
    return out


_LATIN_TO_AR = [
    ("sh", "ش"), ("kh", "خ"), ("gh", "غ"), ("th", "ث"), ("dh", "ذ"), ("ch", "تش"),
    ("ou", "و"), ("oo", "و"), ("ee", "ي"), ("ai", "ي"), ("ay", "اي"), ("aa", "ا"),
    ("b", "ب"), ("t", "ت"), ("j", "ج"), ("h", "ه"), ("d", "د"), ("r", "ر"), ("z", "ز"),
    ("s", "س"), ("f", "ف"), ("q", "ق"), ("k", "ك"), ("l", "ل"), ("m", "م"), ("n", "ن"),
    ("w", "و"), ("y", "ي"), ("p", "ب"), ("v", "ف"), ("g", "ج"), ("c", "ك"), ("x", "كس"),
]  # fmt: skip
_ARTICLES = {"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "ud", "ur", "us"}
_ABD = {"abdul", "abdel", "abdal", "abdol", "abdoul", "abdulla", "abdullah", "abdallah"}


def latin_to_arabic(text: str, rng: random.Random) -> str:
    """Write a Latin name of Arabic origin in Arabic letters: long vowels kept, short dropped.

    The article joins the next word ("Al Hayat" -> "الحيات") and "Abdul X" becomes
    "عبد الX", as Arabic spells them.
    """
    words = [w for w in re.split(r"[\s,\-]+", strip_diacritics(text).lower()) if w]
    out: list[str] = []
    pending = ""
    for word in words:
        letters = re.sub(r"[^a-z]", "", word)
        if not letters:
            continue
        if letters in _ARTICLES:
            pending = "ال"
            continue
        if letters in ("abdullah", "abdallah", "abdulla"):
            out.append(pending + "عبد الله")
            pending = ""
            continue
        if letters in _ABD:
            out.append(pending + "عبد")
            pending = "ال"
            continue
        out.append(pending + _latin_word_to_arabic(letters, rng))
        pending = ""
    return " ".join(out)


def _latin_word_to_arabic(word: str, rng: random.Random) -> str:
    pieces: list[str] = []
    i = 0
    while i < len(word):
        char = word[i]
        last = i == len(word) - 1
        if char in "aeiou" and word[i : i + 2] not in ("ou", "oo", "ee", "ai", "ay", "aa"):
            if i == 0:
                pieces.append("إ" if char in "ie" else "ا")
            elif last:
                pieces.append({"a": rng.choice(["ا", "ة", "ى"]), "e": "ه", "i": "ي"}.get(char, "و"))
            elif char in "ou":
                pieces.append("و")
            elif char == "i":
                pieces.append("ي")
            i += 1
            continue
        for latin, arabic in _LATIN_TO_AR:
            if word.startswith(latin, i):
                if pieces and pieces[-1] == arabic and latin not in ("aa", "ee", "oo"):
                    pass  # a doubled consonant is written once (the shadda is left out)
                else:
                    pieces.append(arabic)
                i += len(latin)
                break
        else:
            i += 1
    return "".join(pieces)


# --------------------------------------------------------------------------- Greek

_LATIN_TO_GREEK = {
    "phonetic": [
        ("th", "θ"), ("ch", "χ"), ("kh", "χ"), ("ph", "φ"), ("ps", "ψ"), ("ks", "ξ"),
        ("sh", "σ"), ("ou", "ου"), ("oo", "ου"), ("ee", "ι"), ("mp", "μπ"), ("nt", "ντ"),
        ("b", "μπ"), ("d", "ντ"), ("g", "γκ"), ("j", "τζ"), ("c", "κ"), ("u", "ου"),
        ("w", "ου"), ("h", "χ"), ("y", "ι"), ("q", "κ"),
    ],
    "letterwise": [
        ("th", "θ"), ("ch", "χ"), ("kh", "χ"), ("ph", "φ"), ("ps", "ψ"), ("ks", "ξ"),
        ("b", "β"), ("d", "δ"), ("g", "γ"), ("j", "ζ"), ("c", "κ"), ("u", "υ"), ("w", "ω"),
        ("h", "χ"), ("y", "υ"), ("q", "κ"),
    ],
}  # fmt: skip
_GREEK_BASE = {
    "a": "α", "e": "ε", "f": "φ", "i": "ι", "k": "κ", "l": "λ", "m": "μ", "n": "ν",
    "o": "ο", "p": "π", "r": "ρ", "s": "σ", "t": "τ", "v": "β", "x": "ξ", "z": "ζ",
}  # fmt: skip
GREEK_SYSTEMS = tuple(_LATIN_TO_GREEK)


def latin_to_greek(text: str, system: str) -> str:
    rules = _LATIN_TO_GREEK[system]

    def convert(lower: str) -> str:
        greek = _greedy(lower, rules, lambda _l, _i, _latin, g: g, lambda c: _GREEK_BASE.get(c, c))
        return greek[:-1] + "ς" if greek.endswith("σ") else greek

    return _map_latin_words(text, convert)


# --------------------------------------------------------------------------- Hangul

# Romanised Korean onsets, vowels and codas (McCune-Reischauer without breves, as on the
# lists, and Revised Romanization), longest first, with their jamo indices.
_ONSETS = [
    ("ch'", 14), ("chh", 14), ("tch", 13), ("kk", 1), ("tt", 4), ("pp", 8), ("ss", 10),
    ("jj", 13), ("k'", 15), ("kh", 15), ("t'", 16), ("th", 16), ("p'", 17), ("ph", 17),
    ("ch", -1), ("sh", 9), ("g", 0), ("k", 0), ("n", 2), ("d", 3), ("t", 3), ("r", 5),
    ("l", 5), ("m", 6), ("b", 7), ("p", 7), ("s", 9), ("j", 12), ("h", 18), ("", 11),
]  # fmt: skip
_VOWELS = [
    ("yae", 3), ("yeo", 6), ("yo'", 6), ("wae", 10), ("weo", 14), ("wo'", 14), ("ae", 1),
    ("ya", 2), ("eo", 4), ("o'", 4), ("ye", 7), ("wa", 9), ("oe", 11), ("yo", -2),
    ("wo", 14), ("we", 15), ("wi", 16), ("yu", 17), ("eu", 18), ("u'i", 19), ("ui", 19),
    ("u'", 18), ("a", 0), ("e", 5), ("o", -1), ("u", 13), ("i", 20),
]  # fmt: skip
_CODAS = [("ng", 21), ("k", 1), ("g", 1), ("n", 4), ("t", 7), ("d", 7), ("l", 8), ("r", 8),
          ("m", 16), ("p", 17), ("b", 17)]  # fmt: skip


def _parse_korean(word: str) -> list[tuple[str, str, str]] | None:
    """Split a romanised Korean word into (onset, vowel, coda) spellings, None if it can't be."""
    if not word:
        return []
    for onset, _ in _ONSETS:
        if not word.startswith(onset):
            continue
        rest = word[len(onset) :]
        for vowel, _ in _VOWELS:
            if not rest.startswith(vowel):
                continue
            tail = rest[len(vowel) :]
            for coda, _ in [*_CODAS, ("", 0)]:
                if not tail.startswith(coda):
                    continue
                after = tail[len(coda) :]
                if coda and after and after[0] in "aeiouwy":
                    continue  # a consonant before a vowel opens the next syllable
                parsed = _parse_korean(after)
                if parsed is not None:
                    return [(onset, vowel, coda), *parsed]
    return None


def parse_korean_syllables(token: str) -> list[tuple[str, str, str]] | None:
    parts = [p for p in re.split(r"[-\s]+", token.lower()) if p]
    if not parts:
        return None
    out: list[tuple[str, str, str]] = []
    for part in parts:
        if not re.fullmatch(r"[a-z']+", part):
            return None
        parsed = _parse_korean(part)
        if parsed is None:
            return None
        out.extend(parsed)
    return out


def korean_to_hangul(syllables: list[tuple[str, str, str]], rng: random.Random) -> str:
    """Compose Hangul from parsed syllables; the spellings MR leaves ambiguous are drawn."""
    onsets = dict(_ONSETS)
    vowels = dict(_VOWELS)
    codas = dict(_CODAS)
    out = []
    for onset, vowel, coda in syllables:
        o = onsets[onset]
        if o == -1:  # "ch" is ㅈ or ㅊ in McCune-Reischauer without apostrophes
            o = rng.choice([12, 14])
        v = vowels[vowel]
        if v == -1:  # "o" is ㅓ (ŏ) or ㅗ; closed syllables are more often ㅓ
            v = 4 if rng.random() < (0.7 if coda else 0.3) else 8
        elif v == -2:
            v = 6 if rng.random() < (0.7 if coda else 0.3) else 12
        c = codas.get(coda, 0) if coda else 0
        out.append(chr(0xAC00 + (o * 21 + v) * 28 + c))
    return "".join(out)


# --------------------------------------------------------------------------- evasion

#: Latin letters and the Cyrillic or Greek letters drawn identically in most fonts.
HOMOGLYPHS: dict[str, tuple[str, ...]] = {
    "a": ("а",), "c": ("с",), "e": ("е",), "i": ("і",), "j": ("ј",), "o": ("о", "ο"),
    "p": ("р",), "s": ("ѕ",), "x": ("х",), "y": ("у",), "h": ("һ",),
    "A": ("А", "Α"), "B": ("В", "Β"), "C": ("С",), "E": ("Е", "Ε"), "H": ("Н", "Η"),
    "I": ("І", "Ι"), "J": ("Ј",), "K": ("К", "Κ"), "M": ("М", "Μ"), "N": ("Ν",),
    "O": ("О", "Ο"), "P": ("Р", "Ρ"), "S": ("Ѕ",), "T": ("Т", "Τ"), "X": ("Х", "Χ"),
    "Y": ("Υ", "У"), "Z": ("Ζ",),
}  # fmt: skip

#: Characters that show nothing (or only change direction) but change the string.
INVISIBLES: dict[str, str] = {
    "zwsp": "\u200b", "zwnj": "\u200c", "zwj": "\u200d", "shy": "\u00ad", "lrm": "\u200e",
    "rlm": "\u200f", "wj": "\u2060", "bom": "\ufeff", "alm": "\u061c", "lre": "\u202a",
    "rle": "\u202b", "pdf": "\u202c", "lro": "\u202d", "rlo": "\u202e", "lri": "\u2066",
    "rli": "\u2067", "fsi": "\u2068", "pdi": "\u2069",
}  # fmt: skip
