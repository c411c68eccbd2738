"""The publisher formats clearance reads, by name, with a cheap content check for each.

Parsers are imported lazily: the CLI starts fast and a user who only loads an
OFAC file never imports the HTML or FtM machinery.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearance.sources.base import ParsedRelease, ParseFunction


def _xml_root_is(*names: str) -> Callable[[bytes], bool]:
    pattern = re.compile(rb"<(?:\w+:)?(" + b"|".join(n.encode() for n in names) + rb")[\s>]")

    def check(head: bytes) -> bool:
        body = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", head, flags=re.S).lstrip()
        match = pattern.match(body)
        return match is not None

    return check


def _csv_header_has(*columns: str) -> Callable[[bytes], bool]:
    def check(head: bytes) -> bool:
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace").lower()
        return all(c in first for c in columns)

    return check


def _ofac_csv(head: bytes) -> bool:
    return re.match(rb"\s*\d+,\"", head) is not None


def _ftm(head: bytes) -> bool:
    line = head.split(b"\n", 1)[0]
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and "schema" in record and "id" in record


def _html_table(head: bytes) -> bool:
    return b"<table" in head.lower() or b"<html" in head.lower()


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    module: str
    function: str
    sniff: Callable[[bytes], bool]  # True if the file's first bytes look like this format

    def load_parser(self) -> ParseFunction:
        module = importlib.import_module(f"clearance.sources.{self.module}")
        parser: ParseFunction = getattr(module, self.function)
        return parser

    def parse(self, files: Sequence[Path], dataset: str) -> ParsedRelease:
        return self.load_parser()(files, dataset)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "ofac-csv",
            "OFAC legacy CSV set (SDN.CSV/ADD/ALT/SDN_COMMENTS or CONS_*.CSV)",
            "ofac_csv",
            "parse_ofac_csv",
            _ofac_csv,
        ),
        Format(
            "ofac-xml",
            "OFAC sdnList XML (SDN.XML, CONSOLIDATED.XML)",
            "ofac_xml",
            "parse_ofac_xml",
            _xml_root_is("sdnList"),
        ),
        Format(
            "ofac-enhanced",
            "OFAC Enhanced XML (SDN_ENHANCED / CONS_ENHANCED, zipped or bare)",
            "ofac_enhanced",
            "parse_ofac_enhanced",
            lambda head: head.startswith(b"PK") or _xml_root_is("sanctionsData")(head),
        ),
        Format(
            "trade-csl",
            "trade.gov Consolidated Screening List CSV (2022 layout and the current one)",
            "trade_csl",
            "parse_trade_csl",
            _csv_header_has("source", "name", "alt_names"),
        ),
        Format(
            "un-xml",
            "UN Security Council Consolidated List XML",
            "un_xml",
            "parse_un_xml",
            _xml_root_is("CONSOLIDATED_LIST"),
        ),
        Format(
            "bis-dpl",
            "BIS Denied Persons List, tab-delimited text",
            "bis_dpl",
            "parse_bis_dpl",
            _csv_header_has("name", "effective_date", "fr_citation"),
        ),
        Format(
            "hmt-csv",
            "UK HM Treasury / OFSI ConList.csv (legacy and 2022 layouts)",
            "hmt_csv",
            "parse_hmt_csv",
            lambda head: b"Group ID" in head or head.startswith(b"Last Updated"),
        ),
        Format(
            "eu-fsf",
            "EU Financial Sanctions Files XML",
            "eu_fsf",
            "parse_eu_fsf",
            _xml_root_is("export"),
        ),
        Format(
            "fcc-html",
            "FCC Covered List, the official HTML table",
            "fcc_covered",
            "parse_fcc_html",
            _html_table,
        ),
        Format(
            "fcc-csv",
            "FCC Covered List as transcribed to CSV by OpenSanctions",
            "fcc_covered",
            "parse_fcc_csv",
            _csv_header_has("covered_equipment_or_services"),
        ),
        Format(
            "uflpa-html",
            "DHS UFLPA Entity List, the HTML tables of its page",
            "uflpa",
            "parse_uflpa_html",
            _html_table,
        ),
        Format(
            "ftm",
            "FollowTheMoney entities, JSON lines (OpenSanctions exports)",
            "ftm",
            "parse_ftm",
            _ftm,
        ),
        Format(
            "csv",
            "A user's own watchlist CSV (docs/formats/watchlist-csv.md)",
            "watchlist_csv",
            "parse_watchlist_csv",
            _csv_header_has("id", "name"),
        ),
    )
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"unknown format {name!r}; known formats: {known}") from None
