"""Messages: subscriptions, correlation, buffering with TTL, uniqueness, cardinality, throw events.

Spec: https://docs.camunda.io/docs/8.8/components/concepts/messages/ and
https://docs.camunda.io/docs/8.8/components/modeler/bpmn/message-events/
(message start events: test_conf_message_start.py)
"""

from __future__ import annotations

from typing import Any

import pytest
from conf_bpmn import (
    boundary,
    catch,
    chain,
    end,
    event_start,
    io,
    message,
    message_ref,
    model,
    multi,
    out,
    service,
    start,
    sub,
    throw,
)
from conf_support import Conf, variables_of
from pyzeebe.errors import MessageAlreadyExistsError


def waiting(process_id: str, name: str = "paid", key_expr: str = "=orderId", *ext: str) -> str:
    """Start → message catch → task ``after`` (so a test can see the catch completed) → end."""
    return model(
        process_id,
        start(),
        catch("Catch", message_ref("Msg"), *ext),
        service("After", "after"),
        end(),
        chain("Start", "Catch", "After", "End"),
        defs=[message("Msg", name, key_expr)],
    )


async def test_a_buffered_message_correlates_to_a_later_subscription(conf: Conf) -> None:
    """messages#message-buffering: within its TTL a message correlates when a subscription opens."""
    await conf.deploy(waiting("P_Buffered"))
    await conf.publish("paid", "o-1", ttl=60_000, variables={"total": 12})
    key = await conf.start("P_Buffered", orderId="o-1")
    assert variables_of(await conf.job("after"))["total"] == 12
    assert "Catch" in conf.elements(key)


async def test_a_message_without_ttl_is_not_buffered(conf: Conf) -> None:
    """messages#message-buffering: with TTL zero and no open subscription the message is dropped."""
    await conf.deploy(waiting("P_NoTtl"))
    await conf.publish("paid", "o-2", ttl=0, variables={"n": 1})
    key = await conf.start("P_NoTtl", orderId="o-2")
    await conf.active(key, "Catch")
    await conf.publish("paid", "o-2", ttl=0, variables={"n": 2})
    assert variables_of(await conf.job("after"))["n"] == 2


async def test_buffered_messages_correlate_first_published_first(conf: Conf) -> None:
    """messages#message-buffering: several matching messages → the first published (FIFO)."""
    await conf.deploy(waiting("P_Fifo"))
    for n in (1, 2):
        await conf.publish("paid", "o-3", ttl=60_000, variables={"n": n})
    await conf.start("P_Fifo", orderId="o-3")
    assert variables_of(await conf.job("after"))["n"] == 1


async def test_an_expired_message_no_longer_correlates(conf: Conf) -> None:
    """messages#message-buffering: a message is buffered only for its time-to-live."""
    await conf.deploy(waiting("P_Expired"))
    await conf.publish("paid", "o-4", ttl=10_000, variables={"n": 1})
    conf.advance(10_001)
    key = await conf.start("P_Expired", orderId="o-4")
    await conf.active(key, "Catch")
    assert await conf.none_available("after")
    await conf.publish("paid", "o-4", ttl=0, variables={"n": 2})
    assert variables_of(await conf.job("after"))["n"] == 2


async def test_message_id_is_unique_among_buffered_messages_only(conf: Conf) -> None:
    """messages#message-uniqueness: same name, key and id while buffered → rejected
    (ALREADY_EXISTS); after it left the buffer the id may be used again."""
    await conf.publish("paid", "o-5", ttl=10_000, message_id="m-1")
    with pytest.raises(MessageAlreadyExistsError):
        await conf.publish("paid", "o-5", ttl=10_000, message_id="m-1")
    conf.advance(10_001)
    await conf.publish("paid", "o-5", ttl=10_000, message_id="m-1")


async def test_a_message_without_ttl_does_not_block_its_id(conf: Conf) -> None:
    """messages#message-correlation-overview: with TTL 0 a message is never buffered, so the
    uniqueness check (against buffered messages) does not reject a second one."""
    await conf.publish("paid", "o-7", ttl=0, message_id="m-2")
    await conf.publish("paid", "o-7", ttl=0, message_id="m-2")


async def test_the_subscription_keeps_the_correlation_key_it_opened_with(conf: Conf) -> None:
    """messages#message-subscriptions: the key is evaluated on activating the catch event; the
    subscription is not updated when the variable changes."""
    await conf.deploy(waiting("P_KeyFixed"))
    key = await conf.start("P_KeyFixed", orderId="a")
    await conf.active(key, "Catch")
    await conf.set_variables(key, orderId="b")
    await conf.publish("paid", "b")
    assert await conf.none_available("after")
    await conf.publish("paid", "a")
    assert (await conf.job("after")).processInstanceKey == key


async def test_a_numeric_correlation_key_matches_its_text(conf: Conf) -> None:
    """message-events#messages: the correlationKey expression may yield a string or a number."""
    await conf.deploy(waiting("P_NumKey"))
    key = await conf.start("P_NumKey", orderId=123)
    await conf.active(key, "Catch")
    await conf.publish("paid", "123")
    assert (await conf.job("after")).processInstanceKey == key


async def test_the_message_name_may_be_an_expression(conf: Conf) -> None:
    """message-events#messages: a name expression is evaluated on activating the event."""
    await conf.deploy(waiting("P_NameExpr", '="order " + action'))
    key = await conf.start("P_NameExpr", orderId="o-9", action="cancelled")
    await conf.active(key, "Catch")
    await conf.publish("order cancelled", "o-9")
    assert (await conf.job("after")).processInstanceKey == key


async def test_a_catch_event_output_mapping_restricts_merged_variables(conf: Conf) -> None:
    """message-events#variable-mappings: by default all message variables are merged; an output
    mapping selects which are."""
    await conf.deploy(waiting("P_MsgOut", "paid", "=orderId", io(out("=amount", "paidAmount"))))
    key = await conf.start("P_MsgOut", orderId="o-10")
    await conf.active(key, "Catch")
    await conf.publish("paid", "o-10", variables={"amount": 5, "noise": True})
    seen = variables_of(await conf.job("after"))
    assert seen["paidAmount"] == 5 and "amount" not in seen and "noise" not in seen


async def test_non_interrupting_message_boundary_correlates_many_times(conf: Conf) -> None:
    """message-events#message-boundary-events: a non-interrupting boundary keeps the activity
    and can correlate several messages."""
    await conf.deploy(
        model(
            "P_NonInt",
            start(),
            service("Task", "work"),
            boundary("Note", "Task", message_ref("Msg"), interrupting=False),
            service("Notify", "notify"),
            end(),
            end("NoteEnd"),
            chain("Start", "Task", "End"),
            chain("Note", "Notify", "NoteEnd"),
            defs=[message("Msg", "note", "=orderId")],
        )
    )
    key = await conf.start("P_NonInt", orderId="o-11")
    await conf.active(key, "Task")
    for n in (1, 2):
        await conf.publish("note", "o-11", variables={"n": n})
    for job in await conf.jobs("notify", 2):
        await conf.complete(job)
    await conf.work("work")
    await conf.completed(key)
    assert conf.elements(key).count("Note") == 2


async def test_a_subscription_closes_when_its_element_is_left(conf: Conf) -> None:
    """messages#message-subscriptions: the subscription closes when the element is left; later
    messages (TTL 0) are discarded."""
    await conf.deploy(
        model(
            "P_Closed",
            start(),
            service("Task", "work"),
            boundary("Cancel", "Task", message_ref("Msg")),
            service("Next", "next"),
            end(),
            end("CancelEnd"),
            chain("Start", "Task", "Next", "End"),
            chain("Cancel", "CancelEnd"),
            defs=[message("Msg", "cancel", "=orderId")],
        )
    )
    key = await conf.start("P_Closed", orderId="o-12")
    await conf.work("work")
    await conf.active(key, "Next")
    await conf.publish("cancel", "o-12")
    await conf.work("next")
    await conf.completed(key)
    assert "Cancel" not in conf.elements(key)


async def test_message_throw_events_are_jobs(conf: Conf) -> None:
    """message-events#message-throw-events: intermediate message throw and message end events
    behave like service tasks: a job of their type, completed by a worker."""
    job_type = '<zeebe:taskDefinition type="{}"/>'
    await conf.deploy(
        model(
            "P_MsgThrow",
            start(),
            throw("Notify", message_ref("Msg"), ext=job_type.format("notify")),
            end("Done", message_ref("Msg"), ext=job_type.format("mail")),
            chain("Start", "Notify", "Done"),
            defs=[message("Msg", "sent")],
        )
    )
    key = await conf.start("P_MsgThrow")
    assert (await conf.work("notify", sent=True)).elementId == "Notify"
    assert (await conf.work("mail")).elementId == "Done"
    await conf.completed(key)
    assert conf.variables(key)["sent"] is True


async def test_each_multi_instance_iteration_subscribes_with_its_own_key(conf: Conf) -> None:
    """messages#message-subscriptions: the correlation key is evaluated per activation — inside
    a multi-instance sub-process from each iteration's input element."""
    inner = sub(
        "Sub",
        start("SubStart"),
        catch("Wait", message_ref("Msg")),
        service("Inner", "inner"),
        end("SubEnd"),
        chain("SubStart", "Wait", "Inner", "SubEnd"),
        loop=multi("=ids", "id"),
    )
    await conf.deploy(
        model(
            "P_MiMsg",
            start(),
            inner,
            end(),
            chain("Start", "Sub", "End"),
            defs=[message("Msg", "ready", "=id")],
        )
    )
    key = await conf.start("P_MiMsg", ids=["a", "b"])

    def both_waiting(engine: Any) -> bool:
        activated = [
            r
            for r in engine.history(key)
            if r.intent == "ELEMENT_ACTIVATED" and r.value.get("elementId") == "Wait"
        ]
        return len(activated) == 2

    await conf.zeebe.harness.wait_until(both_waiting, what="two subscriptions")
    await conf.publish("ready", "b")
    assert variables_of(await conf.work("inner"))["id"] == "b"
    await conf.publish("ready", "a")
    assert variables_of(await conf.work("inner"))["id"] == "a"
    await conf.completed(key)


async def test_a_non_interrupting_message_event_sub_process_runs_per_message(
    conf: Conf,
) -> None:
    """event-subprocesses + message-events: each correlated message starts another instance of
    a non-interrupting event sub-process while the scope continues."""
    handler = sub(
        "OnMsg",
        event_start("EvStart", message_ref("Msg"), interrupting=False),
        service("Handle", "handle"),
        end("EvEnd"),
        chain("EvStart", "Handle", "EvEnd"),
        event=True,
    )
    await conf.deploy(
        model(
            "P_NiMsg",
            start(),
            service("Task", "work"),
            end(),
            chain("Start", "Task", "End"),
            handler,
            defs=[message("Msg", "note", "=orderId")],
        )
    )
    key = await conf.start("P_NiMsg", orderId="o-30")
    await conf.active(key, "Task")
    await conf.publish("note", "o-30", variables={"n": 1})
    assert variables_of(await conf.work("handle"))["n"] == 1
    await conf.publish("note", "o-30", variables={"n": 2})
    assert variables_of(await conf.work("handle"))["n"] == 2
    await conf.work("work")
    await conf.completed(key)
    assert conf.elements(key).count("OnMsg") == 2


async def test_the_same_message_id_under_another_correlation_key_is_another_message(
    conf: Conf,
) -> None:
    """messages#message-uniqueness: "A message is rejected and not correlated if a message with
    the same name, the same correlation key, and the same ID is already buffered." """
    await conf.publish("paid", "o-5", ttl=10_000, message_id="m-1")
    await conf.publish("paid", "o-6", ttl=10_000, message_id="m-1")
    await conf.publish("other", "o-5", ttl=10_000, message_id="m-1")


async def test_a_message_correlates_once_per_process_but_to_every_process(conf: Conf) -> None:
    """messages#message-cardinality: correlated only once to a process (by BPMN process id),
    across instances; subscriptions of different processes all get it."""
    await conf.deploy(waiting("P_CardA"), waiting("P_CardB"))
    await conf.publish("paid", "o-8", ttl=60_000)
    first = await conf.start("P_CardA", orderId="o-8")
    await conf.job("after")
    second = await conf.start("P_CardA", orderId="o-8")
    other = await conf.start("P_CardB", orderId="o-8")
    await conf.active(second, "Catch")
    job = await conf.job("after")
    assert job.processInstanceKey == other
    assert "Catch" in conf.elements(first) and "Catch" not in conf.elements(second)


async def test_of_two_waiting_instances_of_one_process_only_one_gets_the_message(
    conf: Conf,
) -> None:
    """messages#message-cardinality: "If multiple subscriptions for the same process are opened
    (by multiple process instances or within one instance), the message is correlated only to one
    of the subscriptions." """
    await conf.deploy(waiting("P_Two"))
    first = await conf.start("P_Two", orderId="o-20")
    second = await conf.start("P_Two", orderId="o-20")
    await conf.active(first, "Catch")
    await conf.active(second, "Catch")
    await conf.publish("paid", "o-20")
    await conf.job("after")
    assert await conf.none_available("after")
