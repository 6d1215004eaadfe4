"""Zeebe engine-suite behaviours: messages, incidents, timers, joins, calls.

Ported from Zeebe's own engine tests (camunda/camunda, zeebe/engine/src/test/java/io/camunda/
zeebe/engine/processing/…) and the 8.8 docs they implement, observed through pyzeebe. Each test
names the Zeebe test (class.method), source or doc section it comes from; time moves with the
engine clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

from conf_bpmn import (
    TERMINATE,
    call,
    catch,
    chain,
    end,
    event_start,
    flow,
    gateway,
    message,
    message_ref,
    model,
    script,
    service,
    start,
    sub,
    timer,
)
from conf_support import Conf, variables_of

MINUTE = 60_000
HOUR_MS = 60 * MINUTE


# --- messages (docs: messages#message-cardinality) ---------------------------------------------


async def test_one_message_correlates_to_one_of_two_subscriptions_of_an_instance(
    conf: Conf,
) -> None:
    """messages#message-cardinality: "If multiple subscriptions for the same process are opened
    (by multiple process instances or within one instance), the message is correlated only to one
    of the subscriptions." A second message correlates to the other one."""
    await conf.deploy(
        model(
            "P_TwoSubs",
            start(),
            gateway("parallel", "Fork"),
            catch("WaitA", message_ref("Msg")),
            catch("WaitB", message_ref("Msg")),
            gateway("parallel", "Join"),
            end(),
            chain("Start", "Fork"),
            chain("Fork", "WaitA", "Join"),
            chain("Fork", "WaitB", "Join"),
            chain("Join", "End"),
            defs=[message("Msg", "ping", "=id")],
        )
    )
    key = await conf.start("P_TwoSubs", id="k")
    await conf.active(key, "WaitA")
    await conf.active(key, "WaitB")
    await conf.publish("ping", "k")
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED")
    done = [e for e in conf.elements(key) if e.startswith("Wait")]
    assert len(done) == 1
    await conf.publish("ping", "k")
    await conf.completed(key)
    assert sorted(e for e in conf.elements(key) if e.startswith("Wait")) == ["WaitA", "WaitB"]


# --- incidents (processing/incident/IncidentTest; docs: incidents) -----------------------------


async def test_a_condition_incident_is_resolved_after_setting_the_variable(conf: Conf) -> None:
    """IncidentTest (exclusive gateway condition): no condition holds and there is no default, so
    the gateway raises CONDITION_ERROR; after SetVariables and ResolveIncident it takes the flow
    the new value selects."""
    await conf.deploy(
        model(
            "P_CondInc",
            start(),
            gateway("exclusive", "Split"),
            service("High", "high"),
            service("Low", "low"),
            end(),
            end("End2"),
            chain("Start", "Split"),
            flow("Split", "High", "=x > 5"),
            flow("Split", "Low", "=x < 0"),
            chain("High", "End"),
            chain("Low", "End2"),
        )
    )
    key = await conf.start("P_CondInc", x=1)
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "CONDITION_ERROR"
    assert incident.value["elementId"] == "Split"
    await conf.set_variables(key, x=7)
    await conf.resolve(incident.key)
    await conf.work("high")
    await conf.completed(key)
    assert await conf.none_available("low")


# --- timers (processing/timer/…; docs: timer-events#time-date) ---------------------------------


async def test_a_timer_date_may_be_a_feel_date_and_time_value(conf: Conf) -> None:
    """timer-events#time-date + IntermediateCatchEventTest (timer date expression): the
    expression may return a FEEL date-and-time instead of ISO text."""
    await conf.deploy(
        model(
            "P_DateValue",
            start(),
            catch("Timer", timer(date="=date and time(dueAt)")),
            service("After", "after"),
            end(),
            chain("Start", "Timer", "After", "End"),
        )
    )
    due = datetime.fromtimestamp((conf.now_ms() + 30 * MINUTE) // 1000, UTC)
    key = await conf.start("P_DateValue", dueAt=due.strftime("%Y-%m-%dT%H:%M:%SZ"))
    created = await conf.record(key, "TIMER", "CREATED")
    assert created.value["dueDate"] == int(due.timestamp() * 1000)
    conf.advance(29 * MINUTE)
    assert await conf.none_available("after")
    conf.advance(MINUTE)
    await conf.job("after")


async def test_a_calendar_duration_adds_months_to_the_date(conf: Conf) -> None:
    """timer-events#time-duration: ISO 8601 durations include years and months (Zeebe's
    Interval adds the period to the current UTC date-time, then the time part)."""
    await conf.deploy(
        model(
            "P_Month",
            start(),
            catch("Timer", timer(duration="P1M")),
            end(),
            chain("Start", "Timer", "End"),
        )
    )
    key = await conf.start("P_Month")
    created = await conf.record(key, "TIMER", "CREATED")
    now = datetime.fromtimestamp(created.timestamp // 1000, UTC)
    due = now.replace(year=now.year + (now.month == 12), month=now.month % 12 + 1)
    assert created.value["dueDate"] == int(due.timestamp()) * 1000 + created.timestamp % 1000


# --- correlation of buffered messages and once per process --------------------------------------


async def test_a_message_is_not_correlated_twice_to_one_process(conf: Conf) -> None:
    """messages#message-cardinality: "A message is correlated only once to a process (based on
    the BPMN process ID)": when it correlates to a waiting catch event it starts no new instance
    through the same process's message start event."""
    await conf.deploy(
        model(
            "P_Once",
            start(),
            start("MsgStart", message_ref("Msg")),
            catch("Wait", message_ref("Msg")),
            service("Started", "started"),
            end(),
            end("End2"),
            chain("Start", "Wait", "End"),
            chain("MsgStart", "Started", "End2"),
            defs=[message("Msg", "go", "=id")],
        )
    )
    key = await conf.start("P_Once", id="k")
    await conf.active(key, "Wait")
    await conf.publish("go", "k", ttl=MINUTE)
    await conf.completed(key)
    assert await conf.none_available("started")


async def test_a_buffered_message_is_taken_by_an_event_based_gateway(conf: Conf) -> None:
    """messages#message-buffering + event-based-gateways: a buffered message is correlated when
    the gateway opens its subscriptions; the timer of the other branch is canceled."""
    await conf.deploy(
        model(
            "P_EvBuffer",
            start(),
            service("First", "first"),
            gateway("eventBased", "Wait"),
            catch("Paid", message_ref("Msg")),
            catch("Late", timer(duration="PT1H")),
            service("Ship", "ship"),
            end(),
            end("End2"),
            chain("Start", "First", "Wait"),
            chain("Wait", "Paid", "Ship", "End"),
            chain("Wait", "Late", "End2"),
            defs=[message("Msg", "paid", "=orderId")],
        )
    )
    key = await conf.start("P_EvBuffer", orderId="o-1")
    await conf.active(key, "First")
    await conf.publish("paid", "o-1", ttl=MINUTE, variables={"total": 3})
    await conf.work("first")
    assert variables_of(await conf.work("ship"))["total"] == 3
    await conf.completed(key)
    assert "Late" not in conf.elements(key, "ELEMENT_ACTIVATED")


# --- timers at deployment and joins -------------------------------------------------------------


async def test_a_timer_start_date_in_the_past_fires_at_once(conf: Conf) -> None:
    """timer-events#timers: a timer triggers at or after its due date, so a timer start event
    whose date passed already creates its one instance right after deployment."""
    await conf.deploy(
        model(
            "P_PastStart",
            start("Start", timer(date="2020-01-01T00:00:00Z")),
            service("Task", "past"),
            end(),
            chain("Start", "Task", "End"),
        )
    )
    conf.advance(1_000)
    await conf.work("past")
    conf.advance(HOUR_MS)
    assert await conf.none_available("past")


async def test_a_parallel_join_uses_one_token_per_incoming_flow(conf: Conf) -> None:
    """parallel-gateways: the joining gateway waits for a token on each incoming flow; two tokens
    on the same flow do not replace the missing one, and the surplus one waits (the process stays
    active)."""
    await conf.deploy(
        model(
            "P_JoinTwice",
            start(),
            gateway("parallel", "Fork"),
            service("T1", "t1"),
            service("T2", "t2"),
            service("C", "c"),
            gateway("exclusive", "Merge"),
            gateway("parallel", "Join"),
            service("After", "after"),
            end(),
            chain("Start", "Fork"),
            chain("Fork", "T1", "Merge"),
            chain("Fork", "T2", "Merge"),
            chain("Fork", "C", "Join"),
            chain("Merge", "Join", "After", "End"),
        )
    )
    key = await conf.start("P_JoinTwice")
    await conf.work("t1")
    await conf.work("t2")
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "Merge")
    assert await conf.none_available("after")
    await conf.work("c")
    await conf.work("after")
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "End")
    assert "P_JoinTwice" not in conf.elements(key)
    assert await conf.none_available("after")


async def test_a_child_ended_by_a_terminate_end_event_completes_the_call(conf: Conf) -> None:
    """CallActivityTest / terminate-events: a terminate end event completes the called process
    (terminating its other paths); the call activity completes with the child's variables."""
    child = model(
        "P_TermChild",
        start(),
        gateway("parallel", "Fork"),
        service("Hang", "hang"),
        script("Calc", "=21 * 2", "r"),
        end("Stop", TERMINATE),
        chain("Start", "Fork"),
        chain("Fork", "Hang"),
        chain("Fork", "Calc", "Stop"),
    )
    parent = model(
        "P_TermParent",
        start(),
        call("Call", "P_TermChild"),
        service("After", "after"),
        end(),
        chain("Start", "Call", "After", "End"),
    )
    await conf.deploy(child, parent)
    key = await conf.start("P_TermParent")
    assert variables_of(await conf.work("after"))["r"] == 42
    await conf.completed(key)
    assert "Call" in conf.elements(key)
    assert await conf.none_available("hang")


async def test_a_catch_event_entered_again_does_not_take_the_same_message_twice(
    conf: Conf,
) -> None:
    """messages#message-cardinality: a buffered message is correlated once per process, so a
    loop that re-enters the catch event waits for a new message."""
    await conf.deploy(
        model(
            "P_MsgLoop",
            start(),
            gateway("exclusive", "Merge"),
            catch("Wait", message_ref("Msg")),
            service("Count", "count"),
            gateway("exclusive", "Again", default="Flow_Again_End"),
            end(),
            chain("Start", "Merge", "Wait", "Count", "Again"),
            flow("Again", "Merge", "=rounds < 2"),
            flow("Again", "End", flow_id="Flow_Again_End"),
            defs=[message("Msg", "tick", "=id")],
        )
    )
    key = await conf.start("P_MsgLoop", id="k", rounds=0)
    await conf.publish("tick", "k", ttl=HOUR_MS, variables={"n": 1})
    await conf.work("count", rounds=1)
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "Again")
    assert await conf.none_available("count")
    assert conf.instances_of(key, "Wait", "ELEMENT_COMPLETED") == 1
    await conf.publish("tick", "k", variables={"n": 2})
    assert variables_of(await conf.work("count", rounds=2))["n"] == 2
    await conf.completed(key)


async def test_a_buffered_message_interrupts_a_sub_process_as_it_starts(conf: Conf) -> None:
    """InterruptingEventSubprocessTest.shouldInterruptNestedSubprocess + messages#message-buffering:
    a sub-process's event sub-process takes a buffered message when the
    sub-process is entered; the sub-process's own path never starts and the process goes on."""
    await conf.deploy(
        model(
            "P_EsSubBuffer",
            start(),
            sub(
                "Sub",
                start("SubStart"),
                service("Task", "task"),
                end("SubEnd"),
                chain("SubStart", "Task", "SubEnd"),
                sub(
                    "OnEvent",
                    event_start("EvStart", message_ref("Msg")),
                    service("Handle", "handle"),
                    end("EvEnd"),
                    chain("EvStart", "Handle", "EvEnd"),
                    event=True,
                ),
            ),
            service("After", "after"),
            end(),
            chain("Start", "Sub", "After", "End"),
            defs=[message("Msg", "stop", "=key")],
        )
    )
    await conf.publish("stop", "k-8", ttl=MINUTE)
    key = await conf.start("P_EsSubBuffer", key="k-8")
    await conf.work("handle")
    await conf.work("after")
    await conf.completed(key)
    assert await conf.none_available("task")
    assert "SubEnd" not in conf.elements(key)
