"""`clearance alerts`: the alert queue and decisions, for auditors and scripts.

The same rules as the web pages (clearance.cases): a decision needs a reason,
four-eyes (CLEARANCE_FOUR_EYES=1 or --four-eyes) makes a second analyst
confirm it, and a decision on a version someone else already changed is
refused. Without --version the command decides on the alert as it is now;
scripts that showed an analyst the alert pass the version they showed.
Every refusal exits 2 with the reason: a missing alert, a stale version, a
bad decision name, a missing reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from clearance.cases import (
    DECISIONS,
    FOUR_EYES_ENV,
    STATUSES,
    Alert,
    AlertConflict,
    AlertGone,
    Cases,
)
from clearance.store.store import Store

EXIT_BAD_INPUT = 2

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)
alerts_app = typer.Typer(
    help="Alerts: match hits waiting for an analyst's decision.", no_args_is_help=True
)
T = TypeVar("T")

AlertId = Annotated[int, typer.Argument(metavar="ID", help="The alert's number.")]
Analyst = Annotated[str, typer.Option("--as", help="Who decides (your user name).")]
Version = Annotated[
    int | None,
    typer.Option("--version", help="The alert version you looked at (default: the current one)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="JSON instead of a table.")]


@contextmanager
def _cases(ctx: typer.Context, four_eyes: bool = False) -> Iterator[Cases]:
    home = ctx.obj.get("home") if ctx.obj else None
    with Store.open(home) as store:
        yield Cases(store, four_eyes=four_eyes)


def _refused(action: Callable[[], T]) -> T:
    """Run a case action; a refusal is a message and exit code 2, never a traceback."""
    try:
        return action()
    except (AlertGone, AlertConflict, ValueError) as error:
        message = str(error)
        if isinstance(error, AlertGone):
            message += "; nothing was decided"
        err_console.print(f"[bold red]error:[/] {escape(message)}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _version(cases: Cases, alert_id: int, version: int | None) -> int:
    return version if version is not None else _refused(lambda: cases.alert(alert_id)).version


def _outcome(alert: Alert, verb: str, analyst: str) -> str:
    decision = (alert.decision or "no decision").replace("_", " ")
    if alert.status == "pending":
        state = "pending: a second analyst must confirm it"
    elif alert.status == "closed":
        state = "closed"
    else:
        state = "open"
    return f"alert {alert.id}: {verb} by {analyst}; {decision}, {state} (version {alert.version})"


@alerts_app.command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[str, typer.Option(help=f"Which queue: {', '.join(STATUSES)}.")] = "open",
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Most alerts shown.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Alerts of one status: open and pending oldest first, closed newest first."""
    with _cases(ctx) as cases:
        alerts = _refused(lambda: cases.queue(status=status, limit=limit))
        total = cases.count(status)
    if as_json:
        typer.echo(json.dumps([a.to_dict() for a in alerts], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{status} alerts: {len(alerts)} of {total}")
    for column in ("id", "party", "listed entity", "score", "source", "raised", "decision"):
        table.add_column(column, overflow="fold")
    for a in alerts:
        reopened = f" (reopened from {a.reopened_from})" if a.reopened_from else ""
        table.add_row(
            f"{a.id}{reopened}",
            escape(a.party.name),
            escape(f"{a.caption}\n{a.entity_id}"),
            f"{a.score:.2f}",
            a.source,
            a.created_at,
            (a.decision or "").replace("_", " "),
        )
    console.print(table)


def _show(alert: Alert, decisions: list[dict[str, Any]]) -> None:
    party = alert.party
    lines = [
        f"alert {alert.id} — {alert.status}"
        + (f", {alert.decision.replace('_', ' ')}" if alert.decision else "")
        + f" (version {alert.version})",
        f"party: {party.name}"
        + "".join(
            f"; {label} {value}"
            for label, value in (
                ("type", party.schema),
                ("countries", ", ".join(party.countries)),
                ("born", party.birth_date),
                ("identifiers", ", ".join(party.identifiers)),
                ("key", party.key),
            )
            if value
        ),
        f"listed: {alert.caption} ({alert.entity_id}, {alert.dataset}); lists: "
        f"{', '.join(alert.lists) or 'none'}",
        f"matched name: {alert.matched_name}; score {alert.score:.2f}",
        f"why: {alert.explanation}",
        f"raised: {alert.created_at} by {alert.source} ({alert.source_ref}), "
        f"snapshot {alert.snapshot_id}, entity version {alert.entity_hash[:12]}",
    ]
    if alert.reopened_from is not None:
        lines.append(f"reopened from alert {alert.reopened_from}: {alert.change or 'changed'}")
    for d in decisions:
        review = (
            f"; {'confirmed' if d['state'] == 'effective' else 'rejected'} by {d['reviewer']} "
            f"at {d['reviewed_at']}" + (f": {d['review_reason']}" if d["review_reason"] else "")
            if d["reviewer"]
            else ""
        )
        lines.append(
            f"decision {d['id']}: {d['decision'].replace('_', ' ')} by {d['analyst']} at "
            f"{d['decided_at']} ({d['state']}{review}): {d['reason']}"
        )
    for line in lines:
        console.print(line, soft_wrap=True, markup=False)


@alerts_app.command("show")
def show_command(ctx: typer.Context, alert_id: AlertId, as_json: AsJson = False) -> None:
    """One alert: the party, the listed entity, why it matched, and every decision."""
    with _cases(ctx) as cases:
        alert = _refused(lambda: cases.alert(alert_id))
        decisions = [d.to_dict() for d in cases.decisions(alert_id)]
    if as_json:
        typer.echo(
            json.dumps({**alert.to_dict(), "decisions": decisions}, ensure_ascii=False, indent=2)
        )
        return
    _show(alert, decisions)


FourEyes = Annotated[
    bool,
    typer.Option(
        "--four-eyes/--no-four-eyes",
        envvar=FOUR_EYES_ENV,
        help="A true match or false positive takes effect only once a second analyst confirms.",
    ),
]


@alerts_app.command("decide")
def decide_command(
    ctx: typer.Context,
    alert_id: AlertId,
    decision: Annotated[str, typer.Option("--decision", help=" | ".join(DECISIONS))],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    analyst: Analyst,
    version: Version = None,
    four_eyes: FourEyes = False,
) -> None:
    """Decide an open alert: true_match, false_positive or needs_review, with a reason."""
    with _cases(ctx, four_eyes) as cases:
        seen = _version(cases, alert_id, version)
        alert = _refused(
            lambda: cases.decide(
                alert_id, version=seen, decision=decision, reason=reason, analyst=analyst
            )
        )
    console.print(_outcome(alert, "decided", analyst), markup=False)


@alerts_app.command("confirm")
def confirm_command(
    ctx: typer.Context, alert_id: AlertId, analyst: Analyst, version: Version = None
) -> None:
    """Four-eyes: confirm another analyst's pending decision; it takes effect."""
    with _cases(ctx) as cases:
        seen = _version(cases, alert_id, version)
        alert = _refused(lambda: cases.confirm(alert_id, version=seen, analyst=analyst))
    console.print(_outcome(alert, "confirmed", analyst), markup=False)


@alerts_app.command("reject")
def reject_command(
    ctx: typer.Context,
    alert_id: AlertId,
    analyst: Analyst,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
    version: Version = None,
) -> None:
    """Four-eyes: send another analyst's pending decision back; the alert is open again."""
    with _cases(ctx) as cases:
        seen = _version(cases, alert_id, version)
        alert = _refused(
            lambda: cases.reject(alert_id, version=seen, analyst=analyst, reason=reason)
        )
    console.print(_outcome(alert, "rejected", analyst), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
