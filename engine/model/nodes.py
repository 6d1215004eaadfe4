"""Reading one flow node (task, event, gateway, sub-process …) into ``Element`` fields."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from engine.model.context import (
    Node,
    ParseContext,
    bool_attr,
    bpmn,
    extensions,
)
from engine.model.events import EventRole, EventShape, check_message_use, read_event
from engine.model.extensions import (
    check_extensions,
    read_called_decision,
    read_called_element,
    read_headers,
    read_io_mapping,
    read_loop,
    read_properties,
    read_script,
    read_task_definition,
    read_user_task,
)
from engine.model.specs import ElementType, EventType

FLOW_NODES: dict[str, ElementType] = {
    "startEvent": ElementType.START_EVENT,
    "endEvent": ElementType.END_EVENT,
    "intermediateCatchEvent": ElementType.INTERMEDIATE_CATCH_EVENT,
    "intermediateThrowEvent": ElementType.INTERMEDIATE_THROW_EVENT,
    "boundaryEvent": ElementType.BOUNDARY_EVENT,
    "task": ElementType.TASK,
    "manualTask": ElementType.MANUAL_TASK,
    "serviceTask": ElementType.SERVICE_TASK,
    "sendTask": ElementType.SEND_TASK,
    "scriptTask": ElementType.SCRIPT_TASK,
    "receiveTask": ElementType.RECEIVE_TASK,
    "userTask": ElementType.USER_TASK,
    "businessRuleTask": ElementType.BUSINESS_RULE_TASK,
    "subProcess": ElementType.SUB_PROCESS,
    "callActivity": ElementType.CALL_ACTIVITY,
    "exclusiveGateway": ElementType.EXCLUSIVE_GATEWAY,
    "parallelGateway": ElementType.PARALLEL_GATEWAY,
    "inclusiveGateway": ElementType.INCLUSIVE_GATEWAY,
    "eventBasedGateway": ElementType.EVENT_BASED_GATEWAY,
}
#: BPMN elements we know and refuse, with how the message names them
UNSUPPORTED_NODES = {
    "complexGateway": "Complex gateways",
    "transaction": "Transaction sub-processes",
    "adHocSubProcess": "Ad-hoc sub-processes",
    "callChoreography": "Choreographies",
    "subChoreography": "Choreographies",
    "choreographyTask": "Choreographies",
    "implicitThrowEvent": "Implicit throw events",
}
#: BPMN children of a process or sub-process that carry no behaviour
IGNORED_CHILDREN = frozenset(
    {
        "laneSet",
        "textAnnotation",
        "association",
        "group",
        "dataObject",
        "dataObjectReference",
        "dataStoreReference",
        "documentation",
        "extensionElements",
        "property",
        "ioSpecification",
        "ioBinding",
        "auditing",
        "monitoring",
        "correlationSubscription",
        "supports",
        "performer",
        "humanPerformer",
        "potentialOwner",
        "resourceRole",
        # children of a sub-process element itself, read with the activity
        "multiInstanceLoopCharacteristics",
        "standardLoopCharacteristics",
        "dataInputAssociation",
        "dataOutputAssociation",
        "incoming",
        "outgoing",
    }
)
ACTIVITIES = frozenset(
    {
        ElementType.TASK,
        ElementType.MANUAL_TASK,
        ElementType.SERVICE_TASK,
        ElementType.SEND_TASK,
        ElementType.SCRIPT_TASK,
        ElementType.RECEIVE_TASK,
        ElementType.USER_TASK,
        ElementType.BUSINESS_RULE_TASK,
        ElementType.SUB_PROCESS,
        ElementType.CALL_ACTIVITY,
    }
)


class ScopeKind(StrEnum):
    """The kind of scope a flow node sits in, which decides what its start events may be."""

    PROCESS = "process"
    SUB_PROCESS = "sub-process"
    EVENT_SUB_PROCESS = "event sub-process"


def read_flow_node(
    ctx: ParseContext, node: Node, local: str, scope_id: str, scope: ScopeKind
) -> dict[str, Any]:
    """All ``Element`` fields of ``node`` except the structural ones the parser fills in later."""
    element_type = FLOW_NODES[local]
    if element_type is ElementType.SUB_PROCESS and bool_attr(node, "triggeredByEvent", False):
        element_type = ElementType.EVENT_SUB_PROCESS
    inputs, outputs = read_io_mapping(ctx, node)
    fields: dict[str, Any] = {
        "element_type": element_type,
        "name": node.get("name", ""),
        "flow_scope": scope_id,
        "inputs": inputs,
        "outputs": outputs,
        "properties": read_properties(ctx, node),
    }
    check_extensions(ctx, node)
    if element_type in ACTIVITIES:
        _activity(ctx, node, element_type, fields)
    elif local.endswith("Event"):
        _event(ctx, node, element_type, scope, fields)
    elif element_type in (ElementType.EXCLUSIVE_GATEWAY, ElementType.INCLUSIVE_GATEWAY):
        fields["default_flow"] = node.get("default") or None
    return fields


def _activity(
    ctx: ParseContext, node: Node, element_type: ElementType, fields: dict[str, Any]
) -> None:
    if bool_attr(node, "isForCompensation", False):
        ctx.problems.add(node, "Compensation handlers are not supported by the embedded engine")
    if node.find(bpmn("standardLoopCharacteristics")) is not None:
        ctx.problems.add(
            node,
            "Standard loops are not supported; use multi-instance (zeebe:loopCharacteristics)",
        )
    loop = node.find(bpmn("multiInstanceLoopCharacteristics"))
    if loop is not None:
        fields["loop"] = read_loop(ctx, loop)
    if element_type is ElementType.SERVICE_TASK or element_type is ElementType.SEND_TASK:
        fields["task_definition"] = _job(ctx, node)
    elif element_type is ElementType.SCRIPT_TASK:
        script = _either(ctx, node, "script")
        if script is not None:
            fields["script"] = read_script(ctx, script)
        else:
            fields["task_definition"] = read_task_definition(ctx, node)
    elif element_type is ElementType.BUSINESS_RULE_TASK:
        decision = _either(ctx, node, "calledDecision")
        if decision is not None:
            fields["called_decision"] = read_called_decision(ctx, decision)
        else:
            fields["task_definition"] = read_task_definition(ctx, node)
    elif element_type is ElementType.USER_TASK:
        fields["user_task"] = read_user_task(ctx, node)
    elif element_type is ElementType.CALL_ACTIVITY:
        fields["called_element"] = read_called_element(ctx, node)
    elif element_type is ElementType.RECEIVE_TASK:
        fields["message"] = _receive_message(ctx, node)
    if fields.get("task_definition") is not None or element_type is ElementType.USER_TASK:
        fields["task_headers"] = read_headers(ctx, node)


def _job(ctx: ParseContext, node: Node) -> Any:
    if not extensions(node, "taskDefinition"):
        ctx.problems.add(node, "Must have exactly one 'zeebe:taskDefinition' extension element")
        return None
    return read_task_definition(ctx, node)


def _either(ctx: ParseContext, node: Node, local: str) -> Node | None:
    """Zeebe's "either ``zeebe:<local>`` or a job worker" rule; returns the ``<local>`` element."""
    own = extensions(node, local)
    jobs = extensions(node, "taskDefinition")
    if len(own) + len(jobs) != 1:
        ctx.problems.add(
            node,
            f"Must have either one 'zeebe:{local}' or one 'zeebe:taskDefinition' extension element",
        )
    return own[0] if own else None


def _receive_message(ctx: ParseContext, node: Node) -> Any:
    ref = (node.get("messageRef") or "").strip()
    if not ref:
        ctx.problems.add(node, "Must reference a message")
        return None
    message = ctx.messages.get(ref)
    if message is None:
        ctx.problems.add(node, f"Referenced message '{ref}' is not defined")
        return None
    check_message_use(ctx, ref, message, catching=True, role=EventRole.INTERMEDIATE_CATCH)
    return message


def _event(
    ctx: ParseContext,
    node: Node,
    element_type: ElementType,
    scope: ScopeKind,
    fields: dict[str, Any],
) -> None:
    shape = _shape(node, element_type, scope)
    fields.update(read_event(ctx, node, shape))
    if element_type is ElementType.BOUNDARY_EVENT:
        fields["attached_to"] = (node.get("attachedToRef") or "").strip() or None
        fields["cancel_activity"] = shape.interrupting
        if fields["attached_to"] is None:
            ctx.problems.add(node, "Must be attached to an activity")
    if element_type is ElementType.START_EVENT:
        fields["interrupting"] = shape.interrupting
    if fields["event_type"] is EventType.MESSAGE and shape.role in (
        EventRole.END,
        EventRole.INTERMEDIATE_THROW,
    ):
        # Zeebe throws messages through a job worker (zeebe:publishMessage is not supported).
        fields["task_definition"] = _job(ctx, node)
        fields["task_headers"] = read_headers(ctx, node)


def _shape(node: Node, element_type: ElementType, scope: ScopeKind) -> EventShape:
    if element_type is ElementType.START_EVENT:
        role = {
            ScopeKind.PROCESS: EventRole.PROCESS_START,
            ScopeKind.SUB_PROCESS: EventRole.SUB_PROCESS_START,
            ScopeKind.EVENT_SUB_PROCESS: EventRole.EVENT_SUB_PROCESS_START,
        }[scope]
        return EventShape(role, bool_attr(node, "isInterrupting", True))
    if element_type is ElementType.BOUNDARY_EVENT:
        return EventShape(EventRole.BOUNDARY, bool_attr(node, "cancelActivity", True))
    role = {
        ElementType.END_EVENT: EventRole.END,
        ElementType.INTERMEDIATE_THROW_EVENT: EventRole.INTERMEDIATE_THROW,
        ElementType.INTERMEDIATE_CATCH_EVENT: EventRole.INTERMEDIATE_CATCH,
    }[element_type]
    return EventShape(role)
