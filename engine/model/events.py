"""Event definitions: which kinds each event may have, and reading timers, messages, signals,
errors and escalations into specs (with Zeebe's rules for catching versus throwing)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from engine.model.context import (
    BPMN_NS,
    Node,
    ParseContext,
    bpmn,
    elements,
    local_name,
    namespace,
    text_of,
)
from engine.model.specs import (
    ErrorDefinition,
    EscalationDefinition,
    EventType,
    MessageDefinition,
    SignalDefinition,
    TimerDefinition,
    TimerKind,
)
from engine.model.timers import TimerValueError, parse_cycle, parse_date, parse_duration


class EventRole(StrEnum):
    """Where an event sits, which decides the definitions it may have."""

    PROCESS_START = "process start event"
    SUB_PROCESS_START = "start event of an embedded sub-process"
    EVENT_SUB_PROCESS_START = "start event of an event sub-process"
    END = "end event"
    INTERMEDIATE_THROW = "intermediate throw event"
    INTERMEDIATE_CATCH = "intermediate catch event"
    BOUNDARY = "boundary event"


_ALLOWED: dict[EventRole, tuple[EventType, ...]] = {
    EventRole.PROCESS_START: (EventType.NONE, EventType.TIMER, EventType.MESSAGE, EventType.SIGNAL),
    EventRole.SUB_PROCESS_START: (EventType.NONE,),
    EventRole.EVENT_SUB_PROCESS_START: (
        EventType.TIMER,
        EventType.MESSAGE,
        EventType.ERROR,
        EventType.SIGNAL,
        EventType.ESCALATION,
    ),
    EventRole.END: (
        EventType.NONE,
        EventType.ERROR,
        EventType.MESSAGE,
        EventType.TERMINATE,
        EventType.SIGNAL,
        EventType.ESCALATION,
    ),
    EventRole.INTERMEDIATE_THROW: (
        EventType.NONE,
        EventType.MESSAGE,
        EventType.SIGNAL,
        EventType.ESCALATION,
        EventType.LINK,
    ),
    EventRole.INTERMEDIATE_CATCH: (
        EventType.MESSAGE,
        EventType.TIMER,
        EventType.SIGNAL,
        EventType.LINK,
    ),
    EventRole.BOUNDARY: (
        EventType.TIMER,
        EventType.MESSAGE,
        EventType.ERROR,
        EventType.SIGNAL,
        EventType.ESCALATION,
    ),
}
_KINDS = {
    "messageEventDefinition": EventType.MESSAGE,
    "timerEventDefinition": EventType.TIMER,
    "signalEventDefinition": EventType.SIGNAL,
    "errorEventDefinition": EventType.ERROR,
    "escalationEventDefinition": EventType.ESCALATION,
    "terminateEventDefinition": EventType.TERMINATE,
    "linkEventDefinition": EventType.LINK,
}
_UNSUPPORTED = {
    "compensateEventDefinition": "Compensation events",
    "conditionalEventDefinition": "Conditional events",
    "cancelEventDefinition": "Cancel events",
    "eventDefinitionRef": "Event definitions by reference",
}
_CATCHING = (
    EventRole.PROCESS_START,
    EventRole.EVENT_SUB_PROCESS_START,
    EventRole.INTERMEDIATE_CATCH,
    EventRole.BOUNDARY,
)


@dataclass(frozen=True)
class EventShape:
    """How an event behaves: its role and, for starts and boundaries, whether it interrupts."""

    role: EventRole
    interrupting: bool = True


def read_event(ctx: ParseContext, node: Node, shape: EventShape) -> dict[str, Any]:
    """The ``Element`` fields an event's definition gives (``event_type``, ``timer`` …)."""
    definitions = [
        child
        for child in elements(node)
        if namespace(child) == BPMN_NS
        and (
            local_name(child).endswith("EventDefinition")
            or local_name(child) == "eventDefinitionRef"
        )
    ]
    allowed = _ALLOWED[shape.role]
    if len(definitions) > 1:
        ctx.problems.add(node, "Must have at most one event definition")
    if not definitions:
        if EventType.NONE not in allowed:
            names = ", ".join(t.value.lower() for t in allowed)
            ctx.problems.add(
                node, f"{_article(shape.role)} must have one event definition of: {names}"
            )
        return {"event_type": EventType.NONE}
    definition = definitions[0]
    kind = local_name(definition)
    if kind in _UNSUPPORTED:
        ctx.problems.add(
            definition, f"{_UNSUPPORTED[kind]} are not supported by the embedded engine"
        )
        return {"event_type": EventType.UNSPECIFIED}
    event_type = _KINDS.get(kind)
    if event_type is None or event_type not in allowed:
        names = ", ".join(t.value.lower() for t in allowed)
        ctx.problems.add(
            definition,
            f"Event definition '{kind}' is not allowed on a {shape.role} (allowed: {names})",
        )
        return {"event_type": EventType.UNSPECIFIED}
    if not shape.interrupting and event_type is EventType.ERROR:
        ctx.problems.add(node, "Non-Interrupting event of this type is not allowed")
    fields: dict[str, Any] = {"event_type": event_type}
    if event_type is EventType.TIMER:
        fields["timer"] = _timer(ctx, definition, shape)
    elif event_type is EventType.MESSAGE:
        fields["message"] = _message(ctx, definition, shape)
    elif event_type is EventType.SIGNAL:
        fields["signal"] = _signal(ctx, definition, shape)
    elif event_type is EventType.ERROR:
        fields["error"] = _error(ctx, definition, shape)
    elif event_type is EventType.ESCALATION:
        fields["escalation"] = _escalation(ctx, definition, shape)
    elif event_type is EventType.LINK:
        name = (definition.get("name") or "").strip()
        if not name:
            ctx.problems.add(definition, "Link name must be present and not empty.")
        fields["link_name"] = name
    return fields


def _article(role: EventRole) -> str:
    return f"An {role}" if role.value[0] in "aeiou" else f"A {role}"


def _timer(ctx: ParseContext, definition: Node, shape: EventShape) -> TimerDefinition | None:
    present = [
        (kind, child)
        for kind in TimerKind
        if (child := definition.find(bpmn(kind.value))) is not None
    ]
    if len(present) != 1:
        ctx.problems.add(
            definition, "Must be exactly one type of timer: timeDuration, timeDate or timeCycle"
        )
        return None
    kind, child = present[0]
    if shape.role is EventRole.INTERMEDIATE_CATCH and kind is TimerKind.CYCLE:
        ctx.problems.add(
            definition,
            "Intermediate timer catch event must have either a time duration or a time date.",
        )
    elif shape.role is EventRole.PROCESS_START and kind is TimerKind.DURATION:
        ctx.problems.add(
            definition, "A timer start event must have either a time date or a time cycle."
        )
    elif (
        shape.role is not EventRole.PROCESS_START and shape.interrupting and kind is TimerKind.CYCLE
    ):
        ctx.problems.add(definition, "Interrupting timer event with time cycle is not allowed.")
    expression = ctx.expression(child, kind.value, value=text_of(child) or "")
    if expression is None:
        return None
    if not expression.is_feel:
        try:
            if kind is TimerKind.DURATION:
                parse_duration(expression.source)
            elif kind is TimerKind.DATE:
                parse_date(expression.source)
            else:
                parse_cycle(expression.source)
        except TimerValueError as exc:
            label = {"timeDuration": "duration", "timeDate": "date", "timeCycle": "cycle"}[kind]
            ctx.problems.add(child, f"Invalid timer {label} expression ({exc})")
    elif shape.role is EventRole.PROCESS_START:
        # Zeebe evaluates these at deployment, without variables: there are none yet.
        ctx.constant_checks.append((child, kind.value, expression))
    return TimerDefinition(kind, expression)


_T = TypeVar("_T")


def _referenced(
    ctx: ParseContext, definition: Node, attribute: str, table: Mapping[str, _T], what: str
) -> tuple[str | None, _T | None]:
    ref = (definition.get(attribute) or "").strip()
    if not ref:
        return None, None
    found = table.get(ref)
    if found is None:
        ctx.problems.add(definition, f"Referenced {what} '{ref}' is not defined")
    return ref, found


def _message(ctx: ParseContext, definition: Node, shape: EventShape) -> MessageDefinition | None:
    ref, message = _referenced(ctx, definition, "messageRef", ctx.messages, "message")
    catching = shape.role in _CATCHING
    if ref is None:
        if catching:
            ctx.problems.add(definition, "Must reference a message")
        return None
    if message is None:
        return None
    check_message_use(ctx, ref, message, catching=catching, role=shape.role)
    if shape.role is EventRole.PROCESS_START:
        return MessageDefinition(message.message_id, message.name, None)
    return message


def check_message_use(
    ctx: ParseContext, ref: str, message: MessageDefinition, *, catching: bool, role: EventRole
) -> None:
    """Name always; a correlation key whenever an instance waits for the message."""
    node = ctx.definition_nodes[ref]
    if not message.name.source.strip():
        ctx.problems.add(node, "Name must be present and not empty")
    elif role is EventRole.PROCESS_START and message.name.is_feel:
        ctx.constant_checks.append((node, "messageName", message.name))
    if catching and role is not EventRole.PROCESS_START and message.correlation_key is None:
        ctx.problems.add(
            node,
            "Must have exactly one zeebe:subscription extension element with a correlationKey",
        )


def _signal(ctx: ParseContext, definition: Node, shape: EventShape) -> SignalDefinition | None:
    ref, signal = _referenced(ctx, definition, "signalRef", ctx.signals, "signal")
    if ref is None:
        ctx.problems.add(definition, "Must reference a signal")
        return None
    if signal is None:
        return None
    node = ctx.definition_nodes[ref]
    if not signal.name.source.strip():
        ctx.problems.add(node, "Name must be present and not empty")
    elif shape.role is EventRole.PROCESS_START and signal.name.is_feel:
        ctx.constant_checks.append((node, "signalName", signal.name))
    return signal


def _error(ctx: ParseContext, definition: Node, shape: EventShape) -> ErrorDefinition | None:
    ref, error = _referenced(ctx, definition, "errorRef", ctx.errors, "error")
    if shape.role is EventRole.END:
        if ref is None:
            ctx.problems.add(definition, "Must reference an error")
            return None
        if error is not None and not error.error_code:
            ctx.problems.add(ctx.definition_nodes[ref], "ErrorCode must be present and not empty")
        return error
    if error is None:
        # No reference: catch every error (Camunda 8.2+).
        return ErrorDefinition(None, None) if ref is None else None
    if error.error_code and error.error_code.startswith("="):
        ctx.problems.add(
            definition,
            "The errorCode of the error catch event is not allowed to be an expression",
        )
    return error


def _escalation(
    ctx: ParseContext, definition: Node, shape: EventShape
) -> EscalationDefinition | None:
    ref, escalation = _referenced(ctx, definition, "escalationRef", ctx.escalations, "escalation")
    if shape.role in (EventRole.END, EventRole.INTERMEDIATE_THROW):
        if ref is None:
            ctx.problems.add(definition, "Must reference an escalation")
            return None
        if escalation is not None and not escalation.code:
            ctx.problems.add(
                ctx.definition_nodes[ref], "EscalationCode must be present and not empty"
            )
        return escalation
    if escalation is None:
        return EscalationDefinition(None, None) if ref is None else None
    if escalation.code and escalation.code.startswith("="):
        ctx.problems.add(
            definition,
            "The escalationCode of the escalation catch event is not allowed to be an expression",
        )
    return escalation
