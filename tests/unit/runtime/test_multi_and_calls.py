"""Multi-instance activities and call activities."""

from engine.api import Resource

from .support import END, START, Harness, bpmn, chain, flow, service


def _multi(sequential: bool, extra: str = "") -> str:
    loop = (
        f'<bpmn:multiInstanceLoopCharacteristics isSequential="{str(sequential).lower()}">'
        '<bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=reviewers" '
        'inputElement="reviewer" outputCollection="opinions" outputElement="=opinion"/>'
        f"</bpmn:extensionElements>{extra}</bpmn:multiInstanceLoopCharacteristics>"
    )
    return (
        '<bpmn:serviceTask id="review"><bpmn:extensionElements>'
        '<zeebe:taskDefinition type="review"/></bpmn:extensionElements>'
        f"{loop}</bpmn:serviceTask>"
    )


def test_parallel_multi_instance_collects_outputs_in_input_order(h: Harness) -> None:
    h.deploy(bpmn(chain(START, _multi(False), END)))
    pi = h.start(reviewers=["wang", "li", "zhao"])
    jobs = h.jobs("review")
    assert sorted(j.variables["reviewer"] for j in jobs) == ["li", "wang", "zhao"]
    assert sorted(j.variables["loopCounter"] for j in jobs) == [1, 2, 3]
    for job in reversed(jobs):
        h.engine.complete_job(job.key, {"opinion": job.variables["reviewer"].upper()})
    assert h.completed(pi)
    assert h.variables(pi)["opinions"] == ["WANG", "LI", "ZHAO"]
    assert "MULTI_INSTANCE_BODY" in {
        r.value["bpmnElementType"] for r in h.records(pi) if r.value_type == "PROCESS_INSTANCE"
    }


def test_sequential_multi_instance_runs_one_at_a_time(h: Harness) -> None:
    h.deploy(bpmn(chain(START, _multi(True), END)))
    pi = h.start(reviewers=["a", "b"])
    first = h.jobs("review")
    assert [j.variables["reviewer"] for j in first] == ["a"]
    h.engine.complete_job(first[0].key, {"opinion": 1})
    second = h.jobs("review")
    assert [j.variables["reviewer"] for j in second] == ["b"]
    h.engine.complete_job(second[0].key, {"opinion": 2})
    assert h.completed(pi)
    assert h.variables(pi)["opinions"] == [1, 2]


def test_completion_condition_ends_the_body_early(h: Harness) -> None:
    condition = (
        '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">'
        "=numberOfCompletedInstances &gt;= 2</bpmn:completionCondition>"
    )
    h.deploy(bpmn(chain(START, _multi(False, condition), END)))
    pi = h.start(reviewers=["a", "b", "c"])
    jobs = h.jobs("review")
    h.engine.complete_job(jobs[0].key, {"opinion": 1})
    h.engine.complete_job(jobs[1].key, {"opinion": 2})
    assert h.completed(pi)
    assert h.jobs("review") == []
    assert h.elements(pi, "ELEMENT_TERMINATED") == ["review"]


def test_empty_input_collection_completes_at_once(h: Harness) -> None:
    h.deploy(bpmn(chain(START, _multi(False), END)))
    pi = h.start(reviewers=[])
    assert h.completed(pi)
    assert h.variables(pi)["opinions"] == []


def _caller(extra: str = "", process_id: str = "child") -> bytes:
    call = (
        '<bpmn:callActivity id="call"><bpmn:extensionElements>'
        f'<zeebe:calledElement processId="{process_id}" {extra}/>'
        "</bpmn:extensionElements></bpmn:callActivity>"
    )
    return bpmn(chain(START, call, END))


CHILD = bpmn(chain(START, service("inside", "inside"), END), "child")


def test_call_activity_passes_variables_both_ways(h: Harness) -> None:
    h.engine.deploy([Resource("child.bpmn", CHILD), Resource("p.bpmn", _caller())])
    pi = h.start(caseId="K")
    job = h.job("inside")
    assert job.variables == {"caseId": "K"}
    assert job.process_instance_key != pi
    h.engine.complete_job(job.key, {"verdict": "ok"})
    assert h.completed(pi)
    assert h.variables(pi) == {"caseId": "K", "verdict": "ok"}
    # history of the parent includes the child's records
    assert "inside" in h.elements(pi, "ELEMENT_COMPLETED")


def test_call_activity_without_child_variable_propagation(h: Harness) -> None:
    h.engine.deploy(
        [
            Resource("child.bpmn", CHILD),
            Resource("p.bpmn", _caller('propagateAllChildVariables="false"')),
        ]
    )
    pi = h.start()
    h.engine.complete_job(h.job("inside").key, {"verdict": "ok"})
    assert h.completed(pi)
    assert "verdict" not in h.variables(pi)


def test_cancelling_the_parent_terminates_the_child(h: Harness) -> None:
    h.engine.deploy([Resource("child.bpmn", CHILD), Resource("p.bpmn", _caller())])
    pi = h.start()
    job = h.job("inside")
    h.engine.cancel_process_instance(pi)
    assert "child" in h.elements(pi, "ELEMENT_TERMINATED")
    assert h.jobs("inside") == []
    _ = job


def test_unknown_called_process_is_an_incident_resolved_after_deploying_it(h: Harness) -> None:
    h.deploy(_caller(process_id="later"))
    pi = h.start()
    [incident] = h.incidents(pi)
    assert incident.value["errorType"] == "CALLED_ELEMENT_ERROR"
    assert "'later'" in incident.value["errorMessage"]
    h.deploy(bpmn(chain(START, END), "later"), "later.bpmn")
    h.engine.resolve_incident(incident.key)
    assert h.completed(pi)


def test_error_from_child_is_caught_on_the_call_activity(h: Harness) -> None:
    h.engine.deploy(
        [
            Resource("child.bpmn", CHILD),
            Resource(
                "p.bpmn",
                bpmn(
                    "\n".join(
                        [
                            START,
                            '<bpmn:callActivity id="call"><bpmn:extensionElements>'
                            '<zeebe:calledElement processId="child"/>'
                            "</bpmn:extensionElements></bpmn:callActivity>",
                            END,
                            '<bpmn:boundaryEvent id="failed" attachedToRef="call">'
                            "<bpmn:errorEventDefinition/>"
                            "</bpmn:boundaryEvent>",
                            '<bpmn:endEvent id="failed_end"/>',
                            flow("start", "call"),
                            flow("call", "end"),
                            flow("failed", "failed_end"),
                        ]
                    )
                ),
            ),
        ]
    )
    pi = h.start()
    h.engine.throw_error(h.job("inside").key, error_code="REJECTED")
    assert h.completed(pi)
    assert h.elements(pi, "ELEMENT_COMPLETED")[-2:] == ["failed_end", "p"]


def test_multi_instance_sub_process_with_feel_job_type(h: Harness) -> None:
    inner = (
        '<bpmn:startEvent id="s_start"/>'
        '<bpmn:serviceTask id="inner"><bpmn:extensionElements>'
        '<zeebe:taskDefinition type="=&quot;check-&quot; + kind" retries="=1 + 1"/>'
        "</bpmn:extensionElements></bpmn:serviceTask>"
        '<bpmn:endEvent id="s_end"/>' + flow("s_start", "inner") + flow("inner", "s_end")
    )
    sub = (
        '<bpmn:subProcess id="each">'
        + inner
        + '<bpmn:multiInstanceLoopCharacteristics isSequential="false"><bpmn:extensionElements>'
        '<zeebe:loopCharacteristics inputCollection="=kinds" inputElement="kind"/>'
        "</bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:subProcess>"
    )
    h.deploy(bpmn(chain(START, sub, END)))
    pi = h.start(kinds=["a", "b"])
    a, b = h.job("check-a"), h.job("check-b")
    assert a.retries == 2
    h.engine.complete_job(a.key, {})
    assert not h.completed(pi)
    h.engine.complete_job(b.key, {})
    assert h.completed(pi)
    assert h.elements(pi, "ELEMENT_COMPLETED").count("each") == 3  # two inner + the body


def test_failing_completion_condition_is_an_incident_retried_on_resolve(h: Harness) -> None:
    condition = (
        '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">'
        "=assert(enough, enough != null)</bpmn:completionCondition>"
    )
    h.deploy(bpmn(chain(START, _multi(True, condition), END)))
    pi = h.start(reviewers=["a", "b"])
    h.engine.complete_job(h.job("review").key, {"opinion": 1})
    [incident] = h.incidents(pi)
    assert incident.value["elementId"] == "review"
    assert h.jobs("review") == []
    h.engine.set_variables(pi, {"enough": True}, local=False)
    h.engine.resolve_incident(incident.key)
    assert h.completed(pi)
    assert h.variables(pi)["opinions"] == [1, None]
