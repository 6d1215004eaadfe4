"""Risk points (风险点) with probability, impact, measure, responsible unit and deadline."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workers.codes import Degree, Impact, Probability
from workers.db import Base, utcnow
from workers.inputs import InputModel


class RiskPoint(Base):
    """A risk factor of an item, before and after its mitigation measure."""

    __tablename__ = "risk_point"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    register_version: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
    factor: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(50), default="")
    probability: Mapped[str] = mapped_column(String(20))
    impact: Mapped[str] = mapped_column(String(20))
    degree: Mapped[str | None] = mapped_column(String(20))
    measure: Mapped[str] = mapped_column(Text)
    responsible_unit: Mapped[str] = mapped_column(String(100))
    deadline: Mapped[date] = mapped_column(Date)
    probability_after: Mapped[str | None] = mapped_column(String(20))
    impact_after: Mapped[str | None] = mapped_column(String(20))
    degree_after: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EmergencyPlan(Base):
    """The item's emergency plan (应急预案) written with its risk register."""

    __tablename__ = "emergency_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    register_version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class RiskPointCreate(InputModel):
    """One row of the risk register form."""

    factor: str = Field(min_length=1, max_length=2000)
    stage: str = Field(default="", max_length=50)
    probability: Probability
    impact: Impact
    degree: Degree | None = None
    measure: str = Field(min_length=1, max_length=4000)
    responsible_unit: str = Field(alias="responsibleUnit", min_length=1, max_length=100)
    deadline: date
    probability_after: Probability | None = Field(default=None, alias="probabilityAfter")
    impact_after: Impact | None = Field(default=None, alias="impactAfter")
    degree_after: Degree | None = Field(default=None, alias="degreeAfter")


class RiskPointRead(BaseModel):
    """A risk point of the current register."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    register_version: int
    position: int
    factor: str
    stage: str
    probability: str
    impact: str
    degree: str | None
    measure: str
    responsible_unit: str
    deadline: date
    probability_after: str | None
    impact_after: str | None
    degree_after: str | None
