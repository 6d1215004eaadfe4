"""Services for the expert pool: draws, redraws and the panel opinion."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from workers.codes import JURISDICTIONS, ExpertCategory
from workers.errors import ERR_EXPERT_POOL_TOO_SMALL, InvalidInput, NotFound, RuleViolation
from workers.experts.draw import (
    MAX_AFFILIATED_SHARE,
    MIN_PANEL_SIZE,
    DrawShortfall,
    PanelOutcome,
    PoolExpert,
    aggregate,
    draw_panel,
    redraw_one,
)
from workers.experts.models import (
    Expert,
    ExpertConflict,
    ExpertCreate,
    ExpertDrawAudit,
    ExpertOpinion,
    ExpertOpinionCreate,
    MemberStatus,
    Panel,
    PanelMember,
    PanelMemberRead,
)
from workers.items import service as items
from workers.items.models import Item


def add_expert(*, session: Session, data: ExpertCreate) -> Expert:
    """Add an expert to a pool."""
    expert = Expert(
        name=data.name,
        category=data.category.value,
        pool=data.pool,
        affiliation=data.affiliation,
        demo=data.demo,
    )
    session.add(expert)
    session.flush()
    return expert


def declare_conflict(
    *,
    session: Session,
    expert_id: int,
    item_id: int | None = None,
    unit: str | None = None,
    note: str = "",
) -> ExpertConflict:
    """Record an expert's declared conflict with an item or with a unit."""
    if session.get(Expert, expert_id) is None:
        raise NotFound("专家", "expertId", expert_id)
    conflict = ExpertConflict(expert_id=expert_id, item_id=item_id, unit=unit, note=note)
    session.add(conflict)
    session.flush()
    return conflict


def _eligible(
    *, session: Session, item: Item, pool: str
) -> tuple[list[PoolExpert], dict[str, str]]:
    unit = item.responsible_unit
    experts = session.scalars(
        select(Expert).where(Expert.pool == pool, Expert.active.is_(True)).order_by(Expert.id)
    ).all()
    conflicted = set(
        session.scalars(
            select(ExpertConflict.expert_id).where(
                (ExpertConflict.item_id == item.id) | (ExpertConflict.unit == unit)
            )
        ).all()
    )
    eligible = [
        PoolExpert(e.id, e.category, e.affiliation == unit)
        for e in experts
        if e.id not in conflicted
    ]
    excluded = {str(eid): "申报利益冲突" for eid in sorted(conflicted)}
    return eligible, excluded


def draw(
    *,
    session: Session,
    item_id: int,
    pool: str | None = None,
    categories: Sequence[ExpertCategory] = (),
    panel_size: int = 5,
    max_affiliated_share: float = MAX_AFFILIATED_SHARE,
    seed: int | None = None,
    request_key: int | None = None,
) -> Panel:
    """Draw and store a panel for the item, with an audit row (idempotent by request key).

    Raises RuleViolation(ERR_EXPERT_POOL_TOO_SMALL) when the pool cannot yield a lawful panel.
    """
    if panel_size < MIN_PANEL_SIZE or panel_size % 2 == 0:
        raise InvalidInput("panelSize", "专家组人数应为不少于3的奇数")
    if request_key is not None:
        existing = session.scalar(select(Panel).where(Panel.request_key == request_key))
        if existing is not None:
            return existing
    item = items.require(session=session, item_id=item_id)
    pool = pool or item.jurisdiction
    if pool not in JURISDICTIONS:
        raise InvalidInput("poolJurisdiction", "应为白银市或其下辖县区之一")
    eligible, excluded = _eligible(session=session, item=item, pool=pool)
    if seed is None:
        seed = secrets.randbits(53)
    try:
        chosen = draw_panel(
            eligible,
            panel_size=panel_size,
            categories=categories,
            seed=seed,
            max_affiliated_share=max_affiliated_share,
        )
    except DrawShortfall as short:
        raise RuleViolation(
            ERR_EXPERT_POOL_TOO_SMALL, [f"{pool}专家库：{r}" for r in short.reasons]
        ) from short
    by_id = {e.expert_id: e for e in eligible}
    panel = Panel(
        item_id=item_id,
        request_key=request_key,
        pool=pool,
        seed=seed,
        size=panel_size,
        parameters={
            "categories": [c.value for c in categories],
            "maxAffiliatedShare": max_affiliated_share,
        },
    )
    panel.members = [
        PanelMember(
            expert_id=c.expert_id,
            position=i,
            affiliated=by_id[c.expert_id].affiliated,
            reason=c.reason,
        )
        for i, c in enumerate(chosen, start=1)
    ]
    session.add(panel)
    session.flush()
    session.add(
        ExpertDrawAudit(
            panel_id=panel.id,
            kind="draw",
            seed=str(seed),
            eligible_ids=[e.expert_id for e in eligible],
            excluded=excluded,
            chosen_ids=[c.expert_id for c in chosen],
        )
    )
    return panel


def require_panel(*, session: Session, panel_id: int, item_id: int) -> Panel:
    """The item's panel with this id; NotFound otherwise."""
    panel = session.get(Panel, panel_id)
    if panel is None or panel.item_id != item_id:
        raise NotFound("专家组", "panelId", panel_id)
    return panel


def active_members(panel: Panel) -> list[PanelMember]:
    """The members who currently sit on the panel."""
    return [m for m in panel.members if m.status == MemberStatus.ACTIVE]


def members_read(panel: Panel) -> list[PanelMemberRead]:
    """The current members as the process sees them."""
    return [
        PanelMemberRead(
            expert_id=m.expert_id,
            name=m.expert.name,
            category=m.expert.category,
            affiliated=m.affiliated,
        )
        for m in active_members(panel)
    ]


def redraw(
    *, session: Session, item_id: int, panel_id: int, expert_id: int, conflict: bool
) -> PanelMember:
    """Replace a member who refused or declared a conflict; returns the replacement's row.

    Idempotent: if the expert was already replaced, the earlier replacement is returned.
    """
    panel = require_panel(session=session, panel_id=panel_id, item_id=item_id)
    member = next((m for m in panel.members if m.expert_id == expert_id), None)
    if member is None:
        raise NotFound("专家组成员", "expertId", expert_id)
    if member.status != MemberStatus.ACTIVE:
        return next(m for m in panel.members if m.expert_id == member.replaced_by)
    item = items.require(session=session, item_id=item_id)
    if conflict:
        declare_conflict(session=session, expert_id=expert_id, item_id=item_id, note="抽取后申报")
    eligible, excluded = _eligible(session=session, item=item, pool=panel.pool)
    ever = {m.expert_id for m in panel.members}
    candidates = [e for e in eligible if e.expert_id not in ever]
    current = [
        PoolExpert(m.expert_id, m.expert.category, m.affiliated) for m in active_members(panel)
    ]
    leaving = next(e for e in current if e.expert_id == expert_id)
    redraw_count = sum(1 for m in panel.members if m.status != MemberStatus.ACTIVE)
    seed = f"{panel.seed}:{redraw_count + 1}"
    try:
        replacement = redraw_one(
            candidates,
            current=current,
            leaving=leaving,
            panel_size=panel.size,
            seed=seed,
            max_affiliated_share=float(panel.parameters.get("maxAffiliatedShare", 0.5)),
        )
    except DrawShortfall as short:
        raise RuleViolation(ERR_EXPERT_POOL_TOO_SMALL, short.reasons) from short
    member.status = MemberStatus.CONFLICT if conflict else MemberStatus.REFUSED
    member.replaced_by = replacement.expert_id
    new_member = PanelMember(
        expert_id=replacement.expert_id,
        position=max(m.position for m in panel.members) + 1,
        affiliated=replacement.affiliated,
        reason=f"替换{'申报利益冲突' if conflict else '拒绝参加'}的专家，随机抽取",
    )
    panel.members.append(new_member)
    session.flush()
    session.add(
        ExpertDrawAudit(
            panel_id=panel.id,
            kind="redraw",
            seed=seed,
            eligible_ids=[e.expert_id for e in candidates],
            excluded=excluded,
            chosen_ids=[replacement.expert_id],
        )
    )
    session.refresh(new_member)
    return new_member


def record_opinions(
    *, session: Session, item_id: int, panel_id: int, opinions: Sequence[ExpertOpinionCreate]
) -> PanelOutcome:
    """Store the written opinions and the panel opinion; every current member must have one."""
    panel = require_panel(session=session, panel_id=panel_id, item_id=item_id)
    members = {m.expert_id for m in active_members(panel)}
    given = {o.expert_id: o for o in opinions}
    if set(given) - members:
        raise InvalidInput("expertOpinions", "含有不是本专家组现任成员的意见")
    if members - set(given):
        raise InvalidInput("expertOpinions", f"缺少{len(members - set(given))}位专家的意见")
    outcome = aggregate({eid: o.verdict for eid, o in given.items()})
    stored = {
        o.expert_id: o
        for o in session.scalars(select(ExpertOpinion).where(ExpertOpinion.panel_id == panel_id))
    }
    for eid, o in given.items():
        row = stored.get(eid) or ExpertOpinion(panel_id=panel_id, expert_id=eid)
        row.verdict = o.verdict.value
        row.comments = o.comments
        row.dissent = eid in outcome.dissenters
        session.add(row)
    panel.verdict = outcome.verdict.value
    panel.votes = outcome.votes
    session.flush()
    return outcome


def latest_panel(*, session: Session, item_id: int) -> Panel | None:
    """The item's most recent panel, or None."""
    return session.scalar(
        select(Panel).where(Panel.item_id == item_id).order_by(Panel.id.desc()).limit(1)
    )


def opinions(*, session: Session, panel_id: int) -> Sequence[ExpertOpinion]:
    """The stored written opinions of a panel."""
    return session.scalars(
        select(ExpertOpinion).where(ExpertOpinion.panel_id == panel_id).order_by(ExpertOpinion.id)
    ).all()
