"""Tasks of any stage: ledger lines for stages and decisions, and notifications."""

from typing import Any

from pydantic import Field
from pyzeebe import Job, ZeebeTaskRouter
from sqlalchemy.orm import Session

from workers.codes import Decision, RiskLevel
from workers.inputs import InputModel
from workers.items import service as items
from workers.items.models import ItemStatus
from workers.job_types import JobType
from workers.ledger import service as ledger
from workers.ledger.models import LedgerKind
from workers.tasks.base import (
    WorkerContext,
    add_task,
    fields_of,
    header,
    in_transaction,
    new_router,
    parse,
)


class StageInput(InputModel):
    """``wenping-record-stage``: header or variable ``stage``, variable ``itemId``."""

    item_id: int = Field(alias="itemId")
    stage: int = Field(alias="stage", ge=1, le=9)
    stage_note: str = Field(default="", alias="stageNote", max_length=500)


class DecisionInput(InputModel):
    """Variables of ``wenping-record-decision``."""

    item_id: int = Field(alias="itemId")
    decision: Decision = Field(alias="decision")
    # Optional: an item stopped before it was rated has no level to record.
    risk_level: RiskLevel | None = Field(default=None, alias="riskLevel")
    note: str = Field(default="", alias="decisionNote", max_length=4000)


class NotifyInput(InputModel):
    """``wenping-notify``: headers or variables ``notifyKind``, ``notifyGroup``, ``notifyText``."""

    kind: str = Field(alias="notifyKind", pattern="^(reminder|escalation|colour)$")
    group: str = Field(alias="notifyGroup", min_length=1, max_length=100)
    text: str = Field(default="", alias="notifyText", max_length=2000)
    item_id: int | None = Field(default=None, alias="itemId")
    colour: str | None = Field(default=None, alias="colour", pattern="^(red|yellow|green)$")


_STATUS = {
    Decision.APPROVED: ItemStatus.APPROVED,
    Decision.HELD_BACK: ItemStatus.HELD_BACK,
    Decision.STOPPED: ItemStatus.STOPPED,
}
_KIND_LABELS = {"reminder": "提醒", "escalation": "升级", "colour": "预警"}


def _with_headers(job: Job, variables: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    merged = dict(variables)
    for name in names:
        value = header(job, name, variables)
        if value is not None:
            merged[name] = value
    return merged


class LedgerTasks:
    """Handlers for the ledger and notifications."""

    def __init__(self, ctx: WorkerContext) -> None:
        self.ctx = ctx

    async def record_stage(self, job: Job, **variables: Any) -> dict[str, Any]:
        """A ledger line saying the item reached a stage."""
        data = parse(StageInput, _with_headers(job, variables, ("stage", "stageNote")))

        def work(session: Session) -> dict[str, Any]:
            items.set_stage(session=session, item_id=data.item_id, stage=data.stage)
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.STAGE,
                stage=data.stage,
                text=f"进入第{data.stage}环节：{ledger.STAGE_NAMES[data.stage]}"
                + (f"（{data.stage_note}）" if data.stage_note else ""),
                request_key=f"stage:{job.element_instance_key}",
            )
            return {"currentStage": data.stage}

        return await in_transaction(self.ctx, work)

    async def record_decision(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Record the result gate's outcome with the level that decided it."""
        data = parse(DecisionInput, variables)
        status = _STATUS[data.decision]

        def work(session: Session) -> dict[str, Any]:
            items.set_outcome(
                session=session, item_id=data.item_id, status=status, risk_level=data.risk_level
            )
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.DECISION,
                text=f"评估结果运用：{data.decision.label}"
                + (f"（{data.risk_level.label}风险）" if data.risk_level else "")
                + (f"，{data.note}" if data.note else ""),
                details={
                    "decision": data.decision.value,
                    "riskLevel": data.risk_level.value if data.risk_level else None,
                },
                request_key=f"decision:{job.element_instance_key}",
            )
            return {"itemStatus": status.value}

        return await in_transaction(self.ctx, work)

    async def notify(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Store a notification for a candidate group."""
        names = ("notifyKind", "notifyGroup", "notifyText")
        data = parse(NotifyInput, _with_headers(job, variables, names))

        def work(session: Session) -> dict[str, Any]:
            if data.item_id is not None:
                items.require(session=session, item_id=data.item_id)
            note = ledger.notify(
                session=session,
                kind=data.kind,
                group=data.group,
                text=data.text or f"{_KIND_LABELS[data.kind]}：任务{job.element_id}需要处理",
                item_id=data.item_id,
                colour=data.colour,
                request_key=job.element_instance_key,
            )
            return {"notificationId": note.id}

        return await in_transaction(self.ctx, work)


def router(ctx: WorkerContext) -> ZeebeTaskRouter:
    """The router of the ledger tasks."""
    tasks = LedgerTasks(ctx)
    r = new_router()
    add_task(r, ctx, JobType.RECORD_STAGE, tasks.record_stage, fields_of(StageInput))
    add_task(r, ctx, JobType.RECORD_DECISION, tasks.record_decision, fields_of(DecisionInput))
    add_task(r, ctx, JobType.NOTIFY, tasks.notify, fields_of(NotifyInput))
    return r
