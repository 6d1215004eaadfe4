"""Scopes (sub-processes, event sub-processes), gateways, processes and the resource itself."""

from __future__ import annotations

import time
from itertools import pairwise

from engine.model import ElementType, EventType, Expression, parse_bpmn

from .bpmn_text import END, HEADER, START, document, flow, job


def test_embedded_sub_process_and_event_sub_processes_form_scopes() -> None:
    body = f"""
    {START}
    <bpmn:subProcess id="Sub">
      <bpmn:startEvent id="Sub_Start" />
      <bpmn:serviceTask id="Sub_Task">{job()}</bpmn:serviceTask>
      <bpmn:endEvent id="Sub_End" />
      {flow("Sub_F1", "Sub_Start", "Sub_Task")}{flow("Sub_F2", "Sub_Task", "Sub_End")}
      <bpmn:subProcess id="Sub_OnError" triggeredByEvent="true">
        <bpmn:startEvent id="Sub_OnError_Start"><bpmn:errorEventDefinition /></bpmn:startEvent>
        <bpmn:endEvent id="Sub_OnError_End" />
        {flow("Sub_OnError_F", "Sub_OnError_Start", "Sub_OnError_End")}
      </bpmn:subProcess>
    </bpmn:subProcess>
    <bpmn:subProcess id="OnCancel" triggeredByEvent="true">
      <bpmn:startEvent id="OnCancel_Start" isInterrupting="false">
        <bpmn:messageEventDefinition messageRef="Message_Cancel" />
      </bpmn:startEvent>
      <bpmn:endEvent id="OnCancel_End" />
      {flow("OnCancel_F", "OnCancel_Start", "OnCancel_End")}
    </bpmn:subProcess>
    {END}
    {flow("F1", "Start", "Sub")}{flow("F2", "Sub", "End")}
    """
    definitions = """
    <bpmn:message id="Message_Cancel" name="cancel">
      <bpmn:extensionElements>
        <zeebe:subscription correlationKey="=caseId" />
      </bpmn:extensionElements>
    </bpmn:message>
    """
    resource = parse_bpmn(document(body, definitions=definitions).encode(), "scopes.bpmn")
    process = resource.processes[0]
    elements = process.elements
    root = process.root
    assert root.element_type is ElementType.PROCESS
    assert root.children == ("Start", "Sub", "OnCancel", "End")
    assert root.event_sub_processes == ("OnCancel",)
    sub = elements["Sub"]
    assert sub.element_type is ElementType.SUB_PROCESS
    assert sub.children == ("Sub_Start", "Sub_Task", "Sub_End", "Sub_OnError")
    assert sub.event_sub_processes == ("Sub_OnError",)
    assert elements["Sub_Task"].flow_scope == "Sub"
    assert elements["Sub_OnError_Start"].flow_scope == "Sub_OnError"
    assert [e.id for e in process.start_events("Sub")] == ["Sub_Start"]
    on_cancel = elements["OnCancel"]
    assert on_cancel.element_type is ElementType.EVENT_SUB_PROCESS
    start = elements["OnCancel_Start"]
    assert start.interrupting is False
    assert start.message is not None
    assert start.message.correlation_key == Expression("=caseId")
    assert elements["Sub_OnError_Start"].interrupting is True
    assert process.flows["Sub_F2"].source == "Sub_Task"


def test_gateways_with_conditions_and_default_flows() -> None:
    body = f"""
    {START}
    <bpmn:exclusiveGateway id="Decide" default="To_Low" />
    <bpmn:inclusiveGateway id="Notify" default="To_Both" />
    <bpmn:parallelGateway id="Join" />
    <bpmn:eventBasedGateway id="Wait" />
    <bpmn:intermediateCatchEvent id="Timeout"><bpmn:timerEventDefinition>
      <bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="Halt">
      <bpmn:signalEventDefinition signalRef="Signal_Halt" /></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="End_Low" />
    {END}
    {flow("F0", "Start", "Decide")}
    {flow("To_High", "Decide", "Notify", "=risk = &quot;high&quot;")}
    {flow("To_Low", "Decide", "End_Low")}
    {flow("To_Both", "Notify", "Join")}
    {flow("To_One", "Notify", "Join", "=urgent")}
    {flow("F5", "Join", "Wait")}{flow("F6", "Wait", "Timeout")}{flow("F7", "Wait", "Halt")}
    {flow("F8", "Timeout", "End")}{flow("F9", "Halt", "End")}
    """
    definitions = '<bpmn:signal id="Signal_Halt" name="halt" />'
    process = parse_bpmn(document(body, definitions=definitions).encode(), "g.bpmn").processes[0]
    decide = process.elements["Decide"]
    assert decide.element_type is ElementType.EXCLUSIVE_GATEWAY
    assert decide.default_flow == "To_Low"
    assert decide.outgoing == ("To_High", "To_Low")
    assert process.flows["To_High"].condition == Expression('=risk = "high"')
    assert process.flows["To_Low"].condition is None
    assert process.elements["Notify"].default_flow == "To_Both"
    assert process.elements["Join"].incoming == ("To_Both", "To_One")
    wait = process.elements["Wait"]
    assert wait.element_type is ElementType.EVENT_BASED_GATEWAY
    assert [process.flows[f].target for f in wait.outgoing] == ["Timeout", "Halt"]


def test_only_executable_processes_are_returned_and_all_are_validated() -> None:
    text = (
        HEADER
        + f"""
    <bpmn:collaboration id="Collab">
      <bpmn:participant id="P1" processRef="Process_A" />
      <bpmn:participant id="P2" processRef="Process_B" />
      <bpmn:participant id="P3" processRef="Process_Doc" />
    </bpmn:collaboration>
    <bpmn:process id="Process_A" isExecutable="true">
      <bpmn:extensionElements><zeebe:versionTag value="2026.1" /></bpmn:extensionElements>
      {START}{END}{flow("F", "Start", "End")}
    </bpmn:process>
    <bpmn:process id="Process_B" name="乙" isExecutable="true">
      <bpmn:startEvent id="B_Start" /><bpmn:endEvent id="B_End" />{flow("FB", "B_Start", "B_End")}
    </bpmn:process>
    <bpmn:process id="Process_Doc" isExecutable="false">
      <bpmn:startEvent id="D_Start" /><bpmn:endEvent id="D_End" />{flow("FD", "D_Start", "D_End")}
    </bpmn:process>
    </bpmn:definitions>
    """
    )
    resource = parse_bpmn(text.encode(), "two.bpmn")
    assert resource.resource_name == "two.bpmn"
    assert [p.id for p in resource.processes] == ["Process_A", "Process_B"]
    first, second = resource.processes
    assert first.version_tag == "2026.1"
    assert first.resource_name == "two.bpmn"
    assert second.name == "乙"
    assert second.root.children == ("B_Start", "B_End")


def test_a_fifty_element_model_parses_in_a_few_milliseconds() -> None:
    tasks = "".join(
        f'<bpmn:serviceTask id="T{i}"><bpmn:extensionElements>'
        f'<zeebe:taskDefinition type="job-{i}" />'
        f'<zeebe:ioMapping><zeebe:input source="=a.b + {i}" target="v{i}" /></zeebe:ioMapping>'
        "</bpmn:extensionElements></bpmn:serviceTask>"
        for i in range(24)
    )
    ids = ["Start", *(f"T{i}" for i in range(24)), "End"]
    flows = "".join(flow(f"F{i}", a, b) for i, (a, b) in enumerate(pairwise(ids)))
    content = document(START + tasks + END + flows).encode()
    process = parse_bpmn(content, "big.bpmn").processes[0]
    assert len(process.elements) + len(process.flows) == 52
    runs = 20
    began = time.perf_counter()
    for _ in range(runs):
        parse_bpmn(content, "big.bpmn")
    per_parse_ms = (time.perf_counter() - began) * 1000 / runs
    # "A few ms" with generous head-room for a loaded CI machine.
    assert per_parse_ms < 25, f"{per_parse_ms:.1f} ms per parse"


def test_event_types_default_to_unspecified_for_non_events() -> None:
    body = f"{START}<bpmn:serviceTask id='T'>{job()}</bpmn:serviceTask>{END}"
    body += flow("F1", "Start", "T") + flow("F2", "T", "End")
    process = parse_bpmn(document(body).encode(), "t.bpmn").processes[0]
    assert process.elements["T"].event_type is EventType.UNSPECIFIED
    assert process.elements["Start"].event_type is EventType.NONE
    assert process.root.event_type is EventType.UNSPECIFIED
