"""Embedded sub-processes, terminate end events, BPMN errors and escalations, script tasks."""

from .support import END, START, Harness, bpmn, chain, flow, service

ERRORS = (
    '<bpmn:error id="Error_Quorum" name="quorum" errorCode="ERR_QUORUM"/>'
    '<bpmn:escalation id="Esc_Late" name="late" escalationCode="LATE"/>'
)


def _sub(inner: str, after: str = "", sub_id: str = "sub") -> str:
    return f'<bpmn:subProcess id="{sub_id}">{inner}</bpmn:subProcess>{after}'


def test_embedded_sub_process_runs_its_own_flow(h: Harness) -> None:
    inner = chain(
        '<bpmn:startEvent id="s_start"/>', service("inner", "inner"), '<bpmn:endEvent id="s_end"/>'
    )
    h.deploy(bpmn(chain(START, _sub(inner), END)))
    pi = h.start()
    h.engine.complete_job(h.job("inner").key, {"x": 1})
    assert h.completed(pi)
    assert h.elements(pi, "ELEMENT_COMPLETED") == [
        "start",
        "s_start",
        "inner",
        "s_end",
        "sub",
        "end",
        "p",
    ]
    assert h.variables(pi) == {"x": 1}


def test_terminate_end_event_ends_the_scope_and_cancels_other_branches(h: Harness) -> None:
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    '<bpmn:parallelGateway id="fork"/>',
                    service("slow", "slow"),
                    '<bpmn:endEvent id="stop"><bpmn:terminateEventDefinition/></bpmn:endEvent>',
                    flow("start", "fork"),
                    flow("fork", "slow"),
                    flow("fork", "stop"),
                ]
            )
        )
    )
    pi = h.start()
    assert h.completed(pi)
    assert "slow" in h.elements(pi, "ELEMENT_TERMINATED")
    assert h.jobs("slow") == []


def _error_boundary(code: str = "ERR_QUORUM") -> str:
    ref = 'errorRef="Error_Quorum"' if code else ""
    return (
        f'<bpmn:boundaryEvent id="caught" attachedToRef="task">'
        f"<bpmn:errorEventDefinition {ref}/></bpmn:boundaryEvent>"
    )


def test_thrown_error_is_caught_by_boundary_event(h: Harness) -> None:
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    service("task", "work"),
                    END,
                    _error_boundary(),
                    service("fix", "fix"),
                    flow("start", "task"),
                    flow("task", "end"),
                    flow("caught", "fix"),
                ]
            ),
            extra=ERRORS,
        )
    )
    pi = h.start()
    job = h.job("work")
    h.engine.throw_error(job.key, error_code="ERR_QUORUM", error_message="only 2 of 5")
    assert h.elements(pi, "ELEMENT_TERMINATED") == ["task"]
    assert len(h.jobs("fix")) == 1
    job_intents = [
        r.intent for r in h.records(pi) if r.value_type == "JOB" and r.value["elementId"] == "task"
    ]
    assert job_intents == ["CREATED", "ERROR_THROWN"]


def test_uncaught_error_is_an_incident(h: Harness) -> None:
    h.deploy(bpmn(chain(START, service("task", "work"), END), extra=ERRORS))
    pi = h.start()
    h.engine.throw_error(h.job("work").key, error_code="OTHER", error_message="x")
    [incident] = h.incidents(pi)
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"
    assert "'OTHER'" in incident.value["errorMessage"]


def test_error_end_event_in_sub_process_caught_by_event_sub_process(h: Harness) -> None:
    inner = chain(
        '<bpmn:startEvent id="s_start"/>',
        '<bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="Error_Quorum"/>'
        "</bpmn:endEvent>",
    )
    esp = (
        '<bpmn:subProcess id="handler" triggeredByEvent="true">'
        '<bpmn:startEvent id="on_error"><bpmn:errorEventDefinition errorRef="Error_Quorum"/>'
        "</bpmn:startEvent>"
        + service("repair", "repair")
        + '<bpmn:endEvent id="h_end"/>'
        + flow("on_error", "repair")
        + flow("repair", "h_end")
        + "</bpmn:subProcess>"
    )
    h.deploy(bpmn(chain(START, _sub(inner + esp), END), extra=ERRORS))
    pi = h.start()
    h.engine.complete_job(h.job("repair").key, {})
    assert h.completed(pi)
    completed = h.elements(pi, "ELEMENT_COMPLETED")
    assert completed.index("handler") < completed.index("sub") < completed.index("end")


def test_catch_all_error_boundary_gets_the_thrown_variables_locally(h: Harness) -> None:
    boundary = (
        '<bpmn:boundaryEvent id="caught" attachedToRef="task"><bpmn:extensionElements>'
        '<zeebe:ioMapping><zeebe:output source="=reason" target="failure"/></zeebe:ioMapping>'
        "</bpmn:extensionElements><bpmn:errorEventDefinition/></bpmn:boundaryEvent>"
    )
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    service("task", "work"),
                    END,
                    boundary,
                    '<bpmn:endEvent id="e2"/>',
                    flow("start", "task"),
                    flow("task", "end"),
                    flow("caught", "e2"),
                ]
            )
        )
    )
    pi = h.start()
    h.engine.throw_error(h.job("work").key, error_code="ANY", variables={"reason": "late"})
    assert h.completed(pi)
    assert h.variables(pi) == {"failure": "late"}  # 'reason' stayed local to the catch event


def test_escalation_non_interrupting_boundary_lets_the_sub_process_continue(h: Harness) -> None:
    inner = chain(
        '<bpmn:startEvent id="s_start"/>',
        '<bpmn:intermediateThrowEvent id="raise"><bpmn:escalationEventDefinition '
        'escalationRef="Esc_Late"/></bpmn:intermediateThrowEvent>',
        service("inner", "inner"),
        '<bpmn:endEvent id="s_end"/>',
    )
    boundary = (
        '<bpmn:boundaryEvent id="notify" attachedToRef="sub" cancelActivity="false">'
        '<bpmn:escalationEventDefinition escalationRef="Esc_Late"/></bpmn:boundaryEvent>'
    )
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    _sub(inner),
                    END,
                    boundary,
                    service("tell", "tell"),
                    flow("start", "sub"),
                    flow("sub", "end"),
                    flow("notify", "tell"),
                ]
            ),
            extra=ERRORS,
        )
    )
    pi = h.start()
    assert len(h.jobs("tell")) == 1 and len(h.jobs("inner")) == 1
    assert [r.intent for r in h.records(pi) if r.value_type == "ESCALATION"] == ["ESCALATED"]


def test_uncaught_escalation_is_not_an_incident(h: Harness) -> None:
    h.deploy(
        bpmn(
            chain(
                START,
                '<bpmn:endEvent id="end"><bpmn:escalationEventDefinition escalationRef="Esc_Late"/>'
                "</bpmn:endEvent>",
            ),
            extra=ERRORS,
        )
    )
    pi = h.start()
    assert h.completed(pi) and h.incidents(pi) == []


def test_script_task_sets_result_variable(h: Harness) -> None:
    script = (
        '<bpmn:scriptTask id="calc"><bpmn:extensionElements>'
        '<zeebe:script expression="=sum(scores) / count(scores)" resultVariable="average"/>'
        "</bpmn:extensionElements></bpmn:scriptTask>"
    )
    h.deploy(bpmn(chain(START, script, '<bpmn:manualTask id="m"/>', '<bpmn:task id="t"/>', END)))
    pi = h.start(scores=[2, 4, 9])
    assert h.completed(pi)
    assert h.variables(pi)["average"] == 5


def test_timer_boundary_on_a_sub_process_terminates_everything_inside(h: Harness) -> None:
    inner = chain(
        '<bpmn:startEvent id="s_start"/>', service("inner", "inner"), '<bpmn:endEvent id="s_end"/>'
    )
    boundary = (
        '<bpmn:boundaryEvent id="late" attachedToRef="sub"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
    )
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    _sub(inner),
                    END,
                    boundary,
                    '<bpmn:endEvent id="late_end"/>',
                    flow("start", "sub"),
                    flow("sub", "end"),
                    flow("late", "late_end"),
                ]
            )
        )
    )
    pi = h.start()
    h.advance(24 * 3_600_000)
    assert h.completed(pi)
    assert h.elements(pi, "ELEMENT_TERMINATED") == ["inner", "sub"]
    assert h.jobs("inner") == []


def test_error_end_event_inside_sub_process_caught_by_its_boundary(h: Harness) -> None:
    inner = chain(
        '<bpmn:startEvent id="s_start"/>',
        '<bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="Error_Quorum"/>'
        "</bpmn:endEvent>",
    )
    boundary = (
        '<bpmn:boundaryEvent id="caught" attachedToRef="sub">'
        '<bpmn:errorEventDefinition errorRef="Error_Quorum"/></bpmn:boundaryEvent>'
    )
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    _sub(inner),
                    END,
                    boundary,
                    '<bpmn:endEvent id="caught_end"/>',
                    flow("start", "sub"),
                    flow("sub", "end"),
                    flow("caught", "caught_end"),
                ]
            ),
            extra=ERRORS,
        )
    )
    pi = h.start()
    assert h.completed(pi)
    assert h.elements(pi, "ELEMENT_COMPLETED")[-2:] == ["caught_end", "p"]
    assert "end" not in h.elements(pi, "ELEMENT_COMPLETED")


def test_thrown_error_variables_propagate_without_output_mappings(h: Harness) -> None:
    h.deploy(
        bpmn(
            "\n".join(
                [
                    START,
                    service("task", "work"),
                    END,
                    _error_boundary(""),
                    '<bpmn:endEvent id="e2"/>',
                    flow("start", "task"),
                    flow("task", "end"),
                    flow("caught", "e2"),
                ]
            )
        )
    )
    pi = h.start()
    h.engine.throw_error(h.job("work").key, error_code="X", variables={"reason": "late"})
    assert h.variables(pi) == {"reason": "late"}


def test_uncaught_error_end_event_is_an_incident_on_the_end_event(h: Harness) -> None:
    h.deploy(
        bpmn(
            chain(
                START,
                '<bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="Error_Quorum"/>'
                "</bpmn:endEvent>",
            ),
            extra=ERRORS,
        )
    )
    pi = h.start()
    [incident] = h.incidents(pi)
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"
    assert incident.value["elementId"] == "fail"
    assert "'ERR_QUORUM'" in incident.value["errorMessage"]
    h.engine.cancel_process_instance(pi)
    assert h.incidents(pi) == []  # resolved with the terminated element
    resolved = [r for r in h.records(pi) if r.value_type == "INCIDENT" and r.intent == "RESOLVED"]
    assert len(resolved) == 1
