"""The ledger (台账) and the statistical monthly report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pyzeebe import Job
from sqlalchemy.orm import Session, sessionmaker

from workers.db import utcnow
from workers.filings import service as filings
from workers.items.models import Item
from workers.ledger.reporting import item_ledger, monthly_summary
from workers.tasks.base import WorkerContext
from workers.tasks.ledger import LedgerTasks


async def test_ledger_and_monthly_report(
    ctx: WorkerContext,
    make_job: Callable[..., Job],
    make_item: Callable[..., Item],
    factory: sessionmaker[Session],
) -> None:
    now = utcnow()
    a = make_item(itemName="甲项目")
    b = make_item(itemName="乙项目")
    c = make_item(itemName="丙项目", jurisdiction="靖远县")
    tasks = LedgerTasks(ctx)
    await tasks.record_decision(make_job(), itemId=a.id, decision="approved", riskLevel="low")
    await tasks.record_decision(make_job(), itemId=b.id, decision="held_back", riskLevel="medium")
    await tasks.record_decision(make_job(), itemId=c.id, decision="approved", riskLevel="low")
    filings.file_item_with_retry(factory=factory, item_id=a.id, filed_on=now.date())

    with factory() as s:
        rows = item_ledger(session=s, jurisdiction="白银区")
        assert [(r.name, r.status, r.filing_number is not None) for r in rows] == [
            ("甲项目", "approved", True),
            ("乙项目", "held_back", False),
        ]
        assert rows[0].responsible_unit == "白银区住房和城乡建设局"
        summary = monthly_summary(session=s, year=now.year, month=now.month, jurisdiction="白银区")
        assert (summary.registered, summary.filed) == (2, 1)
        assert summary.decisions == {"approved": 1, "held_back": 1}
        assert summary.risk_levels == {"low": 1, "medium": 1}
        everywhere = monthly_summary(session=s, year=now.year, month=now.month)
        assert everywhere.registered == 3 and everywhere.decisions["approved"] == 2
        other_month = date(now.year - 1, now.month, 1)
        empty = monthly_summary(session=s, year=other_month.year, month=other_month.month)
        assert (empty.registered, empty.filed, empty.decisions) == (0, 0, {})
