"""A store of a few shared lists, edited copies of the UN list, and portfolios to monitor.

Loading the lists takes a few seconds, so one store is made per session and
each test works on its own copy of it (monitoring changes the store). Edited
lists and books are written by each test in its tmp_path; nothing from the
shared lists is copied into the repository.
"""

from __future__ import annotations

import csv
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from faker import Faker
from lxml import etree

from clearance.ingest import load
from clearance.store.store import Store

HEADER = ["Customer ID", "Counterparty", "Country"]
#: Faker names (persons and companies) in every portfolio
UNLISTED = 40


@pytest.fixture(scope="session")
def lists_home(shared_lists: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The UN list, the OFAC non-SDN list and the BIS Denied Persons List, loaded once."""
    home = tmp_path_factory.mktemp("monitor-lists")
    with Store.open(home) as store:
        for dataset, paths in (
            ("un_sc_sanctions", [shared_lists / "un-consolidated" / "consolidated.xml"]),
            ("us_ofac_cons", sorted((shared_lists / "ofac-consolidated").glob("*.csv"))),
            ("us_bis_denied", [shared_lists / "bis-dpl" / "dpl.txt"]),
        ):
            outcome = load(store, dataset, paths)
            assert outcome.status == "activated", outcome.message
    return home


@pytest.fixture
def monitor_home(lists_home: Path, tmp_path: Path) -> Path:
    """This test's own copy of the store."""
    home = tmp_path / "monitor-home"
    shutil.copytree(lists_home, home)
    return home


def _text(node: etree._Element, tag: str) -> str:
    return (node.findtext(tag) or "").strip()


def full_name(node: etree._Element) -> str:
    parts = (_text(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"))
    return " ".join(p for p in parts if p)


def alter(word: str, rng: random.Random) -> str:
    """One letter of a word replaced: another spelling of the name."""
    i = rng.randrange(1, len(word) - 1) if len(word) > 2 else 0
    letter = "Q" if word[i].upper() != "Q" else "Z"
    return word[:i] + (letter if word[i].isupper() else letter.lower()) + word[i + 1 :]


@dataclass
class EditedList:
    path: Path
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)
    deleted: list[str] = field(default_factory=list)  # names of deleted entries
    added: list[str] = field(default_factory=list)  # names of new entries


def edit_un(
    source: Path,
    target: Path,
    *,
    rename: int = 0,
    delete: int = 0,
    add: int = 0,
    seed: int = 7,
) -> EditedList:
    """A copy of the UN list with `rename` individuals' surnames respelt, `delete` entities
    removed and `add` new individuals (copies of others under new ids and names)."""
    rng = random.Random(seed)
    tree = etree.parse(str(source))
    individuals = [n for n in tree.xpath("//INDIVIDUAL") if _text(n, "SECOND_NAME")]
    edited = EditedList(target)
    for node in individuals[10 : 10 + rename]:
        before = full_name(node)
        second = node.find("SECOND_NAME")
        second.text = alter(_text(node, "SECOND_NAME"), rng)
        edited.renamed.append((before, full_name(node)))
    for node in tree.xpath("//ENTITY")[:delete]:
        edited.deleted.append(_text(node, "FIRST_NAME"))
        node.getparent().remove(node)
    for i, original in enumerate(individuals[-add:] if add else []):
        copy = etree.fromstring(etree.tostring(original))
        copy.find("DATAID").text = str(99_000_000 + i)
        first = copy.find("FIRST_NAME")
        first.text = alter(_text(copy, "FIRST_NAME"), rng) + " " + ("ZORBANIAN", "KELLIWAX")[i % 2]
        original.getparent().append(copy)
        edited.added.append(full_name(copy))
    tree.write(str(target), xml_declaration=True, encoding="UTF-8")
    return edited


def variations(name: str, rng: random.Random) -> list[str]:
    """A listed name as a customer file may hold it: a typo, a part left out, lower case."""
    words = name.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    typo = list(words)
    typo[longest] = alter(words[longest], rng)
    found = [" ".join(typo), name.lower()]
    if len(words) > 2:
        found.append(" ".join(words[:-1]))
    return found


def unlisted_names(count: int = UNLISTED, seed: int = 20261127) -> list[str]:
    fake = Faker(["en_US", "de_DE", "fr_FR"])
    fake.seed_instance(seed)
    return [fake.name() if i % 2 else fake.company() for i in range(count)]


def listed_names(un_file: Path, count: int = 12) -> list[str]:
    """Names of UN individuals and entities, as published."""
    tree = etree.parse(str(un_file))
    people = [full_name(n) for n in tree.xpath("//INDIVIDUAL")[: count // 2]]
    bodies = [_text(n, "FIRST_NAME") for n in tree.xpath("//ENTITY")[: count // 2]]
    return people + bodies


def book_names(un_file: Path, *edits: EditedList, seed: int = 3) -> list[str]:
    """Listed names, the names an edit concerns, variations of them, and Faker names, mixed."""
    rng = random.Random(seed)
    listed = listed_names(un_file)
    for edit in edits:
        listed += [old for old, _new in edit.renamed] + edit.deleted + edit.added
    listed = list(dict.fromkeys(listed))
    names = listed + [v for name in listed[::2] for v in variations(name, rng)]
    names += unlisted_names()
    rng.shuffle(names)
    return list(dict.fromkeys(names))


def numbered(names: Sequence[str]) -> list[tuple[str, str]]:
    """(customer id, name) rows."""
    return [(f"C{1000 + i}", name) for i, name in enumerate(names)]


def write_book(path: Path, rows: Sequence[tuple[str, str]], *, ids: bool = True) -> Path:
    """A CSV book of (customer id, name) rows; without the id column if not `ids`."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER if ids else HEADER[1:])
        for customer, name in rows:
            writer.writerow([customer, name, ""] if ids else [name, ""])
    return path


def respelt_un(
    shared_lists: Path, tmp_path: Path, rename: int
) -> tuple[EditedList, list[tuple[str, str]]]:
    """A UN list with `rename` names respelt (in tmp_path), and a numbered book of names
    near the list's, the respelt ones included."""
    un = shared_lists / "un-consolidated" / "consolidated.xml"
    edit = edit_un(un, tmp_path / "consolidated.xml", rename=rename)
    return edit, numbered(book_names(un, edit))
