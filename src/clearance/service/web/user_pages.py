"""Account management for admins (/users): list, create and disable analysts and admins.

The CLI (`clearance users …`) does the same on the server; this page lets an
admin of a team do it without a shell. Every change is a record in the audit
log, so an auditor sees who gave whom access, and when.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from clearance.accounts.users import ROLES, User, UserError, UserStore
from clearance.service import deps
from clearance.service.web.templating import render
from clearance.service.web_auth import require_admin, verify_csrf

router = APIRouter(include_in_schema=False)

Admin = Annotated[User, Depends(require_admin)]
AUDIT_ENDPOINT = "users"
#: longest value a field of these forms takes (the account rules are stricter still)
MAX_FIELD = 2000


def _page(
    request: Request,
    status_code: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    users = UserStore(deps.services(request).store.engine).list()
    return render(
        request,
        "users.html.j2",
        status_code,
        users=users,
        roles=ROLES,
        error=error,
        form=form or {},
        done=done,
    )


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, admin: Admin, done: str = "") -> HTMLResponse:
    return _page(request, done=done[:200] or None)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=10)
    return {k: v[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}


@router.post("/users", dependencies=[Depends(verify_csrf)], response_model=None)
async def create_user(request: Request, admin: Admin) -> Response:
    form = await _form(request)
    keep = {"username": form.get("username", ""), "role": form.get("role", "analyst")}
    if form.get("password", "") != form.get("password_again", ""):
        return _page(request, 400, "The two passwords differ; type the same one twice.", keep)
    services = deps.services(request)
    try:
        user = UserStore(services.store.engine).create(
            form.get("username", ""), form.get("password", ""), form.get("role", "analyst")
        )
    except UserError as error:
        return _page(request, 400, str(error), keep)
    services.audit.append(
        admin.username,
        AUDIT_ENDPOINT,
        {"action": "create", "user": user.username, "role": user.role},
    )
    return RedirectResponse(f"/users?done=created+{user.username}", status_code=303)


@router.post("/users/{username}/disable", dependencies=[Depends(verify_csrf)], response_model=None)
async def disable_user(request: Request, admin: Admin, username: str) -> Response:
    if username.lower() == admin.username:
        return _page(request, 400, "You cannot disable your own account; ask another admin.")
    services = deps.services(request)
    try:
        user = UserStore(services.store.engine).disable(username)
    except UserError as error:
        return _page(request, 404, str(error))
    services.audit.append(
        admin.username, AUDIT_ENDPOINT, {"action": "disable", "user": user.username}
    )
    return RedirectResponse(f"/users?done=disabled+{user.username}", status_code=303)
