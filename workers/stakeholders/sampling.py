"""Stratified, reproducible, explainable sampling of representatives (pure functions).

Kept free of the database so the rule can be read and tested on its own; ``service.py`` feeds it
plain tuples, which keeps a 100,000-household register fast.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from workers.codes import Stance


@dataclass(frozen=True)
class Candidate:
    """What sampling needs to know about a household."""

    household_id: int
    group: str
    stance: str


@dataclass(frozen=True)
class Pick:
    """A picked household and why (shown to staff and printed in the ledger)."""

    household_id: int
    group: str
    reason: str


def sample_size(
    *, register_size: int, visit_ratio: float, min_ratio: float = 0.0, min_count: int = 0
) -> int:
    """The number to visit: the plan's ratio, raised to the sample minimum, capped at the register.

    ``min_ratio``/``min_count`` come from the survey-sample-minimum DMN of the jurisdiction.
    """
    wanted = max(
        math.ceil(register_size * visit_ratio - 1e-9),
        math.ceil(register_size * min_ratio - 1e-9),
        min_count,
    )
    return min(wanted, register_size)


def allocate(strata: dict[str, int], total: int) -> dict[str, int]:
    """Proportional allocation by largest remainder.

    Every non-empty stratum gets at least one place when there are enough places (our choice:
    a small group must still be heard); no stratum gets more than it has.
    """
    population = sum(strata.values())
    if total <= 0 or population == 0:
        return dict.fromkeys(strata, 0)
    total = min(total, population)
    names = sorted(strata)
    quotas = {g: total * strata[g] / population for g in names}
    alloc = {g: min(strata[g], math.floor(quotas[g])) for g in names}
    if total >= len(names):
        for g in names:
            if alloc[g] == 0 and strata[g] > 0:
                alloc[g] = 1
    # Hand out (or take back) places by remainder so the total is exact; ties by name.
    while sum(alloc.values()) < total:
        open_groups = [g for g in names if alloc[g] < strata[g]]
        best = max(open_groups, key=lambda g: (quotas[g] - alloc[g], -names.index(g)))
        alloc[best] += 1
    while sum(alloc.values()) > total:
        over = [g for g in names if alloc[g] > 1]
        worst = min(over, key=lambda g: (quotas[g] - alloc[g], names.index(g)))
        alloc[worst] -= 1
    return alloc


def _stratified(pool: Sequence[Candidate], k: int, rng: random.Random, label: str) -> list[Pick]:
    by_group: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in pool:
        by_group[candidate.group].append(candidate)
    alloc = allocate({g: len(members) for g, members in by_group.items()}, k)
    picks: list[Pick] = []
    for group in sorted(by_group):
        members = sorted(by_group[group], key=lambda c: c.household_id)
        n = alloc[group]
        reason = f"{label}：{group}共{len(members)}户，按比例随机抽取{n}户"
        picks.extend(Pick(c.household_id, group, reason) for c in rng.sample(members, n))
    return picks


def draw(
    candidates: Sequence[Candidate], *, size: int, seed: int, opposers_first: bool
) -> list[Pick]:
    """Draw ``size`` households; the same inputs and seed give the same picks in the same order.

    In sensitive items everyone who opposes is picked first (Baiyin practice: 首要推选持反对意见的人
    为群众代表); the rest of the sample is stratified by stakeholder group.
    """
    rng = random.Random(seed)
    size = min(size, len(candidates))
    if not opposers_first:
        return _stratified(candidates, size, rng, "分层随机抽样")
    opposers = [c for c in candidates if c.stance == Stance.OPPOSE]
    others = [c for c in candidates if c.stance != Stance.OPPOSE]
    if len(opposers) >= size:
        return _stratified(opposers, size, rng, "敏感事项反对者优先（反对者多于样本量，分层抽取）")
    first = [
        Pick(c.household_id, c.group, "敏感事项：持反对意见者优先推选为群众代表")
        for c in sorted(opposers, key=lambda c: c.household_id)
    ]
    return first + _stratified(others, size - len(first), rng, "其余名额分层随机抽样")
