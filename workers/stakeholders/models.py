"""The stakeholder register (利益相关方登记册), samples and representatives (群众代表)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from workers.codes import Stance
from workers.db import Base, utcnow


class Household(Base):
    """A household (or person) in an item's stakeholder register."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    group: Mapped[str] = mapped_column(String(50))
    community: Mapped[str] = mapped_column(String(50), default="")
    stance: Mapped[str] = mapped_column(String(10), default=Stance.NEUTRAL)
    civil_servant: Mapped[bool] = mapped_column(Boolean, default=False)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Sample(Base):
    """One draw of representatives; the seed and parameters make it reproducible."""

    __tablename__ = "sample"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    request_key: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer)
    register_size: Mapped[int] = mapped_column(Integer)
    opposers_picked: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Representative(Base):
    """A household picked in a sample, with the reason it was picked."""

    __tablename__ = "representative"
    __table_args__ = (UniqueConstraint("sample_id", "household_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("sample.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    position: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    """A validated register row, ready for a bulk insert."""

    name: str
    group: str
    community: str
    stance: Stance
    civil_servant: bool
    demo: bool


class HouseholdCreate(BaseModel):
    """A register row as imported or generated."""

    model_config = ConfigDict(populate_by_name=True)

    name: str = Field(min_length=1, max_length=50)
    group: str = Field(min_length=1, max_length=50)
    community: str = Field(default="", max_length=50)
    stance: Stance = Stance.NEUTRAL
    civil_servant: bool = False
    demo: bool = False

    def to_row(self) -> HouseholdRow:
        """The row to insert."""
        return HouseholdRow(
            self.name, self.group, self.community, self.stance, self.civil_servant, self.demo
        )


class RepresentativeRead(BaseModel):
    """A picked representative as staff see it."""

    household_id: int
    name: str
    group: str
    stance: str
    position: int
    reason: str
