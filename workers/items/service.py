"""Services for items, responsible subjects and assessment plans."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workers.codes import JURISDICTIONS, RiskLevel
from workers.errors import InvalidInput, NotFound
from workers.items.models import (
    AssessmentPlan,
    Item,
    ItemCreate,
    ItemStatus,
    PlanCreate,
    ResponsibleSubject,
    SubjectRole,
)


def get(*, session: Session, item_id: int) -> Item | None:
    """The item with this id, or None."""
    return session.get(Item, item_id)


def require(*, session: Session, item_id: int) -> Item:
    """The item with this id; NotFound otherwise."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound("事项", "itemId", item_id)
    return item


def register(*, session: Session, data: ItemCreate, process_instance_key: int | None) -> Item:
    """Store an item and its responsible subjects; once per process instance."""
    if data.jurisdiction not in JURISDICTIONS:
        raise InvalidInput("jurisdiction", "应为白银市或其下辖县区之一")
    if process_instance_key is not None:
        existing = session.scalar(
            select(Item).where(Item.process_instance_key == process_instance_key)
        )
        if existing is not None:
            return existing
    item = Item(
        process_instance_key=process_instance_key,
        name=data.name,
        item_type=data.item_type.value,
        jurisdiction=data.jurisdiction,
        description=data.description,
        affected_households=data.affected_households,
        sensitive=data.sensitive,
        especially_major=data.especially_major,
        assessment_track=data.assessment_track,
        demo=data.demo,
        status=ItemStatus.REGISTERED,
    )
    item.subjects.append(
        ResponsibleSubject(
            unit=data.responsible_unit,
            role=SubjectRole.LEAD,
            contact_person=data.contact_person,
            contact_phone=data.contact_phone,
        )
    )
    if data.township:
        item.subjects.append(ResponsibleSubject(unit=data.township, role=SubjectRole.TOWNSHIP))
    session.add(item)
    session.flush()
    return item


def record_plan(
    *, session: Session, item_id: int, data: PlanCreate, request_key: int | None
) -> AssessmentPlan:
    """Store a new version of the item's plan; a repeated request returns the stored version."""
    require(session=session, item_id=item_id)
    if request_key is not None:
        existing = session.scalar(
            select(AssessmentPlan).where(AssessmentPlan.request_key == request_key)
        )
        if existing is not None:
            return existing
    latest = session.scalar(
        select(func.max(AssessmentPlan.version)).where(AssessmentPlan.item_id == item_id)
    )
    plan = AssessmentPlan(
        item_id=item_id,
        version=(latest or 0) + 1,
        request_key=request_key,
        visit_ratio=data.visit_ratio,
        stakeholder_groups=data.stakeholder_groups,
        content=data.content,
        representative_method=data.representative_method,
        team_members=data.team_members,
        deadline=data.deadline,
        expert_units=data.expert_units,
    )
    session.add(plan)
    session.flush()
    return plan


def current_plan(*, session: Session, item_id: int) -> AssessmentPlan | None:
    """The newest plan of the item, or None."""
    return session.scalar(
        select(AssessmentPlan)
        .where(AssessmentPlan.item_id == item_id)
        .order_by(AssessmentPlan.version.desc())
        .limit(1)
    )


def set_stage(*, session: Session, item_id: int, stage: int) -> Item:
    """Record that the item reached ``stage`` (1–9)."""
    if not 1 <= stage <= 9:
        raise InvalidInput("stage", "应为 1 到 9 之间的环节编号")
    item = require(session=session, item_id=item_id)
    item.current_stage = stage
    if item.status == ItemStatus.REGISTERED and stage > 1:
        item.status = ItemStatus.ASSESSING
    return item


def set_outcome(
    *, session: Session, item_id: int, status: ItemStatus, risk_level: RiskLevel | None
) -> Item:
    """Record the result gate's outcome and the level that decided it (if it was rated)."""
    item = require(session=session, item_id=item_id)
    item.status = status
    if risk_level is not None:
        item.risk_level = risk_level.value
    return item
