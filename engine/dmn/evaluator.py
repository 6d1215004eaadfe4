"""Evaluating a decision and what it requires, with the audit Zeebe reports.

Scope of a decision, as in the engine Zeebe embeds (dmn-scala): all variables given to the
evaluation, plus the results of its required decisions (by variable name) and its required
business knowledge models and decision services as FEEL functions. Each required decision is
evaluated once per evaluation, however many decisions require it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.clock import Clock
from engine.dmn import feel_bridge
from engine.dmn.boxed import evaluate_expression, type_error
from engine.dmn.drg import Decision, DecisionRequirements, DecisionService
from engine.dmn.model import DecisionTable, EvaluationFailure
from engine.dmn.outcome import DecisionOutcome, EvaluatedDecision, TableTrace
from engine.dmn.tables import evaluate_table


class _Run:
    """The state of one evaluation: results so far (each decision once) and the audit."""

    __slots__ = ("active", "audit", "clock", "drg", "failed", "results", "variables")

    def __init__(
        self,
        drg: DecisionRequirements,
        variables: Mapping[str, Any],
        *,
        audit: bool = True,
        clock: Clock | None = None,
    ) -> None:
        self.drg = drg
        self.clock = clock
        self.variables = variables
        self.results: dict[str, Any] = {}
        self.active: set[str] = set()
        self.audit: list[EvaluatedDecision] | None = [] if audit else None
        self.failed: str | None = None


def evaluate_feel(
    drg: DecisionRequirements,
    decision_id: str,
    variables: Mapping[str, Any],
    clock: Clock | None = None,
) -> DecisionOutcome:
    """Evaluate ``decision_id`` with variables that are already FEEL values."""
    decision = drg.decisions.get(decision_id)
    if decision is None:
        raise KeyError(decision_id)
    run = _Run(drg, variables, clock=clock)
    audit = run.audit if run.audit is not None else []
    try:
        output = _decision(run, decision)
    except EvaluationFailure as failure:
        return DecisionOutcome(
            decision_id=decision.id,
            decision_name=decision.name,
            output=None,
            evaluated_decisions=tuple(audit),
            failed_decision_id=run.failed or decision.id,
            failure_message=f"Expected to evaluate decision '{decision.id}', but {failure.message}",
        )
    return DecisionOutcome(
        decision_id=decision.id,
        decision_name=decision.name,
        output=output,
        evaluated_decisions=tuple(audit),
    )


def _decision(run: _Run, decision: Decision) -> Any:
    if decision.id in run.results:
        return run.results[decision.id]
    if decision.id in run.active:
        raise EvaluationFailure(f"decision '{decision.id}' requires itself")
    run.active.add(decision.id)
    # The scope is only read while evaluating, so without requirements the variables serve as is.
    scope: Mapping[str, Any] = run.variables
    if decision.required_decisions or decision.required_knowledge:
        scope = _requirements_scope(run, decision)

    logic = decision.logic
    trace: TableTrace | None = None
    try:
        if isinstance(logic, DecisionTable):
            value, trace = evaluate_table(logic, scope, decision.id, run.clock)
        elif logic is None:
            value = None
        else:
            value = evaluate_expression(logic, scope, clock=run.clock)
        if decision.type_ref:
            problem = type_error(value, decision.type_ref)
            if problem is not None:
                raise EvaluationFailure(f"the result of decision '{decision.id}' {problem}")
    except Exception as error:
        failure = _as_failure(error, decision)
        if run.audit is not None:
            run.audit.append(
                EvaluatedDecision(decision.id, decision.name, decision.decision_type, None)
            )
        if run.failed is None:
            run.failed = decision.id
        raise failure from None
    finally:
        run.active.discard(decision.id)
    if run.audit is not None:
        run.audit.append(
            EvaluatedDecision(decision.id, decision.name, decision.decision_type, value, trace)
        )
    run.results[decision.id] = value
    return value


def _requirements_scope(run: _Run, decision: Decision) -> dict[str, Any]:
    scope = dict(run.variables)
    for required_id in decision.required_decisions:
        required = run.drg.decisions.get(required_id)
        if required is None:
            raise EvaluationFailure(
                f"decision '{decision.id}' requires decision '{required_id}', which does not exist"
            )
        scope[required.variable_name] = _decision(run, required)
    for knowledge_id in decision.required_knowledge:
        name, function = knowledge_function(run.drg, knowledge_id, scope, run.clock)
        scope[name] = function
    return scope


def _as_failure(error: Exception, decision: Decision) -> EvaluationFailure:
    if isinstance(error, EvaluationFailure):
        return error
    if feel_bridge.is_feel_error(error):
        return EvaluationFailure(
            f"decision '{decision.id}' failed: {getattr(error, 'message', str(error))}"
        )
    # A bug in an expression evaluator must not take the engine down: it becomes a failure
    # (an incident for a process), named by type so it can be traced.
    return EvaluationFailure(
        f"decision '{decision.id}' failed with an internal error ({type(error).__name__})"
    )


def knowledge_function(
    drg: DecisionRequirements,
    knowledge_id: str,
    scope: Mapping[str, Any],
    clock: Clock | None = None,
) -> tuple[str, Any]:
    """The (name, FEEL function) for a required BKM or decision service."""
    bkm = drg.knowledge_models.get(knowledge_id)
    if bkm is not None:
        bkm_scope = dict(scope)
        for inner_id in bkm.required_knowledge:
            name, function = knowledge_function(drg, inner_id, bkm_scope, clock)
            bkm_scope[name] = function
        parameters = bkm.parameters

        def invoke_bkm(arguments: Mapping[str, Any]) -> Any:
            local = dict(bkm_scope)
            for parameter, type_ref in parameters:
                value = arguments.get(parameter)
                problem = type_error(value, type_ref)
                if problem is not None:
                    raise EvaluationFailure(
                        f"argument '{parameter}' of business knowledge model '{bkm.id}' {problem}"
                    )
                local[parameter] = value
            if bkm.logic is None:
                return None
            if isinstance(bkm.logic, DecisionTable):
                return evaluate_table(bkm.logic, local, bkm.id, clock)[0]
            return evaluate_expression(bkm.logic, local, clock=clock)

        names = tuple(p for p, _ in parameters)
        return bkm.name, feel_bridge.make_function(bkm.name, names, invoke_bkm)
    service = drg.decision_services.get(knowledge_id)
    if service is None:
        raise EvaluationFailure(
            f"required knowledge '{knowledge_id}' is neither a business knowledge model nor a "
            "decision service"
        )
    return service.name, _service_function(drg, service, clock)


def _service_function(
    drg: DecisionRequirements, service: DecisionService, clock: Clock | None
) -> Any:
    # Parameters: the input data first, then the input decisions (as the DMN TCK expects).
    input_decisions = [drg.decisions[d] for d in service.input_decisions if d in drg.decisions]
    input_data = [drg.input_data[i] for i in service.input_data if i in drg.input_data]
    names = tuple(i.name for i in input_data) + tuple(d.variable_name for d in input_decisions)

    def invoke_service(arguments: Mapping[str, Any]) -> Any:
        return invoke_decision_service(drg, service, arguments, clock)

    return feel_bridge.make_function(service.name, names, invoke_service)


def invoke_decision_service(
    drg: DecisionRequirements,
    service: DecisionService,
    arguments: Mapping[str, Any],
    clock: Clock | None = None,
) -> Any:
    """Evaluate a decision service: its input decisions come from ``arguments``, not evaluation.

    One output decision gives its value; several give a context by decision name.
    """
    run = _Run(drg, dict(arguments), audit=False, clock=clock)
    for data_id in service.input_data:
        data = drg.input_data.get(data_id)
        if data is not None:
            _check_argument(service, data.name, arguments.get(data.name), data.type_ref)
    for decision_id in service.input_decisions:
        decision = drg.decisions.get(decision_id)
        if decision is not None:
            value = arguments.get(decision.variable_name)
            _check_argument(service, decision.variable_name, value, decision.type_ref)
            run.results[decision_id] = value
    outputs = {}
    for decision_id in service.output_decisions:
        decision = drg.decisions.get(decision_id)
        if decision is None:
            raise EvaluationFailure(
                f"decision service '{service.id}' refers to decision '{decision_id}', which "
                "does not exist"
            )
        outputs[decision.name] = _decision(run, decision)
    if len(outputs) == 1:
        return next(iter(outputs.values()))
    return outputs


def _check_argument(service: DecisionService, name: str, value: Any, type_ref: str | None) -> None:
    problem = type_error(value, type_ref)
    if problem is not None:
        raise EvaluationFailure(f"argument '{name}' of decision service '{service.id}' {problem}")
