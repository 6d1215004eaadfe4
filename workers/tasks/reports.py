"""Task of stages 6/7: assemble the report as a DOCX and store it with the item."""

from typing import Any

from pydantic import Field
from pyzeebe import Job, ZeebeTaskRouter
from sqlalchemy.orm import Session

from workers.job_types import JobType
from workers.ledger import service as ledger
from workers.ledger.models import LedgerKind
from workers.reports import service as reports
from workers.reports.models import ReportCreate
from workers.tasks.base import (
    WorkerContext,
    add_task,
    fields_of,
    header,
    in_transaction,
    new_router,
    parse,
)


class AssembleReportInput(ReportCreate):
    """Variables of ``wenping-assemble-report``."""

    item_id: int = Field(alias="itemId")


class ReportTasks:
    """Handlers for reports."""

    def __init__(self, ctx: WorkerContext) -> None:
        self.ctx = ctx

    async def assemble_report(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Write the report and return where it is."""
        kind = header(job, "reportKind", variables)
        data = parse(AssembleReportInput, {**variables, "reportKind": kind})

        def work(session: Session) -> dict[str, Any]:
            report = reports.assemble(
                session=session,
                item_id=data.item_id,
                data=data,
                reports_dir=self.ctx.reports_dir,
                request_key=job.element_instance_key,
            )
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.REPORT,
                stage=7,
                text=f"形成评估报告第{report.version}版，风险等级{data.risk_level.label}",
                request_key=f"report:{report.id}",
            )
            return {
                "reportId": report.id,
                "reportVersion": report.version,
                "reportFile": report.path,
            }

        return await in_transaction(self.ctx, work)


def router(ctx: WorkerContext) -> ZeebeTaskRouter:
    """The router of the report tasks."""
    tasks = ReportTasks(ctx)
    r = new_router()
    add_task(r, ctx, JobType.ASSEMBLE_REPORT, tasks.assemble_report, fields_of(AssembleReportInput))
    return r
