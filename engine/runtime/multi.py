"""Multi-instance activities: a body (MULTI_INSTANCE_BODY) holding one inner instance per item.

As in Zeebe: the input collection is evaluated when the body activates and again before each
sequential iteration (an item added meanwhile gets its own iteration); each inner instance gets
the local variables ``inputElement`` and ``loopCounter`` (1-based), and a local null for an
``outputElement`` that is a plain variable path; ``outputElement`` of each inner instance lands at
its index in the ``outputCollection`` variable of the body, which is propagated when the body
completes; the completion condition, evaluated in the completing inner instance's scope, may end
the body early (numberOfInstances, numberOfCompletedInstances, numberOfActiveInstances,
numberOfTerminatedInstances are in its context, counted as Zeebe's MultiInstanceBodyProcessor
does: the completing instance is already completed and no longer active).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from engine.model.specs import Element, ElementType, Expression
from engine.runtime import expressions
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import ElementInstance, ElementState, evolve

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors


_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _output_variable(expression: Expression | None) -> str | None:
    """The variable an outputElement expression reads, if it is only a variable or a nested
    property of one (``=result``, ``=result.total``)."""
    if expression is None or not expression.is_feel:
        return None
    text = expression.feel.strip()
    return text.split(".", 1)[0] if _PATH.fullmatch(text) else None


class MultiInstance:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    def is_inner(self, instance: ElementInstance) -> bool:
        if instance.element_type == ElementType.MULTI_INSTANCE_BODY:
            return False
        scope = self.b.bpmn.get(instance.flow_scope_key)
        return scope is not None and scope.element_type == ElementType.MULTI_INSTANCE_BODY

    def activate_body(self, element: Element, flow_scope: ElementInstance) -> ElementInstance:
        return self.b.bpmn.activate_instance(
            element, flow_scope, element_type=ElementType.MULTI_INSTANCE_BODY
        )

    def _collection(self, body: ElementInstance, element: Element) -> list[Any]:
        assert element.loop is not None
        try:
            return expressions.evaluate_list(
                element.loop.input_collection, self.b.vars.view(body.key)
            )
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc

    def run_body_activation(self, body: ElementInstance, element: Element) -> None:
        loop = element.loop
        assert loop is not None
        items = self._collection(body, element)
        self.b.events.subscribe_boundaries(body, element)
        if loop.output_collection:
            self.b.vars.set_local(body.key, loop.output_collection, [None] * len(items))
        body = evolve(body, loop_counter=len(items))
        self.ctx.state.put(body)
        body = self.b.bpmn.activated(body)
        if not items:
            self.b.bpmn.complete(body)
            return
        count = 1 if loop.sequential else len(items)
        for index in range(count):
            self._activate_inner(body, element, index + 1, items[index])

    def _activate_inner(
        self, body: ElementInstance, element: Element, counter: int, item: Any
    ) -> None:
        assert element.loop is not None
        local: dict[str, Any] = {"loopCounter": counter}
        if element.loop.input_element:
            local = {element.loop.input_element: item, **local}
        output_variable = _output_variable(element.loop.output_element)
        if output_variable is not None and output_variable not in local:
            # As Zeebe: a plain-path outputElement starts as a local null, so that each
            # instance's value stays in its own scope (and is null if never set).
            local[output_variable] = None
        self.b.bpmn.activate_instance(
            element,
            body,
            element_type=element.element_type,
            local_variables=local,
            loop_counter=counter,
        )

    def collect_output(self, inner: ElementInstance, element: Element) -> None:
        """Store the inner instance's outputElement at its index of the outputCollection."""
        loop = element.loop
        if loop is None or not loop.output_collection or loop.output_element is None:
            return
        try:
            value = expressions.evaluate(loop.output_element, self.b.vars.view(inner.key))
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        current = self.b.vars.local(inner.flow_scope_key, loop.output_collection)
        values = json.loads(current.value) if current is not None else []
        if not isinstance(values, list):
            values = []
        while len(values) < inner.loop_counter:
            values.append(None)
        values[inner.loop_counter - 1] = value
        self.b.vars.set_local(inner.flow_scope_key, loop.output_collection, values)

    def completion_satisfied(self, inner: ElementInstance, element: Element) -> bool:
        """Evaluate the completion condition while ``inner`` completes, in its scope (Zeebe's
        beforeExecutionPathCompleted; a failure is an incident on the inner instance)."""
        loop = element.loop
        body = self.b.bpmn.get(inner.flow_scope_key)
        if loop is None or loop.completion_condition is None or body is None:
            return False
        children = len(self.b.bpmn.children(body.key))  # the completing instance included
        extra = {
            # children activated so far (for a sequential body: up to this iteration)
            "numberOfInstances": body.completed_children + children,
            "numberOfCompletedInstances": body.completed_children + 1,
            "numberOfActiveInstances": children - 1,
            "numberOfTerminatedInstances": 0,
        }
        view = self.b.vars.view(inner.key, {k: expressions.to_feel(v) for k, v in extra.items()})
        try:
            return expressions.evaluate_bool(loop.completion_condition, view)
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc

    def child_completed(self, inner: ElementInstance, satisfied: bool = False) -> None:
        body = self.b.bpmn.get(inner.flow_scope_key)
        if body is None or body.state != ElementState.ACTIVATED:
            return
        body = evolve(body, completed_children=body.completed_children + 1)
        self.ctx.state.put(body)
        if satisfied:
            for child in self.b.bpmn.children(body.key):
                self.b.bpmn.terminate(child)
            self.b.bpmn.complete(body)
            return
        key = body.key
        self.b.bpmn.guard(body, "loop", lambda: self.continue_loop(key))

    def continue_loop(self, body_key: int) -> None:
        """After an inner instance completed: start the next sequential iteration or complete
        the body (retried when an incident is resolved)."""
        body = self.b.bpmn.get(body_key)
        if body is None or body.state != ElementState.ACTIVATED:
            return
        element = self.ctx.element_of(body)
        loop = element.loop
        assert loop is not None
        active = self.b.bpmn.children(body.key)
        if loop.sequential:
            if active:
                return  # the next iteration already runs (a retried step)
            # As Zeebe, read the collection again: its current size decides whether to go on.
            items = self._collection(body, element)
            index = body.completed_children
            if index < len(items):
                self._activate_inner(body, element, index + 1, items[index])
                return
        if not active:
            self.b.bpmn.complete(body)

    def before_body_completed(self, body: ElementInstance, element: Element) -> None:
        """Propagate the outputCollection from the body to its flow scope."""
        loop = element.loop
        if loop is None or not loop.output_collection:
            return
        found = self.b.vars.local(body.key, loop.output_collection)
        if found is not None:
            self.b.vars.merge(
                body.flow_scope_key, {loop.output_collection: json.loads(found.value)}
            )
