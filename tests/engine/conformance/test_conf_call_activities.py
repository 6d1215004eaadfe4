"""Call activities: called process, binding, variable propagation both ways, boundaries, cancel.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/call-activities/
"""

from __future__ import annotations

import grpc
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
    out,
    service,
    start,
    timer,
)
from conf_support import Conf, rpc_code, variables_of


def child(process_id: str = "P_Child", job_type: str = "child-work", tag: str = "") -> str:
    """None start → task → end, plus a message start event that a call activity must ignore."""
    return model(
        process_id,
        start(),
        start("MsgStart", message_ref("ChildMsg")),
        service("Task", job_type),
        end(),
        chain("Start", "Task", "End"),
        chain("MsgStart", "Task"),
        defs=[message("ChildMsg", f"{process_id}-start")],
        tag=tag,
    )


def parent(process_id: str, activity: str, *extra: str) -> str:
    return model(
        process_id,
        start(),
        activity,
        service("After", "after"),
        end(),
        chain("Start", "Call", "After", "End"),
        *extra,
    )


async def test_the_child_starts_at_its_none_start_event_and_sees_parent_variables(
    conf: Conf,
) -> None:
    """call-activities: the new instance is activated at the none start event; by default all
    variables of the call activity scope are copied into it."""
    await conf.deploy(child(), parent("P_Parent", call("Call", "P_Child")))
    key = await conf.start("P_Parent", orderId="o-1")
    job = await conf.job("child-work")
    assert job.processInstanceKey != key and job.bpmnProcessId == "P_Child"
    assert variables_of(job)["orderId"] == "o-1"
    assert "Start" in conf.elements(job.processInstanceKey)
    assert "MsgStart" not in conf.elements(job.processInstanceKey, "ELEMENT_ACTIVATED")


async def test_child_variables_propagate_by_default(conf: Conf) -> None:
    """call-activities#variable-mappings: propagateAllChildVariables defaults to true."""
    await conf.deploy(child(), parent("P_ChildVars", call("Call", "P_Child")))
    await conf.start("P_ChildVars")
    await conf.work("child-work", childResult="ok")
    assert variables_of(await conf.job("after"))["childResult"] == "ok"


async def test_without_child_propagation_or_mappings_child_variables_are_discarded(
    conf: Conf,
) -> None:
    """call-activities#variable-mappings: propagateAllChildVariables=false and no output mapping
    → the child's variables are discarded."""
    await conf.deploy(child(), parent("P_NoChildVars", call("Call", "P_Child", child=False)))
    await conf.start("P_NoChildVars", kept=1)
    await conf.work("child-work", childResult="ok")
    seen = variables_of(await conf.job("after"))
    assert "childResult" not in seen and seen["kept"] == 1


async def test_output_mappings_select_what_comes_back(conf: Conf) -> None:
    """call-activities#variable-mappings: with output mappings only the mapped variables are
    propagated, even though propagateAllChildVariables is true."""
    activity = call("Call", "P_Child", io(out("=childResult", "result")))
    await conf.deploy(child(), parent("P_ChildOut", activity))
    await conf.start("P_ChildOut")
    await conf.work("child-work", childResult="ok", noise=1)
    seen = variables_of(await conf.job("after"))
    assert seen["result"] == "ok" and "noise" not in seen and "childResult" not in seen


async def test_without_parent_propagation_only_local_variables_are_copied(conf: Conf) -> None:
    """call-activities#variable-mappings: propagateAllParentVariables=false copies only the
    call activity's local variables (its input mappings)."""
    activity = call("Call", "P_Child", io(inp("=orderId", "childOrder")), parent=False)
    await conf.deploy(child(), parent("P_OnlyLocal", activity))
    await conf.start("P_OnlyLocal", orderId="o-2", secret="x")
    assert variables_of(await conf.job("child-work")) == {"childOrder": "o-2"}


async def test_the_called_process_id_may_be_an_expression(conf: Conf) -> None:
    """call-activities#defining-the-called-process: processId as expression, evaluated on
    activation."""
    await conf.deploy(
        child("P_Child_Express", "express-work"),
        parent("P_Dynamic", call("Call", '="P_Child_" + kind')),
    )
    key = await conf.start("P_Dynamic", kind="Express")
    await conf.work("express-work")
    await conf.work("after")
    await conf.completed(key)


async def test_an_interrupting_boundary_terminates_the_child_instance(conf: Conf) -> None:
    """call-activities#boundary-events: an interrupting boundary terminates the call activity and
    the created instance; its variables are not propagated."""
    activity = call("Call", "P_Child")
    await conf.deploy(
        child(),
        parent(
            "P_CallTimeout",
            activity,
            boundary("Timeout", "Call", timer(duration="PT1H")),
            end("TimeoutEnd"),
            chain("Timeout", "TimeoutEnd"),
        ),
    )
    key = await conf.start("P_CallTimeout")
    job = await conf.job("child-work")
    await conf.set_variables(job.processInstanceKey, fromChild=1)
    conf.advance(3_600_000)
    await conf.completed(key)
    code, _ = await rpc_code(conf.complete(job))
    assert code == grpc.StatusCode.NOT_FOUND
    assert "fromChild" not in conf.variables(key)


async def test_cancelling_the_parent_cancels_the_child(conf: Conf) -> None:
    """gateway-service#cancelprocessinstance-rpc with call-activities: terminating the call
    activity terminates the instance it created."""
    await conf.deploy(child(), parent("P_CancelParent", call("Call", "P_Child")))
    key = await conf.start("P_CancelParent")
    job = await conf.job("child-work")
    await conf.client.cancel_process_instance(key)
    await conf.record(job.processInstanceKey, "PROCESS_INSTANCE", "ELEMENT_TERMINATED", "P_Child")
    code, _ = await rpc_code(conf.complete(job))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_binding_latest_uses_the_version_deployed_last(conf: Conf) -> None:
    """call-activities#defining-the-called-process: without bindingType, ``latest`` at the
    moment the call activity is activated."""
    await conf.deploy(child(), parent("P_Latest", call("Call", "P_Child")))
    await conf.deploy(child(job_type="child-work-v2"))
    await conf.start("P_Latest")
    assert (await conf.job("child-work-v2")).processDefinitionVersion == 2


async def test_an_unknown_called_process_is_an_incident_resolved_by_deploying_it(
    conf: Conf,
) -> None:
    """incidents#resolving-a-process-instance-related-incident: the called element is missing;
    after deploying it and resolving the incident the call activity proceeds."""
    await conf.deploy(parent("P_Missing", call("Call", "P_Later")))
    key = await conf.start("P_Missing")
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "CALLED_ELEMENT_ERROR"
    await conf.deploy(child("P_Later", "later-work"))
    await conf.resolve(incident.key)
    await conf.work("later-work")
    await conf.work("after")
    await conf.completed(key)


async def test_binding_deployment_uses_the_child_deployed_with_the_parent(conf: Conf) -> None:
    """call-activities#defining-the-called-process: ``deployment`` binds the version deployed
    together with the calling process's running version."""
    await conf.deploy(child(), parent("P_Bound", call("Call", "P_Child", binding="deployment")))
    await conf.deploy(child(job_type="child-work-v2"))
    await conf.start("P_Bound")
    assert (await conf.job("child-work")).processDefinitionVersion == 1


async def test_binding_version_tag_uses_the_latest_version_with_that_tag(conf: Conf) -> None:
    """call-activities#defining-the-called-process: ``versionTag`` binds the latest deployed
    version annotated with the tag."""
    await conf.deploy(child(tag="v1.0"))
    await conf.deploy(child(job_type="child-work-v2", tag="v2.0"))
    await conf.deploy(
        parent("P_Tagged", call("Call", "P_Child", binding="versionTag", version_tag="v1.0"))
    )
    await conf.start("P_Tagged")
    assert (await conf.job("child-work")).processDefinitionVersion == 1
