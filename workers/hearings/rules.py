"""The hearing rules as pure functions: the composition rule and the choice of date."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from workers.hearings.models import ROLE_LABELS, AttendeeCreate, AttendeeRole

MIN_REPRESENTATIVE_SHARE = 0.4
"""Stakeholder representatives ≥ 40% of attendees — Baiyin hearing system, seed article."""
MAX_OFFICIAL_SHARE = 0.4
"""Heads of departments and units plus notables ≤ 40% — Baiyin hearing system, seed article."""
NOTICE_DAYS = 10
"""Announce a hearing ≥ 10 days ahead — national hearing practice (DOMAIN.md §6); DMN overrides."""
MATERIALS_DAYS = 5
"""Send materials ≥ 5 days ahead — national hearing practice (DOMAIN.md §6); DMN overrides."""
SEARCH_DAYS = 366
"""How far ahead a free venue date is looked for before giving up (our choice)."""


@dataclass(frozen=True)
class Schedule:
    """A hearing date and the dates that follow from it."""

    hearing_date: date
    materials_due: date


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def composition_violations(
    attendees: Sequence[AttendeeCreate],
    *,
    min_representative_share: float = MIN_REPRESENTATIVE_SHARE,
    max_official_share: float = MAX_OFFICIAL_SHARE,
) -> list[str]:
    """Every way the composition breaks the rule, as Chinese sentences (empty if it is lawful)."""
    total = len(attendees)
    if total == 0:
        return ["参会人员名单为空"]
    reasons: list[str] = []
    reps = [a for a in attendees if a.role == AttendeeRole.REPRESENTATIVE]
    officials = [a for a in attendees if a.role in (AttendeeRole.OFFICIAL, AttendeeRole.NOTABLE)]
    if len(reps) < min_representative_share * total - 1e-9:
        reasons.append(
            f"利益群体代表{len(reps)}人，占参会人数{total}人的{_pct(len(reps) / total)}，"
            f"低于{_pct(min_representative_share)}"
        )
    if len(officials) > max_official_share * total + 1e-9:
        reasons.append(
            f"部门、单位负责人和社会贤达{len(officials)}人，占参会人数的"
            f"{_pct(len(officials) / total)}，高于{_pct(max_official_share)}"
        )
    for position, a in enumerate(attendees, start=1):
        if a.role == AttendeeRole.REPRESENTATIVE and a.civil_servant:
            reasons.append(f"第{position}位参会人员（{a.name}）为在职公务员，不得担任利益群体代表")
        if a.role in (AttendeeRole.OFFICER, AttendeeRole.RECORDER) and not a.third_party:
            reasons.append(
                f"第{position}位参会人员（{a.name}）任{ROLE_LABELS[a.role]}，"
                "应由第三方行政机关工作人员担任"
            )
    for role in (AttendeeRole.OFFICER, AttendeeRole.RECORDER):
        if not any(a.role == role for a in attendees):
            reasons.append(f"缺少{ROLE_LABELS[role]}")
    chairs = [a for a in attendees if a.role == AttendeeRole.CHAIR]
    if len(chairs) != 1:
        reasons.append(f"主持人应为1人，现为{len(chairs)}人")
    for a in chairs:
        if not a.legal_affairs_office:
            reasons.append(f"主持人（{a.name}）应由法制办负责人以第三方身份担任")
    return reasons


def choose_date(
    *,
    announce_date: date,
    preferred_date: date | None,
    notice_days: int,
    materials_days: int,
    venue_taken: Callable[[date], bool],
) -> Schedule | None:
    """The first working day that respects the notice periods and is free at the venue.

    Weekends are skipped (our choice: hearings are held on working days). None when no free day
    is found within ``SEARCH_DAYS``.
    """
    earliest = announce_date + timedelta(days=max(notice_days, materials_days))
    day = max(earliest, preferred_date) if preferred_date else earliest
    for _ in range(SEARCH_DAYS):
        if day.weekday() < 5 and not venue_taken(day):
            return Schedule(hearing_date=day, materials_due=day - timedelta(days=materials_days))
        day += timedelta(days=1)
    return None
