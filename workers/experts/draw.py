"""The expert draw as pure functions: reproducible, lawful panels and the panel opinion."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from workers.codes import ExpertCategory, Verdict

MIN_PANEL_SIZE = 3
"""Expert review panels have ≥ 3 members (DOMAIN.md §6, national practice); we require odd sizes."""
MAX_AFFILIATED_SHARE = 0.5
"""Experts affiliated with the sponsoring unit ≤ ½ of the panel (DOMAIN.md §6)."""


@dataclass(frozen=True)
class PoolExpert:
    """What the draw needs to know about an eligible expert."""

    expert_id: int
    category: str
    affiliated: bool


@dataclass(frozen=True)
class Chosen:
    """A drawn expert and why."""

    expert_id: int
    reason: str


@dataclass(frozen=True)
class PanelOutcome:
    """The panel opinion: majority verdict, vote counts and who dissented."""

    verdict: Verdict
    votes: dict[str, int]
    dissenters: tuple[int, ...]


class DrawShortfall(Exception):
    """No lawful panel can be drawn; ``reasons`` are Chinese sentences for staff."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("；".join(reasons))
        self.reasons = reasons


def max_affiliated(panel_size: int, share: float = MAX_AFFILIATED_SHARE) -> int:
    """Most affiliated experts a panel of ``panel_size`` may hold."""
    return math.floor(panel_size * share + 1e-9)


def draw_panel(
    eligible: Sequence[PoolExpert],
    *,
    panel_size: int,
    categories: Sequence[ExpertCategory],
    seed: int,
    max_affiliated_share: float = MAX_AFFILIATED_SHARE,
) -> list[Chosen]:
    """Draw a panel covering ``categories`` with at most the allowed share of affiliated experts.

    The same eligible list, parameters and seed give the same panel.
    """
    order = sorted(eligible, key=lambda e: e.expert_id)
    random.Random(seed).shuffle(order)
    cap = max_affiliated(panel_size, max_affiliated_share)
    chosen: list[Chosen] = []
    taken: set[int] = set()
    affiliated = 0
    reasons: list[str] = []

    def can_take(e: PoolExpert) -> bool:
        return e.expert_id not in taken and (not e.affiliated or affiliated < cap)

    for category in dict.fromkeys(categories):
        pick = next((e for e in order if e.category == category and can_take(e)), None)
        if pick is None:
            reasons.append(f"专家库中没有可抽取的{category.label}类专家")
            continue
        chosen.append(Chosen(pick.expert_id, f"随机抽取，覆盖{category.label}类"))
        taken.add(pick.expert_id)
        affiliated += pick.affiliated
    for e in order:
        if len(chosen) >= panel_size:
            break
        if can_take(e):
            chosen.append(Chosen(e.expert_id, "随机抽取"))
            taken.add(e.expert_id)
            affiliated += e.affiliated
    if len(chosen) < panel_size:
        reasons.append(
            f"可抽取专家{len(chosen)}人，不足{panel_size}人"
            f"（关联专家不超过{cap}人，已排除利益冲突者）"
        )
    if reasons:
        raise DrawShortfall(reasons)
    return chosen[:panel_size]


def redraw_one(
    eligible: Sequence[PoolExpert],
    *,
    current: Sequence[PoolExpert],
    leaving: PoolExpert,
    panel_size: int,
    seed: str,
    max_affiliated_share: float = MAX_AFFILIATED_SHARE,
) -> PoolExpert:
    """A replacement for ``leaving``: same category if possible, affiliation cap kept."""
    staying = [e for e in current if e.expert_id != leaving.expert_id]
    cap = max_affiliated(panel_size, max_affiliated_share)
    affiliated = sum(e.affiliated for e in staying)
    order = sorted(eligible, key=lambda e: e.expert_id)
    random.Random(seed).shuffle(order)
    allowed = [e for e in order if not e.affiliated or affiliated < cap]
    same = [e for e in allowed if e.category == leaving.category]
    if same:
        return same[0]
    if allowed:
        return allowed[0]
    label = ExpertCategory.parse(leaving.category).label
    raise DrawShortfall([f"专家库中已没有可替换的专家（原专家类别：{label}）"])


def aggregate(opinions: dict[int, Verdict]) -> PanelOutcome:
    """Majority verdict; a tie goes to the more cautious verdict. Dissenters are recorded."""
    counts = Counter(opinions.values())
    verdict = max(counts, key=lambda v: (counts[v], v.caution))
    return PanelOutcome(
        verdict=verdict,
        votes={v.value: counts.get(v, 0) for v in Verdict},
        dissenters=tuple(sorted(eid for eid, v in opinions.items() if v != verdict)),
    )
