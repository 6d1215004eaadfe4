"""DMN decisions: parse a DMN resource once, evaluate its decisions many times.

>>> drg = parse_dmn(content, "risk.dmn")          # raises InvalidArgument for an invalid model
>>> outcome = evaluate_decision(drg, "Decision_RiskLevel", {"score": 42})
>>> outcome.ok, outcome.output_json, outcome.evaluated_decisions

Semantics are those of the DMN engine Zeebe embeds: decision tables with the hit policies UNIQUE,
FIRST, ANY, RULE ORDER, COLLECT (+ SUM/MIN/MAX/COUNT) (and PRIORITY / OUTPUT ORDER, which it also
evaluates), literal expressions, contexts, lists, relations, invocations of business knowledge
models, function definitions and decision services, over decision requirement graphs.
An evaluation never raises for a failing decision: the outcome names the failed decision and the
reason, which the engine turns into an incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.clock import Clock
from engine.dmn import feel_bridge
from engine.dmn.drg import (
    BusinessKnowledgeModel,
    Decision,
    DecisionRequirements,
    DecisionService,
)
from engine.dmn.evaluator import evaluate_feel
from engine.dmn.model import Aggregation, DecisionType, HitPolicy
from engine.dmn.outcome import (
    DecisionOutcome,
    EvaluatedDecision,
    EvaluatedInput,
    EvaluatedOutput,
    MatchedRule,
)
from engine.dmn.parser import parse_dmn
from engine.errors import NotFound

__all__ = [
    "Aggregation",
    "BusinessKnowledgeModel",
    "Decision",
    "DecisionOutcome",
    "DecisionRequirements",
    "DecisionService",
    "DecisionType",
    "EvaluatedDecision",
    "EvaluatedInput",
    "EvaluatedOutput",
    "HitPolicy",
    "MatchedRule",
    "evaluate_decision",
    "evaluate_decision_feel",
    "parse_dmn",
]


def evaluate_decision(
    drg: DecisionRequirements,
    decision_id: str,
    variables: Mapping[str, Any],
    *,
    clock: Clock | None = None,
) -> DecisionOutcome:
    """Evaluate a decision with JSON-compatible variables (process variables).

    ``clock`` feeds FEEL's ``now()`` and ``today()`` (pass the engine's clock; default: system
    time). Raises :class:`engine.errors.NotFound` for an unknown decision id; any evaluation
    problem is reported in the outcome instead.
    """
    to_feel = feel_bridge.to_feel_function
    return evaluate_decision_feel(
        drg, decision_id, {k: to_feel(v) for k, v in variables.items()}, clock=clock
    )


def evaluate_decision_feel(
    drg: DecisionRequirements,
    decision_id: str,
    variables: Mapping[str, Any],
    *,
    clock: Clock | None = None,
) -> DecisionOutcome:
    """Evaluate a decision with variables that are already FEEL values (dates, durations …)."""
    if decision_id not in drg.decisions:
        raise NotFound(
            f"decision '{decision_id}' not found in resource '{drg.resource_name}' "
            f"(decision requirements '{drg.id}')"
        )
    return evaluate_feel(drg, decision_id, variables, clock)
