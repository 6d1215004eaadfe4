"""A tiny BPMN writer for the conformance suite: each test states its model inline, in full.

The helpers return XML fragments in the Camunda 8 dialect (``zeebe:`` extension elements), the
way Camunda Modeler writes them minus the diagram interchange, which Zeebe ignores too::

    model(
        "Process_A",
        start(),
        service("Task_A", "work", io(inp("=x + 1", "y"))),
        end(),
        chain("Start", "Task_A", "End"),
    )
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

NAMESPACES = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)


def _attr(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def model(process_id: str, *parts: str, defs: Iterable[str] = (), tag: str = "") -> str:
    """A deployable definitions document with one executable process.

    ``defs`` are root elements (messages, errors, escalations, signals); ``tag`` a version tag.
    """
    ext = (
        f'<bpmn:extensionElements><zeebe:versionTag value="{_attr(tag)}"/></bpmn:extensionElements>'
        if tag
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<bpmn:definitions {NAMESPACES} id="Definitions_{process_id}" '
        'targetNamespace="http://bpmn.io/schema/bpmn">'
        f'<bpmn:process id="{process_id}" isExecutable="true">{ext}{"".join(parts)}</bpmn:process>'
        f"{''.join(defs)}</bpmn:definitions>"
    )


# --- extension elements ------------------------------------------------------------------------


def inp(source: str | None, target: str) -> str:
    src = "" if source is None else f' source="{_attr(source)}"'
    return f'<zeebe:input{src} target="{_attr(target)}"/>'


def out(source: str, target: str) -> str:
    return f'<zeebe:output source="{_attr(source)}" target="{_attr(target)}"/>'


def io(*mappings: str) -> str:
    """``zeebe:ioMapping`` with inputs first, as the schema orders them."""
    inputs = [m for m in mappings if m.startswith("<zeebe:input")]
    outputs = [m for m in mappings if m.startswith("<zeebe:output")]
    return f"<zeebe:ioMapping>{''.join(inputs)}{''.join(outputs)}</zeebe:ioMapping>"


def headers(**values: str) -> str:
    items = "".join(f'<zeebe:header key="{k}" value="{_attr(v)}"/>' for k, v in values.items())
    return f"<zeebe:taskHeaders>{items}</zeebe:taskHeaders>"


def _ext(*items: str) -> str:
    body = "".join(i for i in items if i)
    return f"<bpmn:extensionElements>{body}</bpmn:extensionElements>" if body else ""


# --- flow nodes --------------------------------------------------------------------------------


def start(element_id: str = "Start", definition: str = "", ext: str = "") -> str:
    return f'<bpmn:startEvent id="{element_id}">{_ext(ext)}{definition}</bpmn:startEvent>'


def end(element_id: str = "End", definition: str = "", ext: str = "") -> str:
    return f'<bpmn:endEvent id="{element_id}">{_ext(ext)}{definition}</bpmn:endEvent>'


def service(
    element_id: str,
    job_type: str,
    *ext: str,
    retries: str | None = None,
    loop: str = "",
    kind: str = "serviceTask",
) -> str:
    """A job-worker task (service task by default; ``kind`` may name send/business-rule tasks)."""
    r = f' retries="{_attr(retries)}"' if retries is not None else ""
    definition = f'<zeebe:taskDefinition type="{_attr(job_type)}"{r}/>'
    return f'<bpmn:{kind} id="{element_id}">{_ext(definition, *ext)}{loop}</bpmn:{kind}>'


def script(element_id: str, expression: str, result: str, *ext: str) -> str:
    definition = f'<zeebe:script expression="{_attr(expression)}" resultVariable="{result}"/>'
    return f'<bpmn:scriptTask id="{element_id}">{_ext(definition, *ext)}</bpmn:scriptTask>'


def receive(element_id: str, message_ref: str, *ext: str, loop: str = "") -> str:
    return (
        f'<bpmn:receiveTask id="{element_id}" messageRef="{message_ref}">'
        f"{_ext(*ext)}{loop}</bpmn:receiveTask>"
    )


def sub(element_id: str, *parts: str, ext: str = "", loop: str = "", event: bool = False) -> str:
    trigger = ' triggeredByEvent="true"' if event else ""
    return (
        f'<bpmn:subProcess id="{element_id}"{trigger}>{_ext(ext)}{loop}{"".join(parts)}'
        "</bpmn:subProcess>"
    )


def call(
    element_id: str,
    process_id: str,
    *ext: str,
    child: bool | None = None,
    parent: bool | None = None,
    binding: str | None = None,
    version_tag: str | None = None,
    loop: str = "",
) -> str:
    attrs = f'processId="{_attr(process_id)}"'
    if child is not None:
        attrs += f' propagateAllChildVariables="{str(child).lower()}"'
    if parent is not None:
        attrs += f' propagateAllParentVariables="{str(parent).lower()}"'
    if binding is not None:
        attrs += f' bindingType="{binding}"'
    if version_tag is not None:
        attrs += f' versionTag="{version_tag}"'
    called = f"<zeebe:calledElement {attrs}/>"
    return f'<bpmn:callActivity id="{element_id}">{_ext(called, *ext)}{loop}</bpmn:callActivity>'


def gateway(kind: str, element_id: str, default: str | None = None) -> str:
    """``kind``: exclusive, parallel, inclusive or eventBased."""
    d = f' default="{default}"' if default else ""
    return f'<bpmn:{kind}Gateway id="{element_id}"{d}/>'


def catch(element_id: str, definition: str, ext: str = "") -> str:
    return (
        f'<bpmn:intermediateCatchEvent id="{element_id}">{_ext(ext)}{definition}'
        "</bpmn:intermediateCatchEvent>"
    )


def throw(element_id: str, definition: str = "", ext: str = "") -> str:
    return (
        f'<bpmn:intermediateThrowEvent id="{element_id}">{_ext(ext)}{definition}'
        "</bpmn:intermediateThrowEvent>"
    )


def boundary(
    element_id: str, attached_to: str, definition: str, *, interrupting: bool = True, ext: str = ""
) -> str:
    cancel = "" if interrupting else ' cancelActivity="false"'
    return (
        f'<bpmn:boundaryEvent id="{element_id}" attachedToRef="{attached_to}"{cancel}>'
        f"{_ext(ext)}{definition}</bpmn:boundaryEvent>"
    )


def event_start(element_id: str, definition: str, *, interrupting: bool = True) -> str:
    """The start event of an event sub-process."""
    flag = "" if interrupting else ' isInterrupting="false"'
    return f'<bpmn:startEvent id="{element_id}"{flag}>{definition}</bpmn:startEvent>'


# --- sequence flows ----------------------------------------------------------------------------


def flow(source: str, target: str, condition: str | None = None, flow_id: str = "") -> str:
    fid = flow_id or f"Flow_{source}_{target}"
    if condition is None:
        return f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{_text(condition)}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


def chain(*ids: str) -> str:
    """Unconditional flows between consecutive element ids."""
    return "".join(flow(a, b) for a, b in itertools.pairwise(ids))


# --- event definitions and root elements -------------------------------------------------------


def message_ref(ref: str) -> str:
    return f'<bpmn:messageEventDefinition messageRef="{ref}"/>'


def message(element_id: str, name: str, correlation_key: str | None = None) -> str:
    sub_ = (
        f'<bpmn:extensionElements><zeebe:subscription correlationKey="{_attr(correlation_key)}"/>'
        "</bpmn:extensionElements>"
        if correlation_key is not None
        else ""
    )
    return f'<bpmn:message id="{element_id}" name="{_attr(name)}">{sub_}</bpmn:message>'


def timer(*, duration: str = "", date: str = "", cycle: str = "") -> str:
    kind, value = (
        ("timeDuration", duration)
        if duration
        else ("timeDate", date)
        if date
        else ("timeCycle", cycle)
    )
    return (
        f'<bpmn:timerEventDefinition><bpmn:{kind} xsi:type="bpmn:tFormalExpression">'
        f"{_text(value)}</bpmn:{kind}></bpmn:timerEventDefinition>"
    )


def error_ref(ref: str | None = None) -> str:
    return (
        f'<bpmn:errorEventDefinition errorRef="{ref}"/>' if ref else "<bpmn:errorEventDefinition/>"
    )


def error(element_id: str, code: str) -> str:
    return f'<bpmn:error id="{element_id}" name="{element_id}" errorCode="{_attr(code)}"/>'


def escalation_ref(ref: str | None = None) -> str:
    if ref:
        return f'<bpmn:escalationEventDefinition escalationRef="{ref}"/>'
    return "<bpmn:escalationEventDefinition/>"


def escalation(element_id: str, code: str) -> str:
    return (
        f'<bpmn:escalation id="{element_id}" name="{element_id}" escalationCode="{_attr(code)}"/>'
    )


def signal_ref(ref: str) -> str:
    return f'<bpmn:signalEventDefinition signalRef="{ref}"/>'


def signal(element_id: str, name: str) -> str:
    return f'<bpmn:signal id="{element_id}" name="{_attr(name)}"/>'


TERMINATE = "<bpmn:terminateEventDefinition/>"


def multi(
    collection: str,
    element: str | None = None,
    *,
    output_collection: str | None = None,
    output_element: str | None = None,
    sequential: bool = False,
    completion: str | None = None,
) -> str:
    """``multiInstanceLoopCharacteristics`` with Zeebe's ``loopCharacteristics``."""
    attrs = f'inputCollection="{_attr(collection)}"'
    if element:
        attrs += f' inputElement="{element}"'
    if output_collection:
        attrs += f' outputCollection="{output_collection}"'
    if output_element:
        attrs += f' outputElement="{_attr(output_element)}"'
    cond = (
        '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">'
        f"{_text(completion)}</bpmn:completionCondition>"
        if completion
        else ""
    )
    seq = ' isSequential="true"' if sequential else ""
    return (
        f"<bpmn:multiInstanceLoopCharacteristics{seq}><bpmn:extensionElements>"
        f"<zeebe:loopCharacteristics {attrs}/></bpmn:extensionElements>{cond}"
        "</bpmn:multiInstanceLoopCharacteristics>"
    )
