"""Sequence flows: taking them, arriving at joins, and completing scopes that ran empty.

Zeebe counts taken-but-not-yet-consumed flows per flow scope: a parallel join fires when every
incoming flow has a token; an inclusive join when no missing flow can still be reached. A scope
completes when it has neither active children nor waiting tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from engine.model.specs import ElementType, EventType
from engine.runtime.entities import ElementInstance, ElementState, evolve
from engine.runtime.gateways import inclusive_join_ready

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors


class Flows:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    # --- sequence flows and joins ------------------------------------------------------------

    def take(self, source: ElementInstance, flow_ids: list[str]) -> None:
        definition = self.ctx.definition(source.process_definition_key)
        scope_key = source.flow_scope_key
        for flow_id in flow_ids:
            flow = definition.process.flows[flow_id]
            taken = evolve(
                source,
                key=self.ctx.state.new_key(),
                element_id=flow.id,
                element_type=ElementType.SEQUENCE_FLOW,
                event_type=EventType.UNSPECIFIED,
            )
            self.ctx.write_element(taken, "SEQUENCE_FLOW_TAKEN")
            self.ctx.enqueue(self._arrival(scope_key, flow_id, flow.target))

    def _arrival(self, scope_key: int, flow_id: str, target_id: str) -> Callable[[], None]:
        return lambda: self._arrive(scope_key, flow_id, target_id)

    def _arrive(self, scope_key: int, flow_id: str, target_id: str) -> None:
        scope = self.b.bpmn.get(scope_key)
        # A token still in flight when an interrupting event sub-process took over its scope is
        # dropped: Zeebe's ProcessInstanceStateTransitionGuard rejects activating an element in
        # an interrupted flow scope (only the interrupting element itself may start there).
        if scope is None or scope.state != ElementState.ACTIVATED or scope.interrupted:
            return
        target = self.ctx.definition(scope.process_definition_key).element(target_id)
        joins = (ElementType.PARALLEL_GATEWAY, ElementType.INCLUSIVE_GATEWAY)
        if target.element_type not in joins or len(target.incoming) <= 1:
            self.b.bpmn.activate(target, scope)
            return
        tokens = dict(scope.tokens)
        tokens[flow_id] = tokens.get(flow_id, 0) + 1
        if target.element_type is ElementType.PARALLEL_GATEWAY:
            ready = all(tokens.get(f, 0) > 0 for f in target.incoming)
        else:
            ready = inclusive_join_ready(self.b, scope, target, tokens)
        if ready:
            for f in target.incoming:
                if tokens.get(f, 0) > 0:
                    tokens[f] -= 1
            tokens = {f: n for f, n in tokens.items() if n > 0}
        scope = self.b.bpmn.put(scope, tokens=tokens)
        if ready:
            self.b.bpmn.activate(target, scope)

    def check_scope(self, scope_key: int) -> None:
        """Complete a scope that has no active children and no waiting join tokens."""
        scope = self.b.bpmn.get(scope_key)
        if scope is None or scope.state != ElementState.ACTIVATED:
            return
        if self.ctx.state.first("children", scope_key) is not None or scope.tokens:
            return
        if scope.element_type == ElementType.MULTI_INSTANCE_BODY:
            return
        self.b.bpmn.complete(scope)
