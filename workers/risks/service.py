"""Services for the risk register."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from workers.items import service as items
from workers.ledger import service as ledger
from workers.ledger.models import LedgerKind
from workers.risks.models import EmergencyPlan, RiskPoint, RiskPointCreate


def record_register(
    *,
    session: Session,
    item_id: int,
    points: Sequence[RiskPointCreate],
    emergency_plan: str | None,
    request_key: int | None,
) -> list[RiskPoint]:
    """Store a new version of the item's risk register; older versions stay, marked not current.

    A repeated request (same key) returns the version it wrote.
    """
    items.require(session=session, item_id=item_id)
    key = f"risk-register:{request_key}" if request_key is not None else None
    if key is not None:
        done = ledger.find(session=session, request_key=key)
        if done is not None:
            return list(current_points(session=session, item_id=item_id))
    version = (
        session.scalar(
            select(func.max(RiskPoint.register_version)).where(RiskPoint.item_id == item_id)
        )
        or 0
    ) + 1
    session.execute(update(RiskPoint).where(RiskPoint.item_id == item_id).values(current=False))
    rows = [
        RiskPoint(
            item_id=item_id,
            register_version=version,
            current=True,
            position=i,
            factor=p.factor,
            stage=p.stage,
            probability=p.probability.value,
            impact=p.impact.value,
            degree=p.degree.value if p.degree else None,
            measure=p.measure,
            responsible_unit=p.responsible_unit,
            deadline=p.deadline,
            probability_after=p.probability_after.value if p.probability_after else None,
            impact_after=p.impact_after.value if p.impact_after else None,
            degree_after=p.degree_after.value if p.degree_after else None,
        )
        for i, p in enumerate(points, start=1)
    ]
    session.add_all(rows)
    if emergency_plan:
        session.add(EmergencyPlan(item_id=item_id, register_version=version, text=emergency_plan))
    ledger.record(
        session=session,
        item_id=item_id,
        kind=LedgerKind.RISK_REGISTER,
        stage=5,
        text=f"登记风险点{len(rows)}个（第{version}版风险清单）",
        details={"version": version},
        request_key=key,
    )
    session.flush()
    return rows


def current_points(*, session: Session, item_id: int) -> Sequence[RiskPoint]:
    """The item's current risk register in order."""
    return session.scalars(
        select(RiskPoint)
        .where(RiskPoint.item_id == item_id, RiskPoint.current.is_(True))
        .order_by(RiskPoint.position)
    ).all()


def emergency_plan(*, session: Session, item_id: int) -> str:
    """The newest emergency plan of the item ("" when none was written)."""
    text = session.scalar(
        select(EmergencyPlan.text)
        .where(EmergencyPlan.item_id == item_id)
        .order_by(EmergencyPlan.id.desc())
        .limit(1)
    )
    return text or ""
