"""Who may reach the REST API, and how much they may send.

Rules (issue 4): with no credentials configured the API is only served on a loopback address and
asks for none; any other address requires a bearer token or basic auth from
:class:`~wenping.settings.EngineSettings`, and :func:`check_exposure` refuses to start otherwise.
When credentials are configured they are required on every request, whatever the address.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.errors import FailedPrecondition
from engine.rest.body import BodyTooLarge
from wenping.settings import EngineSettings

MIN_TOKEN_CHARS = 16
MIN_PASSWORD_CHARS = 12


class ExposureError(FailedPrecondition):
    """The REST API would be reachable from other machines without authentication."""


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback IP address (``127.0.0.0/8``, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: EngineSettings) -> None:
    """Refuse settings that would expose the REST API without authentication.

    Raises :class:`ExposureError` (a :class:`~engine.errors.FailedPrecondition`) naming the
    setting to change.
    """
    user = settings.rest_basic_user
    password = settings.rest_basic_password
    if bool(user) != bool(password and password.get_secret_value()):
        raise ExposureError(
            "WENPING_ENGINE_REST_BASIC_USER and WENPING_ENGINE_REST_BASIC_PASSWORD must be set "
            "together (基本认证的用户名和密码须同时设置)"
        )
    if is_loopback(settings.rest_host):
        return
    token = settings.rest_token.get_secret_value() if settings.rest_token else ""
    if not token and not user:
        raise ExposureError(
            f"the REST API would listen on {settings.rest_host} without authentication: set "
            "WENPING_ENGINE_REST_TOKEN or WENPING_ENGINE_REST_BASIC_USER/PASSWORD, or listen on "
            "127.0.0.1 (REST 接口对外监听时必须配置令牌或基本认证)"
        )
    if token and len(token) < MIN_TOKEN_CHARS:
        raise ExposureError(
            f"WENPING_ENGINE_REST_TOKEN must have at least {MIN_TOKEN_CHARS} characters when the "
            "REST API listens beyond loopback (令牌过短)"
        )
    if password and len(password.get_secret_value()) < MIN_PASSWORD_CHARS:
        raise ExposureError(
            f"WENPING_ENGINE_REST_BASIC_PASSWORD must have at least {MIN_PASSWORD_CHARS} "
            "characters when the REST API listens beyond loopback (密码过短)"
        )


def _problem(status: int, title: str, detail: str, path: str) -> bytes:
    return json.dumps(
        {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": path,
        }
    ).encode()


async def _send_problem(
    send: Send, status: int, title: str, detail: str, path: str, extra: list[tuple[bytes, bytes]]
) -> None:
    body = _problem(status, title, detail, path)
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class AuthMiddleware:
    """Requires ``Authorization: Bearer <token>`` or ``Basic`` credentials when configured."""

    def __init__(self, app: ASGIApp, settings: EngineSettings) -> None:
        self.app = app
        self._token = (
            settings.rest_token.get_secret_value().encode() if settings.rest_token else b""
        )
        user, password = settings.rest_basic_user, settings.rest_basic_password
        self._basic = f"{user}:{password.get_secret_value()}".encode() if user and password else b""

    @property
    def enabled(self) -> bool:
        return bool(self._token or self._basic)

    def _authorized(self, header: bytes) -> bool:
        scheme, _, credentials = header.partition(b" ")
        scheme = scheme.lower()
        credentials = credentials.strip()
        if scheme == b"bearer" and self._token:
            return hmac.compare_digest(credentials, self._token)
        if scheme == b"basic" and self._basic:
            try:
                decoded = base64.b64decode(credentials, validate=True)
            except (binascii.Error, ValueError):
                return False
            return hmac.compare_digest(decoded, self._basic)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.enabled:
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(b"authorization", b"")
        if self._authorized(header):
            await self.app(scope, receive, send)
            return
        challenge = b'Bearer realm="wenping"' if self._token else b'Basic realm="wenping"'
        await _send_problem(
            send,
            401,
            "UNAUTHORIZED",
            "The request lacks valid authentication credentials.",
            scope.get("path", ""),
            [(b"www-authenticate", challenge)],
        )


class BodyLimitMiddleware:
    """Refuses request bodies over ``limit`` bytes with 413, by header or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _send_problem(
                send,
                413,
                "PAYLOAD_TOO_LARGE",
                f"The request body exceeds the limit of {self.limit} bytes.",
                scope.get("path", ""),
                [(b"connection", b"close")],
            )
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited_receive, send)
