"""Catch events: opening and closing subscriptions (timer, message, signal) and triggering them.

A subscription belongs to the element instance that waits: the catch event or receive task
itself, the activity carrying boundary events, the event-based gateway, or the scope whose event
sub-processes start on it. Triggering follows Zeebe: an interrupting boundary event terminates
its activity first; an interrupting event sub-process terminates the rest of its scope.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.api import JsonDict
from engine.model.specs import Element, ElementType, EventType, TimerDefinition, TimerKind
from engine.model.timers import (
    CronCycle,
    TimerValueError,
    parse_cycle,
    parse_date,
    parse_duration,
)
from engine.runtime import expressions
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import (
    NO_KEY,
    ElementInstance,
    ElementState,
    MessageSubscription,
    SignalSubscription,
    Timer,
    evolve,
)
from engine.runtime.variables import ScopeView

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors


class Events:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    # --- opening subscriptions ---------------------------------------------------------------

    def subscribe_scope(self, scope: ElementInstance) -> None:
        """Event sub-process start events of a scope (process, sub-process)."""
        definition = self.ctx.definition(scope.process_definition_key)
        element = definition.element(scope.element_id)
        for esp_id in element.event_sub_processes:
            for start in definition.process.start_events(esp_id):
                if start.event_type in (EventType.TIMER, EventType.MESSAGE, EventType.SIGNAL):
                    self._subscribe(scope, start, interrupting=start.interrupting)

    def subscribe_boundaries(self, instance: ElementInstance, element: Element) -> None:
        definition = self.ctx.definition(instance.process_definition_key)
        for boundary_id in element.boundary_events:
            boundary = definition.element(boundary_id)
            if boundary.event_type in (EventType.TIMER, EventType.MESSAGE, EventType.SIGNAL):
                self._subscribe(instance, boundary, interrupting=boundary.cancel_activity)

    def subscribe_catch(self, instance: ElementInstance, element: Element) -> None:
        self._subscribe(instance, element, interrupting=True)

    def subscribe_event_gateway(self, instance: ElementInstance, element: Element) -> None:
        process = self.ctx.definition(instance.process_definition_key).process
        for flow_id in element.outgoing:
            target = process.elements[process.flows[flow_id].target]
            self._subscribe(instance, target, interrupting=True)

    def _subscribe(self, holder: ElementInstance, catch: Element, *, interrupting: bool) -> None:
        view = self.b.vars.view(holder.key)
        definition = self.ctx.definition(holder.process_definition_key)
        if catch.event_type is EventType.TIMER and catch.timer is not None:
            due, repetitions, cycle = self.first_due(catch.timer, view)
            self.create_timer(
                Timer(
                    key=NO_KEY,
                    due_date=due,
                    element_id=catch.id,
                    process_definition_key=definition.key,
                    element_instance_key=holder.key,
                    pi_key=holder.pi_key,
                    repetitions=repetitions,
                    cycle=cycle,
                    interrupting=interrupting,
                    tenant_id=definition.tenant_id,
                )
            )
        elif catch.message is not None and (
            catch.event_type is EventType.MESSAGE or catch.element_type is ElementType.RECEIVE_TASK
        ):
            try:
                name = expressions.evaluate_str(catch.message.name, view)
            except expressions.ExpressionError as exc:
                raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
            if catch.message.correlation_key is None:
                correlation_key = ""
            else:
                try:
                    correlation_key = expressions.evaluate_str(catch.message.correlation_key, view)
                except expressions.ExpressionError as exc:
                    raise IncidentRaised(
                        "EXTRACT_VALUE_ERROR",
                        "Failed to extract the correlation key for "
                        f"'{catch.message.correlation_key.source}': {exc.message}",
                    ) from exc
            subscription = MessageSubscription(
                key=self.ctx.state.new_key(),
                message_name=name,
                correlation_key=correlation_key,
                element_id=catch.id,
                element_instance_key=holder.key,
                pi_key=holder.pi_key,
                bpmn_process_id=definition.bpmn_process_id,
                process_definition_key=definition.key,
                interrupting=interrupting,
                tenant_id=definition.tenant_id,
            )
            self.ctx.state.put(subscription)
            self.ctx.write(
                "MESSAGE_SUBSCRIPTION",
                "CREATED",
                subscription.key,
                self.b.messages.subscription_value(subscription),
                process_instance_key=holder.pi_key,
            )
            key = subscription.key
            self.ctx.enqueue(lambda: self.b.messages.correlate_buffered(key))
        elif catch.event_type is EventType.SIGNAL and catch.signal is not None:
            try:
                name = expressions.evaluate_str(catch.signal.name, view)
            except expressions.ExpressionError as exc:
                raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
            signal = SignalSubscription(
                key=self.ctx.state.new_key(),
                signal_name=name,
                element_id=catch.id,
                element_instance_key=holder.key,
                pi_key=holder.pi_key,
                process_definition_key=definition.key,
                bpmn_process_id=definition.bpmn_process_id,
                interrupting=interrupting,
                tenant_id=definition.tenant_id,
            )
            self.ctx.state.put(signal)
            self.ctx.write(
                "SIGNAL_SUBSCRIPTION",
                "CREATED",
                signal.key,
                self.b.messages.signal_subscription_value(signal),
                process_instance_key=holder.pi_key,
            )

    # --- timers ------------------------------------------------------------------------------

    def first_due(self, timer: TimerDefinition, view: ScopeView | None) -> tuple[int, int, str]:
        """(due date, repetitions, cycle text) of a timer definition evaluated now."""
        try:
            text = expressions.evaluate_str(timer.expression, view or {})
            if timer.kind is TimerKind.DURATION:
                return parse_duration(text).add_to(self.ctx.now), 1, ""
            if timer.kind is TimerKind.DATE:
                return parse_date(text), 1, ""
            cycle = parse_cycle(text)
            due = cycle.first_due(self.ctx.now)
            if due is None:
                raise TimerValueError(f"the cron expression '{text}' never fires")
            return due, cycle.repetitions, text
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        except TimerValueError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", str(exc)) from exc

    def timer_value(self, timer: Timer) -> JsonDict:
        return {
            "elementInstanceKey": timer.element_instance_key,
            "processInstanceKey": timer.pi_key,
            "dueDate": timer.due_date,
            "targetElementId": timer.element_id,
            "repetitions": timer.repetitions,
            "processDefinitionKey": timer.process_definition_key,
            "tenantId": timer.tenant_id,
        }

    def create_timer(self, timer: Timer) -> Timer:
        timer = evolve(timer, key=self.ctx.state.new_key())
        self.ctx.state.put(timer)
        self.ctx.write(
            "TIMER",
            "CREATED",
            timer.key,
            self.timer_value(timer),
            process_instance_key=timer.pi_key,
        )
        self.ctx.schedule(timer.due_date, "timer", timer.key)
        return timer

    def cancel_timer(self, timer: Timer) -> None:
        self.ctx.state.delete(timer)
        self.ctx.write(
            "TIMER",
            "CANCELED",
            timer.key,
            self.timer_value(timer),
            process_instance_key=timer.pi_key,
        )

    def _next_occurrence(self, timer: Timer) -> Timer | None:
        if timer.repetitions == 1 or not timer.cycle:
            return None
        cycle = parse_cycle(timer.cycle)
        due = cycle.next_due(timer.due_date, self.ctx.now)
        if due is None:
            return None
        repetitions = timer.repetitions - 1 if timer.repetitions > 0 else timer.repetitions
        if isinstance(cycle, CronCycle):
            repetitions = -1
        return evolve(timer, key=NO_KEY, due_date=due, repetitions=repetitions)

    def on_timer_due(self, key: int) -> None:
        timer = self.ctx.state.get(Timer, key)
        if timer is None or timer.due_date > self.ctx.now:
            return
        self.ctx.state.delete(timer)
        self.ctx.write(
            "TIMER",
            "TRIGGERED",
            timer.key,
            self.timer_value(timer),
            process_instance_key=timer.pi_key,
        )
        following = self._next_occurrence(timer)
        if timer.element_instance_key == NO_KEY:
            definition = self.ctx.repo.processes.get(timer.process_definition_key)
            if definition is None:
                return
            self.b.bpmn.create_process_instance(
                definition, {}, start_element=definition.element(timer.element_id)
            )
            if following is not None:
                self.create_timer(following)
            return
        holder = self.b.bpmn.get(timer.element_instance_key)
        if holder is None:
            return
        if following is not None and not timer.interrupting:
            self.create_timer(following)
        self.trigger(holder, timer.element_id, {})

    # --- closing subscriptions ---------------------------------------------------------------

    def unsubscribe(
        self, holder: ElementInstance, *, only_event_sub_processes: bool = False
    ) -> None:
        definition = self.ctx.definition(holder.process_definition_key)

        def keep(element_id: str) -> bool:
            if not only_event_sub_processes:
                return False
            element = definition.element(element_id)
            scope = definition.process.elements.get(element.flow_scope or "")
            return scope is None or scope.element_type is not ElementType.EVENT_SUB_PROCESS

        state = self.ctx.state
        for key in state.index("timer_by_element", holder.key):
            timer = state.get(Timer, key)
            if timer is not None and not keep(timer.element_id):
                self.cancel_timer(timer)
        for key in state.index("msub_by_element", holder.key):
            subscription = state.get(MessageSubscription, key)
            if subscription is not None and not keep(subscription.element_id):
                state.delete(subscription)
                self.ctx.write(
                    "MESSAGE_SUBSCRIPTION",
                    "DELETED",
                    subscription.key,
                    self.b.messages.subscription_value(subscription),
                    process_instance_key=subscription.pi_key,
                )
        for key in state.index("ssub_by_element", holder.key):
            signal = state.get(SignalSubscription, key)
            if signal is not None and not keep(signal.element_id):
                state.delete(signal)
                self.ctx.write(
                    "SIGNAL_SUBSCRIPTION",
                    "DELETED",
                    signal.key,
                    self.b.messages.signal_subscription_value(signal),
                    process_instance_key=signal.pi_key,
                )

    # --- triggering --------------------------------------------------------------------------

    def trigger(self, holder: ElementInstance, catch_id: str, variables: dict[str, Any]) -> bool:
        """An event happened for a subscription of ``holder``; False if it no longer applies."""
        if holder.state != ElementState.ACTIVATED:
            return False
        definition = self.ctx.definition(holder.process_definition_key)
        catch = definition.element(catch_id)
        bpmn = self.b.bpmn
        if catch.id == holder.element_id:
            self.unsubscribe(holder)
            bpmn.complete(holder, variables=variables)
            return True
        holder_element = definition.element(holder.element_id)
        if holder_element.element_type is ElementType.EVENT_BASED_GATEWAY:
            flow = next(
                f for f in holder_element.outgoing if definition.process.flows[f].target == catch.id
            )
            self.unsubscribe(holder)
            bpmn.triggered[(holder.flow_scope_key, catch.id)] = variables
            bpmn.complete(holder, flows=[flow])
            return True
        if catch.attached_to == holder.element_id:
            return self._trigger_boundary(holder, catch, variables)
        scope_of_catch = definition.process.elements.get(catch.flow_scope or "")
        if (
            scope_of_catch is not None
            and scope_of_catch.element_type is ElementType.EVENT_SUB_PROCESS
        ):
            return self._trigger_event_sub_process(holder, scope_of_catch, catch, variables)
        return False

    def _trigger_boundary(
        self, holder: ElementInstance, boundary: Element, variables: dict[str, Any]
    ) -> bool:
        scope = self.b.bpmn.get(holder.flow_scope_key)
        if scope is None:
            return False
        if boundary.cancel_activity:
            self.unsubscribe(holder)
            self.b.bpmn.terminate(holder)
        self.b.bpmn.activate(boundary, scope, variables=variables)
        return True

    def _trigger_event_sub_process(
        self,
        scope: ElementInstance,
        esp: Element,
        start: Element,
        variables: dict[str, Any],
        local_variables: dict[str, Any] | None = None,
    ) -> bool:
        if start.interrupting:
            if scope.interrupted:
                return False
            self.unsubscribe(scope, only_event_sub_processes=True)
            for child in self.b.bpmn.children(scope.key):
                self.b.bpmn.terminate(child)
            scope = self.b.bpmn.get(scope.key) or scope
            scope = evolve(scope, interrupted=True, tokens={})
            self.ctx.state.put(scope)
        self.b.bpmn.activate_instance(
            esp, scope, element_type=ElementType.EVENT_SUB_PROCESS, variables=variables
        )
        _ = local_variables
        return True

    def start_event_sub_process(
        self,
        scope: ElementInstance,
        esp: Element,
        start: Element,
        variables: dict[str, Any],
    ) -> None:
        """Start an event sub-process caught by an error or escalation thrown inside the scope."""
        self._trigger_event_sub_process(scope, esp, start, variables)

    # --- signals and scripts -----------------------------------------------------------------

    def throw_signal(self, instance: ElementInstance, element: Element) -> None:
        if element.signal is None:
            return
        try:
            name = expressions.evaluate_str(element.signal.name, self.b.vars.view(instance.key))
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        tenant = self.ctx.definition(instance.process_definition_key).tenant_id
        # Zeebe passes the throw event's local variables (its input mappings) along; read them
        # now, before the event completes and its scope is removed.
        variables = {
            var_name: json.loads(variable.value)
            for var_name, variable in self.b.vars.local_names(instance.key).items()
        }

        def broadcast() -> None:
            self.b.messages.broadcast(name, variables, tenant)

        self.ctx.enqueue(broadcast)

    def evaluate_script(self, instance: ElementInstance, element: Element) -> dict[str, Any]:
        assert element.script is not None
        try:
            value = expressions.evaluate(element.script.expression, self.b.vars.view(instance.key))
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        return {element.script.result_variable: value}
