"""Exclusive and inclusive gateways: the flows to take, and when an inclusive join fires."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.model.specs import Element, ElementType
from engine.runtime import expressions
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import ElementInstance

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors

NO_FLOW_MESSAGE = "Expected at least one condition to evaluate to true, or to have a default flow"


def choose_flows(b: Behaviors, instance: ElementInstance, element: Element) -> list[str]:
    """The flows an exclusive (first true) or inclusive (all true) gateway takes."""
    if not element.outgoing:
        return []
    process = b.ctx.definition(instance.process_definition_key).process
    exclusive = element.element_type is ElementType.EXCLUSIVE_GATEWAY
    if exclusive and len(element.outgoing) == 1:
        only = process.flows[element.outgoing[0]]
        if only.condition is None:
            return [only.id]
    view = b.vars.view(instance.key)
    taken: list[str] = []
    for flow_id in element.outgoing:
        if flow_id == element.default_flow:
            continue
        flow = process.flows[flow_id]
        if flow.condition is None:
            holds = True
        else:
            try:
                holds = expressions.evaluate_bool(flow.condition, view)
            except expressions.ExpressionError as exc:
                # Zeebe passes the expression failure on unchanged (EXTRACT_VALUE_ERROR);
                # CONDITION_ERROR is only for "no outgoing flow chosen".
                raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        if holds:
            taken.append(flow_id)
            if exclusive:
                break
    if not taken and element.default_flow:
        taken = [element.default_flow]
    if not taken:
        raise IncidentRaised("CONDITION_ERROR", NO_FLOW_MESSAGE)
    return taken


def inclusive_join_ready(
    b: Behaviors, scope: ElementInstance, join: Element, tokens: dict[str, int]
) -> bool:
    """An inclusive join fires when no incoming flow without a token can still be reached.

    Reachable means: some active element (or a token waiting elsewhere) in the same scope has a
    path to that flow that does not pass through the join itself.
    """
    missing = {f for f in join.incoming if tokens.get(f, 0) == 0}
    if not missing:
        return True
    process = b.ctx.definition(scope.process_definition_key).process
    frontier = [c.element_id for c in b.bpmn.children(scope.key)]
    frontier += [process.flows[f].target for f, n in tokens.items() if n > 0]
    seen: set[str] = set()
    while frontier:
        element_id = frontier.pop()
        if element_id in seen or element_id == join.id:
            continue
        seen.add(element_id)
        for flow_id in process.elements[element_id].outgoing:
            if flow_id in missing:
                return False
            frontier.append(process.flows[flow_id].target)
    return True
