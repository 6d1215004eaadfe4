"""Hearing rules: composition, notice periods, venue conflicts; stored hearings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from workers.errors import ERR_HEARING_COMPOSITION, RuleViolation
from workers.hearings import service as hearings
from workers.hearings.models import AttendeeCreate
from workers.hearings.rules import choose_date, composition_violations
from workers.items.models import Item


def people(
    reps: int = 4, officials: int = 2, notables: int = 0, **extra: Any
) -> list[AttendeeCreate]:
    rows: list[dict[str, Any]] = [
        {"name": f"代表{i}", "role": "representative"} for i in range(reps)
    ]
    rows += [{"name": f"负责人{i}", "role": "official"} for i in range(officials)]
    rows += [{"name": f"贤达{i}", "role": "notable"} for i in range(notables)]
    rows += [
        {"name": "听证员甲", "role": "officer", "thirdParty": True},
        {"name": "记录员乙", "role": "recorder", "thirdParty": True},
        {"name": "主持人丙", "role": "chair", "legalAffairsOffice": True},
    ]
    for key, value in extra.items():
        rows[0][key] = value
    return [AttendeeCreate.model_validate(r) for r in rows]


def test_lawful_composition_has_no_violations() -> None:
    # 4 representatives of 9 attendees = 44%, 2 officials = 22%
    assert composition_violations(people()) == []


def test_too_few_representatives_is_reported_with_shares() -> None:
    reasons = composition_violations(people(reps=2, officials=1))
    assert len(reasons) == 1
    assert "利益群体代表2人" in reasons[0] and "33%" in reasons[0] and "低于40%" in reasons[0]


def test_exactly_forty_percent_is_allowed() -> None:
    # 6 of 15 representatives, 6 of 15 officials and notables: both exactly at the limit.
    assert composition_violations(people(reps=6, officials=4, notables=2)) == []


def test_officials_and_notables_above_forty_percent() -> None:
    # 7 of 16 = 44% officials and notables; representatives 6 of 16 = 38%.
    reasons = composition_violations(people(reps=6, officials=4, notables=3))
    assert any("部门、单位负责人和社会贤达7人" in r and "44%" in r for r in reasons)
    assert any("利益群体代表6人" in r and "38%" in r for r in reasons)


def test_civil_servant_cannot_represent_stakeholders() -> None:
    reasons = composition_violations(people(civilServant=True))
    assert reasons == ["第1位参会人员（代表0）为在职公务员，不得担任利益群体代表"]


def test_officer_recorder_and_chair_rules() -> None:
    rows = people()
    rows[-3] = AttendeeCreate.model_validate({"name": "听证员甲", "role": "officer"})
    rows[-1] = AttendeeCreate.model_validate({"name": "主持人丙", "role": "chair"})
    rows = [r for r in rows if r.role != "recorder"]
    reasons = composition_violations(rows)
    assert any("听证员" in r and "第三方行政机关" in r for r in reasons)
    assert "缺少记录员" in reasons
    assert any("主持人（主持人丙）应由法制办负责人" in r for r in reasons)


def test_date_respects_notice_and_skips_weekends_and_taken_days() -> None:
    announce = date(2026, 3, 2)  # Monday; +10 days is Thursday 12 March
    free = choose_date(
        announce_date=announce,
        preferred_date=None,
        notice_days=10,
        materials_days=5,
        venue_taken=lambda d: False,
    )
    assert free is not None
    assert free.hearing_date == date(2026, 3, 12)
    assert free.materials_due == date(2026, 3, 7)
    taken = {date(2026, 3, 12), date(2026, 3, 13)}
    later = choose_date(
        announce_date=announce,
        preferred_date=None,
        notice_days=10,
        materials_days=5,
        venue_taken=lambda d: d in taken,
    )
    assert later is not None and later.hearing_date == date(2026, 3, 16)  # next Monday


def test_preferred_date_is_kept_when_lawful_and_notice_wins_otherwise() -> None:
    kw: dict[str, Any] = {"notice_days": 10, "materials_days": 5, "venue_taken": lambda d: False}
    early = choose_date(announce_date=date(2026, 3, 2), preferred_date=date(2026, 3, 5), **kw)
    late = choose_date(announce_date=date(2026, 3, 2), preferred_date=date(2026, 4, 1), **kw)
    assert early is not None and early.hearing_date == date(2026, 3, 12)
    assert late is not None and late.hearing_date == date(2026, 4, 1)


def test_venue_conflict_between_items_and_rescheduling_the_same_item(
    session: Session, make_item: Callable[..., Item]
) -> None:
    first, second = make_item(), make_item(itemName="另一个事项")
    kw: dict[str, Any] = {"venue": "区政府会议室", "announce_date": date(2026, 3, 2)}
    a = hearings.schedule(session=session, item_id=first.id, attendees=people(), **kw)
    b = hearings.schedule(session=session, item_id=second.id, attendees=people(), **kw)
    assert a.hearing_date == date(2026, 3, 12)
    assert b.hearing_date == date(2026, 3, 13)
    again = hearings.schedule(session=session, item_id=first.id, attendees=people(reps=5), **kw)
    assert again.id == a.id and again.hearing_date == date(2026, 3, 12)
    assert len(again.attendees) == 10


def test_violation_stores_nothing(session: Session, make_item: Callable[..., Item]) -> None:
    item = make_item()
    with pytest.raises(RuleViolation) as caught:
        hearings.schedule(
            session=session,
            item_id=item.id,
            venue="会议室",
            attendees=people(reps=1),
            announce_date=date(2026, 3, 2),
        )
    assert caught.value.code == ERR_HEARING_COMPOSITION
    assert session.query(hearings.Hearing).count() == 0
