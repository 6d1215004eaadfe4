"""Task of stage 8: file with the Political-Legal Commission, exactly once."""

import asyncio
from datetime import date
from typing import Any

from pydantic import Field
from pyzeebe import Job, ZeebeTaskRouter

from workers.filings import service as filings
from workers.inputs import InputModel
from workers.job_types import JobType
from workers.tasks.base import WorkerContext, add_task, fields_of, new_router, parse


class FileInput(InputModel):
    """Variables of ``wenping-file-with-commission``."""

    item_id: int = Field(alias="itemId")
    filed_on: date | None = Field(default=None, alias="filedOn")


class FilingTasks:
    """Handlers for filings."""

    def __init__(self, ctx: WorkerContext) -> None:
        self.ctx = ctx

    async def file_with_commission(self, job: Job, **variables: Any) -> dict[str, Any]:
        """The item's filing number and ledger entry (the first one if filed before)."""
        data = parse(FileInput, variables)
        filed_on = data.filed_on or self.ctx.today()
        filing = await asyncio.to_thread(
            filings.file_item_with_retry,
            factory=self.ctx.session_factory,
            item_id=data.item_id,
            filed_on=filed_on,
        )
        return {
            "filingId": filing.id,
            "filingNumber": filing.number,
            "ledgerEntryId": filing.ledger_entry_id,
        }


def router(ctx: WorkerContext) -> ZeebeTaskRouter:
    """The router of the filing tasks."""
    tasks = FilingTasks(ctx)
    r = new_router()
    add_task(r, ctx, JobType.FILE_WITH_COMMISSION, tasks.file_with_commission, fields_of(FileInput))
    return r
