"""Errors of the domain services.

Hierarchy::

    DomainError                 a job fails (retries, then an incident an operator resolves)
    ├── NotFound                an id names no row (``事项 itemId=42 不存在``)
    ├── InvalidInput            a variable breaks its rule; names the field, never the value
    └── RuleViolation           an outcome the process model handles: a BPMN error with ``code``
                                and Chinese ``reasons`` the model can show to staff

Messages are Chinese because operators read them in Operate or the web app.
"""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """Root of the domain errors."""


class NotFound(DomainError):
    """A referenced row does not exist."""

    def __init__(self, resource: str, field: str, key: object) -> None:
        super().__init__(f"{resource} {field}={key} 不存在")
        self.resource = resource
        self.field = field
        self.key = key


class InvalidInput(DomainError):
    """Input that breaks a rule; ``field`` names the variable."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"变量 {field} 无效：{rule}")
        self.field = field
        self.rule = rule


class RuleViolation(DomainError):
    """A business rule the process model handles (thrown as a BPMN error)."""

    def __init__(self, code: str, reasons: Sequence[str]) -> None:
        super().__init__(f"{code}: " + "；".join(reasons))
        self.code = code
        self.reasons = list(reasons)


ERR_HEARING_COMPOSITION = "ERR_HEARING_COMPOSITION"
"""BPMN error code: the hearing composition rule is broken."""
ERR_EXPERT_POOL_TOO_SMALL = "ERR_EXPERT_POOL_TOO_SMALL"
"""BPMN error code: no lawful expert panel can be drawn from the pool."""
ERR_INVALID_ITEM = "ERR_INVALID_ITEM"
"""BPMN error code: the item registration is invalid; nothing was stored."""
