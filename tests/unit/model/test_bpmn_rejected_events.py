"""Bad events, timers, flows, gateways and scopes; whole-resource problems."""

from __future__ import annotations

import pytest

from engine.model import BpmnValidationError, parse_bpmn

from .bpmn_text import END, START, document, flow, job, line_of, straight
from .rejections import (
    DEFINITIONS,
    Case,
    assert_rejected,
    boundary,
    catch,
    ext,
    problems,
    sub,
    task,
    timer,
)

CASES: dict[str, Case] = {
    # --- messages ------------------------------------------------------------------------------
    "message catch without reference": Case(
        catch("<bpmn:messageEventDefinition />"),
        "Catch",
        "Must reference a message",
        at="messageEvent",
    ),
    "message without name": Case(
        catch("<bpmn:messageEventDefinition messageRef='Message_NoName' />"),
        "Message_NoName",
        "Name must be present and not empty",
    ),
    "message catch without correlation key": Case(
        catch("<bpmn:messageEventDefinition messageRef='Message_NoKey' />"),
        "Message_NoKey",
        "zeebe:subscription extension element with a correlationKey",
    ),
    "static correlation key": Case(
        catch("<bpmn:messageEventDefinition messageRef='Message_StaticKey' />"),
        "Message_StaticKey",
        "Expected expression but found static value 'caseId'",
        at="correlationKey='caseId'",
        definitions="<bpmn:message id='Message_StaticKey' name='static-key'>\n"
        + ext("<zeebe:subscription correlationKey='caseId' />")
        + "</bpmn:message>",
    ),
    "unknown message": Case(
        catch("<bpmn:messageEventDefinition messageRef='Message_Gone' />"),
        "Catch",
        "Referenced message 'Message_Gone' is not defined",
        at="Message_Gone",
    ),
    "receive task without message": Case(
        task("receiveTask", "Receive"), "Receive", "Must reference a message"
    ),
    "message throw without job": Case(
        f"{START}<bpmn:endEvent id='E'><bpmn:messageEventDefinition /></bpmn:endEvent>"
        f"{flow('F', 'Start', 'E')}",
        "E",
        "Must have exactly one 'zeebe:taskDefinition'",
    ),
    # --- timers --------------------------------------------------------------------------------
    "timer without definition": Case(
        catch("<bpmn:timerEventDefinition />"),
        "Catch",
        "Must be exactly one type of timer",
        at="timerEvent",
    ),
    "intermediate timer cycle": Case(
        catch(timer("timeCycle", "R3/PT1M")),
        "Catch",
        "either a time duration or a time date",
        at="timerEvent",
    ),
    "bad static duration": Case(
        catch(timer("timeDuration", "15 minutes")),
        "Catch",
        "Invalid timer duration expression ('15 minutes' is not an ISO-8601 duration",
        at="timeDuration",
    ),
    "date without offset": Case(
        catch(timer("timeDate", "2026-01-01T10:00:00")),
        "Catch",
        "Invalid timer date expression",
        at="timeDate",
    ),
    "bad cron": Case(
        f"<bpmn:startEvent id='Tick'>{timer('timeCycle', '0 9 * * MON')}</bpmn:startEvent>{END}"
        + flow("F", "Tick", "End"),
        "Tick",
        "Invalid timer cycle expression",
        at="timeCycle",
    ),
    "timer start with duration": Case(
        f"<bpmn:startEvent id='Tick'>{timer('timeDuration', 'PT1M')}</bpmn:startEvent>{END}"
        + flow("F", "Tick", "End"),
        "Tick",
        "either a time date or a time cycle",
        at="timerEvent",
    ),
    "interrupting boundary cycle": Case(
        boundary(timer("timeCycle", "R/PT1M")),
        "B",
        "Interrupting timer event with time cycle",
        at="timerEvent",
    ),
    # --- flows and gateways --------------------------------------------------------------------
    "flow to unknown element": Case(
        f"{START}{END}{flow('F1', 'Start', 'Ghost')}",
        "F1",
        "targetRef 'Ghost' which cannot be resolved",
    ),
    "flow without source": Case(
        f"{START}{END}<bpmn:sequenceFlow id='F1' targetRef='End' />",
        "F1",
        "missing required attribute sourceRef",
    ),
    "flow across scopes": Case(
        sub(f"<bpmn:startEvent id='In' />{flow('Out', 'In', 'End')}"),
        "Out",
        "which are in different scopes",
    ),
    "exclusive flow without condition": Case(
        f"{START}<bpmn:exclusiveGateway id='Gw' /><bpmn:endEvent id='E2' />{END}"
        + flow("F0", "Start", "Gw")
        + flow("F1", "Gw", "End", "=x")
        + flow("F2", "Gw", "E2"),
        "F2",
        "Must have a condition or be default flow",
    ),
    "inclusive flow without condition": Case(
        f"{START}<bpmn:inclusiveGateway id='Gw' /><bpmn:endEvent id='E2' />{END}"
        + flow("F0", "Start", "Gw")
        + flow("F1", "Gw", "End", "=x")
        + flow("F2", "Gw", "E2"),
        "F2",
        "Must have a condition",
    ),
    "default flow from elsewhere": Case(
        f"{START}<bpmn:exclusiveGateway id='Gw' default='F0' />{END}"
        + flow("F0", "Start", "Gw")
        + flow("F1", "Gw", "End"),
        "Gw",
        "Default flow 'F0' must start at gateway",
    ),
    "condition after a task": Case(
        f"{START}<bpmn:serviceTask id='T'>{job()}</bpmn:serviceTask>{END}"
        + flow("F0", "Start", "T")
        + flow("F1", "T", "End", "=x"),
        "T",
        "Conditional sequence flows are only supported at exclusive or inclusive gateway",
    ),
    "invalid FEEL condition": Case(
        f"{START}<bpmn:exclusiveGateway id='Gw' />{END}"
        + flow("F0", "Start", "Gw")
        + flow("F1", "Gw", "End", "=amount &gt;"),
        "F1",
        "Invalid FEEL expression '=amount >' in 'condition'",
    ),
    "event gateway to a task": Case(
        f"{START}<bpmn:eventBasedGateway id='Ev' />"
        f"<bpmn:serviceTask id='T'>{job()}</bpmn:serviceTask>"
        f"{catch(timer('timeDuration', 'PT1M'), 'Late').replace(START, '').replace(END, '')}{END}"
        + flow("F0", "Start", "Ev")
        + flow("F1", "Ev", "T")
        + flow("F2", "T", "End"),
        "Ev",
        "must not have an outgoing sequence flow to other elements",
    ),
    "end event with outgoing flow": Case(
        f"{START}<bpmn:endEvent id='Early' />{END}"
        + flow("F0", "Start", "Early")
        + flow("F1", "Early", "End"),
        "Early",
        "End events must not have outgoing sequence flows",
    ),
    # --- boundary events -----------------------------------------------------------------------
    "boundary on a gateway": Case(
        boundary("<bpmn:errorEventDefinition />", host="Gate"),
        "B",
        "can only be attached to tasks",
    ),
    "boundary on nothing": Case(
        boundary("<bpmn:errorEventDefinition />", host="Nowhere"),
        "B",
        "'Nowhere', which cannot be resolved",
    ),
    "escalation boundary on a task": Case(
        boundary("<bpmn:escalationEventDefinition />"), "B", "only be attached to a subprocess"
    ),
    "non-interrupting error boundary": Case(
        boundary("<bpmn:errorEventDefinition />", cancel="false"), "B", "Non-Interrupting event"
    ),
    "two catch-all error boundaries": Case(
        boundary("<bpmn:errorEventDefinition />").replace(
            "</bpmn:boundaryEvent>",
            "</bpmn:boundaryEvent><bpmn:boundaryEvent id='B2' attachedToRef='Work'>"
            "<bpmn:errorEventDefinition /></bpmn:boundaryEvent>",
        ),
        "Work",
        "more than one error catch event without error code",
    ),
    # --- scopes --------------------------------------------------------------------------------
    "process without start event": Case(
        f"{END}", "Process_1", "Must have at least one start event"
    ),
    "two none start events": Case(
        f"{START}<bpmn:startEvent id='Start2' />{END}"
        + flow("F", "Start", "End")
        + flow("G", "Start2", "End"),
        "Process_1",
        "Multiple none start events",
    ),
    "event sub-process with two starts": Case(
        sub(
            "<bpmn:startEvent id='A'><bpmn:errorEventDefinition /></bpmn:startEvent>"
            "<bpmn:startEvent id='B'><bpmn:errorEventDefinition /></bpmn:startEvent>",
            event=True,
        ),
        "Sub",
        "Must have exactly one start event",
    ),
    "event sub-process with none start": Case(
        sub("<bpmn:startEvent id='Plain' />", event=True),
        "Plain",
        "must have one event definition",
    ),
    "embedded sub-process with timer start": Case(
        sub(f"<bpmn:startEvent id='Tick'>{timer('timeDuration', 'PT1M')}</bpmn:startEvent>"),
        "Tick",
        "not allowed on a start event of an embedded sub-process",
        at="timerEvent",
    ),
    "sub-process without start": Case(
        sub("<bpmn:endEvent id='Only' />"), "Sub", "exactly one start event"
    ),
    # --- errors and escalations ----------------------------------------------------------------
    "error end without reference": Case(
        f"{START}<bpmn:endEvent id='E'><bpmn:errorEventDefinition /></bpmn:endEvent>"
        + flow("F", "Start", "E"),
        "E",
        "Must reference an error",
        at="errorEvent",
    ),
    "error end with empty code": Case(
        f"{START}<bpmn:endEvent id='E'><bpmn:errorEventDefinition errorRef='Error_NoCode' />"
        f"</bpmn:endEvent>{flow('F', 'Start', 'E')}",
        "Error_NoCode",
        "ErrorCode must be present and not empty",
    ),
    "escalation throw without code": Case(
        f"{START}<bpmn:endEvent id='E'>"
        "<bpmn:escalationEventDefinition escalationRef='Escalation_NoCode' />"
        f"</bpmn:endEvent>{flow('F', 'Start', 'E')}",
        "Escalation_NoCode",
        "EscalationCode must be present and not empty",
    ),
    "signal catch without reference": Case(
        catch("<bpmn:signalEventDefinition />"),
        "Catch",
        "Must reference a signal",
        at="signalEvent",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_rejection_names_element_and_line(case: Case) -> None:
    assert_rejected(case)


def test_every_problem_is_listed_in_one_message_in_file_order() -> None:
    body = (
        f"{START}\n<bpmn:serviceTask id='T1' />\n<bpmn:complexGateway id='Cx' />\n"
        f"<bpmn:serviceTask id='T2' />\n{END}{straight('T1', 'Cx', 'T2')}"
    )
    text, error = problems(body)
    assert [p.element_id for p in error.problems] == ["T1", "Cx", "T2"]
    lines = error.message.splitlines()
    assert lines[0] == f"'bad.bpmn': - Element: T1 (line {line_of(text, 'T1')})"
    assert lines[1] == "    - ERROR: Must have exactly one 'zeebe:taskDefinition' extension element"
    assert lines[2].startswith("- Element: Cx")


def test_malformed_xml_names_the_xml_line() -> None:
    content = (
        b'<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn="x">\n<open>\n</bpmn:definitions>'
    )
    with pytest.raises(BpmnValidationError) as caught:
        parse_bpmn(content, "broken.bpmn")
    (problem,) = caught.value.problems
    assert problem.line == 4
    assert problem.message.startswith("Malformed XML")
    assert caught.value.message.startswith("'broken.bpmn': ")


def test_a_dmn_file_is_not_a_bpmn_resource() -> None:
    content = b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" />'
    with pytest.raises(BpmnValidationError, match=r"Expected a BPMN 2\.0 <definitions> root"):
        parse_bpmn(content, "rules.bpmn")


def test_no_executable_process_is_rejected() -> None:
    text = document(f"{START}{END}{flow('F', 'Start', 'End')}", executable=False)
    with pytest.raises(BpmnValidationError, match="at least one executable process"):
        parse_bpmn(text.encode(), "draft.bpmn")


def test_duplicate_ids_name_both_lines() -> None:
    body = f"{START}<bpmn:endEvent id='Start' />{flow('F', 'Start', 'Start')}"
    text, error = problems(body)
    duplicate = next(p for p in error.problems if "Duplicate id" in p.message)
    assert duplicate.element_id == "Start"
    assert duplicate.line == line_of(text, "<bpmn:endEvent id='Start'")
    assert f"first used on line {line_of(text, '<bpmn:startEvent')}" in duplicate.message


def test_message_start_name_must_be_constant() -> None:
    definitions = '<bpmn:message id="M" name="=prefix + &quot;-filed&quot;" />'
    body = "<bpmn:startEvent id='S'><bpmn:messageEventDefinition messageRef='M' />"
    body += f"</bpmn:startEvent>{END}"
    body += flow("F", "S", "End")
    text = document(body, definitions=definitions)
    with pytest.raises(BpmnValidationError, match="Expected constant expression of type String"):
        parse_bpmn(text.encode(), "m.bpmn")


def test_timer_start_feel_is_evaluated_at_deployment() -> None:
    def start(cycle: str) -> str:
        return f"<bpmn:startEvent id='S'>{timer('timeCycle', cycle)}</bpmn:startEvent>"

    good = start("=&quot;R2/PT1H&quot;")
    bad = start("=&quot;every hour&quot;")
    tail = END + flow("F", "S", "End")
    assert parse_bpmn(document(good + tail).encode(), "ok.bpmn").processes
    with pytest.raises(BpmnValidationError, match="Invalid timer cycle expression"):
        parse_bpmn(document(bad + tail).encode(), "bad.bpmn")


def test_unreferenced_definitions_are_not_checked() -> None:
    # Zeebe validates a message's name only where an event uses it; drafts may keep spares.
    text = document(f"{START}{END}{flow('F', 'Start', 'End')}", definitions=DEFINITIONS)
    assert parse_bpmn(text.encode(), "ok.bpmn").messages["Message_NoName"].name.source == ""


def _loop_through(task: str) -> str:
    return (
        f"{START}<bpmn:exclusiveGateway id='Again' />{task}"
        "<bpmn:exclusiveGateway id='Done' default='Out' />"
        f"{END}{flow('F0', 'Start', 'Again')}{flow('F1', 'Again', 'Work')}"
        f"{flow('F2', 'Work', 'Done')}{flow('Back', 'Done', 'Again', '=retry')}"
        f"{flow('Out', 'Done', 'End')}"
    )


def test_straight_through_loop_is_rejected() -> None:
    _, error = problems(_loop_through("<bpmn:manualTask id='Work' />"))
    (problem,) = error.problems
    assert problem.element_id == "Process_1"
    assert problem.message.endswith("straight-through processing loop: Work > Done > Again > Work")


def test_loop_through_a_job_worker_is_allowed() -> None:
    body = _loop_through(f"<bpmn:serviceTask id='Work'>{job()}</bpmn:serviceTask>")
    assert parse_bpmn(document(body).encode(), "loop.bpmn").processes


def test_without_the_feel_engine_only_the_compile_step_is_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from engine.model import expressions

    monkeypatch.setattr(expressions, "feel_compiler", lambda: None)
    gateway = f"{START}<bpmn:exclusiveGateway id='Gw' />{END}" + flow("F0", "Start", "Gw")
    assert parse_bpmn(document(gateway + flow("F1", "Gw", "End", "=x &gt;")).encode(), "a.bpmn")
    with pytest.raises(BpmnValidationError, match="Expected expression but found static value"):
        parse_bpmn(document(gateway + flow("F1", "Gw", "End", "x")).encode(), "b.bpmn")
