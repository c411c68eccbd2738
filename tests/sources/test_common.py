"""Dates, countries and decoding shared by every parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.sources.base import SourceError
from clearance.sources.common import country_code, decode_text, parse_date, stable_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1955", "1955"),
        ("circa 1960", "1960"),
        ("Oct 1955", "1955-10"),
        ("03 Oct 1955", "1955-10-03"),
        ("March 12, 2021", "2021-03-12"),
        ("1955-10-03", "1955-10-03"),
        ("2015-04-07-04:00", "2015-04-07"),
        ("2026-03-28T23:00:02.092Z", "2026-03-28"),
        ("10/03/1955", "1955-10-03"),
        ("2024-02-30", None),
        ("sometime", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_day_first_dates() -> None:
    assert parse_date("10/03/1955", month_first=False) == "1955-03-10"


@pytest.mark.parametrize(
    ("text", "code"),
    [("China", "cn"), ("Korea, North", "kp"), ("Iran", "ir"), ("Burma", "mm"), ("-0-", None)],
)
def test_country_code(text: str, code: str | None) -> None:
    assert country_code(text) == code


def test_decode_errors_name_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    with pytest.raises(SourceError, match=r"x\.csv:3: not valid utf-8 text: byte 0xe9"):
        decode_text(path, b"a\nb\nc\xe9\n")
    with pytest.raises(SourceError, match="NUL byte"):
        decode_text(path, "abc".encode("utf-16-le"))
    assert decode_text(path, b"\xef\xbb\xbfhello") == "hello"


def test_stable_id_ignores_case_and_spacing() -> None:
    assert stable_id("ACME  Corp", None) == stable_id("acme corp", "")
    assert stable_id("ACME Corp") != stable_id("ACME Corp.")


def test_c1_controls_are_read_as_windows_1252() -> None:
    assert decode_text(Path("x.csv"), "Xi\x92an Aviation".encode()) == "Xi’an Aviation"
