"""ThrowError without an error code, and the text of the "unhandled error event" incident.

Spec: https://docs.camunda.io/docs/8.8/apis-tools/zeebe-api/gateway-service/#throwerror-rpc (its
only errors are NOT_FOUND and FAILED_PRECONDITION) and
https://docs.camunda.io/docs/8.8/components/modeler/bpmn/error-events/#unhandled-errors.
Source (camunda/camunda, zeebe/): gateway-grpc RequestMapper.toThrowErrorRequest copies the
errorCode unchecked; engine JobThrowErrorProcessor.throwError looks the code up with
CatchEventAnalyzer.findErrorCatchEvent, where a catch event with an empty code (no errorRef,
CatchEventTransformer) matches every code, the empty one too, and the incident text is
"Expected to throw an error event with the code '<code>'[ with message '<message>'], but it was
not caught." followed by the codes of the error events passed, or "No error events are available
in the scope."
"""

from __future__ import annotations

from conf_bpmn import boundary, chain, end, error, error_ref, model, service, start, sub
from conf_support import Conf
from pyzeebe.proto import gateway_pb2 as pb


def _guarded(process_id: str, *refs: str | None, defs: tuple[str, ...] = ()) -> str:
    """Task ``work`` with one error boundary per ref (None: catch-all), each to its own task."""
    parts = [start(), service("Task", "work"), end(), chain("Start", "Task", "End")]
    for n, ref in enumerate(refs):
        parts += [
            boundary(f"Catch_{n}", "Task", error_ref(ref)),
            service(f"Handle_{n}", f"handle-{n}"),
            chain(f"Catch_{n}", f"Handle_{n}"),
        ]
    return model(process_id, *parts, defs=defs)


async def _throw(conf: Conf, code: str, message: str = "") -> pb.ActivatedJob:
    job = await conf.job("work")
    await conf.stub.ThrowError(
        pb.ThrowErrorRequest(jobKey=job.key, errorCode=code, errorMessage=message)
    )
    return job


async def test_an_empty_error_code_is_caught_by_a_catch_all_boundary(conf: Conf) -> None:
    """A catch-all error event catches the empty code (matchesErrorCode: an empty event code
    matches anything); the task is terminated and the boundary's path taken."""
    await conf.deploy(_guarded("P_EmptyCaught", None))
    key = await conf.start("P_EmptyCaught")
    await _throw(conf, "", "no code")
    await conf.job("handle-0")
    assert conf.records(key, "JOB", "ERROR_THROWN")[0].value["errorCode"] == ""
    assert "Task" in conf.elements(key, "ELEMENT_TERMINATED")
    assert conf.records(key, "INCIDENT") == []


async def test_an_empty_error_code_is_not_caught_by_a_coded_boundary(conf: Conf) -> None:
    """A boundary for a specific code does not catch the empty code: the task gets the
    incident, which names the error event it passed."""
    await conf.deploy(_guarded("P_EmptyUncaught", "Err_E1", defs=(error("Err_E1", "E1"),)))
    key = await conf.start("P_EmptyUncaught")
    await _throw(conf, "", "no code")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"
    assert incident.value["elementId"] == "Task"
    assert incident.value["errorMessage"] == (
        "Expected to throw an error event with the code '' with message 'no code', but it was "
        "not caught. Available error events are [E1]"
    )


async def test_the_incident_lists_the_passed_codes_scope_by_scope(conf: Conf) -> None:
    """findErrorCatchEvent walks from the task outward; within a scope the codes come in
    descending order (ERROR_CODE_COMPARATOR reversed); a job without a message omits it."""
    inner = sub(
        "Sub",
        start("SubStart"),
        service("Task", "work"),
        end("SubEnd"),
        chain("SubStart", "Task", "SubEnd"),
        boundary("Catch_A", "Task", error_ref("Err_A")),
        boundary("Catch_Z", "Task", error_ref("Err_Z")),
        end("End_A"),
        end("End_Z"),
        chain("Catch_A", "End_A"),
        chain("Catch_Z", "End_Z"),
    )
    defs = (error("Err_A", "A_ERR"), error("Err_Z", "Z_ERR"), error("Err_S", "S_ERR"))
    await conf.deploy(
        model(
            "P_Listed",
            start(),
            inner,
            end(),
            chain("Start", "Sub", "End"),
            boundary("Catch_S", "Sub", error_ref("Err_S")),
            end("End_S"),
            chain("Catch_S", "End_S"),
            defs=defs,
        )
    )
    key = await conf.start("P_Listed")
    await _throw(conf, "OTHER")
    incident = await conf.incident(key)
    assert incident.value["errorMessage"] == (
        "Expected to throw an error event with the code 'OTHER', but it was not caught. "
        "Available error events are [Z_ERR, A_ERR, S_ERR]"
    )


async def test_an_uncaught_error_end_event_names_only_its_code(conf: Conf) -> None:
    """An error end event throws without a message (BpmnEventPublicationBehavior passes no job
    message), so the incident text has no message part."""
    await conf.deploy(
        model(
            "P_EndText",
            start(),
            end("Fail", error_ref("Err_X")),
            chain("Start", "Fail"),
            defs=(error("Err_X", "X"),),
        )
    )
    key = await conf.start("P_EndText")
    incident = await conf.incident(key)
    assert incident.value["errorMessage"] == (
        "Expected to throw an error event with the code 'X', but it was not caught. "
        "No error events are available in the scope."
    )
