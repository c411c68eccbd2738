"""Tell a delimited text file's encoding and delimiter before reading it.

A book of counterparties comes from wherever the user's systems export it:
Excel's "CSV" in the Windows code page with semicolons, UTF-16 "Unicode text"
with tabs, UTF-8 from a database. Guessing wrong silently mangles names (and so
misses hits), so the guess is made on the file's own bytes and text.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from clearance.batch.errors import BatchInputError

#: bytes read to guess the encoding and the delimiter
SAMPLE_BYTES = 1 << 20
#: delimiters a table export uses, in the order preferred when counts tie
DELIMITERS = (",", ";", "\t", "|")
#: on a tie in charset-normalizer's measures (short Latin texts often score the
#: same in cp1250, cp1252 and cp1257), the more widespread code page is taken:
#: Windows-1252 is what Western European Excel writes.
PREFERRED_ENCODINGS = ("utf_8", "cp1252", "iso8859_15", "latin_1", "cp1250", "cp1251")

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)


@dataclass(frozen=True)
class TextFormat:
    encoding: str  # a Python codec name that also consumes a byte order mark
    newline: bytes  # "\n" in that encoding, without a byte order mark (to count lines)
    delimiter: str


def sniff_text(path: Path, *, tab_separated: bool = False) -> TextFormat:
    """The encoding and delimiter of a delimited text file, or BatchInputError if it has none."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if not head.strip(b"\x00\r\n\t \x1a\xef\xbb\xbf\xff\xfe"):
        raise BatchInputError(f"{path}: the file is empty")
    encoding, bare = detect_encoding(path, head)
    text = head.decode(encoding, errors="ignore")
    delimiter = "\t" if tab_separated else detect_delimiter(text)
    return TextFormat(encoding=encoding, newline="\n".encode(bare), delimiter=delimiter)


def detect_encoding(path: Path, head: bytes) -> tuple[str, str]:
    """(codec to read with, same codec without BOM handling) for the file whose start is `head`."""
    for bom, codec, bare in _BOMS:
        if head.startswith(bom):
            return codec, bare
    # NUL bytes are valid UTF-8 but no table has them: many of them mean UTF-16/32 without a BOM
    wide = head.count(b"\x00") > len(head) // 10
    failure = 0 if wide else first_utf8_error(path)
    if failure is None:
        return "utf-8", "utf-8"
    # charset-normalizer judges a sample: the start, plus the place UTF-8 failed
    # (a file can be plain ASCII for its first megabyte and Windows-1252 after).
    with path.open("rb") as handle:
        handle.seek(max(0, failure - 32_768))
        around = handle.read(65_536)
    sample = head if failure < len(head) else head[: SAMPLE_BYTES // 2] + b"\n" + around
    results = list(charset_normalizer.from_bytes(sample))
    if not results:
        raise BatchInputError(f"{path}: cannot tell the text encoding; save it as UTF-8")
    best = results[0]
    tied = [r for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)]
    chosen = min(
        tied,
        key=lambda r: (
            PREFERRED_ENCODINGS.index(r.encoding)
            if r.encoding in PREFERRED_ENCODINGS
            else len(PREFERRED_ENCODINGS),
            tied.index(r),
        ),
    )
    name = codecs.lookup(chosen.encoding).name
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return name, name if name.endswith(("-le", "-be")) else name + "-le"
    return name, name


def first_utf8_error(path: Path) -> int | None:
    """The byte offset of the first invalid UTF-8 sequence in the file, or None if it is valid.

    The whole file is checked in blocks (decoding is about a gigabyte a second), so that
    a stray Windows-1252 byte half-way through a book is seen before reading starts.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while block := handle.read(SAMPLE_BYTES):
            try:
                decoder.decode(block, final=False)
            except UnicodeDecodeError as exc:
                return offset + max(0, exc.start)
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


def detect_delimiter(text: str) -> str:
    """The delimiter csv.Sniffer finds in the first lines, else the one the header uses most."""
    lines = text.splitlines()[:200]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return ","
    sample = "\n".join(lines)
    header = lines[0]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    if sniffed is not None and (sniffed in header or len(lines) == 1):
        return sniffed
    # Sniffer gives up on files with one column or irregular quoting: count in the header.
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count
