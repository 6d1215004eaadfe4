"""Expert panels: lawful reproducible draws, conflicts, redraws, the panel opinion."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from workers.codes import ExpertCategory, Verdict
from workers.errors import ERR_EXPERT_POOL_TOO_SMALL, InvalidInput, RuleViolation
from workers.experts import service as experts
from workers.experts.draw import PoolExpert, aggregate, draw_panel
from workers.experts.models import ExpertCreate, ExpertDrawAudit, ExpertOpinionCreate
from workers.items.models import Item

UNIT = "白银区住房和城乡建设局"  # the responsible unit of the test item


def add_pool(session: Session, n: int, *, pool: str = "白银区", affiliated: int = 0) -> list[int]:
    ids = []
    categories = list(ExpertCategory)
    for i in range(n):
        data = ExpertCreate(
            name=f"专家{i}",
            category=categories[i % 4],
            pool=pool,
            affiliation=UNIT if i < affiliated else f"单位{i}",
        )
        ids.append(experts.add_expert(session=session, data=data).id)
    return ids


def test_panel_is_reproducible_and_lawful(session: Session, make_item: Callable[..., Item]) -> None:
    item = make_item()
    add_pool(session, 40, affiliated=20)
    kw = {"categories": [ExpertCategory.LEGAL, ExpertCategory.ENGINEERING], "panel_size": 5}
    first = experts.draw(session=session, item_id=item.id, seed=11, **kw)  # type: ignore[arg-type]
    second = experts.draw(session=session, item_id=item.id, seed=11, **kw)  # type: ignore[arg-type]
    ids = [m.expert_id for m in first.members]
    assert ids == [m.expert_id for m in second.members]
    assert len(set(ids)) == 5
    assert sum(m.affiliated for m in first.members) <= 2
    cats = {m.expert.category for m in first.members}
    assert {"legal", "engineering"} <= cats
    audit = session.scalars(
        select(ExpertDrawAudit).where(ExpertDrawAudit.panel_id == first.id)
    ).one()
    assert audit.seed == "11" and audit.chosen_ids == ids and len(audit.eligible_ids) == 40


def test_affiliated_share_holds_even_when_the_pool_is_mostly_affiliated() -> None:
    pool = [PoolExpert(i, "legal", affiliated=i < 18) for i in range(20)]
    for seed in range(30):
        panel = draw_panel(pool, panel_size=3, categories=[], seed=seed)
        assert sum(1 for c in panel if c.expert_id < 18) <= 1


def test_declared_conflicts_are_excluded(session: Session, make_item: Callable[..., Item]) -> None:
    item = make_item()
    ids = add_pool(session, 6)
    experts.declare_conflict(session=session, expert_id=ids[0], item_id=item.id)
    experts.declare_conflict(session=session, expert_id=ids[1], unit=UNIT)
    for seed in range(10):
        panel = experts.draw(session=session, item_id=item.id, panel_size=3, seed=seed)
        assert not {ids[0], ids[1]} & {m.expert_id for m in panel.members}


def test_even_or_small_panels_are_refused(session: Session, make_item: Callable[..., Item]) -> None:
    item = make_item()
    for size in (1, 4):
        with pytest.raises(InvalidInput, match="panelSize"):
            experts.draw(session=session, item_id=item.id, panel_size=size)


def test_pool_too_small_is_a_rule_violation(
    session: Session, make_item: Callable[..., Item]
) -> None:
    item = make_item()
    add_pool(session, 4, affiliated=3)  # 1 unaffiliated + at most 2 affiliated = 3 < 5
    with pytest.raises(RuleViolation) as caught:
        experts.draw(session=session, item_id=item.id, panel_size=5, seed=1)
    assert caught.value.code == ERR_EXPERT_POOL_TOO_SMALL
    assert any("不足5人" in r for r in caught.value.reasons)


def test_missing_category_is_named(session: Session, make_item: Callable[..., Item]) -> None:
    item = make_item()
    for i in range(5):
        experts.add_expert(
            session=session,
            data=ExpertCreate(name=f"工程{i}", category=ExpertCategory.ENGINEERING, pool="白银区"),
        )
    with pytest.raises(RuleViolation) as caught:
        experts.draw(
            session=session, item_id=item.id, panel_size=3, categories=[ExpertCategory.LEGAL]
        )
    assert any("法律类专家" in r for r in caught.value.reasons)


def test_city_pool_is_used_when_asked(session: Session, make_item: Callable[..., Item]) -> None:
    item = make_item()
    add_pool(session, 5, pool="白银区")
    city = add_pool(session, 5, pool="白银市")
    panel = experts.draw(session=session, item_id=item.id, pool="白银市", panel_size=3, seed=3)
    assert {m.expert_id for m in panel.members} <= set(city)


def test_redraw_replaces_once_and_keeps_the_audit(
    session: Session, make_item: Callable[..., Item]
) -> None:
    item = make_item()
    add_pool(session, 12)
    panel = experts.draw(session=session, item_id=item.id, panel_size=3, seed=5)
    leaving = panel.members[0].expert_id
    new = experts.redraw(
        session=session, item_id=item.id, panel_id=panel.id, expert_id=leaving, conflict=True
    )
    again = experts.redraw(
        session=session, item_id=item.id, panel_id=panel.id, expert_id=leaving, conflict=True
    )
    assert new.expert_id == again.expert_id
    current = [m.expert_id for m in experts.active_members(panel)]
    assert len(current) == 3 and leaving not in current and new.expert_id in current
    # the conflict is now declared, so a later draw for this item never picks that expert
    for seed in range(10):
        later = experts.draw(session=session, item_id=item.id, panel_size=3, seed=seed)
        assert leaving not in {m.expert_id for m in later.members}


def test_redraw_with_an_exhausted_pool(session: Session, make_item: Callable[..., Item]) -> None:
    item = make_item()
    add_pool(session, 3)
    panel = experts.draw(session=session, item_id=item.id, panel_size=3, seed=5)
    with pytest.raises(RuleViolation) as caught:
        experts.redraw(
            session=session,
            item_id=item.id,
            panel_id=panel.id,
            expert_id=panel.members[0].expert_id,
            conflict=False,
        )
    assert caught.value.code == ERR_EXPERT_POOL_TOO_SMALL


def test_majority_with_dissent_and_cautious_tie_break() -> None:
    outcome = aggregate({1: Verdict.APPROVE, 2: Verdict.APPROVE, 3: Verdict.REJECT})
    assert outcome.verdict == Verdict.APPROVE and outcome.dissenters == (3,)
    assert outcome.votes == {"approve": 2, "approve_with_changes": 0, "reject": 1}
    tie = aggregate({1: Verdict.APPROVE, 2: Verdict.APPROVE_WITH_CHANGES, 3: Verdict.REJECT})
    assert tie.verdict == Verdict.REJECT


def test_opinions_must_come_from_the_current_panel(
    session: Session, make_item: Callable[..., Item]
) -> None:
    item = make_item()
    add_pool(session, 9)
    panel = experts.draw(session=session, item_id=item.id, panel_size=3, seed=2)
    ids = [m.expert_id for m in panel.members]
    partial = [ExpertOpinionCreate(expertId=ids[0], verdict=Verdict.APPROVE)]
    with pytest.raises(InvalidInput, match="缺少2位专家的意见"):
        experts.record_opinions(
            session=session, item_id=item.id, panel_id=panel.id, opinions=partial
        )
    full = [
        ExpertOpinionCreate(expertId=i, verdict=v, comments="意见")
        for i, v in zip(ids, [Verdict.APPROVE, Verdict.REJECT, Verdict.APPROVE], strict=True)
    ]
    outcome = experts.record_opinions(
        session=session, item_id=item.id, panel_id=panel.id, opinions=full
    )
    assert outcome.verdict == Verdict.APPROVE
    stored = experts.opinions(session=session, panel_id=panel.id)
    assert [o.dissent for o in stored] == [False, True, False]
    assert panel.verdict == "approve"


def test_unknown_pool_is_named(session: Session, make_item: Callable[..., Item]) -> None:
    item = make_item()
    with pytest.raises(InvalidInput, match="poolJurisdiction"):
        experts.draw(session=session, item_id=item.id, pool="兰州市", panel_size=3)
