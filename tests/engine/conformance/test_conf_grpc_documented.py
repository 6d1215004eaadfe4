"""The errors the gateway-service page documents, RPC by RPC, with Zeebe's rejection texts.

Spec: https://docs.camunda.io/docs/8.8/apis-tools/zeebe-api/gateway-service/ (one "Errors"
section per RPC). The texts are those of Zeebe's engine processors (camunda/camunda
``zeebe/engine``: JobCommandPreconditionChecker, JobUpdateBehaviour, DecisionEvaluation…Processor,
MessagePublishProcessor, ResourceDeletion…); Zeebe's gateway puts "Command '…' rejected with code
'…': " in front of them, so the tests look for the text inside the details. Cases the older suites
already check (codes of the common job and instance errors, ActivateJobs validation, variables
that are not an object, tenants on DeployResource/CreateProcessInstance/ActivateJobs) are not
repeated here.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import grpc
from conf_bpmn import chain, end, message, message_ref, model, service, start
from conf_support import Conf, rpc_code
from pyzeebe.proto import gateway_pb2 as pb

UNKNOWN = 2251799813999999
RISK_LEVEL_DMN = Path(__file__).parents[1] / "models" / "risk_level.dmn"


def one_task(process_id: str, job_type: str = "work") -> str:
    return model(
        process_id, start(), service("Task", job_type), end(), chain("Start", "Task", "End")
    )


async def expect(call: Awaitable[Any], code: grpc.StatusCode, text: str) -> None:
    """The call fails with ``code`` and its details contain ``text``."""
    got, details = await rpc_code(call)
    assert (got, text in details) == (code, True), (got, details)


async def expect_failed_state(conf: Conf, job_key: int, rpcs: tuple[str, ...]) -> None:
    """Each of ``rpcs`` on the job is refused as Zeebe refuses a job in state FAILED."""
    requests = {
        "CompleteJob": (pb.CompleteJobRequest(jobKey=job_key), "complete"),
        "FailJob": (pb.FailJobRequest(jobKey=job_key, retries=0), "fail"),
        "ThrowError": (pb.ThrowErrorRequest(jobKey=job_key, errorCode="E"), "throw an error for"),
    }
    for rpc in rpcs:
        request, verb = requests[rpc]
        await expect(
            getattr(conf.stub, rpc)(request),
            grpc.StatusCode.FAILED_PRECONDITION,
            f"Expected to {verb} job with key '{job_key}', but it is in state 'FAILED'",
        )


async def read_stream(stream: Any) -> None:
    async for _ in stream:
        pass


# --- jobs ----------------------------------------------------------------------------------------


async def test_job_rpcs_on_an_unknown_key_name_the_job(conf: Conf) -> None:
    # CompleteJob/FailJob/ThrowError/UpdateJobRetries/UpdateJobTimeout: "GRPC_STATUS_NOT_FOUND …
    # No job exists with the given key".
    update = f"Expected to update job with key '{UNKNOWN}', but no such job was found"
    cases = (
        (pb.CompleteJobRequest(jobKey=UNKNOWN), "CompleteJob", "complete"),
        (pb.FailJobRequest(jobKey=UNKNOWN, retries=1), "FailJob", "fail"),
        (pb.ThrowErrorRequest(jobKey=UNKNOWN, errorCode="E"), "ThrowError", "throw an error for"),
    )
    for request, rpc, verb in cases:
        text = f"Expected to {verb} job with key '{UNKNOWN}', but no such job was found"
        await expect(getattr(conf.stub, rpc)(request), grpc.StatusCode.NOT_FOUND, text)
    retries = pb.UpdateJobRetriesRequest(jobKey=UNKNOWN, retries=1)
    await expect(conf.stub.UpdateJobRetries(retries), grpc.StatusCode.NOT_FOUND, update)
    timeout = pb.UpdateJobTimeoutRequest(jobKey=UNKNOWN, timeout=1_000)
    await expect(conf.stub.UpdateJobTimeout(timeout), grpc.StatusCode.NOT_FOUND, update)


async def test_update_job_retries_below_one_is_refused_and_changes_nothing(conf: Conf) -> None:
    # UpdateJobRetries: "GRPC_STATUS_INVALID_ARGUMENT … Retries is not greater than 0."
    await conf.deploy(one_task("P_Retries"))
    key = await conf.start("P_Retries")
    job = await conf.job("work")
    for retries in (0, -1):
        await expect(
            conf.stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=job.key, retries=retries)),
            grpc.StatusCode.INVALID_ARGUMENT,
            f"Expected to update retries for job with key '{job.key}' with a positive amount of "
            f"retries, but the amount given was '{retries}'",
        )
    assert conf.records(key, "JOB", "RETRIES_UPDATED") == []


async def test_commands_on_a_job_in_retry_back_off_say_it_failed(conf: Conf) -> None:
    # CompleteJob: "GRPC_STATUS_FAILED_PRECONDITION … The job was marked as failed." A job failed
    # with retries left and a back-off is in Zeebe's job state FAILED until the back-off ends.
    await conf.deploy(one_task("P_Backoff"))
    await conf.start("P_Backoff")
    job = await conf.job("work")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=2, retryBackOff=60_000))
    await expect_failed_state(conf, job.key, ("CompleteJob", "ThrowError"))


async def test_commands_on_a_job_without_retries_name_its_state(conf: Conf) -> None:
    # CompleteJob: "The job was marked as failed"; FailJob and ThrowError: "The job is already in
    # a failed state, i.e. ran out of retries" → GRPC_STATUS_FAILED_PRECONDITION.
    await conf.deploy(one_task("P_NoRetries"))
    key = await conf.start("P_NoRetries")
    job = await conf.job("work")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0, errorMessage="down"))
    await conf.incident(key)
    await expect_failed_state(conf, job.key, ("CompleteJob", "FailJob", "ThrowError"))


async def test_throw_error_on_a_job_whose_error_was_not_caught(conf: Conf) -> None:
    # ThrowError: "If there is no error catch event with the specified errorCode, an incident is
    # raised instead"; the job then waits for the incident, so a second ThrowError is
    # GRPC_STATUS_FAILED_PRECONDITION (Zeebe's job state ERROR_THROWN).
    await conf.deploy(one_task("P_Uncaught"))
    key = await conf.start("P_Uncaught")
    job = await conf.job("work")
    await conf.stub.ThrowError(pb.ThrowErrorRequest(jobKey=job.key, errorCode="NOBODY"))
    incident = await conf.incident(key)
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"
    await expect(
        conf.stub.ThrowError(pb.ThrowErrorRequest(jobKey=job.key, errorCode="NOBODY")),
        grpc.StatusCode.FAILED_PRECONDITION,
        f"Expected to throw an error for job with key '{job.key}', but it is in state "
        "'ERROR_THROWN'",
    )


async def test_update_job_timeout_of_a_job_not_activated_names_it(conf: Conf) -> None:
    # UpdateJobTimeout: "GRPC_STATUS_INVALID_STATE … The job is not active" (gRPC has no such
    # code: Zeebe's INVALID_STATE rejection reaches the client as FAILED_PRECONDITION).
    await conf.deploy(one_task("P_Idle"))
    key = await conf.start("P_Idle")
    created = await conf.record(key, "JOB", "CREATED")
    await expect(
        conf.stub.UpdateJobTimeout(pb.UpdateJobTimeoutRequest(jobKey=created.key, timeout=1_000)),
        grpc.StatusCode.FAILED_PRECONDITION,
        f"Expected to update the timeout of job with key '{created.key}', but it is not active",
    )


async def test_fail_job_variables_are_set_in_the_task_scope(conf: Conf) -> None:
    # FailJob: "If the variables argument is set, the variables are merged into the process at
    # the local scope of the job's associated task."
    await conf.deploy(one_task("P_FailVars"))
    key = await conf.start("P_FailVars")
    job = await conf.job("work")
    await conf.stub.FailJob(
        pb.FailJobRequest(jobKey=job.key, retries=1, variables=json.dumps({"attempt": 1}))
    )
    assert conf.scoped(key, job.elementInstanceKey) == {"attempt": 1}
    assert "attempt" not in conf.variables(key)


async def test_stream_activated_jobs_refuses_a_timeout_below_one_ms(conf: Conf) -> None:
    # StreamActivatedJobs: "GRPC_STATUS_INVALID_ARGUMENT … Timeout less than 1 (ms)".
    for timeout in (0, -5):
        stream = conf.stub.StreamActivatedJobs(
            pb.StreamActivatedJobsRequest(type="work", worker="w", timeout=timeout)
        )
        await expect(read_stream(stream), grpc.StatusCode.INVALID_ARGUMENT, "timeout")


# --- process instances and resources -------------------------------------------------------------


async def test_create_names_the_process_it_did_not_find(conf: Conf) -> None:
    # CreateProcessInstance(WithResult): "GRPC_STATUS_NOT_FOUND … No process with the given key
    # exists / with the given process ID exists (version -1) / with the given process ID and
    # version exists".
    await conf.deploy(one_task("P_Known"))
    cases = (
        (
            pb.CreateProcessInstanceRequest(processDefinitionKey=UNKNOWN),
            f"Expected to find process definition with key '{UNKNOWN}', but none found",
        ),
        (
            pb.CreateProcessInstanceRequest(bpmnProcessId="P_Missing", version=-1),
            "Expected to find process definition with process ID 'P_Missing', but none found",
        ),
        (
            pb.CreateProcessInstanceRequest(bpmnProcessId="P_Known", version=7),
            "Expected to find process definition with process ID 'P_Known' and version '7', "
            "but none found",
        ),
    )
    for request, text in cases:
        await expect(conf.stub.CreateProcessInstance(request), grpc.StatusCode.NOT_FOUND, text)
        with_result = pb.CreateProcessInstanceWithResultRequest(request=request)
        await expect(
            conf.stub.CreateProcessInstanceWithResult(with_result),
            grpc.StatusCode.NOT_FOUND,
            text,
        )


async def test_create_with_result_refuses_what_create_refuses(conf: Conf) -> None:
    # CreateProcessInstanceWithResult: "GRPC_STATUS_FAILED_PRECONDITION … does not contain a none
    # start event" and "GRPC_STATUS_INVALID_ARGUMENT … variables … not a valid JSON document".
    await conf.deploy(
        model(
            "P_MsgStart",
            start("Start", message_ref("Msg")),
            end(),
            chain("Start", "End"),
            defs=[message("Msg", "go")],
        )
    )
    request = pb.CreateProcessInstanceRequest(bpmnProcessId="P_MsgStart", version=-1)
    await expect(
        conf.stub.CreateProcessInstanceWithResult(
            pb.CreateProcessInstanceWithResultRequest(request=request)
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
        "Expected to create instance of process with none start event, but there is no such event",
    )
    await conf.deploy(one_task("P_Vars"))
    for variables in ("{broken", "[1, 2]"):
        bad = pb.CreateProcessInstanceRequest(
            bpmnProcessId="P_Vars", version=-1, variables=variables
        )
        await expect(
            conf.stub.CreateProcessInstanceWithResult(
                pb.CreateProcessInstanceWithResultRequest(request=bad)
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "variables",
        )


async def test_instance_rpcs_on_unknown_keys_give_zeebes_reasons(conf: Conf) -> None:
    # CancelProcessInstance: "No process instance exists with the given key"; SetVariables: "No
    # element with the given elementInstanceKey exists"; ResolveIncident: "No incident with the
    # given key exists"; DeleteResource: "No resource exists with the given key" → NOT_FOUND.
    cases = (
        (
            conf.stub.CancelProcessInstance(
                pb.CancelProcessInstanceRequest(processInstanceKey=UNKNOWN)
            ),
            f"Expected to cancel a process instance with key '{UNKNOWN}', but no such process "
            "was found",
        ),
        (
            conf.stub.SetVariables(
                pb.SetVariablesRequest(elementInstanceKey=UNKNOWN, variables="{}")
            ),
            f"Expected to update variables for element with key '{UNKNOWN}', but no such "
            "element was found",
        ),
        (
            conf.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=UNKNOWN)),
            f"Expected to resolve incident with key '{UNKNOWN}', but no such incident was found",
        ),
        (
            conf.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=UNKNOWN)),
            f"Expected to delete resource but no resource found with key `{UNKNOWN}`",
        ),
    )
    for call, text in cases:
        await expect(call, grpc.StatusCode.NOT_FOUND, text)


async def test_deleting_a_process_with_running_instances_is_refused(conf: Conf) -> None:
    # DeleteResource: "GRPC_STATUS_FAILED_PRECONDITION … The deleted resource is a process
    # definition, and there are running instances for this process definition."
    deployed = await conf.deploy(one_task("P_Busy"))
    definition_key = deployed.deployments[0].process_definition_key
    key = await conf.start("P_Busy")
    await expect(
        conf.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=definition_key)),
        grpc.StatusCode.FAILED_PRECONDITION,
        f"Expected to delete resource with key `{definition_key}` but there are still running "
        "instances",
    )
    # Refused means nothing changed: the process can still be started.
    assert await conf.start("P_Busy") != key


# --- messages, signals, decisions, tenants -------------------------------------------------------


async def test_publishing_a_live_message_id_again_already_exists(conf: Conf) -> None:
    # PublishMessage: "GRPC_STATUS_ALREADY_EXISTS … A message with the same ID was previously
    # published (and is still alive)."
    request = pb.PublishMessageRequest(
        name="paid", correlationKey="o-1", messageId="pay-1", timeToLive=60_000
    )
    first = await conf.stub.PublishMessage(request)
    assert first.key > 0 and first.tenantId == "<default>"
    await expect(
        conf.stub.PublishMessage(request),
        grpc.StatusCode.ALREADY_EXISTS,
        "Expected to publish a new message with id 'pay-1', but a message with that id was "
        "already published",
    )


async def test_evaluate_decision_on_an_unknown_id_or_key_is_not_found(conf: Conf) -> None:
    # EvaluateDecision lists "No decision with the given key/decision ID exists" under
    # INVALID_ARGUMENT, but Zeebe's DecisionEvaluationEvaluateProcessor rejects both with
    # NOT_FOUND, which its gateway answers as GRPC_STATUS_NOT_FOUND; we answer as Zeebe does.
    await expect(
        conf.stub.EvaluateDecision(pb.EvaluateDecisionRequest(decisionKey=UNKNOWN)),
        grpc.StatusCode.NOT_FOUND,
        f"Expected to evaluate decision '{UNKNOWN}', but no decision found for key '{UNKNOWN}'",
    )
    await expect(
        conf.stub.EvaluateDecision(pb.EvaluateDecisionRequest(decisionId="Nope")),
        grpc.StatusCode.NOT_FOUND,
        "Expected to evaluate decision 'Nope', but no decision found for id 'Nope'",
    )


async def test_evaluate_decision_uses_the_id_when_both_are_given(conf: Conf) -> None:
    # EvaluateDecision: "When you specify both the decision ID and KEY, the ID is used to find
    # the decision to be evaluated."
    resource = pb.Resource(name="risk_level.dmn", content=RISK_LEVEL_DMN.read_bytes())
    deployed = await conf.stub.DeployResource(pb.DeployResourceRequest(resources=[resource]))
    (decision,) = [d.decision for d in deployed.deployments if d.HasField("decision")]
    answer = await conf.stub.EvaluateDecision(
        pb.EvaluateDecisionRequest(
            decisionId="Decision_RiskLevel", decisionKey=UNKNOWN, variables='{"score": 80}'
        )
    )
    assert answer.decisionKey == decision.decisionKey
    assert json.loads(answer.decisionOutput) == "high"


async def test_other_tenants_are_refused_by_the_remaining_rpcs(conf: Conf) -> None:
    # "If multi-tenancy is disabled, and tenantId is not blank …, or has an ID other than
    # <default>" (CreateProcessInstanceWithResult, EvaluateDecision, StreamActivatedJobs:
    # INVALID_ARGUMENT; PublishMessage and BroadcastSignal list NOT_FOUND, but Zeebe's gateway
    # raises the same InvalidTenantRequestException there, which GrpcErrorMapper answers
    # INVALID_ARGUMENT).
    await conf.deploy(one_task("P_Tenants"))
    create = pb.CreateProcessInstanceRequest(bpmnProcessId="P_Tenants", version=-1, tenantId="t1")
    stream = conf.stub.StreamActivatedJobs(
        pb.StreamActivatedJobsRequest(type="work", worker="w", timeout=1_000, tenantIds=["t1"])
    )
    calls = (
        conf.stub.CreateProcessInstanceWithResult(
            pb.CreateProcessInstanceWithResultRequest(request=create)
        ),
        conf.stub.EvaluateDecision(pb.EvaluateDecisionRequest(decisionId="D", tenantId="t1")),
        conf.stub.PublishMessage(pb.PublishMessageRequest(name="m", tenantId="t1")),
        conf.stub.BroadcastSignal(pb.BroadcastSignalRequest(signalName="s", tenantId="t1")),
        read_stream(stream),
    )
    for call in calls:
        await expect(call, grpc.StatusCode.INVALID_ARGUMENT, "'t1'")


async def test_a_blank_tenant_id_means_the_default_tenant(conf: Conf) -> None:
    # "… tenantId is not blank (empty string, null), or has an ID other than <default>": a blank
    # id is no tenant id at all (RequestMapper.ensureTenantIdSet uses StringUtils.isBlank).
    published = await conf.stub.PublishMessage(
        pb.PublishMessageRequest(name="m", correlationKey="k", tenantId="  ")
    )
    assert published.tenantId == "<default>"
    signal = await conf.stub.BroadcastSignal(
        pb.BroadcastSignalRequest(signalName="s", tenantId=" ")
    )
    assert signal.tenantId == "<default>"
