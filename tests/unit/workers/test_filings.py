"""Filing numbers: per jurisdiction and year, gap-free, exactly once per item."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workers.filings import service as filings
from workers.items.models import Item
from workers.ledger import service as ledger
from workers.ledger.models import LedgerEntry


def test_number_format() -> None:
    assert (
        filings.filing_number(jurisdiction="白银市", year=2026, seq=1)
        == "白银稳评备〔2026〕第0001号"
    )
    assert (
        filings.filing_number(jurisdiction="会宁县", year=2027, seq=12)
        == "会宁稳评备〔2027〕第0012号"
    )


def test_numbers_run_per_jurisdiction_and_year(
    factory: sessionmaker[Session], make_item: Callable[..., Item]
) -> None:
    a, b = make_item(), make_item(itemName="第二个事项")
    c = make_item(itemName="会宁事项", jurisdiction="会宁县")
    d = make_item(itemName="明年的事项")
    day = date(2026, 6, 1)
    numbers = [
        filings.file_item_with_retry(factory=factory, item_id=i.id, filed_on=day).number
        for i in (a, b, c)
    ]
    numbers.append(
        filings.file_item_with_retry(
            factory=factory, item_id=d.id, filed_on=date(2027, 1, 4)
        ).number
    )
    assert numbers == [
        "白银区稳评备〔2026〕第0001号",
        "白银区稳评备〔2026〕第0002号",
        "会宁稳评备〔2026〕第0001号",
        "白银区稳评备〔2027〕第0001号",
    ]


def test_filing_twice_returns_the_first_filing_and_one_ledger_line(
    factory: sessionmaker[Session], make_item: Callable[..., Item]
) -> None:
    item = make_item()
    first = filings.file_item_with_retry(
        factory=factory, item_id=item.id, filed_on=date(2026, 6, 1)
    )
    second = filings.file_item_with_retry(
        factory=factory, item_id=item.id, filed_on=date(2026, 7, 1)
    )
    assert (first.id, first.number) == (second.id, second.number)
    with factory() as s:
        lines = [e for e in ledger.entries(session=s, item_id=item.id) if e.kind == "filing"]
        assert len(lines) == 1 and first.number in lines[0].text


def test_concurrent_filings_get_distinct_numbers_without_gaps(
    factory: sessionmaker[Session], make_item: Callable[..., Item]
) -> None:
    items = [make_item(itemName=f"并发事项{i}") for i in range(8)]
    # every item delivered twice, as when a job times out and is handed to a second worker
    work = [i.id for i in items] * 2
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(
            pool.map(
                lambda item_id: filings.file_item_with_retry(
                    factory=factory, item_id=item_id, filed_on=date(2026, 6, 1)
                ),
                work,
            )
        )
    by_item: dict[int, set[str]] = {}
    for item_id, filing in zip(work, results, strict=True):
        by_item.setdefault(item_id, set()).add(filing.number)
    assert all(len(numbers) == 1 for numbers in by_item.values())
    seqs = sorted(int(n.pop()[-5:-1]) for n in by_item.values())
    assert seqs == list(range(1, 9))
    with factory() as s:
        assert s.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "filing")) == 8
