"""Services for opinion rounds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workers.items import service as items
from workers.opinions.models import OpinionRound, OpinionRoundCreate


def record(
    *, session: Session, item_id: int, data: OpinionRoundCreate, request_key: int | None
) -> OpinionRound:
    """Store an opinion round; a repeated request returns the stored round."""
    items.require(session=session, item_id=item_id)
    if request_key is not None:
        existing = session.scalar(
            select(OpinionRound).where(OpinionRound.request_key == request_key)
        )
        if existing is not None:
            return existing
    row = OpinionRound(
        item_id=item_id,
        request_key=request_key,
        survey_count=data.survey_count,
        support_count=data.support_count,
        neutral_count=data.neutral_count,
        oppose_count=data.oppose_count,
        visit_count=data.visit_count,
        symposium_count=data.symposium_count,
        summary=data.summary,
        demands_answered=data.demands_answered,
    )
    session.add(row)
    session.flush()
    return row


def latest(*, session: Session, item_id: int) -> OpinionRound | None:
    """The item's most recent opinion round, or None."""
    return session.scalar(
        select(OpinionRound)
        .where(OpinionRound.item_id == item_id)
        .order_by(OpinionRound.id.desc())
        .limit(1)
    )
