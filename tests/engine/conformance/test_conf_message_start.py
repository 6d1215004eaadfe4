"""Message start events: instance creation, one active instance per correlation key, versions.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/message-events/#message-start-events
and https://docs.camunda.io/docs/8.8/components/concepts/messages/
"""

from __future__ import annotations

from conf_bpmn import (
    chain,
    end,
    message,
    message_ref,
    model,
    service,
    start,
)
from conf_support import Conf, variables_of


def message_start(process_id: str, name: str = "order placed") -> str:
    return model(
        process_id,
        start("Start", message_ref("StartMsg")),
        service("Task", f"{process_id}-work"),
        end(),
        chain("Start", "Task", "End"),
        defs=[message("StartMsg", name)],
    )


async def test_message_start_event_creates_an_instance_with_the_message_variables(
    conf: Conf,
) -> None:
    """message-events#message-start-events: a correlated message creates a new instance."""
    await conf.deploy(message_start("P_MsgStart"))
    await conf.publish("order placed", "c-1", variables={"orderId": "o-13"})
    job = await conf.job("P_MsgStart-work")
    assert variables_of(job)["orderId"] == "o-13"
    assert "Start" in conf.elements(job.processInstanceKey)


async def test_one_active_instance_per_correlation_key_of_a_start_message(conf: Conf) -> None:
    """message-events#message-correlation: while an instance created by a message with key K is
    active, another K message creates none (buffered if TTL > 0, and correlated once the first
    instance ended); an empty key always creates a new instance."""
    await conf.deploy(message_start("P_Single"))
    await conf.publish("order placed", "k-1", variables={"n": 1})
    first = await conf.job("P_Single-work")
    await conf.publish("order placed", "k-1", variables={"n": 2})  # TTL 0: discarded
    await conf.publish("order placed", "k-1", ttl=60_000, variables={"n": 3})
    assert await conf.none_available("P_Single-work")
    await conf.publish("order placed", "", variables={"n": 4})
    await conf.publish("order placed", "", variables={"n": 5})
    empty_keys = await conf.jobs("P_Single-work", 2)
    assert sorted(variables_of(j)["n"] for j in empty_keys) == [4, 5]
    await conf.complete(first)
    await conf.completed(first.processInstanceKey)
    assert variables_of(await conf.job("P_Single-work"))["n"] == 3


async def test_messages_published_before_deployment_do_not_start_instances(conf: Conf) -> None:
    """message-events#message-correlation: messages published before the process was deployed
    are not correlated to its message start event."""
    await conf.publish("order placed", "c-2", ttl=60_000)
    await conf.deploy(message_start("P_Late"))
    assert await conf.none_available("P_Late-work")
    await conf.publish("order placed", "c-3")
    await conf.job("P_Late-work")


async def test_a_new_version_replaces_the_message_start_subscription(conf: Conf) -> None:
    """message-events#message-start-events: subscriptions of the previous version are closed."""
    await conf.deploy(message_start("P_MsgVersion", "go"))
    await conf.deploy(
        message_start("P_MsgVersion", "go").replace("P_MsgVersion-work", "P_MsgVersion-v2")
    )
    await conf.publish("go", "k")
    await conf.job("P_MsgVersion-v2")
    assert await conf.none_available("P_MsgVersion-work")


async def test_a_message_start_name_expression_is_evaluated_at_deployment(conf: Conf) -> None:
    """message-events#messages: "If the expression belongs to a message start event of the
    process, it is evaluated on deploying the process." """
    await conf.deploy(
        model(
            "P_StartNameExpr",
            start("Start", message_ref("Msg")),
            service("Task", "go"),
            end(),
            chain("Start", "Task", "End"),
            defs=[message("Msg", '="order " + "placed"')],
        )
    )
    await conf.publish("order placed", "k-1")
    await conf.job("go")
