"""Sampling on the stored register: seed recorded, reasons stored, opposers first.

Speed on 100,000 households is measured by bench/sampling.py, not asserted here.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workers.demo.data import generate_register, seed_register
from workers.errors import InvalidInput
from workers.items.models import Item
from workers.stakeholders import service as stakeholders
from workers.stakeholders.models import Household, Sample


def test_sample_of_a_large_register_is_reproducible_and_picks_opposers_first(
    factory: sessionmaker[Session], make_item: Callable[..., Item]
) -> None:
    item = make_item(sensitive=True, affectedHouseholds=20_000)
    with factory() as s, s.begin():
        assert seed_register(session=s, item_id=item.id, households=20_000, seed=5) == 20_000
    with factory() as s, s.begin():
        sample = stakeholders.draw_sample(
            session=s, item_id=item.id, visit_ratio=0.05, min_count=250, seed=99
        )
        sample_id, size = sample.id, sample.size
    assert size == 1_000
    with factory() as s, s.begin():
        reps = stakeholders.representatives(session=s, sample_id=sample_id)
        opposers = s.scalar(
            select(Household.id).where(Household.item_id == item.id, Household.stance == "oppose")
        )
        again = stakeholders.draw_sample(
            session=s, item_id=item.id, visit_ratio=0.05, min_count=250, seed=99
        )
        again_reps = stakeholders.representatives(session=s, sample_id=again.id)
    assert opposers is not None
    assert [r.household_id for r in reps] == [r.household_id for r in again_reps]
    # sensitive item: ~3,000 oppose, more than the 1,000 places, so every pick is an opposer,
    # stratified by group
    assert all(r.stance == "oppose" for r in reps)
    assert len({r.group for r in reps}) == 5
    assert all(r.reason for r in reps)


def test_seed_is_drawn_and_recorded_when_not_given(
    session: Session, make_item: Callable[..., Item]
) -> None:
    item = make_item(sensitive=False)
    stakeholders.add_households(
        session=session, item_id=item.id, rows=generate_register(300, seed=1)
    )
    sample = stakeholders.draw_sample(session=session, item_id=item.id, visit_ratio=0.1)
    assert sample.size == 30 and sample.register_size == 300
    again = stakeholders.draw_sample(
        session=session, item_id=item.id, visit_ratio=0.1, seed=sample.seed
    )
    first = [
        r.household_id for r in stakeholders.representatives(session=session, sample_id=sample.id)
    ]
    second = [
        r.household_id for r in stakeholders.representatives(session=session, sample_id=again.id)
    ]
    assert first == second
    assert sample.parameters["visitRatio"] == 0.1


def test_same_request_key_draws_once(session: Session, make_item: Callable[..., Item]) -> None:
    item = make_item()
    stakeholders.add_households(
        session=session, item_id=item.id, rows=generate_register(100, seed=1)
    )
    first = stakeholders.draw_sample(
        session=session, item_id=item.id, visit_ratio=0.2, request_key=42
    )
    second = stakeholders.draw_sample(
        session=session, item_id=item.id, visit_ratio=0.2, request_key=42
    )
    assert first.id == second.id
    assert len(session.scalars(select(Sample)).all()) == 1


def test_empty_register_is_refused_naming_the_item(
    session: Session, make_item: Callable[..., Item]
) -> None:
    item = make_item()
    with pytest.raises(InvalidInput, match="登记册为空"):
        stakeholders.draw_sample(session=session, item_id=item.id, visit_ratio=0.2)


def test_visit_ratio_defaults_to_the_plan(session: Session, make_item: Callable[..., Item]) -> None:
    from workers.items import service as items
    from workers.items.models import PlanCreate

    item = make_item()
    stakeholders.add_households(
        session=session, item_id=item.id, rows=generate_register(200, seed=2)
    )
    with pytest.raises(InvalidInput, match="visitRatio"):
        stakeholders.draw_sample(session=session, item_id=item.id, visit_ratio=None)
    items.record_plan(
        session=session,
        item_id=item.id,
        data=PlanCreate.model_validate({"visitRatio": 0.25}),
        request_key=None,
    )
    sample = stakeholders.draw_sample(session=session, item_id=item.id, visit_ratio=None)
    assert sample.size == 50
