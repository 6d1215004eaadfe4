"""Escalation events: non-critical, caught by the nearest scope, never an incident.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/escalation-events/
"""

from __future__ import annotations

from conf_bpmn import (
    boundary,
    call,
    chain,
    end,
    escalation,
    escalation_ref,
    event_start,
    model,
    service,
    start,
    sub,
    throw,
)
from conf_support import Conf


def escalating(process_id: str, *, interrupting: bool, catch_ref: str | None = "Esc") -> str:
    """Sub-process: throw escalation → task ``after-throw``; boundary on it → task ``caught``."""
    inner = sub(
        "Sub",
        start("SubStart"),
        throw("Raise", escalation_ref("Esc")),
        service("AfterThrow", "after-throw"),
        end("SubEnd"),
        chain("SubStart", "Raise", "AfterThrow", "SubEnd"),
    )
    return model(
        process_id,
        start(),
        inner,
        boundary("Caught", "Sub", escalation_ref(catch_ref), interrupting=interrupting),
        service("Handle", "caught"),
        end(),
        end("CaughtEnd"),
        chain("Start", "Sub", "End"),
        chain("Caught", "Handle", "CaughtEnd"),
        defs=[escalation("Esc", "LATE")],
    )


async def test_a_non_interrupting_escalation_continues_at_both_places(conf: Conf) -> None:
    """escalation-events: escalations are non-critical — the outgoing flows of the throw event
    and of the catch event are both taken."""
    await conf.deploy(escalating("P_EscNonInt", interrupting=False))
    key = await conf.start("P_EscNonInt")
    await conf.work("caught")
    await conf.work("after-throw")
    await conf.completed(key)
    assert {"CaughtEnd", "SubEnd", "End"} <= set(conf.elements(key))


async def test_an_interrupting_escalation_catch_terminates_the_scope(conf: Conf) -> None:
    """escalation-events#catching-the-escalation: an interrupting catch terminates the scope it
    is attached to; the throw event's outgoing flows are not taken."""
    await conf.deploy(escalating("P_EscInt", interrupting=True))
    key = await conf.start("P_EscInt")
    await conf.work("caught")
    await conf.completed(key)
    assert "Sub" in conf.elements(key, "ELEMENT_TERMINATED")
    assert await conf.none_available("after-throw")


async def test_a_catch_all_escalation_boundary_catches_any_code(conf: Conf) -> None:
    """escalation-events#defining-an-escalation: a catch event without escalation reference
    catches all escalations."""
    await conf.deploy(escalating("P_EscAll", interrupting=True, catch_ref=None))
    key = await conf.start("P_EscAll")
    await conf.work("caught")
    await conf.completed(key)


async def test_an_uncaught_escalation_is_no_incident(conf: Conf) -> None:
    """escalation-events#catching-the-escalation: without a matching catch event the process
    continues without escalating; unlike errors no incident is raised."""
    await conf.deploy(
        model(
            "P_EscNone",
            start(),
            throw("Raise", escalation_ref("Esc")),
            service("After", "after"),
            end("Done", escalation_ref("Esc")),
            chain("Start", "Raise", "After", "Done"),
            defs=[escalation("Esc", "NOBODY")],
        )
    )
    key = await conf.start("P_EscNone")
    await conf.work("after")
    await conf.completed(key)
    assert conf.records(key, "INCIDENT") == []


async def test_an_escalation_from_a_called_process_reaches_the_parent(conf: Conf) -> None:
    """escalation-events#catching-the-escalation: caught by the catch event in the nearest
    parent flow scope — for a called process that is the call activity's boundary."""
    child = model(
        "P_EscChild",
        start(),
        end("Raise", escalation_ref("Esc")),
        chain("Start", "Raise"),
        defs=[escalation("Esc", "LATE")],
    )
    parent = model(
        "P_EscParent",
        start(),
        call("Call", "P_EscChild"),
        boundary("Caught", "Call", escalation_ref("Esc"), interrupting=False),
        service("Handle", "caught"),
        end(),
        end("CaughtEnd"),
        chain("Start", "Call", "End"),
        chain("Caught", "Handle", "CaughtEnd"),
        defs=[escalation("Esc", "LATE")],
    )
    await conf.deploy(child, parent)
    key = await conf.start("P_EscParent")
    await conf.work("caught")
    await conf.completed(key)
    assert "Caught" in conf.elements(key)


async def test_a_non_interrupting_escalation_event_sub_process(conf: Conf) -> None:
    """escalation-events#catching-the-escalation: an event sub-process can catch it; being
    non-interrupting, the throwing path continues too."""
    inner = sub(
        "Sub",
        start("SubStart"),
        throw("Raise", escalation_ref("Esc")),
        service("AfterThrow", "after-throw"),
        end("SubEnd"),
        chain("SubStart", "Raise", "AfterThrow", "SubEnd"),
    )
    handler = sub(
        "OnEsc",
        event_start("EscStart", escalation_ref("Esc"), interrupting=False),
        service("Handle", "handle"),
        end("EscEnd"),
        chain("EscStart", "Handle", "EscEnd"),
        event=True,
    )
    await conf.deploy(
        model(
            "P_EscSub",
            start(),
            inner,
            end(),
            chain("Start", "Sub", "End"),
            handler,
            defs=[escalation("Esc", "LATE")],
        )
    )
    key = await conf.start("P_EscSub")
    await conf.work("handle")
    await conf.work("after-throw")
    await conf.completed(key)


async def test_an_escalation_end_event_ends_its_path_and_is_caught(conf: Conf) -> None:
    """escalation-events#throwing-the-escalation: an escalation end event throws and ends its
    path; a non-interrupting boundary on the sub-process catches it and the sub-process then
    completes normally."""
    inner = sub(
        "Sub", start("SubStart"), end("Raise", escalation_ref("Esc")), chain("SubStart", "Raise")
    )
    await conf.deploy(
        model(
            "P_EscEnd",
            start(),
            inner,
            boundary("Caught", "Sub", escalation_ref("Esc"), interrupting=False),
            service("Handle", "caught"),
            service("After", "after"),
            end(),
            end("CaughtEnd"),
            chain("Start", "Sub", "After", "End"),
            chain("Caught", "Handle", "CaughtEnd"),
            defs=[escalation("Esc", "LATE")],
        )
    )
    key = await conf.start("P_EscEnd")
    await conf.work("caught")
    await conf.work("after")
    await conf.completed(key)
    assert "Sub" in conf.elements(key)


async def test_an_escalation_nobody_catches_in_parent_or_child_lets_the_child_continue(
    conf: Conf,
) -> None:
    """escalation-events#catching-the-escalation: no catch event in the child or the calling
    parent → not caught, no incident, the child continues."""
    child = model(
        "P_EscLonely",
        start(),
        throw("Raise", escalation_ref("Esc")),
        service("Task", "child-after"),
        end(),
        chain("Start", "Raise", "Task", "End"),
        defs=[escalation("Esc", "X")],
    )
    parent = model(
        "P_EscLonelyParent",
        start(),
        call("Call", "P_EscLonely"),
        end(),
        chain("Start", "Call", "End"),
    )
    await conf.deploy(child, parent)
    key = await conf.start("P_EscLonelyParent")
    await conf.work("child-after")
    await conf.completed(key)
    assert conf.records(key, "INCIDENT") == []


async def test_an_escalation_code_may_be_an_expression(conf: Conf) -> None:
    """escalation-events#defining-an-escalation: for throw events the escalationCode may be an
    expression, evaluated once the event is reached."""
    inner = sub(
        "Sub",
        start("SubStart"),
        throw("Raise", escalation_ref("Thrown")),
        end("SubEnd"),
        chain("SubStart", "Raise", "SubEnd"),
    )
    await conf.deploy(
        model(
            "P_EscExpr",
            start(),
            inner,
            boundary("Caught", "Sub", escalation_ref("Esc")),
            service("Handle", "caught"),
            end(),
            end("CaughtEnd"),
            chain("Start", "Sub", "End"),
            chain("Caught", "Handle", "CaughtEnd"),
            defs=[escalation("Thrown", "=code"), escalation("Esc", "LATE")],
        )
    )
    key = await conf.start("P_EscExpr", code="LATE")
    await conf.work("caught")
    await conf.completed(key)
