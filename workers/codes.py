"""Codes shared by several domains, with the Chinese labels staff see.

The codes are English so FEEL expressions and DMN tables stay ASCII; ``parse`` also accepts the
Chinese label, because forms and DMN tables written for staff often carry it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound="LabelledEnum")


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a Chinese label (``LABELS``)."""

    @property
    def label(self) -> str:
        """The Chinese label of this code."""
        return _LABELS[type(self).__name__][self.value]

    @classmethod
    def _missing_(cls, value: object) -> LabelledEnum | None:
        # Lets ``Enum(label)`` and pydantic fields accept the Chinese label as well as the code.
        for member in cls:
            if value == member.label:
                return member
        return None

    @classmethod
    def parse(cls: type[E], value: object) -> E:
        """The member for a code or a Chinese label; ValueError otherwise."""
        text = str(value).strip()
        for member in cls:
            if text in (member.value, member.label):
                return member
        raise ValueError(f"不是有效的{cls.__name__}代码")


class ItemType(LabelledEnum):
    """What is assessed (重大决策/项目/改革/活动)."""

    DECISION = "decision"
    PROJECT = "project"
    REFORM = "reform"
    EVENT = "event"


class RiskLevel(LabelledEnum):
    """Overall risk level; ordered low < medium < high by ``rank``."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for low, 1 for medium, 2 for high."""
        return ["low", "medium", "high"].index(self.value)

    @property
    def colour(self) -> str:
        """The warning colour (三色预警) of this level."""
        return {"low": "green", "medium": "yellow", "high": "red"}[self.value]


class Probability(LabelledEnum):
    """Probability of a risk factor (很高 … 很低)."""

    VERY_HIGH = "very_high"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    VERY_LOW = "very_low"


class Impact(LabelledEnum):
    """Impact of a risk factor (严重 … 可忽略)."""

    SEVERE = "severe"
    MAJOR = "major"
    MODERATE = "moderate"
    MINOR = "minor"
    NEGLIGIBLE = "negligible"


class Degree(LabelledEnum):
    """Risk degree of a factor (重大 … 微小), the output of the factor DMN."""

    CRITICAL = "critical"
    SERIOUS = "serious"
    GENERAL = "general"
    MINOR = "minor"
    SLIGHT = "slight"


class Stance(LabelledEnum):
    """A household's recorded stance on the item."""

    SUPPORT = "support"
    NEUTRAL = "neutral"
    OPPOSE = "oppose"


class ExpertCategory(LabelledEnum):
    """Categories of the expert pool (分类管理)."""

    SOCIAL_SCIENCE = "social_science"
    ENGINEERING = "engineering"
    MANAGEMENT = "management"
    LEGAL = "legal"


class Verdict(LabelledEnum):
    """An expert's written verdict; ``caution`` orders them for tie-breaks."""

    APPROVE = "approve"
    APPROVE_WITH_CHANGES = "approve_with_changes"
    REJECT = "reject"

    @property
    def caution(self) -> int:
        """0 approve, 1 approve with changes, 2 reject."""
        return ["approve", "approve_with_changes", "reject"].index(self.value)


class Decision(LabelledEnum):
    """Outcome of the result gate (评估结果运用)."""

    APPROVED = "approved"
    HELD_BACK = "held_back"
    STOPPED = "stopped"


JURISDICTIONS: tuple[str, ...] = ("白银市", "白银区", "平川区", "会宁县", "靖远县", "景泰县")
"""Baiyin City and its five county-level units (DOMAIN.md §7); the city pool is ``白银市``."""

CITY = "白银市"

_LABELS: dict[str, dict[str, str]] = {
    "ItemType": {
        "decision": "重大决策",
        "project": "重大项目",
        "reform": "重大改革",
        "event": "重大活动",
    },
    "RiskLevel": {"low": "低", "medium": "中", "high": "高"},
    "Probability": {
        "very_high": "很高",
        "high": "较高",
        "medium": "中等",
        "low": "较低",
        "very_low": "很低",
    },
    "Impact": {
        "severe": "严重",
        "major": "较大",
        "moderate": "中等",
        "minor": "较小",
        "negligible": "可忽略",
    },
    "Degree": {
        "critical": "重大",
        "serious": "较大",
        "general": "一般",
        "minor": "较小",
        "slight": "微小",
    },
    "Stance": {"support": "支持", "neutral": "中立", "oppose": "反对"},
    "ExpertCategory": {
        "social_science": "社会科学研究",
        "engineering": "工程技术",
        "management": "综合管理",
        "legal": "法律",
    },
    "Verdict": {"approve": "同意", "approve_with_changes": "修改后同意", "reject": "不同意"},
    "Decision": {"approved": "准予实施", "held_back": "暂缓实施", "stopped": "不予实施"},
}
