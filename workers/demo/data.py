"""Demo data: Baiyin's expert pools at the article's sizes and a stakeholder register generator.

Every generated name carries the suffix ``（演示）`` and every row the ``demo`` flag, so demo data
can never be mistaken for real people.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workers.codes import ExpertCategory, Stance
from workers.experts import service as experts
from workers.experts.models import Expert, ExpertCreate
from workers.stakeholders import service as stakeholders
from workers.stakeholders.models import HouseholdRow

DEMO_SUFFIX = "（演示）"
"""Marks a generated name as demo data."""

POOL_SIZES: dict[str, int] = {
    "白银市": 64,
    "会宁县": 131,
    "靖远县": 66,
    "景泰县": 61,
    "白银区": 92,
    "平川区": 62,
}
"""Expert pool sizes in Baiyin Daily, 2020-12-23 (seed article): city 64, counties 412."""

COUNTY_UNITS: tuple[str, ...] = ("白银区", "平川区", "会宁县", "靖远县", "景泰县")
"""Baiyin's five county-level units (seed article)."""

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
)
_GIVEN = "建国明华丽军伟芳秀英敏静强磊洋艳勇杰娟涛超霞平刚桂兰玉红文斌志鹏飞海燕宁安"
_AFFILIATIONS = (
    "市发展和改革委员会",
    "市住房和城乡建设局",
    "市自然资源局",
    "市司法局",
    "兰州大学（演示）",
    "白银矿冶职业技术学院（演示）",
    "甘肃某律师事务所（演示）",
    "白银市公证处（演示）",
    "市信访局",
    "市生态环境局",
)
_GROUPS = ("被征收户", "周边居民", "商户", "务工人员", "村集体")
_COMMUNITIES = ("东区社区", "西区社区", "南街村", "北关村", "新城社区", "工农路社区")


def demo_name(rng: random.Random) -> str:
    """A generated Chinese name marked as demo data."""
    r = rng.random
    given = _GIVEN[int(r() * len(_GIVEN))]
    if r() < 0.6:
        given += _GIVEN[int(r() * len(_GIVEN))]
    return _SURNAMES[int(r() * len(_SURNAMES))] + given + DEMO_SUFFIX


def demo_experts(pool: str, size: int, *, seed: int) -> list[ExpertCreate]:
    """``size`` demo experts for ``pool``, spread over the categories."""
    rng = random.Random(f"{seed}:{pool}")
    categories = list(ExpertCategory)
    return [
        ExpertCreate(
            name=demo_name(rng),
            category=categories[i % len(categories)],
            pool=pool,
            affiliation=rng.choice(_AFFILIATIONS),
            demo=True,
        )
        for i in range(size)
    ]


def seed_expert_pools(*, session: Session, seed: int = 2020) -> int:
    """Fill every pool with demo experts up to the article's size; returns how many were added."""
    added = 0
    for pool, size in POOL_SIZES.items():
        have = (
            session.scalar(
                select(func.count(Expert.id)).where(Expert.pool == pool, Expert.demo.is_(True))
            )
            or 0
        )
        for data in demo_experts(pool, size, seed=seed)[have:]:
            experts.add_expert(session=session, data=data)
            added += 1
    return added


def generate_register(
    households: int,
    *,
    seed: int,
    groups: Sequence[str] = _GROUPS,
    oppose_share: float = 0.15,
    support_share: float = 0.6,
    civil_servant_share: float = 0.02,
) -> Iterator[HouseholdRow]:
    """A demo stakeholder register; group sizes are skewed so strata differ in size."""
    rng = random.Random(seed)
    cumulative = list(itertools.accumulate(len(groups) - i for i in range(len(groups))))
    for _ in range(households):
        draw = rng.random()
        stance = (
            Stance.OPPOSE
            if draw < oppose_share
            else Stance.SUPPORT
            if draw < oppose_share + support_share
            else Stance.NEUTRAL
        )
        yield HouseholdRow(
            name=demo_name(rng),
            group=groups[bisect.bisect(cumulative, rng.random() * cumulative[-1])],
            community=_COMMUNITIES[int(rng.random() * len(_COMMUNITIES))],
            stance=stance,
            civil_servant=rng.random() < civil_servant_share,
            demo=True,
        )


def seed_register(*, session: Session, item_id: int, households: int, seed: int) -> int:
    """Store a generated demo register for the item; returns the number of households."""
    return stakeholders.add_households(
        session=session,
        item_id=item_id,
        rows=generate_register(households, seed=seed),
    )
