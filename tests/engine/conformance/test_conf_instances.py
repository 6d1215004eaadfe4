"""Process instance creation, cancellation, and the gateway's answers to bad requests.

Spec: https://docs.camunda.io/docs/8.8/apis-tools/zeebe-api/gateway-service/ and
https://docs.camunda.io/docs/8.8/components/concepts/process-instance-creation/
"""

from __future__ import annotations

import asyncio
import json

import grpc
import pytest
from conf_bpmn import (
    call,
    catch,
    chain,
    end,
    gateway,
    message,
    message_ref,
    model,
    service,
    start,
    timer,
)
from conf_support import Conf, rpc_code, variables_of
from pyzeebe.errors import ProcessDefinitionHasNoStartEventError, ProcessDefinitionNotFoundError
from pyzeebe.proto import gateway_pb2 as pb


def one_task(process_id: str, job_type: str = "work") -> str:
    return model(
        process_id, start(), service("Task", job_type), end(), chain("Start", "Task", "End")
    )


async def test_create_by_id_and_version_uses_that_version(conf: Conf) -> None:
    """gateway-service#createprocessinstance-rpc: bpmnProcessId + version; -1 is the latest."""
    await conf.deploy(one_task("P_Versions", "v1"))
    await conf.deploy(one_task("P_Versions", "v2"))
    first = await conf.client.run_process("P_Versions", version=1)
    latest = await conf.client.run_process("P_Versions")
    assert (first.version, latest.version) == (1, 2)
    assert (await conf.job("v1")).processInstanceKey == first.process_instance_key
    with pytest.raises(ProcessDefinitionNotFoundError):
        await conf.client.run_process("P_Versions", version=3)


async def test_variables_must_be_a_json_object(conf: Conf) -> None:
    """gateway-service: the root of every variables document must be a JSON object, else
    INVALID_ARGUMENT (CreateProcessInstance, SetVariables, PublishMessage, BroadcastSignal)."""
    await conf.deploy(one_task("P_BadVars"))
    key = await conf.start("P_BadVars")
    for variables in ("[1]", '"text"', "{not json"):
        calls = [
            conf.stub.CreateProcessInstance(
                pb.CreateProcessInstanceRequest(
                    bpmnProcessId="P_BadVars", version=-1, variables=variables
                )
            ),
            conf.stub.SetVariables(
                pb.SetVariablesRequest(elementInstanceKey=key, variables=variables)
            ),
            conf.stub.PublishMessage(
                pb.PublishMessageRequest(name="m", correlationKey="k", variables=variables)
            ),
            conf.stub.BroadcastSignal(
                pb.BroadcastSignalRequest(signalName="s", variables=variables)
            ),
        ]
        for call_ in calls:
            code, _ = await rpc_code(call_)
            assert code == grpc.StatusCode.INVALID_ARGUMENT


async def test_start_instructions_start_before_the_named_element(conf: Conf) -> None:
    """process-instance-creation#start-instructions: the instance starts at the given element
    instead of the start event."""
    await conf.deploy(
        model(
            "P_StartAt",
            start(),
            service("First", "first"),
            service("Second", "second"),
            end(),
            chain("Start", "First", "Second", "End"),
        )
    )
    created = await conf.stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(
            bpmnProcessId="P_StartAt",
            version=-1,
            variables='{"x": 1}',
            startInstructions=[pb.ProcessInstanceCreationStartInstruction(elementId="Second")],
        )
    )
    job = await conf.job("second")
    assert job.processInstanceKey == created.processInstanceKey and variables_of(job) == {"x": 1}
    assert await conf.none_available("first")
    assert "Start" not in conf.elements(created.processInstanceKey, "ELEMENT_ACTIVATED")


async def test_create_with_result_times_out_when_the_instance_waits(conf: Conf) -> None:
    """gateway-service#createprocessinstancewithresult-rpc: the request is closed if the process
    does not complete before requestTimeout (gRPC DEADLINE_EXCEEDED)."""
    await conf.deploy(one_task("P_Slow"))
    request = pb.CreateProcessInstanceWithResultRequest(
        request=pb.CreateProcessInstanceRequest(bpmnProcessId="P_Slow", version=-1),
        requestTimeout=300,
    )
    code, _ = await rpc_code(conf.stub.CreateProcessInstanceWithResult(request))
    assert code == grpc.StatusCode.DEADLINE_EXCEEDED


async def test_create_with_result_fetches_the_named_variables_at_completion(conf: Conf) -> None:
    """gateway-service#createprocessinstancewithresult-rpc: the response comes when the process
    completes and carries the fetched root variables."""
    await conf.deploy(one_task("P_WithResult"))
    pending = asyncio.ensure_future(
        conf.client.run_process_with_result(
            "P_WithResult", {"a": 1}, timeout=10_000, variables_to_fetch=["b"]
        )
    )
    await conf.work("work", b=2, c=3)
    result = await pending
    assert result.variables == {"b": 2}
    assert result.bpmn_process_id == "P_WithResult" and result.version == 1


async def test_rpcs_on_unknown_or_finished_instances_are_not_found(conf: Conf) -> None:
    """gateway-service: CancelProcessInstance/SetVariables on an instance that does not exist
    (any more), ResolveIncident of an unknown incident → NOT_FOUND."""
    await conf.deploy(model("P_Done", start(), end(), chain("Start", "End")))
    key = await conf.start("P_Done")
    await conf.completed(key)
    for call_ in (
        conf.stub.CancelProcessInstance(pb.CancelProcessInstanceRequest(processInstanceKey=key)),
        conf.stub.SetVariables(pb.SetVariablesRequest(elementInstanceKey=key, variables="{}")),
        conf.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=key)),
        conf.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=key)),
    ):
        code, details = await rpc_code(call_)
        assert code == grpc.StatusCode.NOT_FOUND and str(key) in details


async def test_a_called_instance_cannot_be_cancelled_on_its_own(conf: Conf) -> None:
    """Zeebe's cancel command for an instance created by a call activity is rejected: only the
    root instance can be cancelled (process-instance-modification#limitations names the same
    rule for modifications); the child keeps running."""
    await conf.deploy(one_task("P_CalledChild", "called"))
    await conf.deploy(
        model(
            "P_Caller", start(), call("Call", "P_CalledChild"), end(), chain("Start", "Call", "End")
        )
    )
    await conf.start("P_Caller")
    job = await conf.job("called")
    request = pb.CancelProcessInstanceRequest(processInstanceKey=job.processInstanceKey)
    code, details = await rpc_code(conf.stub.CancelProcessInstance(request))
    assert code == grpc.StatusCode.FAILED_PRECONDITION and "root process instance" in details
    await conf.complete(job)


async def test_deploy_rejects_empty_unsupported_or_broken_resources(conf: Conf) -> None:
    """gateway-service#deployresource-rpc: no resources, an unsupported type, or content that
    does not parse → INVALID_ARGUMENT."""
    cases: list[list[tuple[str, bytes]]] = [
        [],
        [("notes.txt", b"hello")],
        [("broken.bpmn", b"<bpmn:definitions")],
    ]
    for resources in cases:
        request = pb.DeployResourceRequest(
            resources=[pb.Resource(name=n, content=c) for n, c in resources]
        )
        code, _ = await rpc_code(conf.stub.DeployResource(request))
        assert code == grpc.StatusCode.INVALID_ARGUMENT, resources


async def test_deploy_rejects_an_event_based_gateway_leading_to_a_task(conf: Conf) -> None:
    """gateway-service#deployresource-rpc: invalid content, e.g. "an event-based gateway has an
    outgoing sequence flow to a task" → INVALID_ARGUMENT naming the element."""
    xml = model(
        "P_BadGateway",
        start(),
        gateway("eventBased", "Gw"),
        service("Task", "work"),
        catch("Wait", message_ref("Msg")),
        end(),
        end("End2"),
        chain("Start", "Gw"),
        chain("Gw", "Task", "End"),
        chain("Gw", "Wait", "End2"),
        defs=[message("Msg", "m", "=k")],
    )
    request = pb.DeployResourceRequest(
        resources=[pb.Resource(name="bad.bpmn", content=xml.encode())]
    )
    code, details = await rpc_code(conf.stub.DeployResource(request))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "Gw" in details


async def test_cancel_terminates_every_active_element(conf: Conf) -> None:
    """gateway-service#cancelprocessinstance-rpc: the instance and its element instances are
    terminated; jobs are canceled."""
    await conf.deploy(one_task("P_Cancel"))
    key = await conf.start("P_Cancel", x=1)
    job = await conf.job("work")
    await conf.client.cancel_process_instance(key)
    await conf.record(key, "PROCESS_INSTANCE", "ELEMENT_TERMINATED", "P_Cancel")
    cancelled = conf.records(key, "JOB", "CANCELED")
    assert [r.key for r in cancelled] == [job.key]
    assert json.loads(job.variables) == {"x": 1}


async def test_set_variables_on_a_finished_element_is_not_found(conf: Conf) -> None:
    """gateway-service#setvariables-rpc: NOT_FOUND if no element instance with the key exists
    (any more)."""
    await conf.deploy(
        model(
            "P_Fin",
            start(),
            service("A", "a"),
            service("B", "b"),
            end(),
            chain("Start", "A", "B", "End"),
        )
    )
    key = await conf.start("P_Fin")
    job = await conf.work("a")
    await conf.active(key, "B")
    request = pb.SetVariablesRequest(elementInstanceKey=job.elementInstanceKey, variables="{}")
    code, _ = await rpc_code(conf.stub.SetVariables(request))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_deleting_the_latest_version_makes_the_previous_one_latest(conf: Conf) -> None:
    """resource-deletion: deleting the latest process version makes the previous version the
    one new instances of the id use."""
    await conf.deploy(one_task("P_Del", "v1"))
    second = await conf.deploy(one_task("P_Del", "v2"))
    key = second.deployments[0].process_definition_key
    await conf.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=key))
    created = await conf.client.run_process("P_Del")
    assert created.version == 1
    assert (await conf.job("v1")).processInstanceKey == created.process_instance_key


async def test_duplicate_process_ids_in_one_deployment_are_invalid(conf: Conf) -> None:
    """gateway-service#deployresource-rpc: invalid content → INVALID_ARGUMENT naming the id."""
    xml = model("P_Dup", start(), end(), chain("Start", "End")).encode()
    request = pb.DeployResourceRequest(
        resources=[pb.Resource(name="a.bpmn", content=xml), pb.Resource(name="b.bpmn", content=xml)]
    )
    code, details = await rpc_code(conf.stub.DeployResource(request))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "P_Dup" in details


async def test_create_with_result_omits_fetched_names_that_do_not_exist(conf: Conf) -> None:
    """gateway-service#createprocessinstancewithresult-rpc: fetchVariables names variables to
    include; a name with no variable adds nothing."""
    await conf.deploy(model("P_FetchMissing", start(), end(), chain("Start", "End")))
    result = await conf.client.run_process_with_result(
        "P_FetchMissing", {"a": 1}, timeout=10_000, variables_to_fetch=["a", "zzz"]
    )
    assert result.variables == {"a": 1}


async def deploy_code(conf: Conf, xml: str) -> tuple[grpc.StatusCode, str]:
    request = pb.DeployResourceRequest(resources=[pb.Resource(name="x.bpmn", content=xml.encode())])
    return await rpc_code(conf.stub.DeployResource(request))


async def test_deploy_rejects_models_zeebe_cannot_run(conf: Conf) -> None:
    """gateway-service#deployresource-rpc: invalid content → INVALID_ARGUMENT naming the
    element: no executable process, a service task without job type, an unparsable timer
    cycle, a message catch event whose message has no correlation key."""
    cases = {
        "Definitions_P_NoExec": model("P_NoExec", start(), end(), chain("Start", "End")).replace(
            'isExecutable="true"', 'isExecutable="false"'
        ),
        "Task": model(
            "P_NoType",
            start(),
            '<bpmn:serviceTask id="Task"/>',
            end(),
            chain("Start", "Task", "End"),
        ),
        "timeCycle": model(
            "P_BadCycle", start("Start", timer(cycle="R/xyz")), end(), chain("Start", "End")
        ),
        "Msg_NoKey": model(
            "P_NoKey",
            start(),
            catch("Wait", message_ref("Msg_NoKey")),
            end(),
            chain("Start", "Wait", "End"),
            defs=[message("Msg_NoKey", "m")],
        ),
    }
    for named, xml in cases.items():
        code, details = await deploy_code(conf, xml)
        assert code == grpc.StatusCode.INVALID_ARGUMENT and named in details, (named, details)


async def test_a_process_without_a_none_start_event_cannot_be_created(conf: Conf) -> None:
    """gateway-service#createprocessinstance-rpc: FAILED_PRECONDITION if the process has no
    none start event."""
    await conf.deploy(
        model(
            "P_MsgOnly",
            start("Start", message_ref("Msg")),
            end(),
            chain("Start", "End"),
            defs=[message("Msg", "go")],
        )
    )
    with pytest.raises(ProcessDefinitionHasNoStartEventError):
        await conf.client.run_process("P_MsgOnly")


async def test_tenant_ids_other_than_default_are_invalid_without_multi_tenancy(
    conf: Conf,
) -> None:
    """gateway-service (DeployResource, CreateProcessInstance, ActivateJobs errors): "If
    multi-tenancy is disabled, and tenantId is not blank (empty string, null), or has an ID other
    than <default>" → INVALID_ARGUMENT. The embedded engine has no multi-tenancy setting."""
    import grpc
    from conf_support import rpc_code
    from pyzeebe.proto import gateway_pb2 as pb

    xml = model("P_Tenant", start(), end(), chain("Start", "End")).encode()
    deploy = pb.DeployResourceRequest(
        resources=[pb.Resource(name="t.bpmn", content=xml)], tenantId="other"
    )
    code, _ = await rpc_code(conf.stub.DeployResource(deploy))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    await conf.deploy(model("P_Tenant", start(), end(), chain("Start", "End")))
    create = pb.CreateProcessInstanceRequest(bpmnProcessId="P_Tenant", version=-1, tenantId="other")
    code, _ = await rpc_code(conf.stub.CreateProcessInstance(create))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    activate = pb.ActivateJobsRequest(
        type="work",
        worker="w",
        timeout=1_000,
        maxJobsToActivate=1,
        requestTimeout=-1,
        tenantIds=["other"],
    )

    async def run() -> None:
        async for _ in conf.stub.ActivateJobs(activate):
            pass

    code, _ = await rpc_code(run())
    assert code == grpc.StatusCode.INVALID_ARGUMENT


async def test_requests_without_a_target_or_with_an_unknown_element_are_invalid(
    conf: Conf,
) -> None:
    """gateway-service: CreateProcessInstance without process id or key, a start instruction
    naming no element, EvaluateDecision with neither id nor key → INVALID_ARGUMENT."""
    await conf.deploy(model("P_Target", start(), end(), chain("Start", "End")))
    nowhere = pb.ProcessInstanceCreationStartInstruction(elementId="Nope")
    for call_ in (
        conf.stub.CreateProcessInstance(pb.CreateProcessInstanceRequest()),
        conf.stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(
                bpmnProcessId="P_Target", version=-1, startInstructions=[nowhere]
            )
        ),
        conf.stub.EvaluateDecision(pb.EvaluateDecisionRequest()),
    ):
        code, _ = await rpc_code(call_)
        assert code == grpc.StatusCode.INVALID_ARGUMENT
