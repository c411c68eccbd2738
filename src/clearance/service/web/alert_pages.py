"""The alert pages: the queue (/alerts) and one alert with its decision form (/alerts/{id}).

Every form carries the alert's version as the analyst saw it; `Cases` changes
an alert only if that version is still current. So when two analysts decide the
same alert, the second gets a page saying who decided first and what, and
nothing is decided twice.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clearance.cases import DECISIONS, AlertConflict, AlertGone, Cases
from clearance.service import deps
from clearance.service.web.pages import User, error_page
from clearance.service.web.templating import render
from clearance.service.web_auth import verify_csrf

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
MAX_REASON = 2000
STATUSES = (
    ("open", "Waiting for a decision"),
    ("pending", "Waiting for a second analyst"),
    ("closed", "Decided"),
)
DECISION_LABELS = {
    "true_match": "True match",
    "false_positive": "False positive",
    "needs_review": "Needs review",
}


def _cases(request: Request) -> Cases:
    services = deps.services(request)
    return Cases(services.store, four_eyes=services.config.four_eyes)


@router.get("/alerts", response_class=HTMLResponse)
def queue_page(request: Request, user: User, status: str = "open", page: int = 1) -> HTMLResponse:
    if status not in dict(STATUSES):
        return error_page(request, 400, "No such queue", f"{status[:40]!r} is not a queue.")
    cases = _cases(request)
    page = max(1, min(page, 10_000))
    alerts = cases.queue(status=status, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    counts = {key: cases.count(key) for key, _label in STATUSES}
    return render(
        request,
        "alerts.html.j2",
        alerts=alerts,
        status=status,
        statuses=STATUSES,
        counts=counts,
        page=page,
        pages=max(1, -(-counts[status] // PAGE_SIZE)),
        labels=DECISION_LABELS,
    )


def _alert_page(
    request: Request,
    user: Any,
    alert_id: int,
    status_code: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    cases = _cases(request)
    try:
        alert = cases.alert(alert_id)
    except AlertGone:
        return error_page(request, 404, "No such alert", f"Alert {alert_id} does not exist.")
    decisions = cases.decisions(alert_id)
    proposed = next((d for d in reversed(decisions) if d.state == "proposed"), None)
    return render(
        request,
        "alert.html.j2",
        status_code,
        alert=alert,
        decisions=decisions,
        proposed=proposed,
        may_review=proposed is not None and proposed.analyst != str(user.username),
        four_eyes=cases.four_eyes,
        error=error,
        form=form or {},
        decisions_offered=[(d, DECISION_LABELS[d]) for d in DECISIONS],
        labels=DECISION_LABELS,
        max_reason=MAX_REASON,
    )


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(request: Request, user: User, alert_id: int) -> HTMLResponse:
    return _alert_page(request, user, alert_id)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=10)
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _version(form: dict[str, str]) -> int | None:
    value = form.get("version", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@router.post(
    "/alerts/{alert_id}/{action}", dependencies=[Depends(verify_csrf)], response_model=None
)
async def act(request: Request, user: User, alert_id: int, action: str) -> Response:
    """decide / confirm / reject; the result page is the alert, or the queue when done."""
    if action not in ("decide", "confirm", "reject"):
        return error_page(request, 404, "No such action", f"{action[:40]!r} is not an action.")
    form = await _form(request)
    version = _version(form)
    reason = form.get("reason", "").strip()
    decision = form.get("decision", "")
    problem = None
    if version is None:
        problem = "The form is missing the alert's version: reload the page and decide again."
    elif len(reason) > MAX_REASON:
        problem = f"The reason is {len(reason):,} characters, at most {MAX_REASON:,}."
    elif action in ("decide", "reject") and not reason:
        problem = "Give a reason: it is kept with the decision for the audit trail."
    elif action == "decide" and decision not in DECISION_LABELS:
        problem = "Choose a decision: true match, false positive or needs review."
    if problem is not None:
        return _alert_page(request, user, alert_id, 400, problem, form)
    assert version is not None
    cases, analyst = _cases(request), str(user.username)
    try:
        if action == "decide":
            cases.decide(
                alert_id, version=version, decision=decision, reason=reason, analyst=analyst
            )
        elif action == "confirm":
            cases.confirm(alert_id, version=version, analyst=analyst)
        else:
            cases.reject(alert_id, version=version, analyst=analyst, reason=reason)
    except AlertGone:
        return error_page(
            request,
            404,
            "No such alert",
            f"Alert {alert_id} no longer exists; nothing was decided.",
        )
    except AlertConflict as conflict:
        return _alert_page(request, user, alert_id, 409, str(conflict))
    except ValueError as error:
        return _alert_page(request, user, alert_id, 400, str(error), form)
    return RedirectResponse(f"/alerts/{alert_id}?done={action}", status_code=303)
