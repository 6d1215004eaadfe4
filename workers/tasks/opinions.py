"""Task of stages 3/4: record the opinion summary."""

from typing import Any

from pydantic import Field
from pyzeebe import Job, ZeebeTaskRouter
from sqlalchemy.orm import Session

from workers.job_types import JobType
from workers.ledger import service as ledger
from workers.ledger.models import LedgerKind
from workers.opinions import service as opinions
from workers.opinions.models import OpinionRoundCreate
from workers.tasks.base import WorkerContext, add_task, fields_of, in_transaction, new_router, parse


class RecordOpinionsInput(OpinionRoundCreate):
    """Variables of ``wenping-record-opinions``."""

    item_id: int = Field(alias="itemId")


class OpinionTasks:
    """Handlers for opinion rounds."""

    def __init__(self, ctx: WorkerContext) -> None:
        self.ctx = ctx

    async def record_opinions(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Store the round; returns the share who oppose (input of the direct-level DMN)."""
        data = parse(RecordOpinionsInput, variables)

        def work(session: Session) -> dict[str, Any]:
            row = opinions.record(
                session=session,
                item_id=data.item_id,
                data=data,
                request_key=job.element_instance_key,
            )
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.OPINIONS,
                stage=3,
                text=f"征求意见：调查{row.survey_count}人，反对{row.oppose_count}人",
                request_key=f"opinions:{row.id}",
            )
            return {"opinionRoundId": row.id, "opposeShare": row.oppose_share}

        return await in_transaction(self.ctx, work)


def router(ctx: WorkerContext) -> ZeebeTaskRouter:
    """The router of the opinion tasks."""
    tasks = OpinionTasks(ctx)
    r = new_router()
    add_task(r, ctx, JobType.RECORD_OPINIONS, tasks.record_opinions, fields_of(RecordOpinionsInput))
    return r
