"""Staff users: who they are, which candidate groups they hold, which cases they may see.

Candidate groups are the ones the models in ``bpmn/`` and ``dmn/`` assign tasks to
(``responsible-subject``, ``political-legal-commission``, ``county-leader`` …). A user's
jurisdiction is ``白银市`` (the city: every case), a county-level unit (cases of that unit), or a
county plus a township (cases of that unit whose ``township`` is theirs).

Passwords are stored as ``scrypt$n$r$p$salt$hash`` (hashlib.scrypt, no extra dependency).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

CITY = "白银市"
COUNTIES: tuple[str, ...] = ("白银区", "平川区", "会宁县", "靖远县", "景泰县")
JURISDICTIONS: tuple[str, ...] = (CITY, *COUNTIES)

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


class Role(StrEnum):
    """What a user does; the Chinese label is what staff see."""

    POLITICAL_LEGAL = "political_legal"
    DEVELOPMENT_REFORM = "development_reform"
    GENERAL_OFFICE = "general_office"
    CITY_LEADER = "city_leader"
    COUNTY_LEADER = "county_leader"
    TOWNSHIP_LEADER = "township_leader"
    DEPARTMENT = "department"
    EXPERT = "expert"
    HEARING_STAFF = "hearing_staff"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.POLITICAL_LEGAL: "政法委",
    Role.DEVELOPMENT_REFORM: "发改委",
    Role.GENERAL_OFFICE: "党委政府办公室",
    Role.CITY_LEADER: "市级领导",
    Role.COUNTY_LEADER: "县区领导",
    Role.TOWNSHIP_LEADER: "乡镇街道领导",
    Role.DEPARTMENT: "评估责任单位",
    Role.EXPERT: "专家",
    Role.HEARING_STAFF: "第三方听证人员",
}

GROUP_LABELS: Mapping[str, str] = {
    "responsible-subject": "评估责任主体",
    "political-legal-commission": "政法委",
    "development-reform-commission": "发改委",
    "general-office": "党委政府办公室",
    "city-leader": "市级分管领导",
    "county-leader": "县区分管领导",
    "county-government": "县区政府",
    "county-departments": "县区职能部门",
    "township-street": "乡镇街道",
    "functional-departments": "市直职能部门",
    "grand-mediation-centre": "社会矛盾大调解中心",
    "expert": "专家",
    "hearing-staff": "第三方听证机构",
}
"""Every candidate group the models use, with the name staff know it by."""


@dataclass(frozen=True)
class User:
    """A signed-in member of staff (never carries the password hash out of the directory)."""

    username: str
    name: str
    organisation: str
    role: Role
    jurisdiction: str
    groups: frozenset[str]
    township: str = ""

    @property
    def is_city(self) -> bool:
        return self.jurisdiction == CITY

    def may_see_case(self, jurisdiction: str | None, township: str | None) -> bool:
        """Whether a case of this jurisdiction (and township) is within the user's remit.

        A case whose jurisdiction is not known yet is the city's: only city staff see it.
        """
        if self.is_city:
            return True
        if jurisdiction != self.jurisdiction:
            return False
        return not self.township or township == self.township


@dataclass(frozen=True)
class _Account:
    user: User
    password_hash: str = field(repr=False)


def hash_password(password: str, *, n: int = _SCRYPT_N) -> str:
    """A salted scrypt hash in the form ``scrypt$n$r$p$salt$hash`` (base64)."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${n}${_SCRYPT_R}${_SCRYPT_P}${enc(salt).decode()}${enc(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a :func:`hash_password` string."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


class UserDirectory:
    """The users who may sign in; looked up by user name."""

    def __init__(self, accounts: Iterable[_Account], *, n: int = _SCRYPT_N) -> None:
        self._accounts = {a.user.username: a for a in accounts}
        # Unknown names are checked against this too, so timing does not reveal who exists.
        self._decoy = hash_password(os.urandom(8).hex(), n=n)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password matches, else None."""
        account = self._accounts.get(username)
        ok = verify_password(password, account.password_hash if account else self._decoy)
        return account.user if ok and account is not None else None

    def get(self, username: str) -> User | None:
        account = self._accounts.get(username)
        return account.user if account else None

    def users(self) -> list[User]:
        return [a.user for a in self._accounts.values()]


def _user_from_json(entry: Mapping[str, Any], where: str) -> _Account:
    try:
        jurisdiction = str(entry["jurisdiction"])
        if jurisdiction not in JURISDICTIONS:
            raise ValueError(f"{where}.jurisdiction: unknown unit")
        user = User(
            username=str(entry["username"]),
            name=str(entry["name"]),
            organisation=str(entry["organisation"]),
            role=Role(entry["role"]),
            jurisdiction=jurisdiction,
            township=str(entry.get("township", "")),
            groups=frozenset(str(g) for g in entry["groups"]),
        )
        return _Account(user, str(entry["passwordHash"]))
    except KeyError as exc:
        raise ValueError(f"{where}: missing field {exc.args[0]}") from None


def load_users_file(path: Path) -> list[_Account]:
    """Accounts from a JSON list (``username, name, organisation, role, jurisdiction, township,
    groups, passwordHash``); errors name the entry and field."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a JSON list of users")
    return [_user_from_json(e, f"{path}[{i}]") for i, e in enumerate(entries)]


# Demo townships: one per county-level unit, so township users can be shown their limits.
DEMO_TOWNSHIPS: Mapping[str, str] = {
    "白银区": "四龙镇",
    "平川区": "共和镇",
    "会宁县": "会师镇",
    "靖远县": "乌兰镇",
    "景泰县": "一条山镇",
}
_COUNTY_CODES = {"白银区": "baiyin", "平川区": "pingchuan", "会宁县": "huining",
                 "靖远县": "jingyuan", "景泰县": "jingtai"}  # fmt: skip


def demo_users() -> list[User]:
    """Demo staff of the city and of each of the five county-level units."""
    users = [
        User("city-zfw", "市委政法委（演示）", "白银市委政法委", Role.POLITICAL_LEGAL, CITY,
             frozenset({"political-legal-commission"})),
        User("city-fgw", "市发改委（演示）", "白银市发展和改革委员会", Role.DEVELOPMENT_REFORM,
             CITY, frozenset({"development-reform-commission"})),
        User("city-office", "市委办（演示）", "白银市委办公室", Role.GENERAL_OFFICE, CITY,
             frozenset({"general-office"})),
        User("city-leader", "市分管领导（演示）", "白银市人民政府", Role.CITY_LEADER, CITY,
             frozenset({"city-leader", "grand-mediation-centre"})),
        User("city-dept", "市直职能部门（演示）", "白银市自然资源局", Role.DEPARTMENT, CITY,
             frozenset({"functional-departments", "responsible-subject"})),
        User("expert", "专家（演示）", "白银市稳评专家库", Role.EXPERT, CITY,
             frozenset({"expert"})),
        User("hearing", "听证员（演示）", "白银市司法局（第三方）", Role.HEARING_STAFF, CITY,
             frozenset({"hearing-staff"})),
    ]  # fmt: skip
    for county, code in _COUNTY_CODES.items():
        township = DEMO_TOWNSHIPS[county]
        users += [
            User(f"{code}-dept", f"{county}责任单位（演示）", f"{county}住房和城乡建设局",
                 Role.DEPARTMENT, county,
                 frozenset({"responsible-subject", "county-departments"})),
            User(f"{code}-leader", f"{county}分管领导（演示）", f"{county}人民政府",
                 Role.COUNTY_LEADER, county, frozenset({"county-leader", "county-government"})),
            User(f"{code}-zfw", f"{county}政法委（演示）", f"{county}委政法委",
                 Role.POLITICAL_LEGAL, county, frozenset({"political-legal-commission"})),
            User(f"{code}-township", f"{township}（演示）", f"{county}{township}人民政府",
                 Role.TOWNSHIP_LEADER, county, frozenset({"township-street"}), township),
        ]  # fmt: skip
    return users


def build_directory(
    *, demo_password: str | None, users_file: Path | None, n: int = _SCRYPT_N
) -> UserDirectory:
    """Users from ``users_file`` plus, when ``demo_password`` is given, the demo users.

    The demo users share one password, so one hash serves them all.
    """
    accounts: list[_Account] = []
    if users_file is not None:
        accounts += load_users_file(users_file)
    if demo_password is not None:
        shared = hash_password(demo_password, n=n)
        accounts += [_Account(u, shared) for u in demo_users()]
    return UserDirectory(accounts, n=n)
