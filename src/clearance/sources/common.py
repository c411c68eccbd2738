"""Small helpers every parser needs: decoding files, dates, countries, stable ids."""

from __future__ import annotations

import gzip
import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Any

from rigour.territories import lookup_territory

from clearance.sources.base import SourceError

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it is gzip (some mirrors gzip CSVs)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise SourceError(path, f"broken gzip stream: {exc}") from exc
    return data


def decode_text(path: Path, data: bytes, encodings: tuple[str, ...] = ("utf-8",)) -> str:
    """Decode with the publisher's encoding(s); on failure name the line and byte.

    Publishers are not consistent (OFAC ships Latin-1 bytes in some years), so a
    parser passes the encodings that publisher is known to use, most likely first.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    reject_nul(path, data, encodings)
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return repair_c1_controls(data.decode(encoding))
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
    assert first_error is not None
    line = data.count(b"\n", 0, first_error.start) + 1
    raise SourceError(
        path,
        f"not valid {'/'.join(encodings)} text: byte 0x{data[first_error.start]:02x} "
        f"at offset {first_error.start}",
        line=line,
    )


_C1 = {code: bytes([code]).decode("cp1252", "replace") for code in range(0x80, 0xA0)}


def repair_c1_controls(text: str) -> str:
    """Windows-1252 punctuation that went through a Latin-1 decoder on the publisher's side
    ("Xi\x92an" for "Xi’an"): C1 control characters never belong in a name."""
    if not any("\x80" <= c <= "\x9f" for c in text):
        return text
    return text.translate(_C1)


def reject_nul(path: Path, data: bytes, encodings: tuple[str, ...] = ("utf-8",)) -> None:
    """Refuse NUL bytes: UTF-16 without a byte-order mark decodes "successfully" as
    UTF-8 or cp1252 up to its first non-ASCII character, and lxml may accept it too."""
    if (nul := data.find(b"\x00")) >= 0:
        raise SourceError(
            path,
            f"NUL byte at offset {nul}: not {'/'.join(encodings)} text (UTF-16 or binary?)",
            line=data.count(b"\n", 0, nul) + 1,
        )


def element_line(element: Any) -> int | None:
    """An lxml element's line in its file (lxml's stubs type `sourceline` loosely)."""
    line: object = element.sourceline
    return line if isinstance(line, int) else None


def read_text(path: Path, encodings: tuple[str, ...] = ("utf-8",)) -> str:
    return decode_text(path, read_bytes(path), encodings)


def require_nonempty(path: Path, text: str | bytes) -> None:
    if not text.strip():
        raise SourceError(path, "file is empty")


def country_code(text: str | None) -> str | None:
    """ISO 3166-1 alpha-2 (lower case, FtM style) for a country name or code, else None.

    rigour's territory table knows historic and sanctions-relevant territories
    ("Korea, North", "Crimea", "Soviet Union") that plain ISO lists lack.
    """
    if text is None:
        return None
    cleaned = text.strip().strip(".").strip()
    if not cleaned or cleaned in {"-0-", "-"}:
        return None
    territory = lookup_territory(cleaned)
    if territory is None:
        return None
    code = territory.ftm_country or territory.code
    return str(code) if code else None


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_ISO_ZONED = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})$")  # xs:date with a zone
_DMY_NAMED = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]{3,9})\.?\s+(\d{4})$")
_MDY_NAMED = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),\s*(\d{4})$")  # "March 12, 2021"
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YEAR = re.compile(r"^(?:circa|approximately|approx\.?|c\.|ca\.?)?\s*(\d{4})$", re.I)


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        if day is not None and month is not None:
            return date(year, month, day).isoformat()
        if month is not None:
            date(year, month, 1)
            return f"{year:04d}-{month:02d}"
    except ValueError:
        return None
    return f"{year:04d}"


def parse_date(text: str | None, *, month_first: bool = True) -> str | None:
    """A published date as ISO 8601, keeping only the precision the publisher gave.

    Handles "1955", "circa 1955", "Oct 1955", "03 Oct 1955", "March 12, 2021", "1955-10-03" and
    "10/03/1955" (month first, as US publishers write it, unless told otherwise).
    Returns None for anything else rather than guessing.
    """
    if text is None:
        return None
    value = text.strip().rstrip(".").strip()
    if not value:
        return None
    if zoned := _ISO_ZONED.match(value):
        value = zoned.group(1)
    if match := _ISO.match(value[:10] if "T" in value else value):
        y, m, d = match.groups()
        return _iso(int(y), int(m) if m else None, int(d) if d else None)
    if match := _YEAR.match(value):
        return _iso(int(match.group(1)))
    if match := _DMY_NAMED.match(value):
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name[:3].lower())
        if month is None:
            return None
        return _iso(int(year), month, int(day) if day else None)
    if match := _MDY_NAMED.match(value):
        month_name, day, year = match.groups()
        month = _MONTHS.get(month_name[:3].lower())
        return _iso(int(year), month, int(day)) if month else None
    if match := _SLASHED.match(value):
        a, b, y = (int(x) for x in match.groups())
        month, day = (a, b) if month_first else (b, a)
        return _iso(y, month, day)
    return None


def stable_id(*fields: str | None) -> str:
    """An id for publishers that give none: a short hash of the identifying fields.

    Normalises case and spacing first so that a re-typeset list keeps its ids.
    """
    key = "|".join(" ".join((f or "").upper().split()) for f in fields)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
