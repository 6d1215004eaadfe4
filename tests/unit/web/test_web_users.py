"""Users: password hashing, the users file, demo users and each user's remit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from web.settings import WebSettings
from web.users import (
    COUNTIES,
    build_directory,
    demo_users,
    hash_password,
    load_users_file,
    verify_password,
)


def test_password_hash_round_trip_and_production_cost() -> None:
    stored = hash_password("稳评2026!")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("稳评2026!", stored)
    assert not verify_password("稳评2026", stored)
    assert not verify_password("x", "scrypt$garbage")
    assert hash_password("same") != hash_password("same")  # salted


def test_users_file(tmp_path: Path) -> None:
    entry = {
        "username": "zhang",
        "name": "张三",
        "organisation": "景泰县委政法委",
        "role": "political_legal",
        "jurisdiction": "景泰县",
        "groups": ["political-legal-commission"],
        "passwordHash": hash_password("pw", n=16),
    }
    path = tmp_path / "users.json"
    path.write_text(json.dumps([entry]), encoding="utf-8")
    directory = build_directory(demo_password=None, users_file=path, n=16)
    user = directory.authenticate("zhang", "pw")
    assert user is not None and user.jurisdiction == "景泰县"
    assert directory.authenticate("baiyin-dept", "pw") is None  # no demo users
    path.write_text(json.dumps([{**entry, "jurisdiction": "兰州市"}]), encoding="utf-8")
    with pytest.raises(ValueError, match=r"users.json\[0\].jurisdiction"):
        load_users_file(path)


def test_demo_users_cover_the_city_and_five_counties() -> None:
    users = demo_users()
    for county in COUNTIES:
        mine = [u for u in users if u.jurisdiction == county]
        assert any(u.township for u in mine), county
        assert any("responsible-subject" in u.groups for u in mine), county
    assert any(u.is_city and "development-reform-commission" in u.groups for u in users)


def test_remit() -> None:
    users = {u.username: u for u in demo_users()}
    city, county, township = users["city-zfw"], users["jingtai-dept"], users["jingtai-township"]
    assert city.may_see_case("会宁县", None) and city.may_see_case(None, None)
    assert county.may_see_case("景泰县", "任何镇") and not county.may_see_case("白银市", None)
    assert township.may_see_case("景泰县", "一条山镇")
    assert not township.may_see_case("景泰县", None)
    assert not township.may_see_case("白银市", "一条山镇")


def test_production_refuses_development_secrets() -> None:
    with pytest.raises(ValidationError, match="SESSION_SECRET"):
        WebSettings(WENPING_ENVIRONMENT="production")
    with pytest.raises(ValidationError, match="DEMO_PASSWORD"):
        WebSettings(WENPING_ENVIRONMENT="production", session_secret="s" * 40)
    ok = WebSettings(WENPING_ENVIRONMENT="production", session_secret="s" * 40, demo_users=False)
    assert not ok.is_development
