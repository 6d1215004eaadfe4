"""Helpers shared by the web app's tests (a unique module name: tests/unit has no packages)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PASSWORD = "correct horse"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, username: str) -> str:
    """Sign in as a demo user; returns the session's CSRF token."""
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={
            "username": username,
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "/tasks",
        },
    )
    assert response.status_code == 303, response.text
    inbox = await client.get("/tasks")
    return csrf_of(inbox.text)
