"""Hangul to the romanisation sanctions lists use for Korean names.

rigour transliterates Hangul by the South Korean Revised Romanisation ("gim
jeong eun"); the lists, mostly naming North Koreans, follow McCune-Reischauer
without its marks ("Kim Jong Un", "Pak", "Ri", "Choe"). Syllables are split
arithmetically (Unicode composes them from jamo), so no library is needed;
each syllable becomes one token, the way the lists space Korean names.
"""

from __future__ import annotations

_BASE, _LAST = 0xAC00, 0xD7A3
_INITIALS = (
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
    "p", "h",
)  # fmt: skip
_MEDIALS = (
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
    "we", "wi", "yu", "u", "ui", "i",
)  # fmt: skip
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "l", "l", "l", "l", "l", "l", "l", "m", "p",
    "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
#: family names whose list spelling is not the syllable's regular reading
_SURNAMES = {"김": "kim", "이": "ri", "리": "ri", "박": "pak", "최": "choe", "정": "jong"}


def _syllable(char: str) -> str:
    code = ord(char) - _BASE
    initial, rest = divmod(code, 21 * 28)
    medial, final = divmod(rest, 28)
    return _INITIALS[initial] + _MEDIALS[medial] + _FINALS[final]


def romanize_hangul(text: str) -> str:
    """Romanise Hangul syllables one token each; other characters pass through."""
    out: list[str] = []
    for word in text.split():
        parts: list[str] = []
        for position, char in enumerate(word):
            if _BASE <= ord(char) <= _LAST:
                surname = position == 0 and len(word) >= 2 and char in _SURNAMES
                parts.append(" " + (_SURNAMES[char] if surname else _syllable(char)) + " ")
            else:
                parts.append(char)
        out.append("".join(parts))
    return " ".join(" ".join(out).split())


_KOREAN_INITIALS = (("ch", "c"), ("j", "c"), ("g", "k"), ("b", "p"), ("d", "t"), ("l", "r"))
_KOREAN_VOWELS = (("eo", "o"), ("eu", "u"), ("ou", "u"), ("oo", "u"))


def korean_fold(syllable: str) -> str:
    """One spelling for a romanised Korean syllable across McCune-Reischauer, Revised
    Romanisation and the lists' own habits (Chang/Jang, Kim/Gim, Pak/Bak, Chol/Jol)."""
    for old, new in _KOREAN_INITIALS:
        if syllable.startswith(old):
            syllable = new + syllable[len(old) :]
            break
    for old, new in _KOREAN_VOWELS:
        syllable = syllable.replace(old, new)
    return syllable.replace("ph", "p").replace("kh", "k").replace("th", "t")
