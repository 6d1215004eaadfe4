"""Start, end, intermediate and boundary events of every kind the runtime runs."""

from __future__ import annotations

from itertools import pairwise

from engine.model import (
    ErrorDefinition,
    EscalationDefinition,
    EventType,
    Expression,
    MessageDefinition,
    SignalDefinition,
    TimerDefinition,
    TimerKind,
    parse_bpmn,
)
from engine.model.specs import BpmnResource, ElementType, Process

from .bpmn_text import END, START, document, flow, job

DEFINITIONS = """
<bpmn:message id="Message_Start" name="case-filed" />
<bpmn:message id="Message_Reply" name="reply">
  <bpmn:extensionElements><zeebe:subscription correlationKey="=caseId" /></bpmn:extensionElements>
</bpmn:message>
<bpmn:message id="Message_Out" name="notice" />
<bpmn:signal id="Signal_Halt" name="halt" />
<bpmn:error id="Error_Quorum" name="quorum" errorCode="ERR_QUORUM_NOT_MET" />
<bpmn:error id="Error_Dynamic" errorCode="=code" />
<bpmn:escalation id="Escalation_Late" escalationCode="LATE" />
"""


def parse(body: str) -> tuple[BpmnResource, Process]:
    resource = parse_bpmn(document(body, definitions=DEFINITIONS).encode(), "events.bpmn")
    return resource, resource.processes[0]


def test_start_events_none_timer_message_signal() -> None:
    body = """
    <bpmn:startEvent id="S_None" />
    <bpmn:startEvent id="S_Cycle"><bpmn:timerEventDefinition>
      <bpmn:timeCycle>R/P1D</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:startEvent id="S_Cron"><bpmn:timerEventDefinition>
      <bpmn:timeCycle>0 0 9 * * MON-FRI</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:startEvent id="S_Date"><bpmn:timerEventDefinition>
      <bpmn:timeDate>2026-01-01T10:00:00Z</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:startEvent>
    <bpmn:startEvent id="S_Message"><bpmn:messageEventDefinition messageRef="Message_Start" />
    </bpmn:startEvent>
    <bpmn:startEvent id="S_Signal"><bpmn:signalEventDefinition signalRef="Signal_Halt" />
    </bpmn:startEvent>
    <bpmn:endEvent id="End" />
    """
    resource, process = parse(body)
    starts = {e.id: e for e in process.start_events("Process_1")}
    assert [e.event_type for e in starts.values()] == [
        EventType.NONE,
        EventType.TIMER,
        EventType.TIMER,
        EventType.TIMER,
        EventType.MESSAGE,
        EventType.SIGNAL,
    ]
    assert starts["S_Cycle"].timer == TimerDefinition(TimerKind.CYCLE, Expression("R/P1D"))
    assert starts["S_Date"].timer == TimerDefinition(
        TimerKind.DATE, Expression("2026-01-01T10:00:00Z")
    )
    # A message start event has no correlation key: it starts a new instance.
    assert starts["S_Message"].message == MessageDefinition(
        "Message_Start", Expression("case-filed"), None
    )
    assert starts["S_Signal"].signal == SignalDefinition("Signal_Halt", Expression("halt"))
    assert resource.messages["Message_Reply"].correlation_key == Expression("=caseId")
    assert resource.errors["Error_Quorum"] == ErrorDefinition("Error_Quorum", "ERR_QUORUM_NOT_MET")
    assert resource.escalations["Escalation_Late"] == EscalationDefinition(
        "Escalation_Late", "LATE"
    )


def test_end_events_of_every_kind() -> None:
    body = f"""
    {START}
    <bpmn:parallelGateway id="Fork" />
    <bpmn:endEvent id="E_None" />
    <bpmn:endEvent id="E_Error">
      <bpmn:errorEventDefinition errorRef="Error_Quorum" /></bpmn:endEvent>
    <bpmn:endEvent id="E_Dyn"><bpmn:errorEventDefinition errorRef="Error_Dynamic" /></bpmn:endEvent>
    <bpmn:endEvent id="E_Terminate"><bpmn:terminateEventDefinition /></bpmn:endEvent>
    <bpmn:endEvent id="E_Signal"><bpmn:signalEventDefinition signalRef="Signal_Halt" />
    </bpmn:endEvent>
    <bpmn:endEvent id="E_Escalation">
      <bpmn:escalationEventDefinition escalationRef="Escalation_Late" /></bpmn:endEvent>
    <bpmn:endEvent id="E_Message">{job("send-notice")}
      <bpmn:messageEventDefinition messageRef="Message_Out" /></bpmn:endEvent>
    {flow("F0", "Start", "Fork")}
    """ + "".join(
        flow(f"F_{t}", "Fork", f"E_{t}")
        for t in ("None", "Error", "Dyn", "Terminate", "Signal", "Escalation", "Message")
    )
    _, process = parse(body)
    ends = process.elements
    assert ends["E_None"].event_type is EventType.NONE
    assert ends["E_Error"].error == ErrorDefinition("Error_Quorum", "ERR_QUORUM_NOT_MET")
    assert ends["E_Dyn"].error == ErrorDefinition("Error_Dynamic", "=code")
    assert ends["E_Terminate"].event_type is EventType.TERMINATE
    assert ends["E_Signal"].signal == SignalDefinition("Signal_Halt", Expression("halt"))
    assert ends["E_Escalation"].escalation == EscalationDefinition("Escalation_Late", "LATE")
    message_end = ends["E_Message"]
    assert message_end.event_type is EventType.MESSAGE
    assert message_end.task_definition is not None
    assert message_end.task_definition.type == Expression("send-notice")


def test_intermediate_catch_and_throw_events() -> None:
    body = f"""
    {START}
    <bpmn:intermediateCatchEvent id="C_Message">
      <bpmn:messageEventDefinition messageRef="Message_Reply" /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="C_Duration"><bpmn:timerEventDefinition>
      <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT15M</bpmn:timeDuration>
    </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="C_Date"><bpmn:timerEventDefinition>
      <bpmn:timeDate>=deadline</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="C_Signal">
      <bpmn:signalEventDefinition signalRef="Signal_Halt" /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateThrowEvent id="T_None" />
    <bpmn:intermediateThrowEvent id="T_Signal">
      <bpmn:signalEventDefinition signalRef="Signal_Halt" /></bpmn:intermediateThrowEvent>
    <bpmn:intermediateThrowEvent id="T_Escalation">
      <bpmn:escalationEventDefinition escalationRef="Escalation_Late" />
    </bpmn:intermediateThrowEvent>
    <bpmn:intermediateThrowEvent id="T_Message">{job("publish")}
      <bpmn:messageEventDefinition /></bpmn:intermediateThrowEvent>
    {END}
    """
    chain = ["Start", "C_Message", "C_Duration", "C_Date", "C_Signal"]
    chain += ["T_None", "T_Signal", "T_Escalation", "T_Message", "End"]
    body += "".join(flow(f"F{i}", a, b) for i, (a, b) in enumerate(pairwise(chain)))
    _, process = parse(body)
    elements = process.elements
    assert elements["C_Message"].message == MessageDefinition(
        "Message_Reply", Expression("reply"), Expression("=caseId")
    )
    assert elements["C_Duration"].timer == TimerDefinition(TimerKind.DURATION, Expression("PT15M"))
    assert elements["C_Date"].timer == TimerDefinition(TimerKind.DATE, Expression("=deadline"))
    assert elements["C_Signal"].event_type is EventType.SIGNAL
    assert elements["T_None"].event_type is EventType.NONE
    assert elements["T_None"].element_type is ElementType.INTERMEDIATE_THROW_EVENT
    assert elements["T_Signal"].signal is not None
    assert elements["T_Escalation"].escalation == EscalationDefinition("Escalation_Late", "LATE")
    # A message throw without messageRef is allowed: the job worker sends it.
    assert elements["T_Message"].message is None
    assert elements["T_Message"].task_definition is not None


def test_boundary_events_attach_to_activities() -> None:
    body = f"""
    {START}
    <bpmn:serviceTask id="Work">{job()}</bpmn:serviceTask>
    <bpmn:subProcess id="Sub">
      <bpmn:startEvent id="Sub_Start" /><bpmn:endEvent id="Sub_End" />
      {flow("Sub_F", "Sub_Start", "Sub_End")}
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="B_Timeout" attachedToRef="Work"><bpmn:timerEventDefinition>
      <bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="B_Remind" attachedToRef="Work" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeCycle>R3/PT10M</bpmn:timeCycle>
      </bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="B_Reply" attachedToRef="Work" cancelActivity="false">
      <bpmn:messageEventDefinition messageRef="Message_Reply" /></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="B_Quorum" attachedToRef="Work">
      <bpmn:errorEventDefinition errorRef="Error_Quorum" /></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="B_AnyError" attachedToRef="Sub">
      <bpmn:errorEventDefinition /></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="B_Halt" attachedToRef="Sub">
      <bpmn:signalEventDefinition signalRef="Signal_Halt" /></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="B_Late" attachedToRef="Sub" cancelActivity="false">
      <bpmn:escalationEventDefinition escalationRef="Escalation_Late" /></bpmn:boundaryEvent>
    {END}
    {flow("F1", "Start", "Work")}{flow("F2", "Work", "Sub")}{flow("F3", "Sub", "End")}
    """
    _, process = parse(body)
    elements = process.elements
    assert elements["Work"].boundary_events == ("B_Timeout", "B_Remind", "B_Reply", "B_Quorum")
    assert elements["Sub"].boundary_events == ("B_AnyError", "B_Halt", "B_Late")
    timeout = elements["B_Timeout"]
    assert (timeout.attached_to, timeout.cancel_activity) == ("Work", True)
    assert timeout.flow_scope == "Process_1"
    assert elements["B_Remind"].cancel_activity is False
    assert elements["B_Reply"].message is not None
    assert elements["B_Quorum"].error == ErrorDefinition("Error_Quorum", "ERR_QUORUM_NOT_MET")
    # No errorRef: catches every error.
    assert elements["B_AnyError"].error == ErrorDefinition(None, None)
    assert elements["B_Late"].escalation == EscalationDefinition("Escalation_Late", "LATE")
    assert elements["B_Late"].cancel_activity is False
