"""What an evaluation gives back: the output and the audit trail, shaped like Zeebe's.

Values are kept as FEEL values (``value``) and converted to JSON on demand (``*_json``), so an
evaluation whose caller only needs the output pays nothing for the audit conversion.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine import api
from engine.dmn import feel_bridge
from engine.dmn.model import DecisionTable, DecisionType, Rule


def json_text(value: Any) -> str:
    """A FEEL value as compact JSON text, as Zeebe renders decision values."""
    return json.dumps(feel_bridge.to_json(value), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class EvaluatedInput:
    """One decision table input and the value its expression gave."""

    input_id: str
    input_name: str
    value: Any

    def to_api(self) -> dict[str, Any]:
        return {
            "inputId": self.input_id,
            "inputName": self.input_name,
            "inputValue": json_text(self.value),
        }


@dataclass(frozen=True)
class EvaluatedOutput:
    """One output entry of a matched rule and its value."""

    output_id: str
    output_name: str
    value: Any

    def to_api(self) -> dict[str, Any]:
        return {
            "outputId": self.output_id,
            "outputName": self.output_name,
            "outputValue": json_text(self.value),
        }


@dataclass(frozen=True)
class MatchedRule:
    """A rule that contributed to the result; ``rule_index`` is 1-based."""

    rule_id: str
    rule_index: int
    outputs: tuple[EvaluatedOutput, ...]


class TableTrace:
    """What a decision table evaluation saw, kept raw; the audit records are built on demand
    (most callers only want the output, and building them costs as much as the evaluation)."""

    __slots__ = ("matched", "rows", "table", "values")

    def __init__(
        self,
        table: DecisionTable,
        values: Sequence[Any],
        matched: Sequence[Rule],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        self.table = table
        self.values = values
        self.matched = matched
        self.rows = rows

    def inputs(self) -> tuple[EvaluatedInput, ...]:
        return tuple(
            EvaluatedInput(i.id, i.name, v)
            for i, v in zip(self.table.inputs, self.values, strict=False)
        )

    def matched_rules(self) -> tuple[MatchedRule, ...]:
        outputs = self.table.outputs
        return tuple(
            MatchedRule(
                rule.id,
                rule.index,
                tuple(
                    EvaluatedOutput(o.id, o.reported_name, v)
                    for o, v in zip(outputs, row, strict=True)
                ),
            )
            for rule, row in zip(self.matched, self.rows, strict=False)
        )


@dataclass(frozen=True)
class EvaluatedDecision:
    """One decision of the evaluation, in evaluation order (required decisions first).

    For a decision table, ``inputs`` are the evaluated inputs and ``matched_rules`` the rules
    that made the result (only the first for FIRST), each with its evaluated outputs.
    """

    decision_id: str
    decision_name: str
    decision_type: DecisionType
    output: Any
    trace: TableTrace | None = field(default=None, repr=False, compare=False)

    @cached_property
    def inputs(self) -> tuple[EvaluatedInput, ...]:
        return self.trace.inputs() if self.trace is not None else ()

    @cached_property
    def matched_rules(self) -> tuple[MatchedRule, ...]:
        return self.trace.matched_rules() if self.trace is not None else ()

    @cached_property
    def output_json(self) -> Any:
        return feel_bridge.to_json(self.output)


@dataclass(frozen=True)
class DecisionOutcome:
    """The result of :func:`engine.dmn.evaluate_decision`.

    On success ``failed_decision_id`` is None and ``output`` holds the FEEL value. On failure
    ``output`` is None, ``failed_decision_id`` names the decision that failed and
    ``failure_message`` says why (Zeebe's wording: "Expected to evaluate decision 'x', but …").
    """

    decision_id: str
    decision_name: str
    output: Any
    evaluated_decisions: tuple[EvaluatedDecision, ...]
    failed_decision_id: str | None = None
    failure_message: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the evaluation succeeded."""
        return self.failed_decision_id is None

    @cached_property
    def output_json(self) -> Any:
        """The output as a JSON-compatible value (what a result variable receives)."""
        return feel_bridge.to_json(self.output)

    def to_api(
        self,
        *,
        decision_key: int,
        decision_version: int,
        decision_requirements_id: str,
        decision_requirements_key: int,
        keys: Callable[[str], tuple[int, int]],
        tenant_id: str = "<default>",
    ) -> api.DecisionEvaluationResult:
        """Zeebe's EvaluateDecision answer; ``keys(decision_id)`` gives (decision key, version)."""
        evaluated = []
        for decision in self.evaluated_decisions:
            key, version = keys(decision.decision_id)
            evaluated.append(
                api.EvaluatedDecision(
                    decision_id=decision.decision_id,
                    decision_name=decision.decision_name,
                    decision_key=key,
                    decision_version=version,
                    decision_type=str(decision.decision_type),
                    decision_output=json_text(decision.output),
                    evaluated_inputs=tuple(i.to_api() for i in decision.inputs),
                    matched_rules=tuple(
                        api.MatchedRule(
                            rule_id=rule.rule_id,
                            rule_index=rule.rule_index,
                            evaluated_outputs=tuple(o.to_api() for o in rule.outputs),
                        )
                        for rule in decision.matched_rules
                    ),
                    tenant_id=tenant_id,
                )
            )
        return api.DecisionEvaluationResult(
            decision_id=self.decision_id,
            decision_name=self.decision_name,
            decision_key=decision_key,
            decision_version=decision_version,
            decision_requirements_id=decision_requirements_id,
            decision_requirements_key=decision_requirements_key,
            decision_output=json_text(self.output) if self.ok else "null",
            evaluated_decisions=tuple(evaluated),
            failed_decision_id=self.failed_decision_id or "",
            failure_message=self.failure_message or "",
            tenant_id=tenant_id,
        )
