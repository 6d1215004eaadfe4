"""Task of stage 5: record the risk register and the emergency plan."""

from typing import Any

from pydantic import Field
from pyzeebe import Job, ZeebeTaskRouter
from sqlalchemy.orm import Session

from workers.inputs import InputModel
from workers.job_types import JobType
from workers.risks import service as risks
from workers.risks.models import RiskPointCreate
from workers.tasks.base import WorkerContext, add_task, fields_of, in_transaction, new_router, parse


class RiskRegisterInput(InputModel):
    """Variables of ``wenping-record-risk-register``."""

    item_id: int = Field(alias="itemId")
    risk_points: list[RiskPointCreate] = Field(alias="riskPoints", min_length=1)
    emergency_plan: str | None = Field(default=None, alias="emergencyPlan", max_length=40000)


class RiskTasks:
    """Handlers for risk registers."""

    def __init__(self, ctx: WorkerContext) -> None:
        self.ctx = ctx

    async def record_risk_register(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Store the register as the item's current one."""
        data = parse(RiskRegisterInput, variables)

        def work(session: Session) -> dict[str, Any]:
            rows = risks.record_register(
                session=session,
                item_id=data.item_id,
                points=data.risk_points,
                emergency_plan=data.emergency_plan,
                request_key=job.element_instance_key,
            )
            return {"riskPointCount": len(rows), "riskPointIds": [r.id for r in rows]}

        return await in_transaction(self.ctx, work)


def router(ctx: WorkerContext) -> ZeebeTaskRouter:
    """The router of the risk tasks."""
    tasks = RiskTasks(ctx)
    r = new_router()
    add_task(
        r,
        ctx,
        JobType.RECORD_RISK_REGISTER,
        tasks.record_risk_register,
        fields_of(RiskRegisterInput),
    )
    return r
