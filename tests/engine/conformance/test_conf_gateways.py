"""Gateways: exclusive, inclusive (fork and join), parallel, event-based.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/exclusive-gateways/,
.../inclusive-gateways/, .../parallel-gateways/, .../event-based-gateways/
"""

from __future__ import annotations

from conf_bpmn import (
    catch,
    chain,
    end,
    flow,
    gateway,
    message,
    message_ref,
    model,
    service,
    signal,
    signal_ref,
    start,
    timer,
)
from conf_support import Conf, variables_of


async def test_exclusive_gateway_takes_the_first_fulfilled_condition_in_order(conf: Conf) -> None:
    """exclusive-gateways: conditions are evaluated in order; the first fulfilled one is taken."""
    await conf.deploy(
        model(
            "P_First",
            start(),
            gateway("exclusive", "Gw"),
            end("EndA"),
            end("EndB"),
            chain("Start", "Gw"),
            flow("Gw", "EndA", "=x > 1"),
            flow("Gw", "EndB", "=x > 0"),
        )
    )
    key = await conf.start("P_First", x=5)
    await conf.completed(key)
    assert "EndA" in conf.elements(key) and "EndB" not in conf.elements(key)


def inclusive(process_id: str, *, default: bool) -> str:
    parts = [
        start(),
        gateway("inclusive", "Fork", default="Flow_Fork_TaskC" if default else None),
        service("TaskA", "incl-a"),
        service("TaskB", "incl-b"),
        gateway("inclusive", "Join"),
        service("After", "joined"),
        end(),
        chain("Start", "Fork"),
        flow("Fork", "TaskA", '=list contains(courses, "pasta")'),
        flow("Fork", "TaskB", '=list contains(courses, "salad")'),
        chain("TaskA", "Join"),
        chain("TaskB", "Join"),
        chain("Join", "After", "End"),
    ]
    if default:
        parts += [service("TaskC", "incl-c"), chain("Fork", "TaskC"), chain("TaskC", "Join")]
    return model(process_id, *parts)


async def test_inclusive_join_waits_only_for_the_paths_that_were_taken(conf: Conf) -> None:
    """inclusive-gateways: the join completes when no path from an active node leads to it."""
    await conf.deploy(inclusive("P_InclOne", default=False))
    key = await conf.start("P_InclOne", courses=["pasta"])
    await conf.work("incl-a")
    await conf.work("joined")
    await conf.completed(key)
    assert "TaskB" not in conf.elements(key, "ELEMENT_ACTIVATED")


async def test_inclusive_join_waits_for_every_taken_path(conf: Conf) -> None:
    """inclusive-gateways: all fulfilled flows are taken and merged before continuing."""
    await conf.deploy(inclusive("P_InclBoth", default=False))
    key = await conf.start("P_InclBoth", courses=["pasta", "salad"])
    await conf.work("incl-a")
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "TaskA")
    assert await conf.none_available("joined")
    await conf.work("incl-b")
    await conf.work("joined")
    await conf.completed(key)
    assert conf.elements(key).count("Join") == 1


async def test_inclusive_gateway_without_match_or_default_is_an_incident(conf: Conf) -> None:
    """inclusive-gateways: no fulfilled condition and no default flow → incident; after fixing
    the variables and resolving it, the instance continues."""
    await conf.deploy(inclusive("P_InclNone", default=False))
    key = await conf.start("P_InclNone", courses=[])
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "CONDITION_ERROR"
    assert incident.value["elementId"] == "Fork"
    await conf.set_variables(key, courses=["salad"])
    await conf.resolve(incident.key)
    await conf.work("incl-b")


async def test_inclusive_default_flow_is_taken_only_when_nothing_else_is(conf: Conf) -> None:
    """inclusive-gateways: the default flow is taken if no condition is fulfilled."""
    await conf.deploy(inclusive("P_InclDefault", default=True))
    key = await conf.start("P_InclDefault", courses=["steak"])
    await conf.work("incl-c")
    await conf.work("joined")
    await conf.completed(key)
    other = await conf.start("P_InclDefault", courses=["pasta"])
    await conf.work("incl-a")
    await conf.work("joined")
    await conf.completed(other)
    assert "TaskC" not in conf.elements(other, "ELEMENT_ACTIVATED")


async def test_parallel_join_needs_a_token_on_every_incoming_flow(conf: Conf) -> None:
    """parallel-gateways: the join waits until all incoming flows were taken once."""
    await conf.deploy(
        model(
            "P_Par",
            start(),
            gateway("parallel", "Fork"),
            service("A", "par-a"),
            service("B", "par-b"),
            service("C", "par-c"),
            gateway("parallel", "Join"),
            service("After", "joined"),
            end(),
            chain("Start", "Fork"),
            chain("Fork", "A", "Join"),
            chain("Fork", "B", "Join"),
            chain("Fork", "C", "Join"),
            chain("Join", "After", "End"),
        )
    )
    key = await conf.start("P_Par")
    await conf.work("par-a")
    await conf.work("par-c")
    assert await conf.none_available("joined")
    await conf.work("par-b")
    await conf.work("joined")
    await conf.completed(key)


def event_based(process_id: str) -> str:
    return model(
        process_id,
        start(),
        gateway("eventBased", "Gw"),
        catch("Paid", message_ref("Msg")),
        catch("Timeout", timer(duration="PT15M")),
        service("Ship", "ship"),
        service("Remind", "remind"),
        end(),
        end("TimeoutEnd"),
        chain("Start", "Gw"),
        chain("Gw", "Paid", "Ship", "End"),
        chain("Gw", "Timeout", "Remind", "TimeoutEnd"),
        defs=[message("Msg", "paid", "=orderId")],
    )


async def test_event_based_gateway_the_first_event_wins_and_closes_the_others(
    conf: Conf,
) -> None:
    """event-based-gateways: the first triggered event is taken; the other subscriptions are
    closed, so a later message does not correlate."""
    await conf.deploy(event_based("P_EvTimer"))
    key = await conf.start("P_EvTimer", orderId="o-1")
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(15 * 60_000)
    await conf.work("remind")
    await conf.completed(key)
    await conf.publish("paid", "o-1", ttl=0)
    assert await conf.none_available("ship")
    assert "Paid" not in conf.elements(key, "ELEMENT_ACTIVATED")


async def test_event_based_gateway_message_variables_are_merged(conf: Conf) -> None:
    """event-based-gateways + message-events#variable-mappings: the message's variables are
    merged into the instance; the timer is canceled."""
    await conf.deploy(event_based("P_EvMsg"))
    key = await conf.start("P_EvMsg", orderId="o-2")
    await conf.record(key, "TIMER", "CREATED")
    await conf.publish("paid", "o-2", variables={"total": 9})
    assert variables_of(await conf.job("ship"))["total"] == 9
    conf.advance(30 * 60_000)
    assert await conf.none_available("remind")


async def test_an_inclusive_gateway_with_one_conditional_flow_still_checks_it(conf: Conf) -> None:
    """inclusive-gateways: no fulfilled condition and no default → incident, also when the
    gateway has a single (conditional) outgoing flow (camunda/camunda#13936)."""
    await conf.deploy(
        model(
            "P_InclSingle",
            start(),
            gateway("inclusive", "Gw"),
            end(),
            chain("Start", "Gw"),
            flow("Gw", "End", "=false"),
        )
    )
    key = await conf.start("P_InclSingle")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "CONDITION_ERROR"


async def test_an_exclusive_gateway_merges_without_synchronising(conf: Conf) -> None:
    """exclusive-gateways: a converging exclusive gateway passes every arriving token on."""
    await conf.deploy(
        model(
            "P_XorMerge",
            start(),
            gateway("parallel", "Fork"),
            gateway("exclusive", "Merge"),
            service("After", "after"),
            end(),
            chain("Start", "Fork"),
            flow("Fork", "Merge", flow_id="Flow_1"),
            flow("Fork", "Merge", flow_id="Flow_2"),
            chain("Merge", "After", "End"),
        )
    )
    key = await conf.start("P_XorMerge")
    for job in await conf.jobs("after", 2):
        await conf.complete(job)
    await conf.completed(key)


async def test_flows_without_gateways_split_and_merge_implicitly(conf: Conf) -> None:
    """bpmn-coverage / BPMN semantics Zeebe follows: several unconditional outgoing flows of a
    task all get a token (implicit fork); a task with several incoming flows is activated once
    per arriving token (no synchronisation)."""
    await conf.deploy(
        model(
            "P_Implicit",
            start(),
            service("A", "a"),
            service("B", "b"),
            service("C", "c"),
            service("D", "d"),
            end(),
            chain("Start", "A"),
            chain("A", "B", "D"),
            chain("A", "C", "D"),
            chain("D", "End"),
        )
    )
    key = await conf.start("P_Implicit")
    await conf.work("a")
    await conf.work("b")
    await conf.work("c")
    for job in await conf.jobs("d", 2):
        await conf.complete(job)
    await conf.completed(key)


async def test_an_event_based_gateway_may_wait_for_a_signal(conf: Conf) -> None:
    """event-based-gateways: the events may be message, timer or signal catch events."""
    await conf.deploy(
        model(
            "P_EvSignal",
            start(),
            gateway("eventBased", "Gw"),
            catch("Go", signal_ref("Sig")),
            catch("Timeout", timer(duration="PT1H")),
            end(),
            end("TimeoutEnd"),
            chain("Start", "Gw"),
            chain("Gw", "Go", "End"),
            chain("Gw", "Timeout", "TimeoutEnd"),
            defs=[signal("Sig", "go-now")],
        )
    )
    key = await conf.start("P_EvSignal")
    await conf.record(key, "TIMER", "CREATED")
    await conf.client.broadcast_signal("go-now")
    await conf.completed(key)
    assert "End" in conf.elements(key) and "TimeoutEnd" not in conf.elements(key)


async def test_inclusive_join_waits_for_a_path_still_waiting_for_a_message(conf: Conf) -> None:
    """inclusive-gateways: the join completes only when no path from an active flow node (here
    a message catch event) leads to it."""
    await conf.deploy(
        model(
            "P_InclWait",
            start(),
            gateway("inclusive", "Fork"),
            service("A", "a"),
            catch("B", message_ref("Msg")),
            gateway("inclusive", "Join"),
            service("After", "after"),
            end(),
            chain("Start", "Fork"),
            flow("Fork", "A", "=true"),
            flow("Fork", "B", "=true"),
            chain("A", "Join"),
            chain("B", "Join"),
            chain("Join", "After", "End"),
            defs=[message("Msg", "go-on", "=orderId")],
        )
    )
    key = await conf.start("P_InclWait", orderId="o-40")
    await conf.work("a")
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "A")
    assert await conf.none_available("after")
    await conf.publish("go-on", "o-40")
    await conf.work("after")
    await conf.completed(key)
