"""Task of stage 3: sample the stakeholder representatives."""

from typing import Any

from pydantic import Field
from pyzeebe import Job, ZeebeTaskRouter
from sqlalchemy.orm import Session

from workers.demo.data import seed_register
from workers.inputs import InputModel
from workers.items import service as items
from workers.job_types import JobType
from workers.ledger import service as ledger
from workers.ledger.models import LedgerKind
from workers.stakeholders import service as stakeholders
from workers.tasks.base import WorkerContext, add_task, fields_of, in_transaction, new_router, parse

DEMO_MIN_HOUSEHOLDS = 200
"""Smallest demo register generated for a demo item with few affected households (our choice)."""


class SampleInput(InputModel):
    """Variables of ``wenping-sample-representatives``."""

    item_id: int = Field(alias="itemId")
    visit_ratio: float | None = Field(default=None, alias="visitRatio", gt=0, le=1)
    min_sample_ratio: float = Field(default=0.0, alias="minSampleRatio", ge=0, le=1)
    min_sample_count: int = Field(default=0, alias="minSampleCount", ge=0)
    sample_seed: int | None = Field(default=None, alias="sampleSeed", ge=0)


class StakeholderTasks:
    """Handlers for the stakeholder register."""

    def __init__(self, ctx: WorkerContext) -> None:
        self.ctx = ctx

    async def sample_representatives(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Draw the representatives; returns counts and the seed, never names."""
        data = parse(SampleInput, variables)

        def work(session: Session) -> dict[str, Any]:
            item = items.require(session=session, item_id=data.item_id)
            if item.demo and stakeholders.register_size(session=session, item_id=item.id) == 0:
                seed_register(
                    session=session,
                    item_id=item.id,
                    households=max(DEMO_MIN_HOUSEHOLDS, item.affected_households),
                    seed=item.id,
                )
            sample = stakeholders.draw_sample(
                session=session,
                item_id=data.item_id,
                visit_ratio=data.visit_ratio,
                min_ratio=data.min_sample_ratio,
                min_count=data.min_sample_count,
                seed=data.sample_seed,
                request_key=job.element_instance_key,
            )
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.SAMPLE,
                stage=3,
                text=(
                    f"从{sample.register_size}户中抽取群众代表{sample.size}户"
                    f"（其中持反对意见{sample.opposers_picked}户），随机种子{sample.seed}"
                ),
                request_key=f"sample:{sample.id}",
            )
            return {
                "sampleId": sample.id,
                "sampleSeed": sample.seed,
                "sampleSize": sample.size,
                "registerSize": sample.register_size,
                "opposersPicked": sample.opposers_picked,
            }

        return await in_transaction(self.ctx, work)


def router(ctx: WorkerContext) -> ZeebeTaskRouter:
    """The router of the stakeholder tasks."""
    tasks = StakeholderTasks(ctx)
    r = new_router()
    add_task(
        r, ctx, JobType.SAMPLE_REPRESENTATIVES, tasks.sample_representatives, fields_of(SampleInput)
    )
    return r
