"""Multi-instance activities: collections, loopCounter, output collection, completion condition.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/multi-instance/
"""

from __future__ import annotations

from conf_bpmn import (
    boundary,
    call,
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
    start,
    sub,
)
from conf_support import Conf, variables_of


def mi_process(process_id: str, loop: str, *ext: str, after: bool = True) -> str:
    parts = [start(), service("Each", "each", *ext, loop=loop), end()]
    if after:
        parts += [service("After", "after"), chain("Start", "Each", "After", "End")]
    else:
        parts += [chain("Start", "Each", "End")]
    return model(process_id, *parts)


async def test_each_instance_has_its_element_and_a_one_based_loop_counter(conf: Conf) -> None:
    """multi-instance#special-multi-instance-variables and #defining-the-collection: the input
    element and ``loopCounter`` (starting at 1) are local to each instance."""
    await conf.deploy(mi_process("P_Loop", multi("=items", "item")))
    await conf.start("P_Loop", items=["a", "b", "c"])
    jobs = await conf.jobs("each", 3)
    seen = sorted((variables_of(j)["loopCounter"], variables_of(j)["item"]) for j in jobs)
    assert seen == [(1, "a"), (2, "b"), (3, "c")]
    for job in jobs:
        await conf.complete(job)
    after = variables_of(await conf.job("after"))
    assert "item" not in after and "loopCounter" not in after


async def test_an_empty_collection_skips_the_activity_with_an_empty_output(conf: Conf) -> None:
    """multi-instance: an empty inputCollection completes the body at once, no instances are
    created, and an empty array is propagated as outputCollection."""
    loop = multi("=items", "item", output_collection="results", output_element="=result")
    await conf.deploy(mi_process("P_Empty", loop))
    key = await conf.start("P_Empty", items=[])
    assert variables_of(await conf.job("after"))["results"] == []
    assert conf.records(key, "JOB", "CREATED")[0].value["type"] == "after"


async def test_the_input_collection_must_be_an_array(conf: Conf) -> None:
    """multi-instance#defining-the-collection: the expression must result in an array; otherwise
    an incident, which can be resolved after fixing the variable."""
    await conf.deploy(mi_process("P_NotList", multi("=items", "item")))
    key = await conf.start("P_NotList", items="abc")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "EXTRACT_VALUE_ERROR"
    assert incident.value["elementId"] == "Each"
    await conf.set_variables(key, items=["x"])
    await conf.resolve(incident.key)
    await conf.work("each")
    await conf.work("after")


async def test_the_completion_condition_ends_the_body_early(conf: Conf) -> None:
    """multi-instance#completion-condition: evaluated each time an instance completes; when true
    the remaining instances are terminated and the body completes. ``numberOf…`` properties are
    available there but are not process variables."""
    loop = multi(
        "=items",
        "item",
        output_collection="results",
        output_element="=result",
        completion="=numberOfCompletedInstances >= 2",
    )
    await conf.deploy(mi_process("P_Early", loop))
    key = await conf.start("P_Early", items=[1, 2, 3])
    jobs = {variables_of(j)["item"]: j for j in await conf.jobs("each", 3)}
    await conf.complete(jobs[1], result="one")
    await conf.complete(jobs[3], result="three")
    after = variables_of(await conf.job("after"))
    assert after["results"] == ["one", None, "three"]
    assert not {"numberOfInstances", "numberOfCompletedInstances"} & set(after)
    assert conf.instances_of(key, "Each", "ELEMENT_TERMINATED") == 1
    assert await conf.none_available("each")


async def test_sequential_instances_run_one_after_another_in_order(conf: Conf) -> None:
    """multi-instance#sequential-vs-parallel: one instance at a time, the next created when the
    previous completes."""
    loop = multi("=items", "item", sequential=True)
    await conf.deploy(mi_process("P_Seq", loop))
    await conf.start("P_Seq", items=["x", "y"])
    first = await conf.job("each")
    assert variables_of(first)["item"] == "x"
    assert await conf.none_available("each")
    await conf.complete(first)
    assert variables_of(await conf.work("each"))["item"] == "y"
    await conf.job("after")


async def test_mappings_apply_per_instance_and_see_its_locals(conf: Conf) -> None:
    """multi-instance#variable-mappings: input mappings run on each instance and may read the
    input element and loopCounter; output mappings can set the outputElement variable."""
    loop = multi("=items", "item", output_collection="results", output_element="=res")
    mapping = io(inp('=item.name + "#" + string(loopCounter)', "label"), out("=value", "res"))
    await conf.deploy(mi_process("P_MiMap", loop, mapping))
    await conf.start("P_MiMap", items=[{"name": "a"}, {"name": "b"}])
    jobs = await conf.jobs("each", 2)
    labels = sorted(variables_of(j)["label"] for j in jobs)
    assert labels == ["a#1", "b#2"]
    for job in jobs:
        await conf.complete(job, value=variables_of(job)["label"].upper(), other=1)
    after = variables_of(await conf.job("after"))
    assert after["results"] == ["A#1", "B#2"]
    assert "value" not in after and "other" not in after


async def test_an_interrupting_boundary_on_the_body_drops_partial_output(conf: Conf) -> None:
    """multi-instance#boundary-events: an interrupting boundary terminates the body and all
    instances; the outputCollection is not propagated."""
    loop = multi("=items", "item", output_collection="results", output_element="=result")
    await conf.deploy(
        model(
            "P_MiCancel",
            start(),
            service("Each", "each", loop=loop),
            boundary("Cancel", "Each", message_ref("Msg")),
            service("Cancelled", "cancelled"),
            end(),
            end("CancelEnd"),
            chain("Start", "Each", "End"),
            chain("Cancel", "Cancelled", "CancelEnd"),
            defs=[message("Msg", "cancel", "=orderId")],
        )
    )
    key = await conf.start("P_MiCancel", items=[1, 2], orderId="o-1")
    jobs = await conf.jobs("each", 2)
    await conf.complete(jobs[0], result="done")
    await conf.publish("cancel", "o-1")
    assert "results" not in variables_of(await conf.job("cancelled"))
    assert conf.instances_of(key, "Each", "ELEMENT_TERMINATED") >= 2


async def test_a_multi_instance_sub_process_collects_an_expression_output(conf: Conf) -> None:
    """multi-instance: any activity, e.g. an embedded sub-process; the outputElement may be an
    expression over the instance's variables."""
    loop = multi("=items", "item", output_collection="out", output_element="=item * 10")
    inner = sub(
        "Sub",
        start("SubStart"),
        service("Inner", "inner"),
        end("SubEnd"),
        chain("SubStart", "Inner", "SubEnd"),
        loop=loop,
    )
    await conf.deploy(
        model(
            "P_MiSub",
            start(),
            inner,
            service("After", "after"),
            end(),
            chain("Start", "Sub", "After", "End"),
        )
    )
    await conf.start("P_MiSub", items=[1, 2])
    jobs = await conf.jobs("inner", 2)
    assert sorted(variables_of(j)["loopCounter"] for j in jobs) == [1, 2]
    for job in jobs:
        await conf.complete(job)
    assert variables_of(await conf.job("after"))["out"] == [10, 20]


async def test_a_sequential_completion_condition_skips_the_remaining_items(conf: Conf) -> None:
    """multi-instance#completion-condition: for a sequential body no further instance is
    created once the condition holds."""
    loop = multi("=items", "item", sequential=True, completion="=done")
    await conf.deploy(mi_process("P_SeqDone", loop))
    key = await conf.start("P_SeqDone", items=[1, 2, 3], done=False)
    await conf.work("each", done=True)
    await conf.job("after")
    assert conf.instances_of(key, "Each", "ELEMENT_COMPLETED") == 2  # one inner + the body


async def test_a_parallel_multi_instance_call_activity_collects_mapped_results(
    conf: Conf,
) -> None:
    """multi-instance#variable-mappings example: a parallel multi-instance call activity with an
    output mapping ``x → output`` fills the output collection without races."""
    child = model("P_MiChild", start(), service("Task", "cw"), end(), chain("Start", "Task", "End"))
    loop = multi("=items", "item", output_collection="results", output_element="=output")
    parent = model(
        "P_MiParent",
        start(),
        call("Call", "P_MiChild", io(out("=x", "output")), loop=loop),
        service("After", "after"),
        end(),
        chain("Start", "Call", "After", "End"),
    )
    await conf.deploy(child, parent)
    await conf.start("P_MiParent", items=[1, 2])
    for job in await conf.jobs("cw", 2):
        await conf.complete(job, x=variables_of(job)["item"] * 100)
    assert variables_of(await conf.job("after"))["results"] == [100, 200]


async def test_an_output_element_that_was_never_set_is_collected_as_null(conf: Conf) -> None:
    """multi-instance#collecting-the-output: if the outputElement variable is not updated,
    null is inserted; order follows the input collection."""
    loop = multi("=items", "item", output_collection="results", output_element="=result")
    await conf.deploy(mi_process("P_NullOut", loop))
    await conf.start("P_NullOut", items=[1, 2, 3])
    jobs = {variables_of(j)["item"]: j for j in await conf.jobs("each", 3)}
    await conf.complete(jobs[3], result="c")
    await conf.complete(jobs[2])
    await conf.complete(jobs[1], result="a")
    assert variables_of(await conf.job("after"))["results"] == ["a", None, "c"]


async def test_a_for_expression_gives_a_loop_cardinality(conf: Conf) -> None:
    """multi-instance#defining-the-collection tip: ``for i in 1..n return i`` iterates n times."""
    await conf.deploy(
        mi_process("P_Cardinality", multi("=for i in 1..n return i", "i"), after=False)
    )
    key = await conf.start("P_Cardinality", n=3)
    for job in await conf.jobs("each", 3):
        await conf.complete(job)
    await conf.completed(key)


async def test_job_results_update_the_iterations_local_input_element(conf: Conf) -> None:
    """multi-instance#variable-mappings + variables#variable-propagation: the input element is
    local to the iteration, so a job result with the same name updates it there; other
    variables propagate to the root scope."""
    await conf.deploy(mi_process("P_MiLocal", multi("=items", "item")))
    await conf.start("P_MiLocal", items=["a"])
    await conf.work("each", item="changed", other=1)
    seen = variables_of(await conf.job("after"))
    assert "item" not in seen and seen["other"] == 1 and seen["items"] == ["a"]
