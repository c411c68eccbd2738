"""The audit trail page (/audit): who screened or decided what, when, newest first.

It reads the same hash-chained log as `clearance audit export`; checking the
chain walks every record, so it runs only when asked (`?verify=1`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from clearance.service import deps
from clearance.service.web.pages import User
from clearance.service.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, user: User, endpoint: str = "", page: int = 1, verify: bool = False
) -> HTMLResponse:
    services = deps.services(request)
    endpoints = services.audit.endpoints()
    chosen = endpoint if endpoint in endpoints else None
    page = max(1, min(page, 100_000))
    records, total = services.audit.latest(PAGE_SIZE, (page - 1) * PAGE_SIZE, chosen)
    return render(
        request,
        "audit.html.j2",
        records=records,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        endpoints=endpoints,
        endpoint=chosen or "",
        verification=services.audit.verify() if verify else None,
    )
