"""Task of stages 3/4: schedule the hearing and check its composition."""

from datetime import date
from typing import Any

from pydantic import Field
from pyzeebe import Job, ZeebeTaskRouter
from sqlalchemy.orm import Session

from workers.hearings import service as hearings
from workers.hearings.models import AttendeeCreate
from workers.hearings.rules import (
    MATERIALS_DAYS,
    MAX_OFFICIAL_SHARE,
    MIN_REPRESENTATIVE_SHARE,
    NOTICE_DAYS,
)
from workers.inputs import InputModel
from workers.job_types import JobType
from workers.ledger import service as ledger
from workers.ledger.models import LedgerKind
from workers.tasks.base import (
    WorkerContext,
    add_task,
    fields_of,
    in_transaction,
    new_router,
    parse,
)


class ScheduleHearingInput(InputModel):
    """Variables of ``wenping-schedule-hearing``."""

    item_id: int = Field(alias="itemId")
    venue: str = Field(alias="venue", min_length=1, max_length=100)
    attendees: list[AttendeeCreate] = Field(alias="attendees")
    announce_date: date | None = Field(default=None, alias="announceDate")
    preferred_date: date | None = Field(default=None, alias="preferredDate")
    notice_days: int = Field(default=NOTICE_DAYS, alias="noticeDays", ge=0, le=365)
    materials_days: int = Field(default=MATERIALS_DAYS, alias="materialsDays", ge=0, le=365)
    min_representative_share: float = Field(
        default=MIN_REPRESENTATIVE_SHARE, alias="minRepresentativeShare", ge=0, le=1
    )
    max_official_share: float = Field(
        default=MAX_OFFICIAL_SHARE, alias="maxOfficialShare", ge=0, le=1
    )


class HearingTasks:
    """Handlers for hearings."""

    def __init__(self, ctx: WorkerContext) -> None:
        self.ctx = ctx

    async def schedule_hearing(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Date and composition; ERR_HEARING_COMPOSITION with ``hearingViolations`` otherwise."""
        data = parse(ScheduleHearingInput, variables)
        announce = data.announce_date or self.ctx.today()

        def work(session: Session) -> dict[str, Any]:
            hearing = hearings.schedule(
                session=session,
                item_id=data.item_id,
                venue=data.venue,
                attendees=data.attendees,
                announce_date=announce,
                preferred_date=data.preferred_date,
                notice_days=data.notice_days,
                materials_days=data.materials_days,
                min_representative_share=data.min_representative_share,
                max_official_share=data.max_official_share,
            )
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.HEARING,
                stage=4,
                text=f"安排听证会：{hearing.hearing_date.isoformat()}，{len(data.attendees)}人参加",
                request_key=f"hearing:{job.element_instance_key}",
            )
            return {
                "hearingId": hearing.id,
                "hearingDate": hearing.hearing_date.isoformat(),
                "materialsDueDate": hearing.materials_due.isoformat(),
                "hearingAttendeeCount": len(data.attendees),
            }

        return await in_transaction(self.ctx, work, violations="hearingViolations")


def router(ctx: WorkerContext) -> ZeebeTaskRouter:
    """The router of the hearing tasks."""
    tasks = HearingTasks(ctx)
    r = new_router()
    add_task(
        r, ctx, JobType.SCHEDULE_HEARING, tasks.schedule_hearing, fields_of(ScheduleHearingInput)
    )
    return r
