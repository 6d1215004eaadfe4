"""Each RPC through real gRPC: the request reaches the engine translated, errors map to codes."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2
from pyzeebe.errors import (
    DecisionNotFoundError,
    MessageAlreadyExistsError,
    ProcessDefinitionNotFoundError,
    ProcessInstanceNotFoundError,
    ProcessTimeoutError,
)
from pyzeebe.proto import gateway_pb2 as pb

from .conftest import Gateway


async def _code(call: object) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call  # type: ignore[misc]
    return info.value.code(), info.value.details() or ""


async def test_topology_reports_one_broker_one_partition(gateway: Gateway) -> None:
    topology = await gateway.client.topology()
    assert topology.cluster_size == 1 and topology.partitions_count == 1
    assert topology.gateway_version.startswith("8.8")
    (broker,) = topology.brokers
    assert broker.port == gateway.host.grpc_port
    assert [p.partition_id for p in broker.partitions] == [1]


async def test_health_service_says_serving(gateway: Gateway) -> None:
    answer = await gateway.client.healthcheck()
    assert answer.status == health_pb2.HealthCheckResponse.SERVING


async def test_deploy_then_create_by_id_and_by_key(gateway: Gateway, tmp_path: Path) -> None:
    await gateway.deploy("Order", "pack", tmp_path)
    created = await gateway.client.run_process("Process_Order", {"amount": 3})
    by_key = await gateway.stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(
            processDefinitionKey=next(iter(gateway.fake.processes)), version=-1
        )
    )
    assert created.process_instance_key in gateway.fake.instances
    assert by_key.processInstanceKey != created.process_instance_key
    assert by_key.processInstanceKey in gateway.fake.instances
    first = gateway.fake.calls[0][1]
    assert first["bpmn_process_id"] == "Process_Order" and first["variables"] == {"amount": 3}


async def test_deploy_without_resources_is_invalid(gateway: Gateway) -> None:
    code, details = await _code(gateway.stub.DeployResource(pb.DeployResourceRequest()))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "resource" in details


async def test_unknown_process_is_not_found(gateway: Gateway) -> None:
    with pytest.raises(ProcessDefinitionNotFoundError):
        await gateway.client.run_process("Process_Nowhere")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("[1, 2]", "ARRAY"), ('"x"', "STRING"), ("{oops", "does not parse")],
)
async def test_variables_must_be_a_json_object(gateway: Gateway, text: str, expected: str) -> None:
    code, details = await _code(
        gateway.stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(bpmnProcessId="Process_X", version=-1, variables=text)
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "'variables'" in details and expected in details
    assert gateway.fake.calls == []  # rejected before it reached the engine


async def test_create_with_result_returns_final_variables(gateway: Gateway, tmp_path: Path) -> None:
    await gateway.deploy("Quick", None, tmp_path)  # no job: the instance completes at once
    result = await gateway.client.run_process_with_result("Process_Quick", {"a": 1})
    assert result.variables == {"a": 1}


async def test_create_with_result_times_out_as_deadline_exceeded(
    gateway: Gateway, tmp_path: Path
) -> None:
    await gateway.deploy("Slow", "never-done", tmp_path)
    with pytest.raises(ProcessTimeoutError):
        await gateway.client.run_process_with_result("Process_Slow", timeout=50)


async def test_cancel_unknown_instance_is_not_found(gateway: Gateway) -> None:
    with pytest.raises(ProcessInstanceNotFoundError):
        await gateway.client.cancel_process_instance(42)


async def test_set_variables_passes_local_flag_and_returns_key(
    gateway: Gateway, tmp_path: Path
) -> None:
    await gateway.deploy("Vars", "t", tmp_path)
    created = await gateway.client.run_process("Process_Vars")
    answer = await gateway.stub.SetVariables(
        pb.SetVariablesRequest(
            elementInstanceKey=created.process_instance_key, variables='{"x": 1}', local=True
        )
    )
    assert answer.key > 0
    assert gateway.fake.calls[-1] == ("set_variables", {"variables": {"x": 1}, "local": True})


async def test_resolve_unknown_incident_is_not_found(gateway: Gateway) -> None:
    code, details = await _code(
        gateway.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=7))
    )
    assert code == grpc.StatusCode.NOT_FOUND and "'7'" in details


async def test_delete_resource(gateway: Gateway, tmp_path: Path) -> None:
    await gateway.deploy("Gone", "t", tmp_path)
    key = next(iter(gateway.fake.processes))
    await gateway.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=key))
    assert key not in gateway.fake.processes
    code, _ = await _code(gateway.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=key)))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_publish_message_with_duplicate_id_already_exists(gateway: Gateway) -> None:
    await gateway.client.publish_message("Msg_Paid", "order-1", {"sum": 2}, 60_000, "m-1")
    assert gateway.fake.calls[-1] == (
        "publish_message",
        {"name": "Msg_Paid", "ttl": 60_000, "variables": {"sum": 2}},
    )
    with pytest.raises(MessageAlreadyExistsError):
        await gateway.client.publish_message("Msg_Paid", "order-1", message_id="m-1")


async def test_broadcast_signal(gateway: Gateway) -> None:
    answer = await gateway.client.broadcast_signal("Signal_Stop", {"why": "test"})
    assert answer.key > 0 and answer.tenant_id == "<default>"
    assert gateway.fake.calls[-1] == (
        "broadcast_signal",
        {"name": "Signal_Stop", "variables": {"why": "test"}},
    )


async def test_evaluate_decision_translates_the_result(gateway: Gateway) -> None:
    answer = await gateway.client.evaluate_decision(None, "Decision_Known", {"x": 1})
    assert answer.decision_output == "ok"  # pyzeebe decodes the JSON text
    (evaluated,) = answer.evaluated_decisions
    assert evaluated.matched_rules[0].rule_index == 1
    assert evaluated.matched_rules[0].evaluated_outputs[0].output_value == "ok"
    assert evaluated.evaluated_inputs[0].input_name == "x"
    with pytest.raises(DecisionNotFoundError):
        await gateway.client.evaluate_decision(None, "Decision_Unknown")


async def test_evaluate_decision_needs_an_id_or_a_key(gateway: Gateway) -> None:
    """Neither is INVALID_ARGUMENT; both are passed on (the id wins, as in Zeebe's broker; see
    test_conf_pyzeebe.py::test_non_existent_decision)."""
    code, details = await _code(gateway.stub.EvaluateDecision(pb.EvaluateDecisionRequest()))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "decisionId" in details


@pytest.mark.parametrize(
    ("rpc", "request_"),
    [
        ("DeployProcess", pb.DeployProcessRequest()),
        ("ModifyProcessInstance", pb.ModifyProcessInstanceRequest(processInstanceKey=1)),
        ("MigrateProcessInstance", pb.MigrateProcessInstanceRequest(processInstanceKey=1)),
    ],
)
async def test_unsupported_rpcs_are_unimplemented_with_a_message(
    gateway: Gateway, rpc: str, request_: object
) -> None:
    code, details = await _code(getattr(gateway.stub, rpc)(request_))
    assert code == grpc.StatusCode.UNIMPLEMENTED and rpc in details


async def test_hostile_nesting_is_refused_not_crashed(gateway: Gateway) -> None:
    deep = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    code, details = await _code(
        gateway.stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(bpmnProcessId="Process_X", version=-1, variables=deep)
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "nested too deeply" in details
    assert (await gateway.client.topology()).cluster_size == 1  # still serving


async def test_other_tenants_are_refused_as_with_multi_tenancy_disabled(gateway: Gateway) -> None:
    code, details = await _code(
        gateway.stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(bpmnProcessId="Process_X", tenantId="tenant-b")
        )
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert "'tenant-b'" in details and "multi-tenancy is disabled" in details
    request = pb.ActivateJobsRequest(
        type="t", worker="w", timeout=1, maxJobsToActivate=1, tenantIds=["tenant-b"]
    )
    with pytest.raises(grpc.aio.AioRpcError) as info:
        [j async for r in gateway.stub.ActivateJobs(request) for j in r.jobs]
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    answer = await gateway.client.broadcast_signal("s")  # "" and "<default>" are the default
    assert answer.tenant_id == "<default>"
