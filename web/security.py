"""Sign-in state, CSRF tokens and response headers.

The session is a cookie signed with itsdangerous (Starlette's ``SessionMiddleware``) holding only
the user name, the CSRF token and a pending notice. Every POST must carry that token, as the form
field ``csrf_token`` or the ``X-CSRF-Token`` header; the comparison is constant-time.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.users import User, UserDirectory

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'"
)


class LoginThrottle:
    """Refuses sign-in for a user name after repeated failures, for a while (guessing costs).

    In memory, per process: enough for one web process; a restart forgets, which only helps the
    legitimate user.
    """

    def __init__(self, *, now: Callable[[], datetime], attempts: int = 5, window_s: int = 900):
        self._now = now
        self._attempts = attempts
        self._window = timedelta(seconds=window_s)
        self._failures: dict[str, list[datetime]] = {}

    def _recent(self, username: str) -> list[datetime]:
        cutoff = self._now() - self._window
        recent = [t for t in self._failures.get(username, []) if t > cutoff]
        if recent:
            self._failures[username] = recent
        else:
            self._failures.pop(username, None)
        return recent

    def blocked(self, username: str) -> bool:
        return len(self._recent(username)) >= self._attempts

    def failed(self, username: str) -> None:
        self._failures.setdefault(username, []).append(self._now())

    def succeeded(self, username: str) -> None:
        self._failures.pop(username, None)


class LoginRequired(Exception):
    """No signed-in user: the page answers with a redirect to the sign-in page."""


class CsrfFailed(Exception):
    """A POST without the session's CSRF token (answered 403)."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: object) -> None:
    """Raise :class:`CsrfFailed` unless ``submitted`` (or the header) is the session's token."""
    expected = request.session.get("csrf")
    given = submitted if isinstance(submitted, str) else request.headers.get(CSRF_HEADER, "")
    if not isinstance(expected, str) or not given or not hmac.compare_digest(given, expected):
        raise CsrfFailed()


def flash(request: Request, text: str) -> None:
    """A notice for the next page the user sees (kept in the signed session).

    Not a query parameter: a link could then put any words on our pages, in our layout.
    """
    request.session["notice"] = text


def take_notice(request: Request) -> str | None:
    """The pending notice, once."""
    notice = request.session.pop("notice", None)
    return notice if isinstance(notice, str) else None


def sign_in(request: Request, user: User) -> None:
    """Start a fresh session for ``user`` (a new CSRF token, nothing carried over)."""
    request.session.clear()
    request.session["user"] = user.username
    csrf_token(request)


def current_user(request: Request) -> User:
    """The signed-in user; :class:`LoginRequired` if there is none or they no longer exist."""
    directory: UserDirectory = request.app.state.directory
    username = request.session.get("user")
    user = directory.get(username) if isinstance(username, str) else None
    if user is None:
        raise LoginRequired()
    return user


class SecurityHeaders:
    """Adds a strict Content-Security-Policy and related headers to every response."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        # Behind TLS, tell browsers never to try plain HTTP, where the cookie would not be sent.
        self.extra = [(b"strict-transport-security", b"max-age=31536000")] if hsts else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cache-control", b"no-store")
                    if not scope["path"].startswith("/static/")
                    else (b"cache-control", b"max-age=3600"),
                ]
                headers += self.extra
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, add_headers)
