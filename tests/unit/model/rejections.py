"""Shared pieces of the rejection tests: bodies with one problem each, and the assertion."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from engine.errors import InvalidArgument
from engine.model import BpmnValidationError, parse_bpmn

from .bpmn_text import END, START, document, flow, job, line_of, straight

DEFINITIONS = """
<bpmn:message id="Message_Reply" name="reply">
  <bpmn:extensionElements><zeebe:subscription correlationKey="=caseId" /></bpmn:extensionElements>
</bpmn:message>
<bpmn:message id="Message_NoKey" name="no-key" />
<bpmn:message id="Message_NoName" />
<bpmn:error id="Error_NoCode" />
<bpmn:error id="Error_Code" errorCode="E1" />
<bpmn:escalation id="Escalation_NoCode" />
<bpmn:signal id="Signal_Halt" name="halt" />
"""


@dataclass(frozen=True)
class Case:
    """A process body with one problem: the element it concerns, and what the message says."""

    body: str
    element_id: str
    message: str
    #: text on the line the problem must point at (default: ``id="<element_id>"``)
    at: str | None = None
    #: root elements (messages, errors …) besides the shared ones
    definitions: str = ""


def task(tag: str, element_id: str, inner: str = "") -> str:
    return f"{START}<bpmn:{tag} id='{element_id}'>{inner}</bpmn:{tag}>{END}{straight(element_id)}"


def ext(content: str) -> str:
    return f"<bpmn:extensionElements>{content}</bpmn:extensionElements>"


def user(content: str) -> str:
    return task("userTask", "Task_U", ext("<zeebe:userTask />" + content))


def catch(definition: str, element_id: str = "Catch") -> str:
    return (
        f"{START}<bpmn:intermediateCatchEvent id='{element_id}'>{definition}"
        f"</bpmn:intermediateCatchEvent>{END}{straight(element_id)}"
    )


def timer(kind: str, value: str) -> str:
    return (
        f"<bpmn:timerEventDefinition><bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition>"
    )


def boundary(definition: str, host: str = "Work", cancel: str = "true") -> str:
    return (
        f"{START}<bpmn:serviceTask id='Work'>{job()}</bpmn:serviceTask>"
        "<bpmn:exclusiveGateway id='Gate' />"
        f"<bpmn:boundaryEvent id='B' attachedToRef='{host}' cancelActivity='{cancel}'>"
        f"{definition}</bpmn:boundaryEvent>{END}{straight('Work', 'Gate')}"
    )


def mi(loop: str) -> str:
    return task(
        "serviceTask",
        "Each",
        job()
        + f"<bpmn:multiInstanceLoopCharacteristics>{loop}</bpmn:multiInstanceLoopCharacteristics>",
    )


def sub(inner: str, *, event: bool = False, element_id: str = "Sub") -> str:
    trigger = " triggeredByEvent='true'" if event else ""
    node = f"<bpmn:subProcess id='{element_id}'{trigger}>{inner}</bpmn:subProcess>"
    if event:
        return f"{START}{END}{flow('F', 'Start', 'End')}{node}"
    return f"{START}{node}{END}{straight(element_id)}"


def problems(body: str, definitions: str = "") -> tuple[str, BpmnValidationError]:
    text = document(body, definitions=DEFINITIONS + definitions)
    with pytest.raises(BpmnValidationError) as caught:
        parse_bpmn(text.encode(), "bad.bpmn")
    return text, caught.value


def assert_rejected(case: Case) -> None:
    """The case is rejected with a problem naming its element and line, in the message too."""
    text, error = problems(case.body, case.definitions)
    needle = case.at or f"id='{case.element_id}'"
    if needle not in text:
        needle = f'id="{case.element_id}"'
    expected_line = line_of(text, needle)
    matching = [p for p in error.problems if case.message in p.message]
    assert matching, str(error)
    assert (matching[0].element_id, matching[0].line) == (case.element_id, expected_line), str(
        error
    )
    # The message a client sees names the resource, the element and the line.
    assert error.message.startswith("'bad.bpmn': ")
    assert f"{case.element_id}" in error.message
    assert f"(line {expected_line})" in error.message
    assert isinstance(error, InvalidArgument)
