"""Logging in to the web interface: session cookie, CSRF checks, login and logout routes.

Cookies are Secure, HttpOnly, SameSite=Lax, path /. A deployment that serves
plain http to other machines (no TLS proxy in front) must set
`CLEARANCE_SERVE_INSECURE_COOKIES=1`, or browsers never send the cookie back
and nobody can log in; local use needs no setting, because browsers treat
http://127.0.0.1 and http://localhost as secure contexts.

Every POST carries a CSRF token (form field `csrf_token` or header
`X-CSRF-Token`): the session's own random token once logged in, a signed
double-submit token (clearance.accounts.csrf) on the login form itself.

The client address used by the login limit is the connection's peer; behind a
reverse proxy run uvicorn with `--proxy-headers --forwarded-allow-ips=<proxy>`
so that it is the browser's address and not the proxy's.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Engine
from starlette.datastructures import FormData

from clearance.accounts import csrf
from clearance.accounts.login_limit import LoginLimiter
from clearance.accounts.sessions import Session, SessionStore
from clearance.accounts.users import PASSWORD_MAX, USERNAME_MAX, User, UserStore

__all__ = [
    "CSRF_COOKIE",
    "INSECURE_COOKIES_ENV",
    "SESSION_COOKIE",
    "LoginRequired",
    "csrf_token",
    "current_user",
    "login_required_handler",
    "remember_csrf_cookie",
    "require_admin",
    "require_user",
    "router",
    "safe_next",
    "verify_csrf",
]

SESSION_COOKIE = "clearance_session"
CSRF_COOKIE = "clearance_csrf"
INSECURE_COOKIES_ENV = "CLEARANCE_SERVE_INSECURE_COOKIES"
_NONCE_MAX = 100  # a nonce cookie longer than ours is not ours: replace it
_NEXT_MAX = 2000
_UNSET = object()

router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """No live session: the app answers 303 to /login?next=<where the user was going>."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def secure_cookies() -> bool:
    return os.environ.get(INSECURE_COOKIES_ENV, "0") != "1"


def _engine(request: Request) -> Engine:
    services: Any = request.app.state.services
    engine: Engine = services.store.engine
    return engine


def _session(request: Request) -> Session | None:
    """The request's live session, looked up once per request."""
    found: Session | object | None = getattr(request.state, "clearance_session", _UNSET)
    if found is _UNSET:
        token = request.cookies.get(SESSION_COOKIE)
        found = SessionStore(_engine(request)).lookup(token) if token else None
        request.state.clearance_session = found
    return found if isinstance(found, Session) else None


def current_user(request: Request) -> User | None:
    session = _session(request)
    return None if session is None else session.user


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def require_user(request: Request) -> User:
    """Dependency for every page: the logged-in user, or LoginRequired."""
    user = current_user(request)
    if user is None:
        raise LoginRequired(_here(request) if request.method == "GET" else "/")
    return user


def require_admin(request: Request) -> User:
    user = require_user(request)
    if not user.is_admin:
        raise HTTPException(
            403, f"user {user.username!r} has role {user.role!r}; this needs an admin"
        )
    return user


# -- CSRF ----------------------------------------------------------------------


def _secret(request: Request) -> bytes:
    state = request.app.state
    secret: bytes | None = getattr(state, "clearance_csrf_secret", None)
    if secret is None:
        secret = csrf.server_secret(_engine(request))
        state.clearance_csrf_secret = secret
    return secret


def _nonce(request: Request) -> str:
    """The browser's login-form nonce, or a new one to be set by `remember_csrf_cookie`."""
    nonce = request.cookies.get(CSRF_COOKIE, "")
    if not nonce or len(nonce) > _NONCE_MAX:
        nonce = getattr(request.state, "clearance_new_nonce", None) or csrf.new_nonce()
        request.state.clearance_new_nonce = nonce
    return nonce


def csrf_token(request: Request) -> str:
    """The token for this request's forms (hidden input `csrf_token`), logged in or not."""
    session = _session(request)
    if session is not None:
        return session.csrf_token
    return csrf.sign(_secret(request), _nonce(request))


def remember_csrf_cookie(request: Request, response: Response) -> Response:
    """Send the login-form nonce cookie if `csrf_token` made a new one for this request.

    Any page that shows a form to someone not logged in must pass its response
    through here (the login page does).
    """
    nonce = getattr(request.state, "clearance_new_nonce", None)
    if nonce:
        response.set_cookie(
            CSRF_COOKIE, nonce, path="/", secure=secure_cookies(), httponly=True, samesite="lax"
        )
    return response


def _login_form_token_ok(request: Request, given: str) -> bool:
    nonce = request.cookies.get(CSRF_COOKIE, "")
    return bool(nonce) and csrf.matches(csrf.sign(_secret(request), nonce), given)


def _session_token_ok(request: Request, given: str) -> bool:
    session = _session(request)
    return session is not None and csrf.matches(session.csrf_token, given)


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def verify_csrf(request: Request) -> None:
    """Dependency for every POST: the token of `csrf_token(request)`, sent back, else 403.

    Logged in, only the session's token counts; before login, the signed
    login-form token (routes that need a user then raise LoginRequired).
    """
    given = request.headers.get("x-csrf-token") or _field(await request.form(), "csrf_token")
    if not given:
        raise HTTPException(
            403,
            "this request has no CSRF token (form field csrf_token or header X-CSRF-Token): "
            "reload the page and try again",
        )
    if _session(request) is not None:
        if not _session_token_ok(request, given):
            raise HTTPException(
                403, "the CSRF token does not match your session: reload the page and try again"
            )
    elif not _login_form_token_ok(request, given):
        raise HTTPException(
            403,
            "the CSRF token is not valid (the page expired, or your session ended): "
            "reload the page and try again",
        )


# -- pages -----------------------------------------------------------------------


def safe_next(target: str) -> str:
    """`target` if it is a path on this site, else "/": no open redirect via ?next=."""
    if not target or len(target) > _NEXT_MAX or not target.startswith("/"):
        return "/"
    if target.startswith("//") or "\\" in target or any(ord(ch) < 32 for ch in target):
        return "/"  # //host and /\host are other sites to a browser
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


_FALLBACK_LOGIN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · clearance</title></head>
<body><main>
<h1>Log in</h1>
{% if error %}<p role="alert">{{ error }}</p>{% endif %}
<form method="post" action="/login">
<input type="hidden" name="csrf_token" value="{{ csrf_token }}">
<input type="hidden" name="next" value="{{ next }}">
<p><label for="username">Username</label>
<input id="username" name="username" value="{{ username }}" autocomplete="username"
 maxlength="80" required autofocus></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password"
 maxlength="1024" required></p>
<p><button type="submit">Log in</button></p>
</form></main></body></html>
"""


def _render_login(request: Request, status: int, **context: Any) -> HTMLResponse:
    try:
        from clearance.service.web.templating import (  # type: ignore[import-not-found, unused-ignore]
            render,
        )
    except ImportError:  # the UI's templates are not installed: a bare page still works
        import jinja2

        template = jinja2.Environment(autoescape=True).from_string(_FALLBACK_LOGIN)
        html = template.render(csrf_token=csrf_token(request), user=None, **context)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
    page: HTMLResponse = render(request, "login.html.j2", status_code=status, **context)
    return page


def _login_page(
    request: Request,
    status: int = 200,
    *,
    next_path: str = "/",
    error: str | None = None,
    username: str = "",
    retry_after: int | None = None,
) -> Response:
    response = _render_login(
        request, status, next=next_path, error=error, username=username, retry_after=retry_after
    )
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return remember_csrf_cookie(request, response)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    target = safe_next(next)
    if current_user(request) is not None:
        return RedirectResponse(target, status_code=303)
    return _login_page(request, next_path=target)


@router.post("/login")
async def login_submit(request: Request) -> Response:
    form = await request.form()
    username, password = _field(form, "username"), _field(form, "password")
    target, given = safe_next(_field(form, "next")), _field(form, "csrf_token")
    if not given or not (_login_form_token_ok(request, given) or _session_token_ok(request, given)):
        return _login_page(
            request,
            403,
            next_path=target,
            username=username[:USERNAME_MAX],
            error="The login form expired or your browser blocked its cookie: "
            "please try again (cookies must be allowed for this site).",
        )
    problem = _length_problem(username, password)
    if problem:
        return _login_page(request, 400, next_path=target, error=problem)
    address = request.client.host if request.client else "unknown"
    limiter = LoginLimiter(_engine(request))
    charge = limiter.charge(address, username)
    if charge.wait is not None:
        return _login_page(
            request,
            429,
            next_path=target,
            username=username,
            retry_after=charge.wait,
            error=f"Too many failed logins. Try again in {_duration(charge.wait)}.",
        )
    user = UserStore(_engine(request)).authenticate(username, password)
    if user is None:
        return _login_page(
            request, 401, next_path=target, username=username, error="Wrong username or password."
        )
    limiter.succeeded(charge)
    return _start_session(request, user, target)


def _length_problem(username: str, password: str) -> str | None:
    if not username or not password:
        return "Enter both a username and a password."
    if len(username) > USERNAME_MAX:
        return f"The username is longer than {USERNAME_MAX} characters."
    if len(password) > PASSWORD_MAX:
        return f"The password is longer than {PASSWORD_MAX} characters."
    return None


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes > 1 else ''} ({seconds} seconds)"


def _start_session(request: Request, user: User, target: str) -> Response:
    """A fresh session for a successful login; any session the browser had is ended.

    A new token at every login means a token planted in the browser before
    (session fixation) never becomes a logged-in session.
    """
    sessions = SessionStore(_engine(request))
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        sessions.delete(old)
    token, _session_row = sessions.create(user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(sessions.lifetime.total_seconds()),
        path="/",
        secure=secure_cookies(),
        httponly=True,
        samesite="lax",
    )
    return response


def _forget_session_cookie(response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=secure_cookies(), httponly=True, samesite="lax"
    )


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End the session (CSRF-checked); with no live session there is nothing to end."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and _session(request) is not None:
        await verify_csrf(request)
        SessionStore(_engine(request)).delete(token)
    response = RedirectResponse("/login", status_code=303)
    _forget_session_cookie(response)
    return response


def login_required_handler(request: Request, exc: Exception) -> Response:
    """Exception handler for LoginRequired: to the login page, then back where the user was."""
    next_path = exc.next_path if isinstance(exc, LoginRequired) else "/"
    location = "/login" if next_path == "/" else f"/login?next={quote(next_path, safe='/')}"
    response: Response
    if request.headers.get("hx-request"):  # htmx would swap the login page into a fragment
        response = Response(status_code=204, headers={"HX-Redirect": location})
    else:
        response = RedirectResponse(location, status_code=303)
    if request.cookies.get(SESSION_COOKIE):
        _forget_session_cookie(response)
    return response
