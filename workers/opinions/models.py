"""Opinion rounds: surveys, visits and symposiums summarised (充分听取意见)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from workers.db import Base, utcnow
from workers.inputs import MAX_COUNT, InputModel


class OpinionRound(Base):
    """One round of opinion gathering for an item (a re-assessment adds a round)."""

    __tablename__ = "opinion_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    request_key: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    survey_count: Mapped[int] = mapped_column(Integer)
    support_count: Mapped[int] = mapped_column(Integer)
    neutral_count: Mapped[int] = mapped_column(Integer)
    oppose_count: Mapped[int] = mapped_column(Integer)
    visit_count: Mapped[int] = mapped_column(Integer, default=0)
    symposium_count: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text)
    demands_answered: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def oppose_share(self) -> float:
        """Share of surveyed people who oppose (0 when nobody was surveyed)."""
        return self.oppose_count / self.survey_count if self.survey_count else 0.0


class OpinionRoundCreate(InputModel):
    """The opinion summary form."""

    survey_count: int = Field(alias="surveyCount", ge=0, le=MAX_COUNT)
    support_count: int = Field(alias="supportCount", ge=0, le=MAX_COUNT)
    neutral_count: int = Field(alias="neutralCount", ge=0, le=MAX_COUNT)
    oppose_count: int = Field(alias="opposeCount", ge=0, le=MAX_COUNT)
    summary: str = Field(alias="opinionSummary", min_length=1, max_length=20000)
    visit_count: int = Field(default=0, alias="visitCount", ge=0, le=MAX_COUNT)
    symposium_count: int = Field(default=0, alias="symposiumCount", ge=0, le=MAX_COUNT)
    demands_answered: str = Field(default="", alias="demandsAnswered", max_length=20000)

    @model_validator(mode="after")
    def _counts_add_up(self) -> OpinionRoundCreate:
        if self.support_count + self.neutral_count + self.oppose_count > self.survey_count:
            raise ValueError("支持、中立、反对人数之和不应超过调查人数")
        return self


class OpinionRoundRead(BaseModel):
    """An opinion round as the case page shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    item_id: int
    survey_count: int
    support_count: int
    neutral_count: int
    oppose_count: int
    oppose_share: float
    summary: str
    created_at: datetime
