"""The workers' domain on PostgreSQL: schema, bulk register import, filing exactly once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy
from pyzeebe import Job
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workers.codes import Stance
from workers.db import SCHEMA_VERSION, SchemaVersion, connect, create_schema, make_engine
from workers.filings import service as filings
from workers.filings.models import Filing
from workers.items import service as items
from workers.items.models import MAX_HOUSEHOLDS, Item, ItemCreate
from workers.ledger.models import LedgerEntry
from workers.stakeholders import service as stakeholders
from workers.stakeholders.models import HouseholdRow
from workers.tasks.base import InvalidVariables, WorkerContext, parse
from workers.tasks.filings import FilingTasks

FILED_ON = date(2026, 6, 1)


def _item(factory: sessionmaker[Session], name: str, jurisdiction: str = "白银区") -> Item:
    data = ItemCreate.model_validate(
        {
            "itemName": name,
            "itemType": "project",
            "jurisdiction": jurisdiction,
            "responsibleUnit": "白银区住房和城乡建设局",
            "affectedHouseholds": 320,
        }
    )
    with factory() as session, session.begin():
        return items.register(session=session, data=data, process_instance_key=None)


def test_concurrent_start_ups_create_the_schema_once(pg_url: str) -> None:
    engines = [make_engine(pg_url) for _ in range(4)]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            versions = list(pool.map(create_schema, engines))
        assert versions == [SCHEMA_VERSION] * 4
        with Session(engines[0]) as session:
            assert session.scalar(select(func.count()).select_from(SchemaVersion)) == 1
    finally:
        for engine in engines:
            engine.dispose()


def test_register_rows_are_bulk_inserted_and_sampled(pg_url: str) -> None:
    factory = connect(pg_url)
    item = _item(factory, "城北棚户区改造项目")
    rows = [
        HouseholdRow(
            name=f"住户{i}",
            group="被征收户" if i % 2 else "周边居民",
            community="人民路社区",
            stance=Stance.OPPOSE if i % 10 == 0 else Stance.SUPPORT,
            civil_servant=i % 7 == 0,
            demo=False,
        )
        for i in range(1, 201)
    ]
    with factory() as session, session.begin():
        assert stakeholders.add_households(session=session, item_id=item.id, rows=rows) == 200
    with factory() as session, session.begin():
        assert stakeholders.register_size(session=session, item_id=item.id) == 200
        sample = stakeholders.draw_sample(
            session=session, item_id=item.id, visit_ratio=0.1, seed=2**52 + 7, request_key=2**60
        )
        picked = stakeholders.representatives(session=session, sample_id=sample.id)
    assert len(picked) == sample.size == 20
    with factory() as session:  # the 64-bit request key finds the same draw again
        again = stakeholders.draw_sample(
            session=session, item_id=item.id, visit_ratio=0.5, request_key=2**60
        )
        assert (again.id, again.seed) == (sample.id, 2**52 + 7)


def test_filing_is_exactly_once_and_gap_free_under_concurrent_delivery(pg_url: str) -> None:
    factory = connect(pg_url)
    filed = [_item(factory, f"并发事项{i}") for i in range(8)]
    # Every item delivered twice, as when a job times out and a second worker gets it too;
    # the counter row does not exist yet, so the first filings also race to create it.
    work = [i.id for i in filed] * 2
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(
                lambda item_id: filings.file_item_with_retry(
                    factory=factory, item_id=item_id, filed_on=FILED_ON
                ),
                work,
            )
        )
    numbers: dict[int, set[str]] = {}
    for item_id, filing in zip(work, results, strict=True):
        numbers.setdefault(item_id, set()).add(filing.number)
    assert all(len(n) == 1 for n in numbers.values())
    with factory() as session:
        seqs = session.scalars(select(Filing.seq).order_by(Filing.seq)).all()
        ledger_lines = session.scalar(
            select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "filing")
        )
    assert list(seqs) == list(range(1, 9))
    assert ledger_lines == 8


async def test_the_filing_handler_answers_the_same_number_to_duplicate_jobs(
    pg_url: str, tmp_path: Path
) -> None:
    factory = connect(pg_url)
    item = _item(factory, "会宁县水库移民安置", jurisdiction="会宁县")
    tasks = FilingTasks(
        WorkerContext(session_factory=factory, reports_dir=tmp_path, today=lambda: FILED_ON)
    )

    def job(key: int) -> Job:
        return Job(
            key=key,
            type="wenping-file-with-commission",
            process_instance_key=2251799813685251,
            bpmn_process_id="Process_RiskAssessment",
            process_definition_version=1,
            process_definition_key=2251799813685250,
            element_id="Task_FileWithCommission",
            element_instance_key=2251799813685260,
            custom_headers={},
            worker="pg-test",
            retries=3,
            deadline=0,
            variables={"itemId": item.id},
        )

    answers = await asyncio.gather(
        *(tasks.file_with_commission(job(k), itemId=item.id) for k in (1, 2, 3))
    )
    assert [a["filingNumber"] for a in answers] == ["会宁稳评备〔2026〕第0001号"] * 3
    assert len({a["ledgerEntryId"] for a in answers}) == 1


def test_postgres_returns_aware_timestamps(pg_url: str) -> None:
    factory = connect(pg_url)
    item = _item(factory, "时间戳事项")
    filing = filings.file_item_with_retry(factory=factory, item_id=item.id, filed_on=FILED_ON)
    with factory() as session:
        stored = session.get(Filing, filing.id)
        assert stored is not None and stored.created_at.tzinfo is not None
        assert stored.filed_on == FILED_ON
    sql = sqlalchemy.create_engine(pg_url)
    try:
        with sql.connect() as connection:
            kind = connection.execute(
                sqlalchemy.text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'filing' AND column_name = 'created_at'"
                )
            ).scalar()
    finally:
        sql.dispose()
    assert kind == "timestamp with time zone"


def test_affected_households_beyond_the_form_limit_are_refused_by_validation(
    pg_url: str,
) -> None:
    """More households than the registration form allows are refused naming the field (never
    stored, never failed in PostgreSQL); the largest allowed count is stored."""
    variables = {
        "itemName": "大型搬迁项目",
        "itemType": "project",
        "jurisdiction": "白银区",
        "responsibleUnit": "白银区住房和城乡建设局",
        "affectedHouseholds": MAX_HOUSEHOLDS + 1,
    }
    with pytest.raises(InvalidVariables) as refused:
        parse(ItemCreate, variables)
    assert [p["field"] for p in refused.value.problems] == ["affectedHouseholds"]
    factory = connect(pg_url)
    data = parse(ItemCreate, variables | {"affectedHouseholds": MAX_HOUSEHOLDS})
    with factory() as session, session.begin():
        item = items.register(session=session, data=data, process_instance_key=None)
    with factory() as session:
        stored = session.get(Item, item.id)
        assert stored is not None and stored.affected_households == MAX_HOUSEHOLDS
