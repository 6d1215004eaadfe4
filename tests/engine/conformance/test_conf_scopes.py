"""Sub-processes, event sub-processes, terminate end events and boundary events on scopes.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/embedded-subprocesses/,
.../event-subprocesses/, .../terminate-events/
"""

from __future__ import annotations

from conf_bpmn import (
    TERMINATE,
    boundary,
    chain,
    end,
    event_start,
    flow,
    gateway,
    message,
    message_ref,
    model,
    multi,
    service,
    start,
    sub,
    timer,
)
from conf_support import Conf, variables_of


def with_event_sub(process_id: str, definition: str, *, interrupting: bool) -> str:
    handler = sub(
        "OnEvent",
        event_start("EvStart", definition, interrupting=interrupting),
        service("Handle", "handle"),
        end("EvEnd"),
        chain("EvStart", "Handle", "EvEnd"),
        event=True,
    )
    return model(
        process_id,
        start(),
        gateway("parallel", "Fork"),
        service("A", "work-a"),
        service("B", "work-b"),
        gateway("parallel", "Join"),
        end(),
        chain("Start", "Fork"),
        chain("Fork", "A", "Join"),
        chain("Fork", "B", "Join"),
        chain("Join", "End"),
        handler,
        defs=[message("Msg", "cancel", "=orderId")],
    )


async def test_an_interrupting_event_sub_process_terminates_every_active_element(
    conf: Conf,
) -> None:
    """event-subprocesses: an interrupting event sub-process terminates all active elements of
    its scope; the scope completes when the event sub-process completes."""
    await conf.deploy(with_event_sub("P_EvInt", message_ref("Msg"), interrupting=True))
    key = await conf.start("P_EvInt", orderId="o-1")
    await conf.jobs("work-a", 1)
    await conf.jobs("work-b", 1)
    await conf.publish("cancel", "o-1", variables={"reason": "customer"})
    assert variables_of(await conf.work("handle"))["reason"] == "customer"
    await conf.completed(key)
    terminated = conf.elements(key, "ELEMENT_TERMINATED")
    assert "A" in terminated and "B" in terminated


async def test_a_non_interrupting_timer_event_sub_process_repeats_with_a_cycle(
    conf: Conf,
) -> None:
    """event-subprocesses + timer-events#time-cycle: a non-interrupting cycle keeps the scope
    running and starts the event sub-process on each repetition."""
    await conf.deploy(with_event_sub("P_EvCycle", timer(cycle="R2/PT1M"), interrupting=False))
    key = await conf.start("P_EvCycle", orderId="o-3")
    await conf.record(key, "TIMER", "CREATED")
    for _ in range(3):
        conf.advance(60_000)
    for job in await conf.jobs("handle", 2):
        await conf.complete(job)
    assert await conf.none_available("handle")
    await conf.work("work-a")
    await conf.work("work-b")
    await conf.completed(key)
    assert conf.elements(key).count("OnEvent") == 2


async def test_an_event_sub_process_is_only_armed_while_its_scope_is_active(conf: Conf) -> None:
    """event-subprocesses: the start event of an event sub-process inside a sub-process
    subscribes when the sub-process is activated and is closed with it."""
    inner = sub(
        "Sub",
        start("SubStart"),
        service("Inner", "inner"),
        end("SubEnd"),
        chain("SubStart", "Inner", "SubEnd"),
        sub(
            "OnMsg",
            event_start("EvStart", message_ref("Msg"), interrupting=False),
            service("Handle", "handle"),
            end("EvEnd"),
            chain("EvStart", "Handle", "EvEnd"),
            event=True,
        ),
    )
    await conf.deploy(
        model(
            "P_EvScope",
            start(),
            inner,
            service("After", "after"),
            end(),
            chain("Start", "Sub", "After", "End"),
            defs=[message("Msg", "note", "=orderId")],
        )
    )
    key = await conf.start("P_EvScope", orderId="o-2")
    await conf.publish("note", "o-2")  # the sub-process is active: correlates
    await conf.work("handle")
    await conf.work("inner")
    await conf.active(key, "After")
    await conf.publish("note", "o-2")  # the sub-process is gone: discarded
    assert await conf.none_available("handle")


async def test_a_terminate_end_event_in_a_sub_process_ends_only_that_scope(conf: Conf) -> None:
    """terminate-events: a terminate end event terminates all active elements of its flow scope;
    the scope (here the sub-process) then completes and the process continues."""
    inner = sub(
        "Sub",
        start("SubStart"),
        gateway("parallel", "Fork"),
        service("Slow", "slow"),
        end("SlowEnd"),
        end("Kill", TERMINATE),
        chain("SubStart", "Fork"),
        chain("Fork", "Slow", "SlowEnd"),
        chain("Fork", "Kill"),
    )
    await conf.deploy(
        model(
            "P_TermSub",
            start(),
            inner,
            service("After", "after"),
            end(),
            chain("Start", "Sub", "After", "End"),
        )
    )
    key = await conf.start("P_TermSub")
    await conf.work("after")
    await conf.completed(key)
    assert "Slow" in conf.elements(key, "ELEMENT_TERMINATED")
    assert "Sub" in conf.elements(key)


async def test_a_terminate_end_event_completes_the_process(conf: Conf) -> None:
    """terminate-events: at process level every active element is terminated and the process
    instance is completed."""
    await conf.deploy(
        model(
            "P_TermProc",
            start(),
            gateway("parallel", "Fork"),
            service("Slow", "slow"),
            end("SlowEnd"),
            service("Quick", "quick"),
            end("Kill", TERMINATE),
            chain("Start", "Fork"),
            chain("Fork", "Slow", "SlowEnd"),
            chain("Fork", "Quick", "Kill"),
        )
    )
    key = await conf.start("P_TermProc")
    slow = await conf.job("slow")
    await conf.work("quick")
    await conf.completed(key)
    assert "Slow" in conf.elements(key, "ELEMENT_TERMINATED")
    assert conf.records(key, "JOB", "CANCELED")[0].key == slow.key


async def test_a_non_interrupting_timer_boundary_on_a_sub_process(conf: Conf) -> None:
    """embedded-subprocesses + timer-events: boundary events can be attached to a sub-process;
    a non-interrupting one leaves it running."""
    inner = sub(
        "Sub",
        start("SubStart"),
        service("Inner", "inner"),
        end("SubEnd"),
        chain("SubStart", "Inner", "SubEnd"),
    )
    await conf.deploy(
        model(
            "P_SubTimer",
            start(),
            inner,
            boundary("Remind", "Sub", timer(duration="PT1H"), interrupting=False),
            service("Reminder", "reminder"),
            end(),
            end("RemindEnd"),
            chain("Start", "Sub", "End"),
            chain("Remind", "Reminder", "RemindEnd"),
        )
    )
    key = await conf.start("P_SubTimer")
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(3_600_000)
    await conf.work("reminder")
    await conf.work("inner")
    await conf.completed(key)
    assert "Sub" in conf.elements(key)


async def test_an_interrupting_message_boundary_on_a_sub_process(conf: Conf) -> None:
    """embedded-subprocesses + message-events: an interrupting boundary terminates the
    sub-process with its inner elements; the message variables are merged."""
    inner = sub(
        "Sub",
        start("SubStart"),
        service("Inner", "inner"),
        end("SubEnd"),
        chain("SubStart", "Inner", "SubEnd"),
    )
    await conf.deploy(
        model(
            "P_SubMsg",
            start(),
            inner,
            boundary("Stop", "Sub", message_ref("Msg")),
            service("Handle", "handle"),
            end(),
            end("StopEnd"),
            chain("Start", "Sub", "End"),
            chain("Stop", "Handle", "StopEnd"),
            defs=[message("Msg", "stop", "=orderId")],
        )
    )
    key = await conf.start("P_SubMsg", orderId="o-9")
    await conf.active(key, "Inner")
    await conf.publish("stop", "o-9", variables={"why": "withdrawn"})
    assert variables_of(await conf.job("handle"))["why"] == "withdrawn"
    assert await conf.none_available("inner")
    assert "Inner" in conf.elements(key, "ELEMENT_TERMINATED")


async def test_the_first_triggered_boundary_wins(conf: Conf) -> None:
    """message-events#message-boundary-events + timer-events: when an interrupting boundary
    fires, the activity and its other boundary subscriptions (the timer) are gone."""
    await conf.deploy(
        model(
            "P_TwoBoundaries",
            start(),
            service("Task", "work"),
            boundary("Stop", "Task", message_ref("Msg")),
            boundary("Late", "Task", timer(duration="PT1M")),
            end(),
            end("StopEnd"),
            end("LateEnd"),
            chain("Start", "Task", "End"),
            chain("Stop", "StopEnd"),
            chain("Late", "LateEnd"),
            defs=[message("Msg", "stop", "=orderId")],
        )
    )
    key = await conf.start("P_TwoBoundaries", orderId="o-11")
    await conf.record(key, "TIMER", "CREATED")
    await conf.publish("stop", "o-11")
    await conf.completed(key)
    conf.advance(120_000)
    assert "StopEnd" in conf.elements(key) and "Late" not in conf.elements(key, "ELEMENT_ACTIVATED")


async def test_a_sub_process_completes_when_its_last_token_ends(conf: Conf) -> None:
    """embedded-subprocesses: the sub-process completes when all its paths reached an end."""
    inner = sub(
        "Sub",
        start("SubStart"),
        gateway("parallel", "Fork"),
        service("A", "a"),
        service("B", "b"),
        end("EndA"),
        end("EndB"),
        chain("SubStart", "Fork"),
        chain("Fork", "A", "EndA"),
        chain("Fork", "B", "EndB"),
    )
    await conf.deploy(
        model(
            "P_Tokens",
            start(),
            inner,
            service("After", "after"),
            end(),
            chain("Start", "Sub", "After", "End"),
        )
    )
    key = await conf.start("P_Tokens")
    await conf.work("a")
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "EndA")
    assert await conf.none_available("after")
    await conf.work("b")
    await conf.work("after")
    await conf.completed(key)


async def test_a_terminate_end_event_ends_only_its_multi_instance_iteration(conf: Conf) -> None:
    """terminate-events + multi-instance: inside a multi-instance sub-process the terminate end
    event ends that iteration's scope; the other iterations and the body carry on."""
    inner = sub(
        "Sub",
        start("SubStart"),
        gateway("exclusive", "Gw", default="Flow_Gw_Work"),
        service("Work", "work"),
        end("SubEnd"),
        end("Kill", TERMINATE),
        chain("SubStart", "Gw"),
        flow("Gw", "Kill", "=item = 1"),
        chain("Gw", "Work", "SubEnd"),
        loop=multi("=items", "item", output_collection="seen", output_element="=item"),
    )
    await conf.deploy(
        model(
            "P_TermMi",
            start(),
            inner,
            service("After", "after"),
            end(),
            chain("Start", "Sub", "After", "End"),
        )
    )
    await conf.start("P_TermMi", items=[1, 2])
    await conf.work("work")
    assert variables_of(await conf.job("after"))["seen"] == [1, 2]


async def test_link_events_connect_two_parts_of_a_process(conf: Conf) -> None:
    """link-events: a link throw event continues at the link catch event with the same name."""
    throw_link = (
        '<bpmn:intermediateThrowEvent id="GoTo"><bpmn:linkEventDefinition name="L"/>'
        "</bpmn:intermediateThrowEvent>"
    )
    catch_link = (
        '<bpmn:intermediateCatchEvent id="Land"><bpmn:linkEventDefinition name="L"/>'
        "</bpmn:intermediateCatchEvent>"
    )
    await conf.deploy(
        model(
            "P_Link",
            start(),
            throw_link,
            catch_link,
            service("Task", "after"),
            end(),
            chain("Start", "GoTo"),
            chain("Land", "Task", "End"),
        )
    )
    key = await conf.start("P_Link")
    await conf.work("after")
    await conf.completed(key)


async def test_an_interrupting_event_sub_process_triggers_only_once(conf: Conf) -> None:
    """event-subprocesses: once an interrupting event sub-process started, the scope's other
    activities and its own start subscription are gone; a second message is not correlated."""
    handler = sub(
        "OnStop",
        event_start("StopStart", message_ref("Msg")),
        service("Handle", "handle"),
        end("StopEnd"),
        chain("StopStart", "Handle", "StopEnd"),
        event=True,
    )
    await conf.deploy(
        model(
            "P_StopOnce",
            start(),
            service("Task", "work"),
            end(),
            chain("Start", "Task", "End"),
            handler,
            defs=[message("Msg", "stop", "=orderId")],
        )
    )
    key = await conf.start("P_StopOnce", orderId="o-41")
    await conf.active(key, "Task")
    await conf.publish("stop", "o-41")
    job = await conf.job("handle")
    await conf.publish("stop", "o-41")
    assert await conf.none_available("handle")
    await conf.complete(job)
    await conf.completed(key)
