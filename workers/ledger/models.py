"""The ledger (台账): one line per thing that happened to an item, and notifications."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workers.db import Base, utcnow


class LedgerKind(StrEnum):
    """What a ledger line records."""

    REGISTERED = "registered"
    STAGE = "stage"
    PLAN = "plan"
    SAMPLE = "sample"
    HEARING = "hearing"
    OPINIONS = "opinions"
    RISK_REGISTER = "risk_register"
    EXPERT_DRAW = "expert_draw"
    EXPERT_OPINION = "expert_opinion"
    REPORT = "report"
    FILING = "filing"
    DECISION = "decision"


class LedgerEntry(Base):
    """A ledger line; ``request_key`` makes a repeated job write it once."""

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    stage: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Notification(Base):
    """A reminder or escalation addressed to a candidate group (the web app shows them)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    group: Mapped[str] = mapped_column(String(100), index=True)
    colour: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    request_key: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LedgerEntryRead(BaseModel):
    """A ledger line as the web app shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    kind: str
    stage: int | None
    text: str
    created_at: datetime
