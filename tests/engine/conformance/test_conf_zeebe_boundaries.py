"""Zeebe engine-suite behaviours: boundary events.

Ported from Zeebe's own engine tests (camunda/camunda, zeebe/engine/src/test/java/io/camunda/
zeebe/engine/processing/…) and the 8.8 docs they implement, observed through pyzeebe. Each test
names the Zeebe test (class.method), source or doc section it comes from; time moves with the
engine clock.
"""

from __future__ import annotations

from conf_bpmn import (
    boundary,
    call,
    catch,
    chain,
    end,
    inp,
    io,
    message,
    message_ref,
    model,
    multi,
    out,
    service,
    signal,
    signal_ref,
    start,
    timer,
)
from conf_support import Conf, variables_of
from pyzeebe.proto import gateway_pb2 as pb

MINUTE = 60_000
HOUR_MS = 60 * MINUTE


# --- boundary events (bpmn/boundary/…) ---------------------------------------------------------


async def test_a_message_boundary_output_mapping_restricts_the_merged_variables(
    conf: Conf,
) -> None:
    """BoundaryEventTest.shouldApplyOutputMappingOnTriggering; message-events#variable-mappings:
    with output mappings only the mapped message variables reach the process."""
    await conf.deploy(
        model(
            "P_BndOut",
            start(),
            service("Task", "task"),
            boundary("Cancel", "Task", message_ref("Msg"), ext=io(out("=amount", "total"))),
            service("After", "after"),
            end(),
            end("End2"),
            chain("Start", "Task", "End"),
            chain("Cancel", "After", "End2"),
            defs=[message("Msg", "cancel", "=orderId")],
        )
    )
    key = await conf.start("P_BndOut", orderId="o-1")
    await conf.active(key, "Task")
    await conf.publish("cancel", "o-1", variables={"amount": 5, "other": 1})
    seen = variables_of(await conf.work("after"))
    await conf.completed(key)
    assert seen["total"] == 5 and "other" not in seen
    assert "other" not in conf.variables(key)


async def test_a_boundary_event_without_outgoing_flow_ends_its_path(conf: Conf) -> None:
    """BoundaryEventWithoutOutgoingSequenceFlowTest: an interrupting boundary event without an
    outgoing sequence flow simply completes, and with it the process."""
    await conf.deploy(
        model(
            "P_BndNoFlow",
            start(),
            service("Task", "task"),
            boundary("Late", "Task", timer(duration="PT5M")),
            end(),
            chain("Start", "Task", "End"),
        )
    )
    key = await conf.start("P_BndNoFlow")
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(5 * MINUTE)
    await conf.completed(key)
    assert conf.elements(key, "ELEMENT_TERMINATED") == ["Task"]
    assert "Late" in conf.elements(key)


async def test_a_non_interrupting_boundary_without_outgoing_flow_keeps_the_task(
    conf: Conf,
) -> None:
    """BoundaryEventWithoutOutgoingSequenceFlowTest: a non-interrupting boundary without an
    outgoing flow completes; the task goes on and the process ends with it."""
    await conf.deploy(
        model(
            "P_BndNoFlowNi",
            start(),
            service("Task", "task"),
            boundary("Note", "Task", timer(duration="PT5M"), interrupting=False),
            end(),
            chain("Start", "Task", "End"),
        )
    )
    key = await conf.start("P_BndNoFlowNi")
    job = await conf.job("task")
    conf.advance(5 * MINUTE)
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "Note")
    await conf.complete(job)
    await conf.completed(key)
    assert conf.elements(key) == ["Start", "Note", "Task", "End", "P_BndNoFlowNi"]


async def test_a_buffered_message_triggers_a_boundary_when_the_task_is_entered(
    conf: Conf,
) -> None:
    """messages#message-buffering: a message with a TTL waits for a subscription; the boundary
    event's subscription opens when its task is entered and the buffered message fires it."""
    await conf.deploy(
        model(
            "P_BndBuffer",
            start(),
            service("First", "first"),
            service("Task", "task"),
            boundary("Cancel", "Task", message_ref("Msg")),
            service("Cancelled", "cancelled"),
            end(),
            end("End2"),
            chain("Start", "First", "Task", "End"),
            chain("Cancel", "Cancelled", "End2"),
            defs=[message("Msg", "cancel", "=orderId")],
        )
    )
    key = await conf.start("P_BndBuffer", orderId="o-9")
    await conf.active(key, "First")
    await conf.publish("cancel", "o-9", ttl=MINUTE, variables={"reason": "late"})
    await conf.work("first")
    assert variables_of(await conf.work("cancelled"))["reason"] == "late"
    await conf.completed(key)
    assert "Task" in conf.elements(key, "ELEMENT_TERMINATED")


async def test_a_non_interrupting_boundary_on_a_multi_instance_fires_once_for_the_body(
    conf: Conf,
) -> None:
    """multi-instance#boundary-events: boundary events are attached to the multi-instance body,
    so a non-interrupting timer fires once, not once per instance."""
    await conf.deploy(
        model(
            "P_MiBnd",
            start(),
            service("Each", "each", loop=multi("=items", "item")),
            boundary("Late", "Each", timer(duration="PT5M"), interrupting=False),
            service("Remind", "remind"),
            end(),
            end("End2"),
            chain("Start", "Each", "End"),
            chain("Late", "Remind", "End2"),
        )
    )
    key = await conf.start("P_MiBnd", items=[1, 2, 3])
    jobs = await conf.jobs("each", 3)
    conf.advance(5 * MINUTE)
    await conf.work("remind")
    assert await conf.none_available("remind")
    assert len(conf.records(key, "TIMER", "CREATED")) == 1
    for job in jobs:
        await conf.complete(job)
    await conf.completed(key)


async def test_a_boundary_timer_reads_the_activitys_input_mappings(conf: Conf) -> None:
    """Zeebe subscribes an activity's boundary events after applying its input mappings, in the
    activity's scope (BpmnEventSubscriptionBehavior): the timer may use a mapped local variable."""
    await conf.deploy(
        model(
            "P_BndLocal",
            start(),
            service("Task", "task", io(inp('="PT" + string(minutes) + "M"', "wait"))),
            boundary("Late", "Task", timer(duration="=wait")),
            service("Late_Task", "late"),
            end(),
            end("End2"),
            chain("Start", "Task", "End"),
            chain("Late", "Late_Task", "End2"),
        )
    )
    key = await conf.start("P_BndLocal", minutes=7)
    created = await conf.record(key, "TIMER", "CREATED")
    assert created.value["dueDate"] == created.timestamp + 7 * MINUTE
    conf.advance(7 * MINUTE)
    await conf.work("late")
    await conf.completed(key)


async def test_a_boundary_message_key_reads_the_activitys_input_mappings(conf: Conf) -> None:
    """As above for a message boundary: the correlation key is evaluated in the activity's scope
    after its input mappings."""
    await conf.deploy(
        model(
            "P_BndKey",
            start(),
            service("Task", "task", io(inp('="order-" + string(n)', "ref"))),
            boundary("Cancel", "Task", message_ref("Msg")),
            service("Cancelled", "cancelled"),
            end(),
            end("End2"),
            chain("Start", "Task", "End"),
            chain("Cancel", "Cancelled", "End2"),
            defs=[message("Msg", "cancel", "=ref")],
        )
    )
    key = await conf.start("P_BndKey", n=4)
    await conf.active(key, "Task")
    await conf.publish("cancel", "order-4")
    await conf.work("cancelled")
    await conf.completed(key)


async def test_a_boundary_event_resolves_the_incident_of_the_activity_it_terminates(
    conf: Conf,
) -> None:
    """IncidentTest (incident of a terminated element is resolved; every processor's onTerminate
    calls incidentBehavior.resolveIncidents): a boundary timer interrupting a task whose job has
    no retries left resolves that incident."""
    await conf.deploy(
        model(
            "P_BndIncident",
            start(),
            service("Task", "task"),
            boundary("Late", "Task", timer(duration="PT10M")),
            service("Escalate", "escalate"),
            end(),
            end("End2"),
            chain("Start", "Task", "End"),
            chain("Late", "Escalate", "End2"),
        )
    )
    key = await conf.start("P_BndIncident")
    job = await conf.job("task")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0, errorMessage="down"))
    incident = await conf.incident(key)
    conf.advance(10 * MINUTE)
    await conf.work("escalate")
    await conf.completed(key)
    assert (await conf.record(key, "INCIDENT", "RESOLVED")).key == incident.key


async def test_a_boundary_timer_with_a_past_date_fires_at_once(conf: Conf) -> None:
    """timer-events#timers (a timer is due at or after its date) + BoundaryEventTest: a boundary
    timer whose date already passed interrupts its task as soon as the task is entered."""
    await conf.deploy(
        model(
            "P_BndPast",
            start(),
            service("Task", "task"),
            boundary("Late", "Task", timer(date="2020-01-01T00:00:00Z")),
            service("Late_Task", "late"),
            end(),
            end("End2"),
            chain("Start", "Task", "End"),
            chain("Late", "Late_Task", "End2"),
        )
    )
    key = await conf.start("P_BndPast")
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(1)
    await conf.work("late")
    await conf.completed(key)
    assert conf.elements(key, "ELEMENT_TERMINATED") == ["Task"]


async def test_a_boundary_on_a_call_activity_resolves_the_childs_incident(conf: Conf) -> None:
    """CallActivityTest + IncidentTest: an interrupting boundary on the call activity terminates
    the child instance, and the incident the child had is resolved with it."""
    child = model(
        "P_IncChild",
        start(),
        service("ChildTask", "child"),
        end(),
        chain("Start", "ChildTask", "End"),
    )
    parent = model(
        "P_IncParent",
        start(),
        call("Call", "P_IncChild"),
        boundary("Late", "Call", timer(duration="PT1H")),
        service("Late_Task", "late"),
        end(),
        end("End2"),
        chain("Start", "Call", "End"),
        chain("Late", "Late_Task", "End2"),
    )
    await conf.deploy(child, parent)
    key = await conf.start("P_IncParent")
    job = await conf.job("child")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0, errorMessage="down"))
    child_key = job.processInstanceKey
    incident = await conf.incident(child_key)
    conf.advance(HOUR_MS)
    await conf.work("late")
    await conf.completed(key)
    assert (await conf.record(child_key, "INCIDENT", "RESOLVED")).key == incident.key
    await conf.record(child_key, "PROCESS_INSTANCE", "ELEMENT_TERMINATED", "P_IncChild")


async def test_a_signal_reaches_a_catch_event_of_a_called_process(conf: Conf) -> None:
    """signal-events: a broadcast signal triggers every waiting subscription, including catch
    events in called child instances; the child completes and so does the call."""
    child = model(
        "P_SigChild",
        start(),
        service("Probe", "probe"),
        catch("Wait", signal_ref("Sig")),
        end(),
        chain("Start", "Probe", "Wait", "End"),
        defs=[signal("Sig", "go")],
    )
    parent = model(
        "P_SigParent",
        start(),
        call("Call", "P_SigChild"),
        service("After", "after"),
        end(),
        chain("Start", "Call", "After", "End"),
    )
    await conf.deploy(child, parent)
    key = await conf.start("P_SigParent")
    child_key = (await conf.work("probe")).processInstanceKey
    await conf.active(child_key, "Wait")
    await conf.client.broadcast_signal("go", {"v": 1})
    assert variables_of(await conf.work("after"))["v"] == 1
    await conf.completed(key)
