"""Tasks of stage 1 and 2: register an item, record its assessment plan."""

from typing import Any

from pydantic import Field
from pyzeebe import Job, ZeebeTaskRouter
from sqlalchemy.orm import Session

from workers.errors import ERR_INVALID_ITEM
from workers.items import service as items
from workers.items.models import ItemCreate, PlanCreate
from workers.job_types import JobType
from workers.ledger import service as ledger
from workers.ledger.models import LedgerKind
from workers.tasks.base import (
    BpmnError,
    InvalidVariables,
    WorkerContext,
    add_task,
    fields_of,
    in_transaction,
    new_router,
    parse,
)


class RecordPlanInput(PlanCreate):
    """Variables of ``wenping-record-plan``."""

    item_id: int = Field(alias="itemId")


class ItemTasks:
    """Handlers for items and plans."""

    def __init__(self, ctx: WorkerContext) -> None:
        self.ctx = ctx

    async def register_item(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Validate and store the item; ERR_INVALID_ITEM with the problems otherwise."""
        try:
            data = parse(ItemCreate, variables)
        except InvalidVariables as invalid:
            raise BpmnError(
                ERR_INVALID_ITEM,
                f"{ERR_INVALID_ITEM}：{len(invalid.problems)}个变量无效",
                {"validationErrors": invalid.problems},
            ) from None

        def work(session: Session) -> int:
            item = items.register(
                session=session, data=data, process_instance_key=job.process_instance_key
            )
            ledger.record(
                session=session,
                item_id=item.id,
                kind=LedgerKind.REGISTERED,
                stage=1,
                text=f"登记应评事项，评估责任主体：{item.responsible_unit}",
                request_key=f"registered:{item.id}",
            )
            return item.id

        return {"itemId": await in_transaction(self.ctx, work)}

    async def record_plan(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Store a new plan version for the item."""
        data = parse(RecordPlanInput, variables)

        def work(session: Session) -> dict[str, Any]:
            plan = items.record_plan(
                session=session,
                item_id=data.item_id,
                data=data,
                request_key=job.element_instance_key,
            )
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.PLAN,
                stage=2,
                text=f"制定评估方案（第{plan.version}版），走访比例{plan.visit_ratio:.0%}",
                request_key=f"plan:{plan.id}",
            )
            return {"planId": plan.id, "planVersion": plan.version}

        return await in_transaction(self.ctx, work)


def router(ctx: WorkerContext) -> ZeebeTaskRouter:
    """The router of the item tasks."""
    tasks = ItemTasks(ctx)
    r = new_router()
    add_task(r, ctx, JobType.REGISTER_ITEM, tasks.register_item, fields_of(ItemCreate))
    add_task(r, ctx, JobType.RECORD_PLAN, tasks.record_plan, fields_of(RecordPlanInput))
    return r
