"""The decision requirements graph: decisions, knowledge models, services and input data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.dmn.model import DecisionType, Expression, Where, decision_type


@dataclass(frozen=True)
class Decision:
    """A decision: its logic and what it requires (ids of decisions, BKMs/services, inputs)."""

    id: str
    name: str
    variable_name: str
    type_ref: str | None
    logic: Expression | None
    required_decisions: tuple[str, ...]
    required_knowledge: tuple[str, ...]
    required_inputs: tuple[str, ...]
    where: Where

    @property
    def decision_type(self) -> DecisionType:
        return decision_type(self.logic)


@dataclass(frozen=True)
class BusinessKnowledgeModel:
    """A BKM: a function of ``parameters`` ((name, typeRef) pairs) over its logic."""

    id: str
    name: str
    parameters: tuple[tuple[str, str], ...]
    logic: Expression | None
    required_knowledge: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class DecisionService:
    """A decision service: a function of its input decisions and input data (in that order)."""

    id: str
    name: str
    output_decisions: tuple[str, ...]
    encapsulated_decisions: tuple[str, ...]
    input_decisions: tuple[str, ...]
    input_data: tuple[str, ...]
    where: Where


@dataclass(frozen=True)
class InputData:
    """An input data element of the DRG."""

    id: str
    name: str
    type_ref: str | None


@dataclass(frozen=True)
class DecisionRequirements:
    """One DMN resource: a decision requirements graph. Immutable and safe to share.

    ``decisions`` keeps document order. ``problems`` lists what failed to compile when the
    resource was parsed leniently (always empty for a strict parse).
    """

    id: str
    name: str
    namespace: str
    resource_name: str
    decisions: Mapping[str, Decision]
    knowledge_models: Mapping[str, BusinessKnowledgeModel]
    decision_services: Mapping[str, DecisionService]
    input_data: Mapping[str, InputData]
    problems: tuple[str, ...] = field(default=())

    def decision_by_name(self, name: str) -> Decision | None:
        """The first decision called ``name``, or None."""
        for decision in self.decisions.values():
            if decision.name == name:
                return decision
        return None
