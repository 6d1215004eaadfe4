"""Zeebe engine-suite behaviours: event sub-processes.

Ported from Zeebe's own engine tests (camunda/camunda, zeebe/engine/src/test/java/io/camunda/
zeebe/engine/processing/…) and the 8.8 docs they implement, observed through pyzeebe. Each test
names the Zeebe test (class.method), source or doc section it comes from; time moves with the
engine clock.
"""

from __future__ import annotations

import grpc
from conf_bpmn import (
    call,
    chain,
    end,
    error,
    error_ref,
    event_start,
    gateway,
    message,
    message_ref,
    model,
    service,
    signal,
    signal_ref,
    start,
    sub,
    timer,
)
from conf_support import Conf, rpc_code, variables_of

MINUTE = 60_000
HOUR_MS = 60 * MINUTE


def _handler(definition: str, *, interrupting: bool = True) -> str:
    """An event sub-process: its start event, a ``handle`` job, an end event."""
    return sub(
        "OnEvent",
        event_start("EvStart", definition, interrupting=interrupting),
        service("Handle", "handle"),
        end("EvEnd"),
        chain("EvStart", "Handle", "EvEnd"),
        event=True,
    )


def _task_with_handler(process_id: str, definition: str, defs: list[str], *extra: str) -> str:
    return model(
        process_id,
        start(),
        service("Task", "task"),
        end(),
        chain("Start", "Task", "End"),
        _handler(definition),
        *extra,
        defs=defs,
    )


def _second_handler(name: str) -> str:
    """A non-interrupting event sub-process ``name`` started by message ``<name>Msg`` (whose
    name is ``name`` in lower case), with a job of that type."""
    return sub(
        name,
        event_start(f"{name}Start", message_ref(f"{name}Msg"), interrupting=False),
        service(f"{name}Task", name.lower()),
        end(f"{name}End"),
        chain(f"{name}Start", f"{name}Task", f"{name}End"),
        event=True,
    )


# --- event sub-processes (bpmn/subprocess/InterruptingEventSubprocessTest) ---------------------


async def test_an_interrupting_event_sub_process_drops_the_interrupted_locals(conf: Conf) -> None:
    """InterruptingEventSubprocessTest.shouldHaveScopeVariableIfInterrupting: a local variable of
    the interrupted task is gone; the handler's job sees only the process variables."""
    await conf.deploy(
        _task_with_handler("P_EsLocals", message_ref("Msg"), [message("Msg", "stop", "=key")])
    )
    key = await conf.start("P_EsLocals", key="123")
    task = await conf.active(key, "Task")
    await conf.set_variables(task.key, local=True, y=2)
    await conf.publish("stop", "123")
    assert variables_of(await conf.job("handle")) == {"key": "123"}


async def test_event_sub_process_locals_do_not_reach_the_process(conf: Conf) -> None:
    """InterruptingEventSubprocessTest.shouldNotPropagateVariablesToScope: a variable set locally
    on the event sub-process stays there when it completes."""
    await conf.deploy(
        _task_with_handler("P_EsNoProp", message_ref("Msg"), [message("Msg", "stop", "=key")])
    )
    key = await conf.start("P_EsNoProp", key="123")
    await conf.active(key, "Task")
    await conf.publish("stop", "123")
    handler = await conf.active(key, "OnEvent")
    await conf.set_variables(handler.key, local=True, y=2)
    await conf.work("handle")
    await conf.completed(key)
    assert "y" not in conf.variables(key)
    assert conf.scoped(key, handler.key) == {"y": 2}


async def test_an_interrupting_event_sub_process_ends_a_token_waiting_at_a_join(
    conf: Conf,
) -> None:
    """InterruptingEventSubprocessTest.shouldInterruptExecutionWaitingOnParallelGateway (timer
    date ``now() + duration("PT1M")``): a token already at the join is dropped with the rest and
    the process completes through the event sub-process."""
    await conf.deploy(
        model(
            "P_EsJoin",
            start(),
            gateway("parallel", "Fork"),
            service("A", "task-a"),
            service("B", "task-b"),
            gateway("parallel", "Join"),
            end(),
            chain("Start", "Fork"),
            chain("Fork", "A", "Join"),
            chain("Fork", "B", "Join"),
            chain("Join", "End"),
            _handler(timer(date='=now() + duration("PT1M")')),
        )
    )
    key = await conf.start("P_EsJoin")
    await conf.work("task-a")
    await conf.jobs("task-b", 1)
    await conf.record(key, "PROCESS_INSTANCE", "SEQUENCE_FLOW_TAKEN", "Flow_A_Join")
    conf.advance(MINUTE)
    await conf.work("handle")
    await conf.completed(key)
    assert "B" in conf.elements(key, "ELEMENT_TERMINATED")
    assert "End" not in conf.elements(key)


async def test_a_signal_starts_an_interrupting_event_sub_process(conf: Conf) -> None:
    """InterruptingEventSubprocessTest (parameter "signal"): a broadcast signal triggers the
    event sub-process and terminates the task; the signal's variables reach the handler."""
    await conf.deploy(_task_with_handler("P_EsSignal", signal_ref("Sig"), [signal("Sig", "abort")]))
    key = await conf.start("P_EsSignal")
    await conf.active(key, "Task")
    await conf.client.broadcast_signal("abort", {"why": "recall"})
    assert variables_of(await conf.work("handle"))["why"] == "recall"
    await conf.completed(key)
    assert conf.elements(key, "ELEMENT_TERMINATED") == ["Task"]
    assert await conf.none_available("task")


# --- more event sub-processes and boundaries ----------------------------------------------------


async def test_a_non_interrupting_event_sub_process_keeps_its_scope_alive(conf: Conf) -> None:
    """NonInterruptingEventSubprocessTest; event-subprocesses: a non-interrupting event
    sub-process runs beside the scope, and the process completes only after it does."""
    await conf.deploy(
        model(
            "P_EsKeep",
            start(),
            service("Task", "task"),
            end(),
            chain("Start", "Task", "End"),
            _handler(message_ref("Msg"), interrupting=False),
            defs=[message("Msg", "note", "=key")],
        )
    )
    key = await conf.start("P_EsKeep", key="k")
    task = await conf.job("task")
    await conf.publish("note", "k")
    handle = await conf.job("handle")
    await conf.complete(task)
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "End")
    assert "P_EsKeep" not in conf.elements(key)
    await conf.complete(handle)
    await conf.completed(key)


async def test_an_interrupting_event_sub_process_closes_the_other_subscriptions(
    conf: Conf,
) -> None:
    """InterruptingEventSubprocessTest.shouldCloseEventSubscriptions: once an interrupting event
    sub-process is triggered, the scope's other event sub-processes can no longer start."""
    await conf.deploy(
        _task_with_handler(
            "P_EsClose",
            message_ref("Msg"),
            [message("Msg", "stop", "=key"), message("OtherMsg", "other", "=key")],
            _second_handler("Other"),
        )
    )
    key = await conf.start("P_EsClose", key="k")
    await conf.active(key, "Task")
    await conf.publish("stop", "k")
    handle = await conf.job("handle")
    await conf.publish("other", "k")
    assert await conf.none_available("other")
    await conf.complete(handle)
    await conf.completed(key)
    assert "Other" not in conf.elements(key, "ELEMENT_ACTIVATED")


async def test_a_buffered_message_triggers_an_event_sub_process_at_start(conf: Conf) -> None:
    """messages#message-buffering + event-subprocesses: an event sub-process's message start
    subscription opens with its scope and takes a message buffered before the instance started."""
    await conf.deploy(
        _task_with_handler("P_EsBuffer", message_ref("Msg"), [message("Msg", "stop", "=key")])
    )
    await conf.publish("stop", "k-7", ttl=MINUTE, variables={"why": "early"})
    key = await conf.start("P_EsBuffer", key="k-7")
    assert variables_of(await conf.work("handle"))["why"] == "early"
    await conf.completed(key)
    # the start event has no output mappings, so its message variables propagate to the process
    assert conf.variables(key)["why"] == "early"
    assert "End" not in conf.elements(key)
    assert await conf.none_available("task")


async def test_an_interrupting_event_sub_process_of_a_sub_process_lets_the_process_go_on(
    conf: Conf,
) -> None:
    """EventSubprocessTest / event-subprocesses: when an interrupting event sub-process inside a
    sub-process completes, the sub-process completes and the process takes its outgoing flow."""
    await conf.deploy(
        model(
            "P_EsInner",
            start(),
            sub(
                "Sub",
                start("SubStart"),
                service("Task", "task"),
                end("SubEnd"),
                chain("SubStart", "Task", "SubEnd"),
                _handler(message_ref("Msg")),
            ),
            service("After", "after"),
            end(),
            chain("Start", "Sub", "After", "End"),
            defs=[message("Msg", "stop", "=key")],
        )
    )
    key = await conf.start("P_EsInner", key="k")
    await conf.active(key, "Task")
    await conf.publish("stop", "k")
    await conf.work("handle")
    await conf.work("after")
    await conf.completed(key)
    assert conf.elements(key, "ELEMENT_TERMINATED") == ["Task"]
    assert "Sub" in conf.elements(key)


async def test_an_interrupting_event_sub_process_terminates_a_called_instance(
    conf: Conf,
) -> None:
    """InterruptingEventSubprocessTest + CallActivityTest: terminating the call activity (here by
    the process's interrupting event sub-process) terminates the child process instance."""
    child = model(
        "P_Callee",
        start(),
        service("ChildTask", "child"),
        end(),
        chain("Start", "ChildTask", "End"),
    )
    parent = model(
        "P_Caller",
        start(),
        call("Call", "P_Callee"),
        end(),
        chain("Start", "Call", "End"),
        _handler(message_ref("Msg")),
        defs=[message("Msg", "stop", "=key")],
    )
    await conf.deploy(child, parent)
    key = await conf.start("P_Caller", key="k")
    job = await conf.job("child")
    await conf.publish("stop", "k")
    await conf.work("handle")
    await conf.completed(key)
    assert "Call" in conf.elements(key, "ELEMENT_TERMINATED")
    child_key = job.processInstanceKey
    await conf.record(child_key, "PROCESS_INSTANCE", "ELEMENT_TERMINATED", "P_Callee")
    code, _ = await rpc_code(conf.complete(job))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_a_non_interrupting_timer_event_sub_process_fires_once_for_a_duration(
    conf: Conf,
) -> None:
    """NonInterruptingEventSubprocessTest (timer duration); timer-events: a non-interrupting
    duration start event of an event sub-process fires once; the sub-process waits for it."""
    await conf.deploy(
        model(
            "P_EsDur",
            start(),
            sub(
                "Sub",
                start("SubStart"),
                service("Task", "task"),
                end("SubEnd"),
                chain("SubStart", "Task", "SubEnd"),
                _handler(timer(duration="PT5M"), interrupting=False),
            ),
            end(),
            chain("Start", "Sub", "End"),
        )
    )
    key = await conf.start("P_EsDur")
    task = await conf.job("task", timeout=HOUR_MS)
    conf.advance(5 * MINUTE)
    handle = await conf.job("handle", timeout=HOUR_MS)
    conf.advance(30 * MINUTE)
    assert await conf.none_available("handle")
    await conf.complete(task)
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "SubEnd")
    assert "Sub" not in conf.elements(key)
    await conf.complete(handle)
    await conf.completed(key)


async def test_an_interrupting_event_sub_process_terminates_a_running_non_interrupting_one(
    conf: Conf,
) -> None:
    """InterruptingEventSubprocessTest / event-subprocesses: an interrupting event sub-process
    terminates every other active element of its scope, running event sub-processes included."""
    await conf.deploy(
        _task_with_handler(
            "P_EsBoth",
            message_ref("Msg"),
            [message("Msg", "stop", "=key"), message("NoteMsg", "note", "=key")],
            _second_handler("Note"),
        )
    )
    key = await conf.start("P_EsBoth", key="k")
    await conf.active(key, "Task")
    await conf.publish("note", "k")
    note = await conf.job("note")
    await conf.publish("stop", "k")
    await conf.work("handle")
    await conf.completed(key)
    assert {"Task", "NoteTask", "Note"} <= set(conf.elements(key, "ELEMENT_TERMINATED"))
    code, _ = await rpc_code(conf.complete(note))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_an_error_caught_by_an_event_sub_process_drops_tokens_still_in_flight(
    conf: Conf,
) -> None:
    """ProcessInstanceStateTransitionGuard.hasNonInterruptedFlowScope: once an interrupting event
    sub-process took over the scope, an element a parallel flow was about to enter is not
    activated, so the process completes through the event sub-process."""
    await conf.deploy(
        model(
            "P_EsInFlight",
            start(),
            gateway("parallel", "Fork"),
            end("Fail", error_ref("Err")),
            service("Task", "task"),
            end(),
            chain("Start", "Fork"),
            chain("Fork", "Fail"),
            chain("Fork", "Task", "End"),
            _handler(error_ref("Err")),
            defs=[error("Err", "E1")],
        )
    )
    key = await conf.start("P_EsInFlight")
    await conf.work("handle")
    await conf.completed(key)
    assert await conf.none_available("task")
    assert "Task" not in conf.elements(key, "ELEMENT_ACTIVATED")
