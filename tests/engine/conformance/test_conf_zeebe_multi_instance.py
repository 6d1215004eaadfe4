"""Zeebe engine-suite behaviours: multi-instance bodies.

Ported from Zeebe's own engine tests (camunda/camunda, zeebe/engine/src/test/java/io/camunda/
zeebe/engine/processing/…) and the 8.8 docs they implement, observed through pyzeebe. Each test
names the Zeebe test (class.method), source or doc section it comes from; time moves with the
engine clock.
"""

from __future__ import annotations

import json
from typing import Any

from conf_bpmn import (
    chain,
    end,
    inp,
    io,
    model,
    multi,
    service,
    start,
    sub,
)
from conf_support import Conf, variables_of

from engine.api import Record

# --- multi-instance (bpmn/multiinstance/MultiInstanceActivityTest) -----------------------------


async def test_parallel_output_follows_the_input_order_not_completion_order(conf: Conf) -> None:
    """multi-instance#collecting-the-output; MultiInstanceBodyProcessor.beforeExecutionPathCompleted
    writes each output at the instance's loop counter: the collection keeps the input order."""
    loop = multi("=items", "item", output_collection="results", output_element="=r")
    await conf.deploy(
        model(
            "P_MiOrder",
            start(),
            service("Each", "each", loop=loop),
            end(),
            chain("Start", "Each", "End"),
        )
    )
    key = await conf.start("P_MiOrder", items=[1, 2, 3])
    jobs = await conf.jobs("each", 3)
    for job in sorted(jobs, key=lambda j: -variables_of(j)["item"]):
        await conf.complete(job, r=variables_of(job)["item"] * 10)
    await conf.completed(key)
    assert conf.variables(key)["results"] == [10, 20, 30]


# --- multi-instance details from MultiInstanceBodyProcessor -------------------------------------


def _mi(process_id: str, loop: str) -> str:
    return model(
        process_id,
        start(),
        service("Each", "each", loop=loop),
        service("After", "after"),
        end(),
        chain("Start", "Each", "After", "End"),
    )


async def test_a_sequential_multi_instance_reads_its_collection_for_each_iteration(
    conf: Conf,
) -> None:
    """MultiInstanceBodyProcessor.afterExecutionPathCompleted/onChildActivating: a sequential body
    evaluates the input collection again before each next instance, so an item added meanwhile
    gets its own iteration."""
    await conf.deploy(_mi("P_MiGrow", multi("=items", "item", sequential=True)))
    key = await conf.start("P_MiGrow", items=[1, 2])
    first = await conf.job("each")
    await conf.complete(first, items=[1, 2, 3])
    seen = [variables_of(first)["item"]]
    for _ in range(2):
        seen.append(variables_of(await conf.work("each"))["item"])
    await conf.work("after")
    await conf.completed(key)
    assert seen == [1, 2, 3]


async def test_the_completion_condition_sees_the_instances_local_variables(conf: Conf) -> None:
    """MultiInstanceBodyProcessor.satisfiesCompletionCondition evaluates in the completing
    instance's scope: its input element can decide (multi-instance#completion-condition)."""
    await conf.deploy(_mi("P_MiLocal", multi("=items", "item", completion='=item = "stop"')))
    key = await conf.start("P_MiLocal", items=["a", "stop", "c"])
    jobs = {variables_of(j)["item"]: j for j in await conf.jobs("each", 3)}
    await conf.complete(jobs["a"])
    assert await conf.none_available("after")
    await conf.complete(jobs["stop"])
    await conf.work("after")
    await conf.completed(key)
    assert conf.instances_of(key, "Each", "ELEMENT_TERMINATED") == 1


async def test_completion_condition_counters_include_the_completing_instance(
    conf: Conf,
) -> None:
    """MultiInstanceBodyProcessor.getNumberOf…Variable: while an instance completes,
    ``numberOfCompletedInstances`` already counts it and ``numberOfActiveInstances`` no longer
    does; ``numberOfInstances`` is the size of the collection."""
    condition = (
        "=numberOfInstances = 3 and numberOfCompletedInstances = 2"
        " and numberOfActiveInstances = 1 and numberOfTerminatedInstances = 0"
    )
    await conf.deploy(_mi("P_MiCount", multi("=items", "item", completion=condition)))
    key = await conf.start("P_MiCount", items=[1, 2, 3])
    jobs = await conf.jobs("each", 3)
    await conf.complete(jobs[0])
    assert await conf.none_available("after")
    await conf.complete(jobs[1])
    await conf.work("after")
    await conf.completed(key)
    assert conf.instances_of(key, "Each", "ELEMENT_TERMINATED") == 1


async def test_a_failing_completion_condition_is_an_incident_on_the_completing_instance(
    conf: Conf,
) -> None:
    """MultiInstanceBodyProcessor.beforeExecutionPathCompleted: a completion condition that is no
    boolean fails the completing inner instance (EXTRACT_VALUE_ERROR); after fixing the variable
    and resolving, the body completes."""
    await conf.deploy(_mi("P_MiBadCond", multi("=items", "item", completion="=done")))
    key = await conf.start("P_MiBadCond", items=[1, 2], done="yes")
    jobs = await conf.jobs("each", 2)
    await conf.complete(jobs[0])
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    inner = [
        r.key
        for r in conf.records(key, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED")
        if r.value["bpmnElementType"] == "SERVICE_TASK"
    ]
    assert incident.value["elementInstanceKey"] in inner
    await conf.set_variables(key, done=True)
    await conf.resolve(incident.key)
    await conf.work("after")
    await conf.completed(key)
    assert conf.instances_of(key, "Each", "ELEMENT_TERMINATED") == 1


async def test_number_of_instances_counts_the_sequential_iterations_created_so_far(
    conf: Conf,
) -> None:
    """MultiInstanceBodyProcessor.getNumberOfInstancesVariable reads the body's count of activated
    children (ProcessInstanceElementActivatingApplier.manageMultiInstance increments it per
    inner instance): for a sequential body it grows with each iteration."""
    loop = multi("=items", "item", sequential=True, completion="=numberOfInstances = 2")
    await conf.deploy(_mi("P_MiSeqCount", loop))
    key = await conf.start("P_MiSeqCount", items=[1, 2, 3])
    assert variables_of(await conf.work("each"))["item"] == 1
    assert variables_of(await conf.work("each"))["item"] == 2
    await conf.work("after")
    await conf.completed(key)
    assert conf.instances_of(key, "Each", "ELEMENT_ACTIVATED") == 3  # the body + two instances


async def test_output_is_collected_after_an_output_element_incident_is_resolved(
    conf: Conf,
) -> None:
    """MultiInstanceIncidentTest.shouldCollectOutputResultsForResolvedIncidentOfOutputElement
    Expression (camunda#6546): a failing outputElement raises an incident at the completing
    instance; once resolved, its output is collected with the others."""
    loop = multi(
        "=items",
        "item",
        output_collection="results",
        output_element="={x: assert(undefined_var, undefined_var != null)}",
    )
    await conf.deploy(_mi("P_MiOutInc", loop))
    key = await conf.start("P_MiOutInc", items=[1, 2, 3])
    jobs = await conf.jobs("each", 3)
    await conf.complete(jobs[0])
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    await conf.set_variables(key, undefined_var=1)
    await conf.resolve(incident.key)
    for job in jobs[1:]:
        await conf.complete(job)
    assert variables_of(await conf.work("after"))["results"] == [{"x": 1}] * 3
    await conf.completed(key)


async def test_resolving_an_input_mapping_incident_keeps_the_loop_variables(conf: Conf) -> None:
    """MultiInstanceIncidentTest.shouldUseTheSameLoopVariablesWhenIncidentResolved: each inner
    instance whose input mapping failed keeps its ``item``/``loopCounter`` when its incident is
    resolved (each is created once)."""
    await conf.deploy(
        model(
            "P_MiInInc",
            start(),
            sub(
                "Each",
                start("SubStart"),
                end("SubEnd"),
                chain("SubStart", "SubEnd"),
                ext=io(inp("=assert(y, y != null)", "y")),
                loop=multi("=items", "item"),
            ),
            end(),
            chain("Start", "Each", "End"),
        )
    )
    key = await conf.start("P_MiInInc", items=[1, 2, 3])

    def three_incidents(engine: Any) -> list[Record] | None:
        found = [
            r for r in engine.history(key) if r.value_type == "INCIDENT" and r.intent == "CREATED"
        ]
        return found if len(found) == 3 else None

    incidents = await conf.zeebe.harness.wait_until(three_incidents, what="three incidents")
    await conf.set_variables(key, y=1)
    for incident in incidents:
        await conf.resolve(incident.key)
    await conf.completed(key)
    loop_vars = [
        (r.intent, r.value["name"], json.loads(r.value["value"]))
        for r in conf.records(key, "VARIABLE")
        if r.value["name"] in ("item", "loopCounter")
    ]
    assert sorted(loop_vars) == sorted(
        [("CREATED", "item", n) for n in (1, 2, 3)]
        + [("CREATED", "loopCounter", n) for n in (1, 2, 3)]
    )
