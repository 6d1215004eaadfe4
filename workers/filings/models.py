"""Filings (备案) with the Political-Legal Commission and their gap-free numbering."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workers.db import Base, utcnow


class Filing(Base):
    """An item's filing; the unique item id makes it exactly once per item."""

    __tablename__ = "filing"
    __table_args__ = (UniqueConstraint("jurisdiction", "year", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), unique=True)
    jurisdiction: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    filed_on: Mapped[date] = mapped_column(Date)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FilingCounter(Base):
    """The last number given per jurisdiction and year; advanced in the filing's transaction."""

    __tablename__ = "filing_counter"

    jurisdiction: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class FilingRead(BaseModel):
    """A filing as the ledger and case pages show it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    jurisdiction: str
    year: int
    seq: int
    number: str
    filed_on: date
