"""Demo data: the article's pool sizes, marked as demo, reproducible registers."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workers.app import seed_demo_data
from workers.demo.data import COUNTY_UNITS, POOL_SIZES, generate_register, seed_expert_pools
from workers.experts.models import Expert
from workers.tasks.base import WorkerContext


def test_pools_have_the_article_sizes_and_are_marked_demo(session: Session) -> None:
    assert seed_expert_pools(session=session) == 64 + 412
    assert seed_expert_pools(session=session) == 0  # seeding again adds nothing
    counts = dict(
        session.execute(select(Expert.pool, func.count(Expert.id)).group_by(Expert.pool)).all()
    )
    assert counts == POOL_SIZES
    assert sum(counts[c] for c in COUNTY_UNITS) == 412
    experts = session.scalars(select(Expert)).all()
    assert all(e.demo and e.name.endswith("（演示）") for e in experts)
    assert set(Counter(e.category for e in experts)) == {
        "social_science",
        "engineering",
        "management",
        "legal",
    }


def test_register_generator_is_reproducible_and_marked() -> None:
    first = list(generate_register(500, seed=3))
    assert first == list(generate_register(500, seed=3))
    assert first != list(generate_register(500, seed=4))
    assert all(r.demo and r.name.endswith("（演示）") for r in first)
    stances = Counter(r.stance for r in first)
    assert 0.08 < stances["oppose"] / 500 < 0.22
    assert len({r.group for r in first}) == 5


def test_seed_demo_data_through_the_worker_context(ctx: WorkerContext) -> None:
    assert seed_demo_data(ctx) == 476
    assert seed_demo_data(ctx) == 0
