"""BPMN errors: catching by code, catch-all, propagation through scopes and call activities,
unhandled errors, and error variables.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/error-events/
"""

from __future__ import annotations

from conf_bpmn import (
    boundary,
    call,
    chain,
    end,
    error,
    error_ref,
    event_start,
    io,
    model,
    out,
    service,
    start,
    sub,
)
from conf_support import Conf, variables_of
from pyzeebe.proto import gateway_pb2 as pb


async def throw(conf: Conf, job_type: str, code: str, variables: str = "") -> pb.ActivatedJob:
    job = await conf.job(job_type)
    await conf.stub.ThrowError(
        pb.ThrowErrorRequest(jobKey=job.key, errorCode=code, errorMessage="m", variables=variables)
    )
    return job


def guarded(process_id: str, *boundaries: str, defs: tuple[str, ...] = ()) -> str:
    """Task ``work`` with the given error boundaries, each leading to a task named after it."""
    parts = [start(), service("Task", "work"), end(), chain("Start", "Task", "End")]
    for b in boundaries:
        ref = f'errorRef="{b}"' if b != "Any" else ""
        definition = f"<bpmn:errorEventDefinition {ref}/>"
        parts += [
            boundary(f"Catch_{b}", "Task", definition),
            service(f"Handle_{b}", f"handle-{b}"),
            end(f"End_{b}"),
            chain(f"Catch_{b}", f"Handle_{b}", f"End_{b}"),
        ]
    return model(process_id, *parts, defs=defs)


async def test_a_catch_all_error_boundary_catches_any_code(conf: Conf) -> None:
    """error-events#defining-the-error: a catch event with an empty errorCode catches all."""
    await conf.deploy(guarded("P_CatchAll", "Any"))
    key = await conf.start("P_CatchAll")
    await throw(conf, "work", "WHATEVER")
    await conf.work("handle-Any")
    await conf.completed(key)
    assert "Task" in conf.elements(key, "ELEMENT_TERMINATED")


async def test_the_matching_code_wins_over_the_catch_all(conf: Conf) -> None:
    """error-events#catching-the-error: with a specific and a catch-all event in one scope, the
    one matching the errorCode is prioritized."""
    defs = (error("Err_Card", "INVALID_CARD"),)
    await conf.deploy(guarded("P_Prio", "Any", "Err_Card", defs=defs))
    card = await conf.start("P_Prio")
    await throw(conf, "work", "INVALID_CARD")
    await conf.work("handle-Err_Card")
    other = await conf.start("P_Prio")
    await throw(conf, "work", "OTHER")
    await conf.work("handle-Any")
    assert "Catch_Err_Card" in conf.elements(card)
    assert "Catch_Any" in conf.elements(other)


async def test_an_error_end_event_is_caught_on_the_enclosing_sub_process(conf: Conf) -> None:
    """error-events#throwing-the-error: an error end event throws; the boundary of the
    sub-process (the next scope up) catches it and the sub-process is terminated."""
    inner = sub(
        "Sub",
        start("SubStart"),
        service("Inner", "inner"),
        end("Fail", error_ref("Err")),
        chain("SubStart", "Inner", "Fail"),
    )
    await conf.deploy(
        model(
            "P_ErrEnd",
            start(),
            inner,
            boundary("Caught", "Sub", error_ref("Err")),
            end(),
            end("CaughtEnd"),
            chain("Start", "Sub", "End"),
            chain("Caught", "CaughtEnd"),
            defs=[error("Err", "REJECTED")],
        )
    )
    key = await conf.start("P_ErrEnd")
    await conf.work("inner")
    await conf.completed(key)
    assert "CaughtEnd" in conf.elements(key)
    assert "Sub" in conf.elements(key, "ELEMENT_TERMINATED")


async def test_an_error_propagates_up_to_the_first_matching_scope(conf: Conf) -> None:
    """error-events#catching-the-error: at each scope the error is caught or propagated to the
    parent scope; a non-matching boundary on the inner scope is skipped."""
    inner = sub(
        "Inner",
        start("InnerStart"),
        service("Task", "work"),
        end("InnerEnd"),
        chain("InnerStart", "Task", "InnerEnd"),
    )
    outer = sub(
        "Outer",
        start("OuterStart"),
        inner,
        boundary("InnerCatch", "Inner", error_ref("Other")),
        end("OuterEnd"),
        end("InnerCaughtEnd"),
        chain("OuterStart", "Inner", "OuterEnd"),
        chain("InnerCatch", "InnerCaughtEnd"),
    )
    await conf.deploy(
        model(
            "P_ErrUp",
            start(),
            outer,
            boundary("OuterCatch", "Outer", error_ref("Err")),
            end(),
            end("OuterCaughtEnd"),
            chain("Start", "Outer", "End"),
            chain("OuterCatch", "OuterCaughtEnd"),
            defs=[error("Err", "E1"), error("Other", "E2")],
        )
    )
    key = await conf.start("P_ErrUp")
    await throw(conf, "work", "E1")
    await conf.completed(key)
    assert "OuterCaughtEnd" in conf.elements(key) and "InnerCatch" not in conf.elements(key)


async def test_an_error_from_a_called_process_is_caught_in_the_parent(conf: Conf) -> None:
    """error-events#catching-the-error: for an instance created by a call activity the error can
    be caught in the calling parent instance."""
    child = model(
        "P_ErrChild", start(), service("Task", "child-work"), end(), chain("Start", "Task", "End")
    )
    parent = model(
        "P_ErrParent",
        start(),
        call("Call", "P_ErrChild"),
        boundary("Caught", "Call", error_ref("Err")),
        end(),
        end("CaughtEnd"),
        chain("Start", "Call", "End"),
        chain("Caught", "CaughtEnd"),
        defs=[error("Err", "CHILD_FAILED")],
    )
    await conf.deploy(child, parent)
    key = await conf.start("P_ErrParent")
    job = await throw(conf, "child-work", "CHILD_FAILED")
    await conf.completed(key)
    assert "CaughtEnd" in conf.elements(key)
    assert job.processInstanceKey != key


async def test_an_error_event_sub_process_catches_an_error_of_its_scope(conf: Conf) -> None:
    """error-events#catching-the-error: an error event sub-process catches errors of its scope."""
    handler = sub(
        "OnError",
        event_start("ErrStart", error_ref("Err")),
        service("Handle", "handle"),
        end("HandledEnd"),
        chain("ErrStart", "Handle", "HandledEnd"),
        event=True,
    )
    await conf.deploy(
        model(
            "P_ErrSub",
            start(),
            service("Task", "work"),
            end(),
            chain("Start", "Task", "End"),
            handler,
            defs=[error("Err", "E")],
        )
    )
    key = await conf.start("P_ErrSub")
    await throw(conf, "work", "E")
    await conf.work("handle")
    await conf.completed(key)
    assert "Task" in conf.elements(key, "ELEMENT_TERMINATED") and "End" not in conf.elements(key)


async def test_error_variables_reach_the_process_through_the_catch_output_mapping(
    conf: Conf,
) -> None:
    """error-events#variable-mappings: error variables are merged into the catch event; an
    output mapping there merges them into the process instance."""
    mapping = io(out("=reason", "rejectionReason"))
    await conf.deploy(
        model(
            "P_ErrVars",
            start(),
            service("Task", "work"),
            boundary("Caught", "Task", error_ref("Err"), ext=mapping),
            service("Handle", "handle"),
            end(),
            end("CaughtEnd"),
            chain("Start", "Task", "End"),
            chain("Caught", "Handle", "CaughtEnd"),
            defs=[error("Err", "E")],
        )
    )
    await conf.start("P_ErrVars")
    await throw(conf, "work", "E", '{"reason": "bad card"}')
    assert variables_of(await conf.job("handle"))["rejectionReason"] == "bad card"


async def test_an_unhandled_job_error_is_an_incident_whose_resolution_reenables_the_job(
    conf: Conf,
) -> None:
    """error-events#unhandled-errors: an uncaught error raises an incident at the task;
    resolving it ignores the error and lets the job be activated and completed again."""
    await conf.deploy(guarded("P_Unhandled"))
    key = await conf.start("P_Unhandled")
    job = await throw(conf, "work", "NOBODY")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"
    assert incident.value["elementId"] == "Task" and incident.value["jobKey"] == job.key
    await conf.resolve(incident.key)
    again = await conf.job("work")
    assert again.key == job.key
    await conf.complete(again)
    await conf.completed(key)


async def test_an_unhandled_error_end_event_is_an_incident_on_the_end_event(conf: Conf) -> None:
    """error-events#unhandled-errors: the incident is attached to the error end event."""
    await conf.deploy(
        model(
            "P_EndUnhandled",
            start(),
            end("Fail", error_ref("Err")),
            chain("Start", "Fail"),
            defs=[error("Err", "NOBODY")],
        )
    )
    key = await conf.start("P_EndUnhandled")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"
    assert incident.value["elementId"] == "Fail"


async def test_the_unhandled_error_incident_names_code_and_message(conf: Conf) -> None:
    """error-events#unhandled-errors: the "Unhandled error event" incident reports the thrown
    error code and message (Zeebe: "Expected to throw an error event with the code '…' with
    message '…', but it was not caught. …")."""
    await conf.deploy(guarded("P_UnhandledText"))
    key = await conf.start("P_UnhandledText")
    job = await conf.job("work")
    await conf.stub.ThrowError(
        pb.ThrowErrorRequest(jobKey=job.key, errorCode="NOBODY", errorMessage="card declined")
    )
    message = (await conf.incident(key)).value["errorMessage"]
    assert message.startswith(
        "Expected to throw an error event with the code 'NOBODY' with message 'card declined'"
    )


async def test_the_called_process_catches_its_own_error_first(conf: Conf) -> None:
    """error-events#catching-the-error: the first catch event in the scope hierarchy wins — an
    event sub-process of the child before the parent's call activity boundary."""
    handler = sub(
        "OnError",
        event_start("ErrStart", error_ref()),
        service("Handle", "child-handle"),
        end("HandledEnd"),
        chain("ErrStart", "Handle", "HandledEnd"),
        event=True,
    )
    child = model(
        "P_OwnChild",
        start(),
        service("Task", "child-work"),
        end(),
        chain("Start", "Task", "End"),
        handler,
    )
    parent = model(
        "P_OwnParent",
        start(),
        call("Call", "P_OwnChild"),
        boundary("Caught", "Call", error_ref()),
        end(),
        end("CaughtEnd"),
        chain("Start", "Call", "End"),
        chain("Caught", "CaughtEnd"),
    )
    await conf.deploy(child, parent)
    key = await conf.start("P_OwnParent")
    await throw(conf, "child-work", "E")
    await conf.work("child-handle")
    await conf.completed(key)
    assert "Caught" not in conf.elements(key) and "End" in conf.elements(key)


async def test_an_error_uncaught_anywhere_is_an_incident_in_the_child(conf: Conf) -> None:
    """error-events#unhandled-errors: the incident is attached to the element that threw —
    the error end event of the called process, not the call activity."""
    child = model(
        "P_LostChild",
        start(),
        end("Fail", error_ref("Err")),
        chain("Start", "Fail"),
        defs=[error("Err", "X")],
    )
    parent = model(
        "P_LostParent", start(), call("Call", "P_LostChild"), end(), chain("Start", "Call", "End")
    )
    await conf.deploy(child, parent)
    key = await conf.start("P_LostParent")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"
    assert incident.value["elementId"] == "Fail" and incident.value["processInstanceKey"] != key


async def test_an_error_event_sub_process_of_a_sub_process_catches_inside_it(conf: Conf) -> None:
    """error-events#catching-the-error: an error event sub-process inside a sub-process catches
    errors of that scope; the sub-process then completes and the process continues."""
    handler = sub(
        "OnError",
        event_start("ErrStart", error_ref()),
        service("Handle", "handle"),
        end("HandledEnd"),
        chain("ErrStart", "Handle", "HandledEnd"),
        event=True,
    )
    inner = sub(
        "Sub",
        start("SubStart"),
        service("Task", "work"),
        end("SubEnd"),
        chain("SubStart", "Task", "SubEnd"),
        handler,
    )
    await conf.deploy(
        model(
            "P_InnerHandler",
            start(),
            inner,
            service("After", "after"),
            end(),
            chain("Start", "Sub", "After", "End"),
        )
    )
    key = await conf.start("P_InnerHandler")
    await throw(conf, "work", "ANY")
    await conf.work("handle")
    await conf.work("after")
    await conf.completed(key)


async def test_an_error_end_event_code_may_be_an_expression(conf: Conf) -> None:
    """error-events#defining-the-error: a throwing event's errorCode may be an expression."""
    inner = sub(
        "Sub", start("SubStart"), end("Fail", error_ref("Thrown")), chain("SubStart", "Fail")
    )
    await conf.deploy(
        model(
            "P_CodeExpr",
            start(),
            inner,
            boundary("Caught", "Sub", error_ref("Caught_Err")),
            end(),
            end("CaughtEnd"),
            chain("Start", "Sub", "End"),
            chain("Caught", "CaughtEnd"),
            defs=[error("Thrown", "=code"), error("Caught_Err", "E42")],
        )
    )
    key = await conf.start("P_CodeExpr", code="E42")
    await conf.completed(key)
    assert "CaughtEnd" in conf.elements(key)
