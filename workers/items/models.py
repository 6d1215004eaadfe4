"""Items (事项), their responsible subjects (评估责任主体) and assessment plans (评估方案)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workers.codes import JURISDICTIONS, ItemType
from workers.db import Base, utcnow
from workers.inputs import InputModel

MAX_HOUSEHOLDS = 10_000_000
"""Most households one item may affect: the registration form's limit, enforced here as well so
that a client bypassing the form cannot store what staff could not enter (Baiyin has ~0.5 M)."""


class ItemStatus(StrEnum):
    """Where an item stands in the pipeline."""

    REGISTERED = "registered"
    ASSESSING = "assessing"
    APPROVED = "approved"
    HELD_BACK = "held_back"
    STOPPED = "stopped"


class SubjectRole(StrEnum):
    """Why a unit is a responsible subject (the lead department or the township concerned)."""

    LEAD = "lead"
    TOWNSHIP = "township"


class Item(Base):
    """A major decision, project, reform or event that must be assessed."""

    __tablename__ = "item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Idempotency: one item per registering process instance, however often the job arrives.
    process_instance_key: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    item_type: Mapped[str] = mapped_column(String(20))
    jurisdiction: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    affected_households: Mapped[int] = mapped_column(Integer, default=0)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    especially_major: Mapped[bool] = mapped_column(Boolean, default=False)
    assessment_track: Mapped[str | None] = mapped_column(String(20))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.REGISTERED)
    current_stage: Mapped[int] = mapped_column(Integer, default=1)
    risk_level: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    subjects: Mapped[list[ResponsibleSubject]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ResponsibleSubject.id"
    )

    @property
    def responsible_unit(self) -> str:
        """The lead responsible subject's unit name."""
        for subject in self.subjects:
            if subject.role == SubjectRole.LEAD:
                return subject.unit
        return ""


class ResponsibleSubject(Base):
    """A unit responsible for assessing an item (lead department or township/street)."""

    __tablename__ = "responsible_subject"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    unit: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    contact_person: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")

    item: Mapped[Item] = relationship(back_populates="subjects")


class AssessmentPlan(Base):
    """A version of an item's assessment plan; the newest version is the one in force."""

    __tablename__ = "assessment_plan"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    request_key: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    visit_ratio: Mapped[float] = mapped_column(Float)
    stakeholder_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    content: Mapped[str] = mapped_column(Text, default="")
    representative_method: Mapped[str] = mapped_column(Text, default="")
    team_members: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    expert_units: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


_PHONE = r"^[0-9+\-]{7,20}$"


class ItemCreate(InputModel):
    """What registering an item takes; the rules are those of the registration form."""

    name: str = Field(alias="itemName", min_length=2, max_length=200)
    item_type: ItemType = Field(alias="itemType")
    jurisdiction: str = Field(alias="jurisdiction")
    responsible_unit: str = Field(alias="responsibleUnit", min_length=2, max_length=100)
    township: str = Field(default="", alias="township", max_length=100)
    contact_person: str = Field(default="", alias="contactPerson", max_length=50)
    contact_phone: str = Field(default="", alias="contactPhone", pattern=_PHONE + "|^$")
    description: str = Field(default="", alias="description", max_length=4000)
    affected_households: int = Field(default=0, alias="affectedHouseholds", ge=0, le=MAX_HOUSEHOLDS)
    sensitive: bool = Field(default=False, alias="sensitive")
    especially_major: bool = Field(default=False, alias="especiallyMajor")
    assessment_track: str | None = Field(default=None, alias="assessmentTrack")
    demo: bool = Field(default=False, alias="demo")

    @field_validator("jurisdiction")
    @classmethod
    def _known_jurisdiction(cls, value: str) -> str:
        if value not in JURISDICTIONS:
            raise ValueError("应为白银市或其下辖县区之一")
        return value


class ItemRead(BaseModel):
    """An item as other parts of the system see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    item_type: str
    jurisdiction: str
    responsible_unit: str
    affected_households: int
    sensitive: bool
    especially_major: bool
    demo: bool
    status: str
    current_stage: int
    risk_level: str | None


class PlanCreate(InputModel):
    """An assessment plan (stage 2)."""

    visit_ratio: float = Field(alias="visitRatio", gt=0, le=1)
    stakeholder_groups: list[str] = Field(default_factory=list, alias="stakeholderGroups")
    content: str = Field(default="", alias="planContent", max_length=20000)
    representative_method: str = Field(default="", alias="representativeMethod", max_length=4000)
    team_members: list[dict[str, str]] = Field(default_factory=list, alias="teamMembers")
    deadline: date | None = Field(default=None, alias="planDeadline")
    expert_units: list[str] = Field(default_factory=list, alias="expertUnits")
