"""Timers: date, duration, cycle (ISO 8601 repeating intervals and cron), start/catch/boundary.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/timer-events/
Time is moved with the engine's controlled clock, never slept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from conf_bpmn import boundary, catch, chain, end, model, service, start, timer
from conf_support import Conf
from pyzeebe.proto import gateway_pb2 as pb

MINUTE = 60_000
HOUR = 60 * MINUTE


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def waits(process_id: str, definition: str) -> str:
    """Start → timer catch → task ``after`` → end."""
    return model(
        process_id,
        start(),
        catch("Timer", definition),
        service("After", f"{process_id}-after"),
        end(),
        chain("Start", "Timer", "After", "End"),
    )


def timer_start(process_id: str, definition: str, job_type: str) -> str:
    return model(
        process_id,
        start("Start", definition),
        service("Task", job_type),
        end(),
        chain("Start", "Task", "End"),
    )


async def test_a_duration_timer_never_fires_early(conf: Conf) -> None:
    """timer-events#intermediate-timer-catch-events: the instance waits until the timer is due;
    timers never trigger earlier than the due date."""
    await conf.deploy(waits("P_Dur", timer(duration="PT10M")))
    key = await conf.start("P_Dur")
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(10 * MINUTE - 1_000)
    assert await conf.none_available("P_Dur-after")
    conf.advance(1_000)
    assert (await conf.job("P_Dur-after")).processInstanceKey == key


async def test_zero_or_negative_durations_fire_immediately(conf: Conf) -> None:
    """timer-events#time-duration: "If the duration is zero or negative, the timer fires
    immediately." """
    await conf.deploy(waits("P_Zero", timer(duration="PT0S")))
    key = await conf.start("P_Zero")
    assert (await conf.job("P_Zero-after")).processInstanceKey == key


async def test_a_duration_expression_may_build_the_iso_text(conf: Conf) -> None:
    """timer-events#timers: an expression yields an ISO 8601 string or a temporal value."""
    await conf.deploy(
        waits("P_DurText", timer(duration='="PT" + string(minutes) + "M"')),
        waits("P_DurValue", timer(duration="=duration(wait)")),
    )
    text = await conf.start("P_DurText", minutes=5)
    value = await conf.start("P_DurValue", wait="PT5M")
    await conf.record(text, "TIMER", "CREATED")
    await conf.record(value, "TIMER", "CREATED")
    conf.advance(5 * MINUTE)
    await conf.job("P_DurText-after")
    await conf.job("P_DurValue-after")


async def test_a_date_timer_fires_at_its_date(conf: Conf) -> None:
    """timer-events#time-date: an ISO 8601 date-time, here from a variable."""
    await conf.deploy(waits("P_Date", timer(date="=dueAt")))
    key = await conf.start("P_Date", dueAt=iso(conf.now_ms() + 2 * HOUR))
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(HOUR)
    assert await conf.none_available("P_Date-after")
    conf.advance(HOUR + 1_000)
    await conf.job("P_Date-after")


async def test_a_date_in_the_past_fires_at_once(conf: Conf) -> None:
    """timer-events#timers: timers trigger at or after their due date; a past date is due."""
    await conf.deploy(waits("P_Past", timer(date="2019-10-01T12:00:00Z")))
    key = await conf.start("P_Past")
    assert (await conf.job("P_Past-after")).processInstanceKey == key


async def test_a_timer_start_cycle_creates_one_instance_per_repetition(conf: Conf) -> None:
    """timer-events#timer-start-events and #time-cycle: ``R2/PT1M`` creates an instance every
    minute, twice."""
    await conf.deploy(timer_start("P_Cycle", timer(cycle="R2/PT1M"), "cycle"))
    assert await conf.none_available("cycle")
    conf.advance(MINUTE)
    await conf.work("cycle")
    conf.advance(MINUTE)
    await conf.work("cycle")
    conf.advance(10 * MINUTE)
    assert await conf.none_available("cycle")


async def test_a_new_version_cancels_the_timer_start_events_of_the_old_one(conf: Conf) -> None:
    """timer-events#timer-start-events: scheduled timers of the previous version are canceled."""
    await conf.deploy(timer_start("P_Redeploy", timer(cycle="R/PT1M"), "old"))
    await conf.deploy(timer_start("P_Redeploy", timer(cycle="R/PT1M"), "new"))
    conf.advance(MINUTE)
    job = await conf.job("new")
    assert job.processDefinitionVersion == 2
    assert await conf.none_available("old")


async def test_a_timer_start_date_creates_one_instance(conf: Conf) -> None:
    """timer-events#timer-start-events: a time date start event triggers once."""
    await conf.deploy(timer_start("P_StartDate", timer(date=iso(conf.now_ms() + HOUR)), "dated"))
    conf.advance(HOUR + 1_000)
    await conf.work("dated")
    conf.advance(24 * HOUR)
    assert await conf.none_available("dated")


async def test_a_cycle_may_have_a_start_time(conf: Conf) -> None:
    """timer-events#time-cycle: ``R2/<start>/PT1H`` fires first at the start time, then hourly."""
    first = conf.now_ms() + 30 * MINUTE
    await conf.deploy(timer_start("P_CycleStart", timer(cycle=f"R2/{iso(first)}/PT1H"), "tick"))
    conf.advance(20 * MINUTE)
    assert await conf.none_available("tick")
    conf.advance(11 * MINUTE)
    await conf.work("tick")
    conf.advance(HOUR)
    await conf.work("tick")
    conf.advance(5 * HOUR)
    assert await conf.none_available("tick")


async def test_a_cron_cycle_fires_on_its_schedule(conf: Conf) -> None:
    """timer-events#time-cycle: Spring cron expressions (with seconds), in UTC."""
    await conf.deploy(timer_start("P_Cron", timer(cycle="0 0 9 * * *"), "daily"))
    now = datetime.fromtimestamp(conf.now_ms() / 1000, UTC)
    nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
    if nine <= now:
        nine += timedelta(days=1)
    until_nine = int((nine - now).total_seconds() * 1000)
    conf.advance(until_nine - 2_000)
    assert await conf.none_available("daily")
    conf.advance(3_000)
    await conf.work("daily")
    conf.advance(24 * HOUR)
    await conf.work("daily")


def with_boundary(process_id: str, definition: str, *, interrupting: bool) -> str:
    return model(
        process_id,
        start(),
        service("Task", f"{process_id}-work"),
        boundary("Timer", "Task", definition, interrupting=interrupting),
        service("OnTimer", f"{process_id}-timer"),
        end(),
        end("TimerEnd"),
        chain("Start", "Task", "End"),
        chain("Timer", "OnTimer", "TimerEnd"),
    )


async def test_an_interrupting_timer_boundary_terminates_the_activity(conf: Conf) -> None:
    """timer-events#timer-boundary-events: when the timer triggers the activity is terminated."""
    await conf.deploy(with_boundary("P_Timeout", timer(duration="PT5M"), interrupting=True))
    key = await conf.start("P_Timeout")
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(5 * MINUTE)
    await conf.work("P_Timeout-timer")
    await conf.completed(key)
    assert "Task" in conf.elements(key, "ELEMENT_TERMINATED")
    assert await conf.none_available("P_Timeout-work")


async def test_a_non_interrupting_cycle_boundary_repeats_its_repetitions(conf: Conf) -> None:
    """timer-events#timer-boundary-events: a cycle with repetitions reschedules until reached;
    the activity stays active."""
    await conf.deploy(with_boundary("P_Remind", timer(cycle="R3/PT10S"), interrupting=False))
    key = await conf.start("P_Remind")
    await conf.record(key, "TIMER", "CREATED")
    for _ in range(5):
        conf.advance(10_000)
    reminders = await conf.jobs("P_Remind-timer", 3)
    assert await conf.none_available("P_Remind-timer")
    for job in reminders:
        await conf.complete(job)
    await conf.work("P_Remind-work")
    await conf.completed(key)


async def test_a_non_interrupting_duration_boundary_fires_once(conf: Conf) -> None:
    """timer-events#timer-boundary-events: defined with a duration it triggers a single time."""
    await conf.deploy(with_boundary("P_Once", timer(duration="PT10S"), interrupting=False))
    key = await conf.start("P_Once")
    await conf.record(key, "TIMER", "CREATED")
    for _ in range(3):
        conf.advance(10_000)
    await conf.work("P_Once-timer")
    assert await conf.none_available("P_Once-timer")
    assert not await conf.none_available("P_Once-work")


async def test_an_unusable_timer_expression_raises_an_incident(conf: Conf) -> None:
    """incidents / timer-events#timers: the expression must yield an ISO 8601 duration; else an
    incident, resolved once the variable is fixed."""
    await conf.deploy(waits("P_BadTimer", timer(duration="=wait")))
    key = await conf.start("P_BadTimer", wait="soon")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    assert incident.value["elementId"] == "Timer"
    await conf.set_variables(key, wait="PT1S")
    await conf.resolve(incident.key)
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(1_000)
    await conf.job("P_BadTimer-after")


async def test_a_timer_start_expression_is_evaluated_at_deployment(conf: Conf) -> None:
    """timer-events#timers: an expression of a timer start event is evaluated on deploying."""
    await conf.deploy(timer_start("P_StartExpr", timer(cycle='="R2/PT1M"'), "expr-tick"))
    conf.advance(MINUTE)
    await conf.work("expr-tick")


async def test_an_endless_cycle_boundary_stops_with_its_activity(conf: Conf) -> None:
    """timer-events#time-cycle: ``R/PT1M`` repeats until canceled — leaving the activity
    cancels it."""
    await conf.deploy(with_boundary("P_Endless", timer(cycle="R/PT1M"), interrupting=False))
    key = await conf.start("P_Endless")
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(MINUTE)
    conf.advance(MINUTE)
    for job in await conf.jobs("P_Endless-timer", 2):
        await conf.complete(job)
    await conf.work("P_Endless-work")
    await conf.completed(key)
    conf.advance(10 * MINUTE)
    assert await conf.none_available("P_Endless-timer")


async def test_deleting_the_latest_version_rearms_the_previous_timer_start(conf: Conf) -> None:
    """resource-deletion (process definitions): start events of the previous version become
    active again when the latest version is deleted."""
    await conf.deploy(timer_start("P_Rearm", timer(cycle="R/PT1M"), "rearm-v1"))
    second = await conf.deploy(timer_start("P_Rearm", timer(cycle="R/PT1M"), "rearm-v2"))
    key = second.deployments[0].process_definition_key
    await conf.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=key))
    conf.advance(MINUTE)
    await conf.work("rearm-v1")
    assert await conf.none_available("rearm-v2")


async def test_a_date_with_a_utc_offset_or_zone_id_is_that_instant(conf: Conf) -> None:
    """timer-events#time-date: ISO 8601 date-times with an offset (``+08:00``) or an offset and
    zone id (``+08:00[Asia/Shanghai]``) name an instant; the timer fires then, not earlier."""
    due = datetime.fromtimestamp(conf.now_ms() / 1000, UTC) + timedelta(hours=2)
    beijing = due.astimezone(timezone(timedelta(hours=8)))
    await conf.deploy(waits("P_Offset", timer(date="=due")))
    plain = await conf.start("P_Offset", due=beijing.strftime("%Y-%m-%dT%H:%M:%S+08:00"))
    zoned = await conf.start(
        "P_Offset", due=beijing.strftime("%Y-%m-%dT%H:%M:%S+08:00[Asia/Shanghai]")
    )
    await conf.record(plain, "TIMER", "CREATED")
    await conf.record(zoned, "TIMER", "CREATED")
    conf.advance(2 * HOUR - MINUTE)
    assert await conf.none_available("P_Offset-after")
    conf.advance(MINUTE + 1_000)
    await conf.jobs("P_Offset-after", 2)
