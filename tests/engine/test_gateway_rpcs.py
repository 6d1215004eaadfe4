"""One test per gateway RPC, through pyzeebe's client (or its stub) against the real engine."""

from __future__ import annotations

import json

import grpc
import pytest
from grpc_health.v1 import health_pb2
from pyzeebe.errors import (
    DecisionNotFoundError,
    MessageAlreadyExistsError,
    ProcessDefinitionNotFoundError,
    ProcessInstanceNotFoundError,
)
from pyzeebe.proto import gateway_pb2 as pb
from zeebe_suite import MODELS, Zeebe, rpc_error


async def test_topology_and_health(zeebe: Zeebe) -> None:
    topology = await zeebe.client.topology()
    assert (topology.cluster_size, topology.partitions_count) == (1, 1)
    assert topology.gateway_version.startswith("8.8")
    health = await zeebe.client.healthcheck()
    assert health.status == health_pb2.HealthCheckResponse.SERVING


async def test_deploy_resource_versions_per_process_id(zeebe: Zeebe, tmp_path: object) -> None:
    first = await zeebe.deploy("one_task.bpmn")
    (process,) = first.deployments
    assert (process.bpmn_process_id, process.version) == ("Process_OneTask", 1)
    again = await zeebe.deploy("one_task.bpmn")
    assert again.deployments[0].version == 1  # identical redeploy keeps the version
    assert again.deployments[0].process_definition_key == process.process_definition_key
    changed = (MODELS / "one_task.bpmn").read_bytes().replace(b'value="north"', b'value="south"')
    answer = await zeebe.stub.DeployResource(
        pb.DeployResourceRequest(resources=[pb.Resource(name="one_task.bpmn", content=changed)])
    )
    assert answer.deployments[0].process.version == 2


async def test_deploy_broken_xml_is_invalid_and_changes_nothing(zeebe: Zeebe) -> None:
    error = await rpc_error(
        zeebe.stub.DeployResource(
            pb.DeployResourceRequest(
                resources=[
                    pb.Resource(name="ok.bpmn", content=(MODELS / "empty.bpmn").read_bytes()),
                    pb.Resource(name="broken.bpmn", content=b"<bpmn:definitions"),
                ]
            )
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "broken.bpmn" in (error.details() or "")
    with pytest.raises(ProcessDefinitionNotFoundError):
        await zeebe.client.run_process("Process_Empty")


async def test_delete_resource_makes_the_process_unknown(zeebe: Zeebe) -> None:
    deployed = await zeebe.deploy("empty.bpmn")
    key = deployed.deployments[0].process_definition_key
    await zeebe.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=key))
    with pytest.raises(ProcessDefinitionNotFoundError):
        await zeebe.client.run_process("Process_Empty")
    error = await rpc_error(zeebe.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=key)))
    assert error.code() == grpc.StatusCode.NOT_FOUND


async def test_create_process_instance_by_id_and_by_key(zeebe: Zeebe) -> None:
    deployed = await zeebe.deploy("empty.bpmn")
    by_id = await zeebe.start("Process_Empty", x=1)
    await zeebe.completed(by_id)
    by_key = await zeebe.stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(
            processDefinitionKey=deployed.deployments[0].process_definition_key, variables='{"y":2}'
        )
    )
    await zeebe.completed(by_key.processInstanceKey)
    assert zeebe.variables(by_key.processInstanceKey) == {"y": 2}
    with pytest.raises(ProcessDefinitionNotFoundError):
        await zeebe.client.run_process("Process_Unknown")


async def test_create_with_variables_that_are_not_an_object_is_invalid(zeebe: Zeebe) -> None:
    await zeebe.deploy("empty.bpmn")
    error = await rpc_error(
        zeebe.stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(
                bpmnProcessId="Process_Empty", version=-1, variables="[]"
            )
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "variables" in (
        error.details() or ""
    )


async def test_create_with_result_returns_fetched_variables(zeebe: Zeebe) -> None:
    await zeebe.deploy("script_task.bpmn")
    result = await zeebe.stub.CreateProcessInstanceWithResult(
        pb.CreateProcessInstanceWithResultRequest(
            request=pb.CreateProcessInstanceRequest(
                bpmnProcessId="Process_ScriptTask", version=-1, variables='{"a": 2, "b": 3}'
            ),
            fetchVariables=["sum"],
            requestTimeout=10_000,
        )
    )
    assert json.loads(result.variables) == {"sum": 5}


async def test_cancel_process_instance(zeebe: Zeebe) -> None:
    await zeebe.deploy("one_task.bpmn")
    key = await zeebe.start("Process_OneTask", amount=1)
    await zeebe.record(key, "JOB", "CREATED")
    await zeebe.client.cancel_process_instance(key)
    await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_TERMINATED", "Process_OneTask")
    await zeebe.record(key, "JOB", "CANCELED")
    with pytest.raises(ProcessInstanceNotFoundError):
        await zeebe.client.cancel_process_instance(key)


async def test_set_variables_local_and_propagated(zeebe: Zeebe) -> None:
    await zeebe.deploy("subprocess.bpmn")
    key = await zeebe.start("Process_SubProcess")
    sub = await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", "SubProcess_Inner")
    await zeebe.stub.SetVariables(
        pb.SetVariablesRequest(elementInstanceKey=sub.key, variables='{"local": 99}', local=True)
    )
    await zeebe.stub.SetVariables(
        pb.SetVariablesRequest(elementInstanceKey=sub.key, variables='{"fresh": 1}', local=False)
    )
    history = zeebe.harness.history(key)
    scopes = {r.value["name"]: r.value["scopeKey"] for r in history if r.value_type == "VARIABLE"}
    assert scopes["local"] == sub.key  # the input mapping's local variable, updated in place
    assert scopes["fresh"] == key  # not defined anywhere: propagated to the process scope
    error = await rpc_error(
        zeebe.stub.SetVariables(pb.SetVariablesRequest(elementInstanceKey=1, variables="{}"))
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND


async def test_publish_message_correlates_and_rejects_duplicate_ids(zeebe: Zeebe) -> None:
    await zeebe.deploy("receive_task.bpmn")
    key = await zeebe.start("Process_ReceiveTask", orderId="o-1")
    await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", "Task_Receive")
    await zeebe.client.publish_message("paid", "o-1", {"total": 12}, message_id="pay-1")
    await zeebe.completed(key)
    assert zeebe.variables(key)["total"] == 12
    with pytest.raises(MessageAlreadyExistsError):
        await zeebe.client.publish_message(
            "paid", "o-1", message_id="pay-1", time_to_live_in_milliseconds=60_000
        )


async def test_broadcast_signal_reaches_a_waiting_instance(zeebe: Zeebe) -> None:
    await zeebe.deploy("catch_signal.bpmn")
    key = await zeebe.start("Process_CatchSignal")
    await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", "Event_Go")
    answer = await zeebe.client.broadcast_signal("go", {"by": "test"})
    assert answer.key > 0
    await zeebe.completed(key)
    assert zeebe.variables(key)["by"] == "test"


async def test_resolve_incident_after_fixing_the_variable(zeebe: Zeebe) -> None:
    await zeebe.deploy("exclusive_no_default.bpmn")
    key = await zeebe.start("Process_ExclusiveNoDefault", amount=5)
    incident = await zeebe.record(key, "INCIDENT", "CREATED")
    assert incident.value["errorType"] == "CONDITION_ERROR"
    assert incident.value["elementId"] == "Gateway_Amount"
    await zeebe.stub.SetVariables(
        pb.SetVariablesRequest(elementInstanceKey=key, variables='{"amount": 500}')
    )
    await zeebe.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=incident.key))
    await zeebe.completed(key)
    assert "EndEvent_Big" in zeebe.elements(key)
    error = await rpc_error(
        zeebe.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=incident.key))
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    "rpc", ["DeployProcess", "ModifyProcessInstance", "MigrateProcessInstance"]
)
async def test_unsupported_rpcs_answer_unimplemented(zeebe: Zeebe, rpc: str) -> None:
    request = getattr(pb, f"{rpc}Request")()
    error = await rpc_error(getattr(zeebe.stub, rpc)(request))
    assert error.code() == grpc.StatusCode.UNIMPLEMENTED and rpc in (error.details() or "")


async def test_evaluate_decision_by_id_with_matched_rule(zeebe: Zeebe) -> None:
    deployed = await zeebe.deploy("risk_level.dmn")
    assert any(
        getattr(d, "dmn_decision_id", "") == "Decision_RiskLevel" for d in deployed.deployments
    )
    answer = await zeebe.client.evaluate_decision(None, "Decision_RiskLevel", {"score": 80})
    assert answer.decision_output == "high"
    (evaluated,) = answer.evaluated_decisions
    assert evaluated.matched_rules[0].rule_id == "Rule_High"
    assert evaluated.matched_rules[0].rule_index == 1
    low = await zeebe.client.evaluate_decision(None, "Decision_RiskLevel", {"score": 10})
    assert low.decision_output == "low"
    with pytest.raises(DecisionNotFoundError):
        await zeebe.client.evaluate_decision(None, "Decision_Unknown")
