"""The expert pool (专家库), declared conflicts, panels, draws (audit) and written opinions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workers.codes import ExpertCategory, Verdict
from workers.db import Base, utcnow
from workers.inputs import InputModel


class MemberStatus(StrEnum):
    """A panel member's standing."""

    ACTIVE = "active"
    REFUSED = "refused"
    CONFLICT = "conflict"


class Expert(Base):
    """A member of the city pool (``白银市``) or a county pool."""

    __tablename__ = "expert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    category: Mapped[str] = mapped_column(String(30), index=True)
    pool: Mapped[str] = mapped_column(String(20), index=True)
    affiliation: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)

    conflicts: Mapped[list[ExpertConflict]] = relationship(cascade="all, delete-orphan")


class ExpertConflict(Base):
    """A declared conflict: with one item, or with a unit (all its items)."""

    __tablename__ = "expert_conflict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    unit: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")


class Panel(Base):
    """An expert panel drawn for an item."""

    __tablename__ = "expert_panel"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    request_key: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    pool: Mapped[str] = mapped_column(String(20))
    seed: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    verdict: Mapped[str | None] = mapped_column(String(30))
    votes: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[PanelMember]] = relationship(
        cascade="all, delete-orphan", order_by="PanelMember.position"
    )


class PanelMember(Base):
    """An expert on a panel; refused or conflicted members stay for the audit trail."""

    __tablename__ = "expert_panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "expert_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("expert_panel.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=MemberStatus.ACTIVE)
    affiliated: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("expert.id"))

    expert: Mapped[Expert] = relationship(foreign_keys=[expert_id])


class ExpertDrawAudit(Base):
    """Audit row of a draw or redraw: seed, who was eligible, who was excluded and why."""

    __tablename__ = "expert_draw_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("expert_panel.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    seed: Mapped[str] = mapped_column(String(80))
    eligible_ids: Mapped[list[int]] = mapped_column(JSON)
    excluded: Mapped[dict[str, str]] = mapped_column(JSON)
    chosen_ids: Mapped[list[int]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ExpertOpinion(Base):
    """An expert's written opinion on an item (one per panel member)."""

    __tablename__ = "expert_opinion"
    __table_args__ = (UniqueConstraint("panel_id", "expert_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("expert_panel.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("expert.id"))
    verdict: Mapped[str] = mapped_column(String(30))
    comments: Mapped[str] = mapped_column(Text, default="")
    dissent: Mapped[bool] = mapped_column(Boolean, default=False)


class ExpertCreate(BaseModel):
    """An expert as the pool administrator enters one."""

    name: str = Field(min_length=1, max_length=50)
    category: ExpertCategory
    pool: str
    affiliation: str = Field(default="", max_length=100)
    demo: bool = False


class ExpertOpinionCreate(InputModel):
    """One written opinion as the expert-opinion form submits it."""

    expert_id: int = Field(alias="expertId")
    verdict: Verdict
    comments: str = Field(default="", max_length=10000)


class PanelMemberRead(BaseModel):
    """A panel member as the process sees it (``panelExperts``)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    expert_id: int = Field(serialization_alias="expertId")
    name: str
    category: str
    affiliated: bool


class ExpertRead(BaseModel):
    """A pool member as the pool administrator sees one."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    category: str
    pool: str
    affiliation: str
    active: bool
    demo: bool
