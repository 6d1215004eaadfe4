"""Hearings (听证会), demonstration meetings (论证会) and their attendees."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workers.db import Base
from workers.inputs import InputModel


class MeetingKind(StrEnum):
    """Hearing or demonstration meeting."""

    HEARING = "hearing"
    DEMONSTRATION = "demonstration"


class AttendeeRole(StrEnum):
    """Roles at a hearing; the composition rule counts them."""

    REPRESENTATIVE = "representative"
    OFFICIAL = "official"
    NOTABLE = "notable"
    OFFICER = "officer"
    RECORDER = "recorder"
    CHAIR = "chair"
    OTHER = "other"


ROLE_LABELS: dict[str, str] = {
    "representative": "利益群体代表",
    "official": "部门单位负责人",
    "notable": "社会贤达",
    "officer": "听证员",
    "recorder": "记录员",
    "chair": "主持人",
    "other": "其他",
}


class Hearing(Base):
    """An item's hearing; rescheduling updates the one row per item and kind."""

    __tablename__ = "hearing"
    __table_args__ = (UniqueConstraint("item_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=MeetingKind.HEARING)
    venue: Mapped[str] = mapped_column(String(100), index=True)
    hearing_date: Mapped[date] = mapped_column(Date, index=True)
    announce_date: Mapped[date] = mapped_column(Date)
    materials_due: Mapped[date] = mapped_column(Date)
    parameters: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)

    attendees: Mapped[list[HearingAttendee]] = relationship(
        cascade="all, delete-orphan", order_by="HearingAttendee.position"
    )


class HearingAttendee(Base):
    """Someone attending a hearing, in the role the composition rule counts."""

    __tablename__ = "hearing_attendee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    affiliation: Mapped[str] = mapped_column(String(100), default="")
    civil_servant: Mapped[bool] = mapped_column(Boolean, default=False)
    third_party: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_affairs_office: Mapped[bool] = mapped_column(Boolean, default=False)


class AttendeeCreate(InputModel):
    """An attendee as the hearing form submits it."""

    name: str = Field(min_length=1, max_length=50)
    role: AttendeeRole
    affiliation: str = Field(default="", max_length=100)
    civil_servant: bool = Field(default=False, alias="civilServant")
    third_party: bool = Field(default=False, alias="thirdParty")
    legal_affairs_office: bool = Field(default=False, alias="legalAffairsOffice")


class AttendeeRead(BaseModel):
    """A stored attendee."""

    model_config = ConfigDict(from_attributes=True)

    position: int
    name: str
    role: str
    affiliation: str


class HearingRead(BaseModel):
    """A scheduled hearing with its attendees."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    venue: str
    hearing_date: date
    announce_date: date
    materials_due: date
    attendees: list[AttendeeRead]
