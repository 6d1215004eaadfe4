"""Messages (publish, correlate, buffer with a time to live) and signals (broadcast).

As in Zeebe: a message correlates to waiting subscriptions with its name and correlation key,
but only once per process (BPMN process id, across instances and versions); it starts the latest
version of each other process with a matching message start event; with a time to live above zero
it is buffered and correlates to subscriptions of processes it has not yet reached, until it
expires. A buffered message with the same name, correlation key and id rejects a new one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from engine.api import JsonDict
from engine.errors import AlreadyExists
from engine.model.specs import Element, EventType
from engine.runtime import expressions
from engine.runtime.context import json_dumps
from engine.runtime.entities import (
    Message,
    MessageSubscription,
    SignalSubscription,
    evolve,
)
from engine.runtime.repository import ProcessDefinition

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors


class Messages:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    def subscription_value(self, subscription: MessageSubscription) -> JsonDict:
        return {
            "processInstanceKey": subscription.pi_key,
            "elementInstanceKey": subscription.element_instance_key,
            "elementId": subscription.element_id,
            "bpmnProcessId": subscription.bpmn_process_id,
            "processDefinitionKey": subscription.process_definition_key,
            "messageName": subscription.message_name,
            "correlationKey": subscription.correlation_key,
            "interrupting": subscription.interrupting,
            "tenantId": subscription.tenant_id,
        }

    def signal_subscription_value(self, subscription: SignalSubscription) -> JsonDict:
        return {
            "signalName": subscription.signal_name,
            "catchElementId": subscription.element_id,
            "catchEventInstanceKey": subscription.element_instance_key,
            "processInstanceKey": subscription.pi_key,
            "bpmnProcessId": subscription.bpmn_process_id,
            "processDefinitionKey": subscription.process_definition_key,
            "tenantId": subscription.tenant_id,
        }

    def _message_value(self, message: Message) -> JsonDict:
        return {
            "name": message.name,
            "correlationKey": message.correlation_key,
            "messageId": message.message_id,
            "timeToLive": message.time_to_live,
            "deadline": message.deadline,
            "variables": json.loads(message.variables),
            "tenantId": message.tenant_id,
        }

    # --- publishing --------------------------------------------------------------------------

    def publish(
        self,
        *,
        name: str,
        correlation_key: str,
        time_to_live_ms: int,
        message_id: str,
        variables: dict[str, Any],
        tenant_id: str,
    ) -> int:
        state = self.ctx.state
        unique = (name, correlation_key, message_id, tenant_id)
        if message_id and state.first("msg_by_id", unique) is not None:
            raise AlreadyExists(
                f"Expected to publish a new message with id '{message_id}', but a message with "
                f"that id was already published (name '{name}', correlation key "
                f"'{correlation_key}')"
            )
        message = Message(
            key=state.new_key(),
            name=name,
            correlation_key=correlation_key,
            message_id=message_id,
            variables=json_dumps(variables),
            deadline=self.ctx.now + max(time_to_live_ms, 0),
            time_to_live=time_to_live_ms,
            tenant_id=tenant_id,
        )
        self.ctx.write("MESSAGE", "PUBLISHED", message.key, self._message_value(message))
        correlated: list[str] = []
        for key in state.index("msub_by_corr", (name, correlation_key, tenant_id)):
            subscription = state.get(MessageSubscription, key)
            if subscription is None or subscription.bpmn_process_id in correlated:
                continue
            if self._correlate(subscription, message):
                correlated.append(subscription.bpmn_process_id)
        for definition, start in self._start_events(EventType.MESSAGE, name, tenant_id):
            if definition.bpmn_process_id in correlated:
                continue
            if self._start(definition, start, variables, correlation_key):
                correlated.append(definition.bpmn_process_id)
        if time_to_live_ms > 0:
            message = evolve(message, correlated_processes=tuple(correlated))
            state.put(message)
            self.ctx.schedule(message.deadline, "message", message.key)
        return message.key

    def _correlate(self, subscription: MessageSubscription, message: Message) -> bool:
        holder = self.b.bpmn.get(subscription.element_instance_key)
        if holder is None:
            return False
        variables = json.loads(message.variables)
        if not self.b.events.trigger(holder, subscription.element_id, variables):
            return False
        self.ctx.write(
            "MESSAGE_SUBSCRIPTION",
            "CORRELATED",
            subscription.key,
            {**self.subscription_value(subscription), "messageKey": message.key},
            process_instance_key=subscription.pi_key,
        )
        return True

    def correlate_buffered(self, subscription_key: int) -> None:
        """A subscription was opened: correlate the oldest buffered message not yet correlated
        to the subscription's process."""
        state = self.ctx.state
        subscription = state.get(MessageSubscription, subscription_key)
        if subscription is None:
            return
        index = (subscription.message_name, subscription.correlation_key, subscription.tenant_id)
        for key in state.index("msg_by_corr", index):
            message = state.get(Message, key)
            if message is None or message.deadline <= self.ctx.now:
                continue
            process_id = subscription.bpmn_process_id
            if process_id in message.correlated_processes:
                continue
            if self._correlate(subscription, message):
                state.put(
                    evolve(
                        message, correlated_processes=(*message.correlated_processes, process_id)
                    )
                )
            return

    def on_due(self, key: int) -> None:
        message = self.ctx.state.get(Message, key)
        if message is None or message.deadline > self.ctx.now:
            return
        self.ctx.state.delete(message)
        self.ctx.write("MESSAGE", "EXPIRED", message.key, self._message_value(message))

    def due(self, key: int) -> int | None:
        message = self.ctx.state.get(Message, key)
        return message.deadline if message is not None else None

    # --- start events ------------------------------------------------------------------------

    def _start_events(
        self, event_type: EventType, name: str, tenant_id: str
    ) -> Iterator[tuple[ProcessDefinition, Element]]:
        for definition in self.ctx.repo.latest_processes():
            if definition.tenant_id != tenant_id:
                continue
            for start in definition.process.start_events(definition.process.id):
                if start.event_type is not event_type:
                    continue
                if self.start_event_name(start) == name:
                    yield definition, start

    def start_event_name(self, start: Element) -> str | None:
        """The message/signal name of a start event. A name expression is evaluated without
        variables, as Zeebe does once on deploying the process (the parser already checked
        that it evaluates to a string)."""
        ref = start.message if start.event_type is EventType.MESSAGE else start.signal
        if ref is None:
            return None
        if not ref.name.is_feel:
            return ref.name.source
        try:
            return expressions.evaluate_str(ref.name, {})
        except expressions.ExpressionError:
            return None

    def _start(
        self,
        definition: ProcessDefinition,
        start: Element,
        variables: dict[str, Any],
        correlation_key: str = "",
    ) -> bool:
        correlation = ""
        if correlation_key:
            correlation = f"{definition.bpmn_process_id}\x00{correlation_key}"
            if self.ctx.state.first("start_correlation", correlation) is not None:
                return False  # an instance for this key is still active (Zeebe's rule)
        self.b.bpmn.create_process_instance(
            definition,
            {},
            start_element=start,
            start_variables=variables,
            start_correlation=correlation,
        )
        return True

    def start_from_buffer(self, definition: ProcessDefinition, correlation_key: str) -> None:
        """An instance started by a message with this key ended: the next buffered message
        with the same name and key may start a new one (Zeebe)."""
        latest = self.ctx.repo.latest_process(definition.bpmn_process_id, definition.tenant_id)
        if latest is None:
            return
        for start in latest.process.start_events(latest.process.id):
            if start.event_type is not EventType.MESSAGE:
                continue
            start_name = self.start_event_name(start)
            if start_name is None:
                continue
            index = (start_name, correlation_key, latest.tenant_id)
            for key in self.ctx.state.index("msg_by_corr", index):
                message = self.ctx.state.get(Message, key)
                if message is None or message.deadline <= self.ctx.now:
                    continue
                if latest.bpmn_process_id in message.correlated_processes:
                    continue
                variables = json.loads(message.variables)
                if self._start(latest, start, variables, correlation_key):
                    self.ctx.state.put(
                        evolve(
                            message,
                            correlated_processes=(
                                *message.correlated_processes,
                                latest.bpmn_process_id,
                            ),
                        )
                    )
                return

    # --- signals -----------------------------------------------------------------------------

    def broadcast(self, name: str, variables: dict[str, Any], tenant_id: str) -> int:
        state = self.ctx.state
        key = state.new_key()
        self.ctx.write(
            "SIGNAL",
            "BROADCASTED",
            key,
            {"signalName": name, "variables": variables, "tenantId": tenant_id},
        )
        for sub_key in state.index("ssub_by_name", (name, tenant_id)):
            subscription = state.get(SignalSubscription, sub_key)
            if subscription is None:
                continue
            holder = self.b.bpmn.get(subscription.element_instance_key)
            if holder is not None:
                self.b.events.trigger(holder, subscription.element_id, variables)
        for definition, start in self._start_events(EventType.SIGNAL, name, tenant_id):
            self._start(definition, start, variables)
        return key
