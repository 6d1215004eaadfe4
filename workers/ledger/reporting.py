"""The ledger views the Political-Legal Commission keeps: the item ledger and the monthly report.

Baiyin's filing system (报备制度, seed article): every county and department keeps a ledger and
reports progress every month with a statistical monthly report (统计月报表).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from workers.filings.models import Filing
from workers.items.models import Item, ResponsibleSubject, SubjectRole
from workers.ledger.models import LedgerEntry, LedgerKind


class LedgerRow(BaseModel):
    """One item in the ledger (台账)."""

    item_id: int
    name: str
    item_type: str
    jurisdiction: str
    responsible_unit: str
    status: str
    current_stage: int
    risk_level: str | None
    filing_number: str | None
    demo: bool


class MonthlySummary(BaseModel):
    """Counts for the statistical monthly report (统计月报表) of a jurisdiction."""

    jurisdiction: str | None
    year: int
    month: int
    registered: int
    filed: int
    decisions: dict[str, int]
    risk_levels: dict[str, int]


def item_ledger(
    *, session: Session, jurisdiction: str | None = None, year: int | None = None
) -> list[LedgerRow]:
    """The items of a jurisdiction (all when None) registered in ``year`` (all when None)."""
    query = (
        select(Item, ResponsibleSubject.unit, Filing.number)
        .join(
            ResponsibleSubject,
            (ResponsibleSubject.item_id == Item.id) & (ResponsibleSubject.role == SubjectRole.LEAD),
        )
        .outerjoin(Filing, Filing.item_id == Item.id)
        .order_by(Item.id)
    )
    if jurisdiction is not None:
        query = query.where(Item.jurisdiction == jurisdiction)
    if year is not None:
        query = query.where(
            Item.created_at >= datetime(year, 1, 1, tzinfo=UTC),
            Item.created_at < datetime(year + 1, 1, 1, tzinfo=UTC),
        )
    return [
        LedgerRow(
            item_id=item.id,
            name=item.name,
            item_type=item.item_type,
            jurisdiction=item.jurisdiction,
            responsible_unit=unit,
            status=item.status,
            current_stage=item.current_stage,
            risk_level=item.risk_level,
            filing_number=number,
            demo=item.demo,
        )
        for item, unit, number in session.execute(query).all()
    ]


def monthly_summary(
    *, session: Session, year: int, month: int, jurisdiction: str | None = None
) -> MonthlySummary:
    """What happened in one month: registrations, filings, decisions and their levels."""
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    in_scope = select(Item.id)
    if jurisdiction is not None:
        in_scope = in_scope.where(Item.jurisdiction == jurisdiction)
    ids = set(session.scalars(in_scope).all())
    registered = session.scalars(
        select(Item.id).where(Item.created_at >= start, Item.created_at < end)
    ).all()
    filed = session.scalars(
        select(Filing.item_id).where(
            Filing.filed_on >= date(year, month, 1), Filing.filed_on < end.date()
        )
    ).all()
    decision_rows = session.execute(
        select(LedgerEntry.item_id, LedgerEntry.details).where(
            LedgerEntry.kind == LedgerKind.DECISION,
            LedgerEntry.created_at >= start,
            LedgerEntry.created_at < end,
        )
    ).all()
    decided = [row for row in decision_rows if row[0] in ids]
    return MonthlySummary(
        jurisdiction=jurisdiction,
        year=year,
        month=month,
        registered=sum(1 for i in registered if i in ids),
        filed=sum(1 for i in filed if i in ids),
        decisions=dict(Counter(str(row[1].get("decision")) for row in decided)),
        risk_levels=dict(
            Counter(str(row[1]["riskLevel"]) for row in decided if row[1].get("riskLevel"))
        ),
    )
