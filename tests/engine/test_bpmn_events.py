"""Start, end, intermediate and boundary events (issue 2), timers driven by the harness clock."""

from __future__ import annotations

from pyzeebe.proto import gateway_pb2 as pb
from zeebe_suite import Zeebe


async def test_none_start_and_end(zeebe: Zeebe) -> None:
    await zeebe.deploy("empty.bpmn")
    key = await zeebe.start("Process_Empty")
    await zeebe.completed(key)
    assert zeebe.elements(key) == ["StartEvent_1", "EndEvent_1", "Process_Empty"]


async def test_message_start_event_creates_an_instance(zeebe: Zeebe) -> None:
    await zeebe.deploy("message_start.bpmn")
    await zeebe.client.publish_message("start-me", "", {"origin": "mail"})
    (job,) = await zeebe.activate("after-message-start", request_timeout=10_000)
    assert job.bpmnProcessId == "Process_MessageStart"
    assert '"origin": "mail"' in job.variables or '"origin":"mail"' in job.variables


async def test_timer_start_event_fires_per_cycle(zeebe: Zeebe) -> None:
    await zeebe.deploy("timer_start.bpmn")
    assert await zeebe.activate("after-timer-start") == []
    day = 24 * 3_600_000  # jobs must not time out while the clock moves
    zeebe.harness.advance_clock(3_600_000)
    assert len(await zeebe.activate("after-timer-start", timeout=day, request_timeout=10_000)) == 1
    zeebe.harness.advance_clock(3_600_000)
    assert len(await zeebe.activate("after-timer-start", timeout=day, request_timeout=10_000)) == 1
    zeebe.harness.advance_clock(3_600_000)  # R2: no third instance
    assert await zeebe.activate("after-timer-start") == []


async def test_signal_start_event_creates_an_instance(zeebe: Zeebe) -> None:
    await zeebe.deploy("signal_start.bpmn")
    await zeebe.client.broadcast_signal("go")
    (job,) = await zeebe.activate("after-signal-start", request_timeout=10_000)
    assert job.bpmnProcessId == "Process_SignalStart"


async def test_error_end_event_is_caught_by_the_sub_process_boundary(zeebe: Zeebe) -> None:
    await zeebe.deploy("error_end.bpmn")
    key = await zeebe.start("Process_ErrorEnd")
    await zeebe.completed(key)
    assert "EndEvent_Rejected" in zeebe.elements(key)
    assert "EndEvent_1" not in zeebe.elements(key)


async def test_terminate_end_event_ends_the_other_branches(zeebe: Zeebe) -> None:
    await zeebe.deploy("terminate_end.bpmn")
    key = await zeebe.start("Process_TerminateEnd")
    await zeebe.completed(key)
    assert "Task_Long" in zeebe.elements(key, "ELEMENT_TERMINATED")
    await zeebe.record(key, "JOB", "CANCELED")


async def test_message_end_event_is_a_job(zeebe: Zeebe) -> None:
    await zeebe.deploy("message_end.bpmn")
    key = await zeebe.start("Process_MessageEnd")
    await zeebe.complete("notify")
    await zeebe.completed(key)


async def test_signal_end_event_starts_and_wakes_signal_catchers(zeebe: Zeebe) -> None:
    await zeebe.deploy("signal_end.bpmn", "catch_signal.bpmn")
    waiting = await zeebe.start("Process_CatchSignal")
    await zeebe.record(waiting, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", "Event_Go")
    await zeebe.start("Process_SignalEnd")
    await zeebe.completed(waiting)


async def test_escalation_throw_and_end_reach_non_interrupting_boundary(zeebe: Zeebe) -> None:
    await zeebe.deploy("escalation.bpmn")
    key = await zeebe.start("Process_Escalation")
    await zeebe.complete("notify-late")  # from the intermediate throw
    await zeebe.complete("inner")
    await zeebe.complete("notify-late")  # from the escalation end event
    await zeebe.completed(key)
    completed = zeebe.elements(key)
    assert completed.count("Boundary_Late") == 2 and "EndEvent_1" in completed


async def test_message_catch_event_with_buffered_message_and_ttl(zeebe: Zeebe) -> None:
    await zeebe.deploy("catch_message.bpmn")
    await zeebe.client.publish_message(
        "paid", "o-9", {"paid": True}, time_to_live_in_milliseconds=60_000
    )
    key = await zeebe.start("Process_CatchMessage", orderId="o-9")
    await zeebe.completed(key)  # the buffered message correlated on arrival
    await zeebe.client.publish_message("paid", "o-10", time_to_live_in_milliseconds=1_000)
    zeebe.harness.advance_clock(2_000)  # expired before anyone waited
    late = await zeebe.start("Process_CatchMessage", orderId="o-10")
    await zeebe.record(late, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", "Event_Paid")
    assert "Process_CatchMessage" not in zeebe.elements(late)


async def test_timer_catch_duration_from_feel(zeebe: Zeebe) -> None:
    await zeebe.deploy("catch_timer.bpmn")
    key = await zeebe.start("Process_CatchTimer", wait="PT30M")
    await zeebe.record(key, "TIMER", "CREATED")
    zeebe.harness.advance_clock(29 * 60_000)
    assert "Event_Wait" not in zeebe.elements(key)
    zeebe.harness.advance_clock(60_000)
    await zeebe.completed(key)


async def test_timer_catch_date(zeebe: Zeebe) -> None:
    await zeebe.deploy("catch_timer_date.bpmn")
    due = "2099-01-01T00:00:00Z"
    key = await zeebe.start("Process_CatchTimerDate", due=due)
    timer = await zeebe.record(key, "TIMER", "CREATED")
    assert timer.value["dueDate"] == 4070908800000


async def test_none_throw_event_applies_output_mapping(zeebe: Zeebe) -> None:
    await zeebe.deploy("throw_none.bpmn")
    key = await zeebe.start("Process_ThrowNone")
    await zeebe.completed(key)
    assert zeebe.variables(key)["milestone"] == "reached"


async def test_signal_throw_event_broadcasts(zeebe: Zeebe) -> None:
    await zeebe.deploy("throw_signal.bpmn", "catch_signal.bpmn")
    waiting = await zeebe.start("Process_CatchSignal")
    await zeebe.record(waiting, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", "Event_Go")
    thrower = await zeebe.start("Process_ThrowSignal")
    await zeebe.completed(thrower)
    await zeebe.completed(waiting)


async def test_message_throw_event_is_a_job(zeebe: Zeebe) -> None:
    await zeebe.deploy("throw_message.bpmn")
    key = await zeebe.start("Process_ThrowMessage")
    job = await zeebe.complete("publish")
    assert job.elementId == "Event_Notify"
    await zeebe.completed(key)


async def test_interrupting_timer_boundary(zeebe: Zeebe) -> None:
    await zeebe.deploy("boundary_timer.bpmn")
    key = await zeebe.start("Process_BoundaryTimer")
    await zeebe.record(key, "TIMER", "CREATED")
    zeebe.harness.advance_clock(3_600_000)
    await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_TERMINATED", "Task_Work")
    await zeebe.complete("handle")
    await zeebe.completed(key)


async def test_non_interrupting_cycle_boundary_fires_repeatedly(zeebe: Zeebe) -> None:
    await zeebe.deploy("boundary_timer_cycle.bpmn")
    key = await zeebe.start("Process_BoundaryCycle")
    await zeebe.record(key, "TIMER", "CREATED")
    for _ in range(3):
        zeebe.harness.advance_clock(600_000)
    handled = await zeebe.activate("handle", max_jobs=10, request_timeout=10_000)
    assert len(handled) == 3
    await zeebe.complete("work")
    await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "Task_Work")


async def test_message_boundary_interrupts(zeebe: Zeebe) -> None:
    await zeebe.deploy("boundary_message.bpmn")
    key = await zeebe.start("Process_BoundaryMessage", orderId="o-5")
    await zeebe.record(key, "JOB", "CREATED")
    await zeebe.client.publish_message("paid", "o-5")
    await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_TERMINATED", "Task_Work")
    await zeebe.complete("handle")
    await zeebe.completed(key)


async def test_non_interrupting_signal_boundary(zeebe: Zeebe) -> None:
    await zeebe.deploy("boundary_signal.bpmn")
    key = await zeebe.start("Process_BoundarySignal")
    await zeebe.record(key, "JOB", "CREATED")
    await zeebe.client.broadcast_signal("go")
    await zeebe.complete("handle")
    await zeebe.complete("work")  # the task was not interrupted
    await zeebe.completed(key)


async def test_job_error_caught_by_error_boundary_via_rpc(zeebe: Zeebe) -> None:
    await zeebe.deploy("boundary_error.bpmn")
    key = await zeebe.start("Process_BoundaryError")
    (job,) = await zeebe.activate("work", request_timeout=10_000)
    await zeebe.stub.ThrowError(pb.ThrowErrorRequest(jobKey=job.key, errorCode="ERR_REJECTED"))
    await zeebe.complete("handle")
    await zeebe.completed(key)


async def test_failing_timer_expression_raises_incident_until_fixed(zeebe: Zeebe) -> None:
    await zeebe.deploy("catch_timer.bpmn")
    key = await zeebe.start("Process_CatchTimer")  # no "wait" variable
    incident = await zeebe.record(key, "INCIDENT", "CREATED")
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    assert incident.value["elementId"] == "Event_Wait"
    await zeebe.stub.SetVariables(
        pb.SetVariablesRequest(elementInstanceKey=key, variables='{"wait": "PT1M"}')
    )
    await zeebe.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=incident.key))
    await zeebe.record(key, "TIMER", "CREATED")
    zeebe.harness.advance_clock(60_000)
    await zeebe.completed(key)
