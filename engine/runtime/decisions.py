"""Decisions: business-rule tasks with a called decision, and the EvaluateDecision command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.api import DecisionEvaluationResult, JsonDict
from engine.errors import InvalidArgument, NotFound
from engine.model.specs import BindingType, Element
from engine.runtime import expressions
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import ElementInstance
from engine.runtime.repository import DecisionDefinition

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors


class Decisions:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    def _keys_in(self, drg_key: int) -> dict[str, tuple[int, int]]:
        return {
            d.decision_id: (d.key, d.version)
            for d in self.ctx.repo.decisions.values()
            if d.drg_key == drg_key
        }

    def _run(
        self, decision: DecisionDefinition, variables: dict[str, Any], extra: JsonDict
    ) -> tuple[DecisionEvaluationResult, Any]:
        from engine.dmn import evaluate_decision  # heavy import, only when a decision runs

        drg_definition = self.ctx.repo.drgs[decision.drg_key]
        outcome = evaluate_decision(
            drg_definition.drg, decision.decision_id, variables, clock=self.ctx.clock
        )
        keys = self._keys_in(decision.drg_key)
        result = outcome.to_api(
            decision_key=decision.key,
            decision_version=decision.version,
            decision_requirements_id=drg_definition.drg_id,
            decision_requirements_key=drg_definition.key,
            keys=lambda decision_id: keys.get(decision_id, (-1, -1)),
            tenant_id=decision.tenant_id,
        )
        value: JsonDict = {
            "decisionId": result.decision_id,
            "decisionName": result.decision_name,
            "decisionKey": result.decision_key,
            "decisionVersion": result.decision_version,
            "decisionRequirementsId": result.decision_requirements_id,
            "decisionRequirementsKey": result.decision_requirements_key,
            "decisionOutput": result.decision_output,
            "evaluatedDecisions": [
                {
                    "decisionId": d.decision_id,
                    "decisionName": d.decision_name,
                    "decisionKey": d.decision_key,
                    "decisionVersion": d.decision_version,
                    "decisionType": d.decision_type,
                    "decisionOutput": d.decision_output,
                    "evaluatedInputs": list(d.evaluated_inputs),
                    "matchedRules": [
                        {
                            "ruleId": r.rule_id,
                            "ruleIndex": r.rule_index,
                            "evaluatedOutputs": list(r.evaluated_outputs),
                        }
                        for r in d.matched_rules
                    ],
                }
                for d in result.evaluated_decisions
            ],
            "failedDecisionId": result.failed_decision_id,
            "evaluationFailureMessage": result.failure_message,
            "tenantId": decision.tenant_id,
            **extra,
        }
        pi_key = int(extra.get("processInstanceKey", -1))
        intent = "EVALUATED" if outcome.ok else "FAILED"
        self.ctx.write(
            "DECISION_EVALUATION",
            intent,
            self.ctx.state.new_key(),
            value,
            process_instance_key=pi_key,
        )
        return result, outcome

    def evaluate(
        self,
        *,
        decision_id: str | None,
        decision_key: int | None,
        variables: dict[str, Any],
        tenant_id: str,
    ) -> DecisionEvaluationResult:
        # Zeebe looks the decision up by id first (DecisionEvaluationEvaluteProcessor).
        if decision_id:
            found = self.ctx.repo.latest_decision(decision_id, tenant_id)
            if found is None:
                raise NotFound(
                    f"Expected to evaluate decision '{decision_id}', but no decision found for "
                    f"id '{decision_id}'"
                )
            decision = found
        elif decision_key is not None:
            by_key = self.ctx.repo.decisions.get(decision_key)
            if by_key is None:
                raise NotFound(
                    f"Expected to evaluate decision '{decision_key}', but no decision found for "
                    f"key '{decision_key}'"
                )
            decision = by_key
        else:
            raise InvalidArgument("Expected either a decision id or a decision key, but got none")
        result, _outcome = self._run(decision, variables, {})
        return result

    def evaluate_for_task(self, instance: ElementInstance, element: Element) -> dict[str, Any]:
        called = element.called_decision
        assert called is not None
        view = self.b.vars.view(instance.key)
        try:
            decision_id = expressions.evaluate_str(called.decision_id, view)
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        definition = self.ctx.definition(instance.process_definition_key)
        binding = called.binding
        decision = self.ctx.repo.bound_decision(
            decision_id, definition.tenant_id, binding, definition.deployment_key
        )
        if decision is None:
            if binding.type is BindingType.DEPLOYMENT:
                message = (
                    f"Expected to evaluate decision with id '{decision_id}' with binding type "
                    f"'deployment', but no such decision found in the deployment with key "
                    f"{definition.deployment_key} which contained the current process. To "
                    "resolve this incident, migrate the process instance to a process definition "
                    "that is deployed together with the intended decision to evaluate."
                )
            elif binding.type is BindingType.VERSION_TAG:
                message = (
                    f"Expected to evaluate decision with id '{decision_id}' and version tag "
                    f"'{binding.version_tag}', but no such decision found. To resolve this "
                    "incident, deploy a decision with the given id and version tag."
                )
            else:
                message = (
                    f"Expected to evaluate decision '{decision_id}', but no decision found for "
                    f"id '{decision_id}'"
                )
            raise IncidentRaised("CALLED_DECISION_ERROR", message)
        extra = {
            "processInstanceKey": instance.pi_key,
            "elementInstanceKey": instance.key,
            "elementId": element.id,
            "bpmnProcessId": definition.bpmn_process_id,
            "processDefinitionKey": definition.key,
        }
        variables = self.b.vars.visible_values(instance.key)
        _result, outcome = self._run(decision, variables, extra)
        if not outcome.ok:
            raise IncidentRaised("DECISION_EVALUATION_ERROR", outcome.failure_message or "")
        return {called.result_variable: outcome.output_json}
