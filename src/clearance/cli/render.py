"""Rich renderings for the terminal: the lists summary, diffs and one entity."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from clearance.diff import DatasetDiff
from clearance.model import Entity


def lists_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(title="Lists")
    table.add_column("dataset", style="bold")
    table.add_column("title", overflow="fold")
    table.add_column("entities", justify="right")
    table.add_column("as of")
    table.add_column("fetched at")
    table.add_column("release", overflow="fold")
    table.add_column("snapshot", justify="right")
    for row in rows:
        note = ""
        if row["last_attempt"] and row["last_attempt"]["status"] == "held":
            note = f"\n[yellow]held back: {row['last_attempt']['reason']}[/]"
        table.add_row(
            row["dataset"],
            f"{row['title']}\n[dim]{row['publisher']}[/]{note}",
            "" if row["entities"] is None else f"{row['entities']:,}",
            row["as_of"] or "",
            row["fetched_at"] or "[dim]not loaded[/]",
            row["release"] or "",
            "" if row["snapshot"] is None else str(row["snapshot"]),
        )
    return table


def print_diffs(console: Console, diffs: list[DatasetDiff], limit: int) -> None:
    if not diffs:
        console.print("No differences.")
    for diff in diffs:
        console.rule(f"{diff.dataset}: {diff.old_release} → {diff.new_release}")
        console.print(
            f"[green]+{len(diff.added)} added[/]  [red]-{len(diff.removed)} removed[/]  "
            f"[yellow]~{len(diff.changed)} changed[/]"
        )
        for sign, colour, changes in (
            ("+", "green", diff.added),
            ("-", "red", diff.removed),
            ("~", "yellow", diff.changed),
        ):
            for change in changes[:limit]:
                fields = f"  ({', '.join(change.fields)})" if change.fields else ""
                console.print(Text(f"  {sign} {change.id}  {change.caption}{fields}", style=colour))
            if len(changes) > limit:
                console.print(f"  … and {len(changes) - limit} more")


def _section(title: str, rows: list[tuple[str, ...]], headers: tuple[str, ...]) -> Table | None:
    if not rows:
        return None
    table = Table(title=title, title_justify="left", show_edge=False, expand=True)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def print_entity(console: Console, entity: Entity) -> None:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    facts.add_row("id", entity.id)
    facts.add_row("schema", entity.schema)
    facts.add_row("dataset", entity.dataset)
    for label, values in (
        ("born", entity.birth_dates),
        ("birth place", entity.birth_places),
        ("died", entity.death_dates),
        ("titles", entity.titles),
    ):
        if values:
            facts.add_row(label, "; ".join(values))
    if entity.gender:
        facts.add_row("gender", entity.gender)
    if entity.source_url:
        facts.add_row("source", entity.source_url)
    parts: list[Any] = [facts]
    sections = [
        _section(
            "Names",
            [(n.value, n.kind.value, n.script, n.lang or "") for n in entity.names],
            ("name", "kind", "script", "lang"),
        ),
        _section(
            "Countries",
            [(c.code.upper(), c.role.value) for c in entity.countries],
            ("country", "role"),
        ),
        _section(
            "Identifiers",
            [
                (i.type, i.value, (i.country or "").upper(), i.note or "")
                for i in entity.identifiers
            ],
            ("type", "value", "country", "note"),
        ),
        _section(
            "Addresses",
            [(a.full, (a.country or "").upper()) for a in entity.addresses],
            ("address", "country"),
        ),
        _section(
            "Listings and legal effect",
            [
                (
                    f"{lst.list_name}\n[dim]{lst.authority}[/]",
                    ", ".join(lst.programs),
                    lst.listed_on or "",
                    "\n".join(
                        x
                        for x in (
                            lst.license_requirement
                            and f"Licence requirement: {lst.license_requirement}",
                            lst.license_policy and f"Review policy: {lst.license_policy}",
                            lst.federal_register_notice and f"FR: {lst.federal_register_notice}",
                            *lst.notes,
                        )
                        if x
                    ),
                )
                for lst in entity.listings
            ],
            ("list", "programs", "listed on", "legal effect"),
        ),
        _section(
            "Linked to", [(r.kind, r.target) for r in entity.relations], ("relation", "party")
        ),
        _section("Remarks", [(r,) for r in entity.remarks], ("remark",)),
    ]
    parts.extend(s for s in sections if s is not None)
    console.print(Panel(Group(*parts), title=entity.caption, title_align="left"))
