"""Assessment reports (评估报告) stored with the item."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workers.codes import RiskLevel
from workers.db import Base, utcnow
from workers.inputs import InputModel


class ReportKind(StrEnum):
    """Draft for expert review (送审稿) or the formal report (正式报告)."""

    DRAFT = "draft"
    FORMAL = "formal"


class Report(Base):
    """A version of an item's report; the file is a DOCX under the reports folder."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    request_key: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="formal")
    risk_level_before: Mapped[str] = mapped_column(String(10))
    risk_level: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportCreate(InputModel):
    """What the process adds to the stored data when it asks for a report."""

    kind: ReportKind = Field(default=ReportKind.FORMAL, alias="reportKind")
    risk_level_before: RiskLevel = Field(alias="riskLevelBefore")
    risk_level: RiskLevel = Field(alias="riskLevel")
    legality: str = Field(default="", alias="legalityAnalysis", max_length=20000)
    reasonableness: str = Field(default="", alias="reasonablenessAnalysis", max_length=20000)
    feasibility: str = Field(default="", alias="feasibilityAnalysis", max_length=20000)
    controllability: str = Field(default="", alias="controllabilityAnalysis", max_length=20000)
    basis: str = Field(default="", alias="basis", max_length=20000)
    conclusion: str = Field(default="", alias="conclusion", max_length=20000)
    emergency_plan: str | None = Field(default=None, alias="emergencyPlan", max_length=40000)


class ReportRead(BaseModel):
    """A stored report version."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    version: int
    kind: str
    risk_level_before: str
    risk_level: str
    path: str
    created_at: datetime
