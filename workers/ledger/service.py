"""Services for the ledger (台账) and notifications."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workers.ledger.models import LedgerEntry, LedgerKind, Notification

STAGE_NAMES: dict[int, str] = {
    1: "确定应评事项，明确评估主体",
    2: "开展实地走访，制定评估方案",
    3: "充分听取意见，及时化解矛盾",
    4: "全面分析论证，准确评估风险",
    5: "确定风险等级，制定应急预案",
    6: "提出评估报告，组织专家论证",
    7: "形成专项报告，提交会议审核",
    8: "及时建档备案，落实维稳措施",
    9: "强化风险调控，全程跟踪服务",
}
"""The nine stages (九大环节) as the article names them."""


def record(
    *,
    session: Session,
    item_id: int,
    kind: LedgerKind,
    text: str,
    stage: int | None = None,
    details: dict[str, Any] | None = None,
    request_key: str | None = None,
) -> LedgerEntry:
    """Append a ledger line; with ``request_key`` a repeated call returns the first line."""
    if request_key is not None:
        existing = find(session=session, request_key=request_key)
        if existing is not None:
            return existing
    entry = LedgerEntry(
        item_id=item_id,
        kind=kind.value,
        stage=stage,
        text=text,
        details=details or {},
        request_key=request_key,
    )
    session.add(entry)
    session.flush()
    return entry


def find(*, session: Session, request_key: str) -> LedgerEntry | None:
    """The ledger line written for ``request_key``, or None."""
    return session.scalar(select(LedgerEntry).where(LedgerEntry.request_key == request_key))


def entries(*, session: Session, item_id: int) -> Sequence[LedgerEntry]:
    """The item's ledger in order."""
    return session.scalars(
        select(LedgerEntry).where(LedgerEntry.item_id == item_id).order_by(LedgerEntry.id)
    ).all()


def notify(
    *,
    session: Session,
    kind: str,
    group: str,
    text: str,
    item_id: int | None = None,
    colour: str | None = None,
    request_key: int | None = None,
) -> Notification:
    """Store a notification for a candidate group; once per request key."""
    if request_key is not None:
        existing = session.scalar(
            select(Notification).where(Notification.request_key == request_key)
        )
        if existing is not None:
            return existing
    note = Notification(
        item_id=item_id,
        kind=kind,
        group=group,
        colour=colour,
        text=text,
        request_key=request_key,
    )
    session.add(note)
    session.flush()
    return note


def notifications(*, session: Session, group: str) -> Sequence[Notification]:
    """Notifications addressed to ``group``, newest first."""
    return session.scalars(
        select(Notification).where(Notification.group == group).order_by(Notification.id.desc())
    ).all()
