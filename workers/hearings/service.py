"""Services for hearings: composition check, scheduling and storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workers.errors import ERR_HEARING_COMPOSITION, RuleViolation
from workers.hearings.models import AttendeeCreate, Hearing, HearingAttendee, MeetingKind
from workers.hearings.rules import (
    MATERIALS_DAYS,
    MAX_OFFICIAL_SHARE,
    MIN_REPRESENTATIVE_SHARE,
    NOTICE_DAYS,
    choose_date,
    composition_violations,
)
from workers.items import service as items


def venue_taken(*, session: Session, venue: str, day: date, except_item_id: int) -> bool:
    """Whether another item's hearing uses ``venue`` on ``day``."""
    found = session.scalar(
        select(Hearing.id)
        .where(Hearing.venue == venue, Hearing.hearing_date == day)
        .where(Hearing.item_id != except_item_id)
        .limit(1)
    )
    return found is not None


def schedule(
    *,
    session: Session,
    item_id: int,
    venue: str,
    attendees: Sequence[AttendeeCreate],
    announce_date: date,
    preferred_date: date | None = None,
    notice_days: int = NOTICE_DAYS,
    materials_days: int = MATERIALS_DAYS,
    min_representative_share: float = MIN_REPRESENTATIVE_SHARE,
    max_official_share: float = MAX_OFFICIAL_SHARE,
) -> Hearing:
    """Check the composition, choose a date and store the item's hearing.

    Raises RuleViolation(ERR_HEARING_COMPOSITION) with the reasons when the composition breaks
    the rule or no date is free; nothing is stored then. Scheduling again for the same item
    replaces its hearing; the same inputs give the same date (idempotent).
    """
    items.require(session=session, item_id=item_id)
    reasons = composition_violations(
        attendees,
        min_representative_share=min_representative_share,
        max_official_share=max_official_share,
    )
    if reasons:
        raise RuleViolation(ERR_HEARING_COMPOSITION, reasons)
    chosen = choose_date(
        announce_date=announce_date,
        preferred_date=preferred_date,
        notice_days=notice_days,
        materials_days=materials_days,
        venue_taken=lambda day: venue_taken(
            session=session, venue=venue, day=day, except_item_id=item_id
        ),
    )
    if chosen is None:
        raise RuleViolation(ERR_HEARING_COMPOSITION, [f"会场{venue}一年内没有可用日期"])
    hearing = session.scalar(
        select(Hearing).where(Hearing.item_id == item_id, Hearing.kind == MeetingKind.HEARING)
    )
    if hearing is None:
        hearing = Hearing(item_id=item_id, kind=MeetingKind.HEARING)
        session.add(hearing)
    hearing.venue = venue
    hearing.hearing_date = chosen.hearing_date
    hearing.announce_date = announce_date
    hearing.materials_due = chosen.materials_due
    hearing.parameters = {
        "noticeDays": notice_days,
        "materialsDays": materials_days,
        "minRepresentativeShare": min_representative_share,
        "maxOfficialShare": max_official_share,
    }
    hearing.attendees = [
        HearingAttendee(
            position=i,
            name=a.name,
            role=a.role.value,
            affiliation=a.affiliation,
            civil_servant=a.civil_servant,
            third_party=a.third_party,
            legal_affairs_office=a.legal_affairs_office,
        )
        for i, a in enumerate(attendees, start=1)
    ]
    session.flush()
    return hearing
