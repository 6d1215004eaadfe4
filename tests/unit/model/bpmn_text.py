"""Small BPMN documents for parser tests: wrap a process body in Camunda Modeler's namespaces."""

from __future__ import annotations

from itertools import pairwise

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
    ' xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"'
    ' xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">\n'
)


def document(body: str, *, definitions: str = "", executable: bool = True) -> str:
    """A definitions element with one process ``Process_1`` holding ``body``."""
    flag = "true" if executable else "false"
    return (
        HEADER
        + f'<bpmn:process id="Process_1" name="测试" isExecutable="{flag}">\n'
        + body.strip()
        + "\n</bpmn:process>\n"
        + definitions.strip()
        + "\n</bpmn:definitions>\n"
    )


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (what error messages must name)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in document")


def job(job_type: str = "work") -> str:
    return (
        "<bpmn:extensionElements>"
        f'<zeebe:taskDefinition type="{job_type}" />'
        "</bpmn:extensionElements>"
    )


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}" />'
    return (
        f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


def straight(*elements: str) -> str:
    """``Start`` → each given element (by id, already declared elsewhere) → ``End``, in order."""
    ids = ["Start", *elements, "End"]
    return "\n".join(flow(f"Flow_{i}", a, b) for i, (a, b) in enumerate(pairwise(ids)))


START = '<bpmn:startEvent id="Start" />'
END = '<bpmn:endEvent id="End" />'
