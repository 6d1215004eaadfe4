"""Sampling rule: size, proportional strata, opposers first, reproducibility, reasons."""

from __future__ import annotations

from collections import Counter

from workers.stakeholders.sampling import Candidate, allocate, draw, sample_size


def _register(groups: dict[str, int], opposers: set[int] | None = None) -> list[Candidate]:
    out = []
    next_id = 1
    for group, n in groups.items():
        for _ in range(n):
            stance = "oppose" if opposers and next_id in opposers else "support"
            out.append(Candidate(next_id, group, stance))
            next_id += 1
    return out


def test_sample_size_takes_the_largest_requirement_and_caps_at_register() -> None:
    assert sample_size(register_size=1000, visit_ratio=0.1) == 100
    assert sample_size(register_size=1000, visit_ratio=0.1, min_ratio=0.3) == 300
    assert sample_size(register_size=1000, visit_ratio=0.1, min_ratio=0.3, min_count=400) == 400
    assert sample_size(register_size=80, visit_ratio=0.1, min_count=250) == 80
    # 30% of 101 is 30.3 households: a ratio is a minimum, so it rounds up.
    assert sample_size(register_size=101, visit_ratio=0.3) == 31


def test_allocation_is_proportional_and_exact() -> None:
    alloc = allocate({"A": 600, "B": 300, "C": 100}, 100)
    assert alloc == {"A": 60, "B": 30, "C": 10}
    odd = allocate({"A": 5, "B": 3, "C": 1}, 4)
    assert sum(odd.values()) == 4
    assert odd["C"] == 1  # a small group still gets a voice when places allow


def test_allocation_never_exceeds_a_stratum() -> None:
    alloc = allocate({"A": 2, "B": 100}, 50)
    assert alloc["A"] <= 2 and sum(alloc.values()) == 50


def test_draw_is_reproducible_by_seed() -> None:
    register = _register({"商户": 50, "周边居民": 150})
    first = draw(register, size=40, seed=7, opposers_first=False)
    again = draw(register, size=40, seed=7, opposers_first=False)
    other = draw(register, size=40, seed=8, opposers_first=False)
    assert [p.household_id for p in first] == [p.household_id for p in again]
    assert {p.household_id for p in first} != {p.household_id for p in other}


def test_draw_is_stratified_and_explained() -> None:
    register = _register({"商户": 50, "周边居民": 150})
    picks = draw(register, size=40, seed=1, opposers_first=False)
    assert Counter(p.group for p in picks) == {"商户": 10, "周边居民": 30}
    assert len({p.household_id for p in picks}) == 40
    assert all("分层随机抽样" in p.reason and p.group in p.reason for p in picks)


def test_sensitive_item_picks_every_opposer_first() -> None:
    opposers = {3, 77, 150, 199}
    register = _register({"商户": 50, "周边居民": 150}, opposers)
    picks = draw(register, size=20, seed=1, opposers_first=True)
    assert [p.household_id for p in picks[:4]] == sorted(opposers)
    assert all("反对" in p.reason for p in picks[:4])
    assert len(picks) == 20 and len({p.household_id for p in picks}) == 20


def test_more_opposers_than_places_fills_the_sample_with_opposers() -> None:
    opposers = set(range(1, 31))
    register = _register({"商户": 50, "周边居民": 150}, opposers)
    picks = draw(register, size=10, seed=1, opposers_first=True)
    assert {p.household_id for p in picks} <= opposers
    assert len(picks) == 10


def test_without_sensitivity_opposers_have_no_priority() -> None:
    opposers = set(range(1, 11))
    register = _register({"周边居民": 1000}, opposers)
    picks = draw(register, size=10, seed=3, opposers_first=False)
    assert len({p.household_id for p in picks} & opposers) < 10
