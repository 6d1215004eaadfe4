"""BPMN errors and escalations: find the nearest catching event and hand the token to it.

The search walks from the throwing element outward: the element's own boundary events, then for
each enclosing scope its event sub-processes and then its boundary events, crossing from a called
process into the calling call activity. In each place a catch event with the same code wins over
a catch-all (no code). An uncaught error is an incident; an uncaught escalation is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine.model.specs import Element, ElementType, EventType, Expression
from engine.runtime import expressions
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import NO_KEY, ElementInstance

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors

_SCOPES = (ElementType.PROCESS, ElementType.SUB_PROCESS, ElementType.EVENT_SUB_PROCESS)


def unhandled_error_message(code: str, message: str, available: Sequence[str] = ()) -> str:
    """Zeebe's UNHANDLED_ERROR_EVENT text (CatchEventAnalyzer.findErrorCatchEvent): the message
    part only for a job's non-empty error message, then the codes of the catch events passed."""
    with_message = f" with message '{message}'" if message else ""
    where = (
        f" Available error events are [{', '.join(available)}]"
        if available
        else " No error events are available in the scope."
    )
    return (
        f"Expected to throw an error event with the code '{code}'{with_message}, "
        f"but it was not caught.{where}"
    )


class Throws:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    def unhandled_message(self, thrower: ElementInstance, code: str, message: str) -> str:
        """The incident text for an error ``thrower`` threw and nothing caught."""
        passed: list[str] = []
        self.find_catch(thrower, EventType.ERROR, code, passed)
        return unhandled_error_message(code, message, passed)

    def _code_of(self, catch: Element, event_type: EventType) -> str | None:
        if event_type is EventType.ERROR:
            return catch.error.error_code if catch.error is not None else None
        return catch.escalation.code if catch.escalation is not None else None

    def find_catch(
        self,
        thrower: ElementInstance,
        event_type: EventType,
        code: str,
        passed: list[str] | None = None,
    ) -> tuple[ElementInstance, Element] | None:
        """The instance holding the catch event and the catch event, or None.

        ``passed`` collects the codes of the catch events that did not match, scope by scope and
        in Zeebe's order within a scope (descending code), for the incident text.
        """
        current: ElementInstance | None = thrower
        passed_esps: set[str] = set()
        while current is not None:
            definition = self.ctx.definition(current.process_definition_key)
            element = definition.element(current.element_id)
            candidates: list[Element] = []
            if current.element_type in _SCOPES:
                for esp_id in element.event_sub_processes:
                    if esp_id in passed_esps:
                        continue
                    candidates += [
                        s
                        for s in definition.process.start_events(esp_id)
                        if s.event_type is event_type
                    ]
            if not self.b.multi.is_inner(current):
                candidates += [
                    definition.element(b)
                    for b in element.boundary_events
                    if definition.element(b).event_type is event_type
                ]
            exact = [c for c in candidates if self._code_of(c, event_type) == code]
            # Zeebe: a catch event without a code (no errorRef, or an error without errorCode)
            # catches every code, the empty one included.
            catch_all = [c for c in candidates if not self._code_of(c, event_type)]
            chosen = exact or catch_all
            if chosen:
                return current, chosen[0]
            if passed is not None:
                passed += sorted(
                    (self._code_of(c, event_type) or "" for c in candidates), reverse=True
                )
            if current.element_type == ElementType.EVENT_SUB_PROCESS:
                passed_esps.add(current.element_id)
            if current.flow_scope_key != NO_KEY:
                current = self.b.bpmn.get(current.flow_scope_key)
            elif current.parent_element_instance_key != NO_KEY:
                current = self.b.bpmn.get(current.parent_element_instance_key)
                passed_esps = set()
            else:
                current = None
        return None

    def _catch(
        self,
        holder: ElementInstance,
        catch: Element,
        variables: dict[str, Any],
        local_variables: dict[str, Any],
    ) -> None:
        bpmn = self.b.bpmn
        if catch.element_type is ElementType.BOUNDARY_EVENT:
            scope = bpmn.get(holder.flow_scope_key)
            if scope is None:
                return
            if catch.cancel_activity:
                self.b.events.unsubscribe(holder)
                bpmn.terminate(holder)
            # Thrown variables are the catch event's trigger: local when it has output
            # mappings, otherwise propagated (Zeebe's event trigger rule).
            bpmn.activate(catch, scope, variables={**variables, **local_variables})
            return
        definition = self.ctx.definition(holder.process_definition_key)
        esp = definition.element(catch.flow_scope or "")
        self.b.events.start_event_sub_process(holder, esp, catch, {**variables, **local_variables})

    def _thrown_code(self, instance: ElementInstance, code: str | None) -> str | None:
        """A throw event's error/escalation code: an ``=`` code is FEEL, evaluated on arrival."""
        if code is None or not code.startswith("="):
            return code
        try:
            return expressions.evaluate_str(Expression(code), self.b.vars.view(instance.key))
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc

    def throw_error(
        self, thrower: ElementInstance, code: str, message: str, variables: dict[str, Any]
    ) -> bool:
        """Hand an error to its catch event; False when nothing catches it."""
        found = self.find_catch(thrower, EventType.ERROR, code)
        if found is None:
            return False
        holder, catch = found
        # Camunda 8 gives the catch event only the thrown variables: the error code and message
        # are not variables (Camunda 7's errorCodeVariable/errorMessageVariable do not exist).
        self._catch(holder, catch, {}, dict(variables))
        return True

    def throw_error_from_element(self, instance: ElementInstance, element: Element) -> None:
        """An error end event; uncaught it raises UNHANDLED_ERROR_EVENT on the end event."""
        code = self._thrown_code(instance, element.error.error_code if element.error else None)
        if not self.throw_error(instance, code or "", "", {}):
            raise IncidentRaised(
                "UNHANDLED_ERROR_EVENT", self.unhandled_message(instance, code or "", "")
            )

    def throw_escalation(self, instance: ElementInstance, element: Element) -> bool:
        """Escalate; True when the throwing element goes on (not interrupted)."""
        code = self._thrown_code(instance, element.escalation.code if element.escalation else None)
        found = self.find_catch(instance, EventType.ESCALATION, code or "")
        definition = self.ctx.definition(instance.process_definition_key)
        value = {
            "processInstanceKey": instance.pi_key,
            "escalationCode": code or "",
            "throwElementId": element.id,
            "catchElementId": found[1].id if found else "",
            "tenantId": definition.tenant_id,
        }
        intent = "ESCALATED" if found else "NOT_ESCALATED"
        self.ctx.write(
            "ESCALATION",
            intent,
            self.ctx.state.new_key(),
            value,
            process_instance_key=instance.pi_key,
        )
        if found is None:
            return True
        holder, catch = found
        interrupting = (
            catch.cancel_activity
            if catch.element_type is ElementType.BOUNDARY_EVENT
            else catch.interrupting
        )
        self._catch(holder, catch, {}, {})
        return not interrupting
