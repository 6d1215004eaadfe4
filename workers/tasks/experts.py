"""Tasks of stage 6: draw the expert panel, redraw a member, aggregate the opinions."""

from enum import StrEnum
from typing import Any

from pydantic import Field
from pyzeebe import Job, ZeebeTaskRouter
from sqlalchemy.orm import Session

from workers.codes import ExpertCategory
from workers.experts import service as experts
from workers.experts.draw import MAX_AFFILIATED_SHARE
from workers.experts.models import ExpertOpinionCreate, Panel
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


class RedrawReason(StrEnum):
    """Why a member leaves the panel."""

    REFUSED = "refused"
    CONFLICT = "conflict"


_REASON_LABELS = {RedrawReason.REFUSED: "拒绝参加", RedrawReason.CONFLICT: "申报利益冲突"}


class DrawPanelInput(InputModel):
    """Variables of ``wenping-draw-expert-panel``."""

    item_id: int = Field(alias="itemId")
    pool_jurisdiction: str | None = Field(default=None, alias="poolJurisdiction")
    categories: list[ExpertCategory] = Field(default_factory=list, alias="categories")
    panel_size: int = Field(default=5, alias="panelSize", ge=3, le=99)
    max_affiliated_share: float = Field(
        default=MAX_AFFILIATED_SHARE, alias="maxAffiliatedShare", ge=0, le=0.5
    )
    draw_seed: int | None = Field(default=None, alias="drawSeed", ge=0)


class RedrawInput(InputModel):
    """Variables of ``wenping-redraw-expert``."""

    item_id: int = Field(alias="itemId")
    panel_id: int = Field(alias="panelId")
    expert_id: int = Field(alias="expertId")
    reason: RedrawReason = Field(alias="redrawReason")


class AggregateInput(InputModel):
    """Variables of ``wenping-aggregate-expert-opinions``."""

    item_id: int = Field(alias="itemId")
    panel_id: int = Field(alias="panelId")
    expert_opinions: list[ExpertOpinionCreate] = Field(alias="expertOpinions", min_length=1)


def _panel_variables(panel: Panel) -> dict[str, Any]:
    members = experts.members_read(panel)
    return {
        "panelExpertIds": [m.expert_id for m in members],
        "panelExperts": [m.model_dump(by_alias=True) for m in members],
    }


class ExpertTasks:
    """Handlers for expert review."""

    def __init__(self, ctx: WorkerContext) -> None:
        self.ctx = ctx

    async def draw_expert_panel(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Draw the panel; ERR_EXPERT_POOL_TOO_SMALL with ``expertPoolViolations`` otherwise."""
        data = parse(DrawPanelInput, variables)

        def work(session: Session) -> dict[str, Any]:
            panel = experts.draw(
                session=session,
                item_id=data.item_id,
                pool=data.pool_jurisdiction,
                categories=data.categories,
                panel_size=data.panel_size,
                max_affiliated_share=data.max_affiliated_share,
                seed=data.draw_seed,
                request_key=job.element_instance_key,
            )
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.EXPERT_DRAW,
                stage=6,
                text=f"从{panel.pool}专家库抽取专家{panel.size}人，随机种子{panel.seed}",
                request_key=f"panel:{panel.id}",
            )
            return {"panelId": panel.id, "drawSeed": panel.seed, **_panel_variables(panel)}

        return await in_transaction(self.ctx, work, violations="expertPoolViolations")

    async def redraw_expert(self, job: Job, **variables: Any) -> dict[str, Any]:
        """Replace a member who refused or declared a conflict."""
        data = parse(RedrawInput, variables)

        def work(session: Session) -> dict[str, Any]:
            member = experts.redraw(
                session=session,
                item_id=data.item_id,
                panel_id=data.panel_id,
                expert_id=data.expert_id,
                conflict=data.reason == RedrawReason.CONFLICT,
            )
            panel = experts.require_panel(
                session=session, panel_id=data.panel_id, item_id=data.item_id
            )
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.EXPERT_DRAW,
                stage=6,
                text=f"专家{data.expert_id}{_REASON_LABELS[data.reason]}，补抽专家{member.expert_id}",
                request_key=f"redraw:{data.panel_id}:{data.expert_id}",
            )
            return {"replacementExpertId": member.expert_id, **_panel_variables(panel)}

        return await in_transaction(self.ctx, work, violations="expertPoolViolations")

    async def aggregate_expert_opinions(self, job: Job, **variables: Any) -> dict[str, Any]:
        """The panel opinion: majority verdict, votes and dissent."""
        data = parse(AggregateInput, variables)

        def work(session: Session) -> dict[str, Any]:
            outcome = experts.record_opinions(
                session=session,
                item_id=data.item_id,
                panel_id=data.panel_id,
                opinions=data.expert_opinions,
            )
            ledger.record(
                session=session,
                item_id=data.item_id,
                kind=LedgerKind.EXPERT_OPINION,
                stage=6,
                text=f"专家组意见：{outcome.verdict.label}，不同意见{len(outcome.dissenters)}份",
                request_key=f"panel-opinion:{job.element_instance_key}",
            )
            return {
                "panelVerdict": outcome.verdict.value,
                "panelVotes": outcome.votes,
                "dissentCount": len(outcome.dissenters),
                "panelUnanimous": not outcome.dissenters,
            }

        return await in_transaction(self.ctx, work)


def router(ctx: WorkerContext) -> ZeebeTaskRouter:
    """The router of the expert tasks."""
    tasks = ExpertTasks(ctx)
    r = new_router()
    add_task(r, ctx, JobType.DRAW_EXPERT_PANEL, tasks.draw_expert_panel, fields_of(DrawPanelInput))
    add_task(r, ctx, JobType.REDRAW_EXPERT, tasks.redraw_expert, fields_of(RedrawInput))
    add_task(
        r,
        ctx,
        JobType.AGGREGATE_EXPERT_OPINIONS,
        tasks.aggregate_expert_opinions,
        fields_of(AggregateInput),
    )
    return r
