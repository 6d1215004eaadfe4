"""Filing with the Political-Legal Commission: a gap-free number and a ledger entry, once."""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workers.filings.models import Filing, FilingCounter
from workers.items import service as items
from workers.ledger import service as ledger
from workers.ledger.models import LedgerKind

FILING_PREFIX: dict[str, str] = {
    "白银市": "白银",
    "白银区": "白银区",
    "平川区": "平川区",
    "会宁县": "会宁",
    "靖远县": "靖远",
    "景泰县": "景泰",
}
"""Prefix of a filing number per jurisdiction. Our choice, following the pattern
``白银稳评备〔2026〕第0001号`` (issue 5); a jurisdiction not listed uses its own name."""

MAX_ATTEMPTS = 10
"""How often a filing is retried when a concurrent worker took the same number first."""
RETRY_PAUSE_S = 0.02
"""Pause before a retry, growing with the attempt, so colliding writers spread out."""


def filing_number(*, jurisdiction: str, year: int, seq: int) -> str:
    """The printed filing number, e.g. ``白银稳评备〔2026〕第0001号``."""
    prefix = FILING_PREFIX.get(jurisdiction, jurisdiction)
    return f"{prefix}稳评备〔{year}〕第{seq:04d}号"


def for_item(*, session: Session, item_id: int) -> Filing | None:
    """The item's filing, or None."""
    return session.scalar(select(Filing).where(Filing.item_id == item_id))


def file_item(*, session: Session, item_id: int, filed_on: date) -> Filing:
    """File the item in this transaction; an item already filed returns its first filing.

    The counter row is locked (``FOR UPDATE`` on PostgreSQL; SQLite serialises writers) and
    advanced in the same transaction as the filing, so a rolled-back filing leaves no gap.
    """
    existing = for_item(session=session, item_id=item_id)
    if existing is not None:
        return existing
    item = items.require(session=session, item_id=item_id)
    year = filed_on.year
    counter = session.scalar(
        select(FilingCounter)
        .where(FilingCounter.jurisdiction == item.jurisdiction, FilingCounter.year == year)
        .with_for_update()
    )
    if counter is None:
        counter = FilingCounter(jurisdiction=item.jurisdiction, year=year, last_seq=0)
        session.add(counter)
    counter.last_seq += 1
    number = filing_number(jurisdiction=item.jurisdiction, year=year, seq=counter.last_seq)
    entry = ledger.record(
        session=session,
        item_id=item_id,
        kind=LedgerKind.FILING,
        stage=8,
        text=f"报{item.jurisdiction}政法委备案，备案号{number}",
        details={"filingNumber": number},
        request_key=f"filing:{item_id}",
    )
    filing = Filing(
        item_id=item_id,
        jurisdiction=item.jurisdiction,
        year=year,
        seq=counter.last_seq,
        number=number,
        filed_on=filed_on,
        ledger_entry_id=entry.id,
    )
    session.add(filing)
    session.flush()
    return filing


def file_item_with_retry(*, factory: sessionmaker[Session], item_id: int, filed_on: date) -> Filing:
    """``file_item`` in its own transaction, retried when a concurrent filing collided."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with factory() as session, session.begin():
                return file_item(session=session, item_id=item_id, filed_on=filed_on)
        except (IntegrityError, OperationalError):
            # Another worker filed this item or took the number first (IntegrityError), or held
            # SQLite's write lock (OperationalError): read again and retry.
            if attempt == MAX_ATTEMPTS:
                raise
            time.sleep(RETRY_PAUSE_S * attempt)
    raise AssertionError("unreachable")
