"""Signal events: broadcast to every subscription, start one instance per process.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/signal-events/
"""

from __future__ import annotations

from conf_bpmn import (
    boundary,
    catch,
    chain,
    end,
    inp,
    io,
    model,
    out,
    service,
    signal,
    signal_ref,
    start,
    throw,
)
from conf_support import Conf, variables_of


def waits_for_signal(process_id: str, name: str, after: str) -> str:
    return model(
        process_id,
        start(),
        catch("Wait", signal_ref("Sig")),
        service("After", after),
        end(),
        chain("Start", "Wait", "After", "End"),
        defs=[signal("Sig", name)],
    )


async def test_a_signal_triggers_every_waiting_instance_across_processes(conf: Conf) -> None:
    """signal-events: a broadcast triggers all instances waiting at a matching catch event, even
    across different processes; its variables are merged."""
    await conf.deploy(
        waits_for_signal("P_SigA", "go", "after-a"), waits_for_signal("P_SigB", "go", "after-b")
    )
    keys = [await conf.start("P_SigA"), await conf.start("P_SigA"), await conf.start("P_SigB")]
    for key in keys:
        await conf.active(key, "Wait")
    await conf.client.broadcast_signal("go", {"by": "ops"})
    jobs = await conf.jobs("after-a", 2) + [await conf.job("after-b")]
    assert sorted(j.processInstanceKey for j in jobs) == sorted(keys)
    assert all(variables_of(j)["by"] == "ops" for j in jobs)


async def test_a_signal_start_event_starts_one_instance_per_process(conf: Conf) -> None:
    """signal-events#signal-start-events: one broadcast creates an instance of each process with
    a matching signal start event."""

    def starts(process_id: str, job_type: str) -> str:
        return model(
            process_id,
            start("Start", signal_ref("Sig")),
            service("Task", job_type),
            end(),
            chain("Start", "Task", "End"),
            defs=[signal("Sig", "launch")],
        )

    await conf.deploy(starts("P_SigStartA", "launched-a"), starts("P_SigStartB", "launched-b"))
    await conf.client.broadcast_signal("launch", {"n": 1})
    assert variables_of(await conf.job("launched-a"))["n"] == 1
    await conf.job("launched-b")
    assert await conf.none_available("launched-a")


async def test_a_non_interrupting_signal_boundary_fires_for_each_broadcast(conf: Conf) -> None:
    """signal-events#signal-boundary-events: a non-interrupting boundary keeps the activity and
    can be triggered by several broadcasts."""
    await conf.deploy(
        model(
            "P_SigBoundary",
            start(),
            service("Task", "work"),
            boundary("Ping", "Task", signal_ref("Sig"), interrupting=False),
            service("OnPing", "pinged"),
            end(),
            end("PingEnd"),
            chain("Start", "Task", "End"),
            chain("Ping", "OnPing", "PingEnd"),
            defs=[signal("Sig", "ping")],
        )
    )
    key = await conf.start("P_SigBoundary")
    await conf.active(key, "Task")
    await conf.client.broadcast_signal("ping")
    await conf.client.broadcast_signal("ping")
    for job in await conf.jobs("pinged", 2):
        await conf.complete(job)
    await conf.work("work")
    await conf.completed(key)


async def test_a_new_version_replaces_the_signal_start_subscription(conf: Conf) -> None:
    """signal-events#signal-start-events: subscriptions exist only for the latest version."""

    def starts(job_type: str) -> str:
        return model(
            "P_SigVersion",
            start("Start", signal_ref("Sig")),
            service("Task", job_type),
            end(),
            chain("Start", "Task", "End"),
            defs=[signal("Sig", "launch")],
        )

    await conf.deploy(starts("v1"))
    await conf.deploy(starts("v2"))
    await conf.client.broadcast_signal("launch")
    await conf.job("v2")
    assert await conf.none_available("v1")


async def test_a_signal_catch_output_mapping_restricts_merged_variables(conf: Conf) -> None:
    """signal-events#variable-mappings: by default all signal variables are merged; an output
    mapping at the catch event selects them."""
    await conf.deploy(
        model(
            "P_SigOut",
            start(),
            catch("Wait", signal_ref("Sig"), ext=io(out("=a", "fromSignal"))),
            service("After", "after"),
            end(),
            chain("Start", "Wait", "After", "End"),
            defs=[signal("Sig", "sig-out")],
        )
    )
    key = await conf.start("P_SigOut")
    await conf.active(key, "Wait")
    await conf.client.broadcast_signal("sig-out", {"a": 1, "b": 2})
    seen = variables_of(await conf.job("after"))
    assert seen["fromSignal"] == 1 and "a" not in seen and "b" not in seen


async def test_an_interrupting_signal_boundary_terminates_the_activity(conf: Conf) -> None:
    """signal-events#signal-boundary-events: an interrupting boundary terminates the activity;
    its job is gone."""
    await conf.deploy(
        model(
            "P_SigAbort",
            start(),
            service("Task", "work"),
            boundary("Abort", "Task", signal_ref("Sig")),
            end(),
            end("AbortEnd"),
            chain("Start", "Task", "End"),
            chain("Abort", "AbortEnd"),
            defs=[signal("Sig", "abort")],
        )
    )
    key = await conf.start("P_SigAbort")
    job = await conf.job("work")
    await conf.client.broadcast_signal("abort")
    await conf.completed(key)
    assert "AbortEnd" in conf.elements(key)
    assert await conf.none_available("work")
    assert job.key in [r.key for r in conf.records(key, "JOB", "CANCELED")]


async def test_a_signal_end_event_broadcasts(conf: Conf) -> None:
    """signal-events#signal-throw-events: a signal end event broadcasts when entered."""
    thrower = model(
        "P_SigEnd",
        start(),
        end("Done", signal_ref("Sig")),
        chain("Start", "Done"),
        defs=[signal("Sig", "all-done")],
    )
    await conf.deploy(waits_for_signal("P_SigEndWait", "all-done", "after-signal"), thrower)
    waiting = await conf.start("P_SigEndWait")
    await conf.active(waiting, "Wait")
    await conf.completed(await conf.start("P_SigEnd"))
    assert (await conf.job("after-signal")).processInstanceKey == waiting


async def test_a_signal_throw_event_passes_its_local_variables(conf: Conf) -> None:
    """signal-events#variable-mappings: a signal throw event broadcasts its local variables,
    defined with input mappings."""
    thrower = model(
        "P_SigThrow",
        start(),
        throw("Send", signal_ref("Sig"), ext=io(inp("=amount * 2", "doubled"))),
        end(),
        chain("Start", "Send", "End"),
        defs=[signal("Sig", "notify")],
    )
    await conf.deploy(waits_for_signal("P_SigWait", "notify", "notified"), thrower)
    waiting = await conf.start("P_SigWait")
    await conf.active(waiting, "Wait")
    await conf.start("P_SigThrow", amount=21)
    job = await conf.job("notified")
    assert job.processInstanceKey == waiting and variables_of(job)["doubled"] == 42


async def test_a_signal_is_not_buffered(conf: Conf) -> None:
    """signal-events#signal-intermediate-catch-events: a broadcast triggers the subscriptions
    open at that moment; an instance that subscribes later waits for the next broadcast."""
    await conf.deploy(waits_for_signal("P_SigLate", "early", "after-early"))
    await conf.client.broadcast_signal("early")
    key = await conf.start("P_SigLate")
    await conf.active(key, "Wait")
    assert await conf.none_available("after-early")
    await conf.client.broadcast_signal("early")
    await conf.work("after-early")
