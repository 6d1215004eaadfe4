"""Services for the stakeholder register and the sampling of representatives."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workers.codes import Stance
from workers.db import bulk_insert
from workers.errors import InvalidInput
from workers.items import service as items
from workers.stakeholders.models import (
    Household,
    HouseholdRow,
    Representative,
    RepresentativeRead,
    Sample,
)
from workers.stakeholders.sampling import Candidate, draw, sample_size


def add_households(*, session: Session, item_id: int, rows: Iterable[HouseholdRow]) -> int:
    """Add register rows in bulk; returns how many were added."""
    payload = [
        (item_id, r.name, r.group, r.community, r.stance.value, r.civil_servant, r.demo)
        for r in rows
    ]
    columns = ("item_id", "name", "group", "community", "stance", "civil_servant", "demo")
    bulk_insert(session, Household.__tablename__, columns, payload)
    return len(payload)


def register_size(*, session: Session, item_id: int) -> int:
    """Number of households in the item's register."""
    return session.scalar(select(func.count(Household.id)).where(Household.item_id == item_id)) or 0


def draw_sample(
    *,
    session: Session,
    item_id: int,
    visit_ratio: float | None,
    min_ratio: float = 0.0,
    min_count: int = 0,
    seed: int | None = None,
    request_key: int | None = None,
) -> Sample:
    """Draw and store a sample of representatives for the item (idempotent by request key).

    ``visit_ratio`` defaults to the item's current plan; the minimums come from the process
    (the survey-sample-minimum DMN), not from this code.
    """
    if request_key is not None:
        existing = session.scalar(select(Sample).where(Sample.request_key == request_key))
        if existing is not None:
            return existing
    item = items.require(session=session, item_id=item_id)
    if visit_ratio is None:
        plan = items.current_plan(session=session, item_id=item_id)
        if plan is None:
            raise InvalidInput("visitRatio", "未提供，且该事项尚无评估方案")
        visit_ratio = plan.visit_ratio
    # Core rows through the connection: no ORM row processing for 100,000 households.
    rows = (
        session.connection()
        .execute(
            select(Household.id, Household.group, Household.stance)
            .where(Household.item_id == item_id)
            .order_by(Household.id)
        )
        .all()
    )
    if not rows:
        raise InvalidInput("itemId", "该事项的利益相关方登记册为空，无法抽样")
    candidates = [Candidate(r[0], r[1], r[2]) for r in rows]
    size = sample_size(
        register_size=len(candidates),
        visit_ratio=visit_ratio,
        min_ratio=min_ratio,
        min_count=min_count,
    )
    if seed is None:
        # 53 bits: survives a round trip through FEEL/JSON numbers without losing precision.
        seed = secrets.randbits(53)
    picks = draw(candidates, size=size, seed=seed, opposers_first=item.sensitive)
    opposed = {r[0] for r in rows if r[2] == Stance.OPPOSE}
    sample = Sample(
        item_id=item_id,
        request_key=request_key,
        seed=seed,
        size=len(picks),
        register_size=len(candidates),
        opposers_picked=sum(1 for p in picks if p.household_id in opposed),
        parameters={
            "visitRatio": visit_ratio,
            "minSampleRatio": min_ratio,
            "minSampleCount": min_count,
            "opposersFirst": item.sensitive,
        },
    )
    session.add(sample)
    session.flush()
    bulk_insert(
        session,
        Representative.__tablename__,
        ("sample_id", "household_id", "position", "reason"),
        [(sample.id, p.household_id, i, p.reason) for i, p in enumerate(picks, start=1)],
    )
    return sample


def representatives(*, session: Session, sample_id: int) -> list[RepresentativeRead]:
    """The picked households of a sample in pick order, with reasons."""
    rows = session.execute(
        select(
            Representative.household_id,
            Household.name,
            Household.group,
            Household.stance,
            Representative.position,
            Representative.reason,
        )
        .join(Household, Household.id == Representative.household_id)
        .where(Representative.sample_id == sample_id)
        .order_by(Representative.position)
    ).all()
    return [
        RepresentativeRead(
            household_id=r[0], name=r[1], group=r[2], stance=r[3], position=r[4], reason=r[5]
        )
        for r in rows
    ]
