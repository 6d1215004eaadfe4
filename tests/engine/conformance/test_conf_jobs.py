"""Jobs: activation, timeouts, retries, back-off, errors, and the gateway's status codes for them.

Spec: https://docs.camunda.io/docs/8.8/components/concepts/job-workers/ and
https://docs.camunda.io/docs/8.8/apis-tools/zeebe-api/gateway-service/
"""

from __future__ import annotations

import json

import grpc
from conf_bpmn import (
    boundary,
    chain,
    end,
    error_ref,
    headers,
    inp,
    io,
    model,
    multi,
    service,
    start,
)
from conf_support import Conf, rpc_code, variables_of
from pyzeebe.proto import gateway_pb2 as pb


def one_task(process_id: str, job_type: str = "work", *ext: str, retries: str | None = None) -> str:
    return model(
        process_id,
        start(),
        service("Task", job_type, *ext, retries=retries),
        end(),
        chain("Start", "Task", "End"),
    )


async def test_activated_job_describes_its_task(conf: Conf) -> None:
    """gateway-service#activatejobs-rpc: ActivatedJob fields (type, keys, element, headers as
    JSON, worker, retries, deadline = activation time + timeout)."""
    deployed = await conf.deploy(one_task("P_Job", "work", headers(channel="#ops"), retries="5"))
    key = await conf.start("P_Job")
    before = conf.now_ms()
    job = await conf.job("work", worker="w-1", timeout=30_000)
    task = await conf.active(key, "Task")
    assert (job.type, job.processInstanceKey, job.bpmnProcessId) == ("work", key, "P_Job")
    assert job.processDefinitionKey == deployed.deployments[0].process_definition_key
    assert (job.processDefinitionVersion, job.elementId) == (1, "Task")
    assert job.elementInstanceKey == task.key
    assert json.loads(job.customHeaders) == {"channel": "#ops"}
    assert (job.worker, job.retries) == ("w-1", 5)
    assert before + 30_000 <= job.deadline <= conf.now_ms() + 30_000


async def test_default_job_retries_are_three(conf: Conf) -> None:
    """service-tasks#task-definition: retries default to 3."""
    await conf.deploy(one_task("P_Retries"))
    await conf.start("P_Retries")
    assert (await conf.job("work")).retries == 3


async def test_max_jobs_to_activate_bounds_the_batch(conf: Conf) -> None:
    """gateway-service#activatejobs-rpc: activates up to the requested maximum."""
    await conf.deploy(one_task("P_Max"))
    for _ in range(3):
        await conf.start("P_Max")
    await conf.jobs("work", 3)  # all three exist and are handed out once each
    assert await conf.none_available("work")


async def test_an_activated_job_is_not_handed_out_again_before_its_timeout(conf: Conf) -> None:
    """job-workers#requesting-jobs: Zeebe ensures each job is sent to only one worker until it
    is completed, failed or its activation times out (which keeps its retries)."""
    await conf.deploy(one_task("P_Once"))
    await conf.start("P_Once")
    first = await conf.job("work", timeout=10_000)
    conf.advance(9_000)
    assert await conf.none_available("work")
    conf.advance(1_001)
    again = await conf.job("work")
    assert (again.key, again.retries) == (first.key, first.retries)


async def test_completing_a_job_twice_is_not_found(conf: Conf) -> None:
    """job-workers#timeouts: of two workers completing the same job only one succeeds, the other
    command is rejected with NOT_FOUND (jobs are removed once completed)."""
    await conf.deploy(one_task("P_Twice"))
    key = await conf.start("P_Twice")
    first = await conf.job("work", timeout=1_000)
    conf.advance(1_001)
    second = await conf.job("work", worker="other")
    assert second.key == first.key
    await conf.complete(second)
    code, details = await rpc_code(conf.complete(first))
    assert code == grpc.StatusCode.NOT_FOUND and str(first.key) in details
    await conf.completed(key)


async def test_fail_job_with_retries_left_makes_it_activatable_with_those_retries(
    conf: Conf,
) -> None:
    """gateway-service#failjob-rpc: positive retries without back-off → immediately activatable."""
    await conf.deploy(one_task("P_Fail"))
    await conf.start("P_Fail")
    job = await conf.job("work")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=1, errorMessage="later"))
    again = await conf.job("work")
    assert (again.key, again.retries) == (job.key, 1)


async def test_fail_job_without_retries_raises_an_incident(conf: Conf) -> None:
    """job-workers#completing-or-failing-jobs: zero or negative retries → incident, no retry."""
    await conf.deploy(one_task("P_FailNone"))
    for retries in (0, -1):
        key = await conf.start("P_FailNone")
        job = await conf.job("work")
        await conf.stub.FailJob(
            pb.FailJobRequest(jobKey=job.key, retries=retries, errorMessage="boom")
        )
        incident = await conf.incident(key)
        assert incident.value["errorType"] == "JOB_NO_RETRIES"
        assert incident.value["jobKey"] == job.key and incident.value["errorMessage"] == "boom"
        assert await conf.none_available("work")


async def test_commands_on_a_failed_job_are_failed_precondition(conf: Conf) -> None:
    """gateway-service: CompleteJob, FailJob and ThrowError on a job that ran out of retries
    answer FAILED_PRECONDITION."""
    await conf.deploy(one_task("P_Failed"))
    key = await conf.start("P_Failed")
    job = await conf.job("work")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0))
    await conf.incident(key)
    for call in (
        conf.stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key)),
        conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0)),
        conf.stub.ThrowError(pb.ThrowErrorRequest(jobKey=job.key, errorCode="E")),
    ):
        code, _ = await rpc_code(call)
        assert code == grpc.StatusCode.FAILED_PRECONDITION


async def test_resolving_a_job_incident_after_updating_retries_reactivates_the_job(
    conf: Conf,
) -> None:
    """incidents#resolving-a-job-related-incident: update variables, increase retries, resolve."""
    await conf.deploy(one_task("P_Resolve"))
    key = await conf.start("P_Resolve", amount="x")
    job = await conf.job("work")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0, errorMessage="NaN"))
    incident = await conf.incident(key)
    await conf.set_variables(key, amount=7)
    await conf.stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=job.key, retries=3))
    await conf.resolve(incident.key)
    again = await conf.job("work")
    assert again.key == job.key and again.retries == 3
    assert variables_of(again)["amount"] == 7
    await conf.complete(again)
    await conf.completed(key)


async def test_job_rpcs_on_unknown_keys_are_not_found(conf: Conf) -> None:
    """gateway-service: CompleteJob/FailJob/ThrowError/UpdateJobRetries/UpdateJobTimeout of an
    unknown job → NOT_FOUND."""
    unknown = 2251799813999999
    for call in (
        conf.stub.CompleteJob(pb.CompleteJobRequest(jobKey=unknown)),
        conf.stub.FailJob(pb.FailJobRequest(jobKey=unknown, retries=1)),
        conf.stub.ThrowError(pb.ThrowErrorRequest(jobKey=unknown, errorCode="E")),
        conf.stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=unknown, retries=1)),
        conf.stub.UpdateJobTimeout(pb.UpdateJobTimeoutRequest(jobKey=unknown, timeout=1_000)),
    ):
        code, details = await rpc_code(call)
        assert code == grpc.StatusCode.NOT_FOUND and str(unknown) in details


async def test_update_job_retries_must_be_positive(conf: Conf) -> None:
    """gateway-service#updatejobretries-rpc: retries not greater than 0 → INVALID_ARGUMENT."""
    await conf.deploy(one_task("P_UpdRetries"))
    await conf.start("P_UpdRetries")
    job = await conf.job("work")
    code, _ = await rpc_code(
        conf.stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=job.key, retries=0))
    )
    assert code == grpc.StatusCode.INVALID_ARGUMENT


async def test_activate_jobs_rejects_invalid_requests(conf: Conf) -> None:
    """gateway-service#activatejobs-rpc errors: blank type or worker, timeout < 1 ms or
    maxJobsToActivate < 1 → INVALID_ARGUMENT."""
    for field, value in (("type", ""), ("worker", ""), ("timeout", 0), ("maxJobsToActivate", 0)):
        fields: dict[str, object] = {
            "type": "work",
            "worker": "w",
            "timeout": 1_000,
            "maxJobsToActivate": 1,
            "requestTimeout": -1,
        }
        fields[field] = value
        request = pb.ActivateJobsRequest(**fields)  # type: ignore[arg-type]

        async def activate(request: pb.ActivateJobsRequest = request) -> None:
            async for _ in conf.stub.ActivateJobs(request):
                pass

        code, _ = await rpc_code(activate())
        assert code == grpc.StatusCode.INVALID_ARGUMENT, field


async def test_fetch_variables_limits_the_job_variables(conf: Conf) -> None:
    """gateway-service#activatejobs-rpc: fetchVariable names the variables returned; unknown
    names are simply absent; a local variable covers a root one."""
    await conf.deploy(one_task("P_Fetch", "work", io(inp('="local"', "b"))))
    await conf.start("P_Fetch", a=1, b="root", c=3)
    job = await conf.job("work", fetchVariable=["b", "c", "missing"])
    assert variables_of(job) == {"b": "local", "c": 3}


async def test_update_job_timeout_counts_from_now(conf: Conf) -> None:
    """job-workers#timeout-update: the new timeout is the duration from the current time, so it
    can shorten the activation as well as extend it."""
    await conf.deploy(one_task("P_Shorten"))
    await conf.start("P_Shorten")
    job = await conf.job("work", timeout=600_000)
    await conf.stub.UpdateJobTimeout(pb.UpdateJobTimeoutRequest(jobKey=job.key, timeout=5_000))
    conf.advance(5_001)
    assert (await conf.job("work")).key == job.key


async def test_retry_back_off_delays_the_next_activation(conf: Conf) -> None:
    """job-workers#completing-or-failing-jobs: a retry back-off delays the retry."""
    await conf.deploy(one_task("P_BackOff"))
    await conf.start("P_BackOff")
    job = await conf.job("work")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=2, retryBackOff=10_000))
    conf.advance(9_000)
    assert await conf.none_available("work")
    conf.advance(1_000)
    assert (await conf.job("work")).retries == 2


async def test_a_job_can_be_completed_before_it_is_activated(conf: Conf) -> None:
    """gateway-service#completejob-rpc: the only failures are NOT_FOUND (no such job) and
    FAILED_PRECONDITION (job failed); a created job that no worker activated yet completes."""
    await conf.deploy(one_task("P_Direct"))
    key = await conf.start("P_Direct")
    created = await conf.record(key, "JOB", "CREATED")
    await conf.stub.CompleteJob(pb.CompleteJobRequest(jobKey=created.key, variables='{"d": 1}'))
    await conf.completed(key)
    assert conf.variables(key)["d"] == 1


async def test_cancelling_the_instance_cancels_its_job(conf: Conf) -> None:
    """gateway-service#completejob-rpc: a job removed with its instance is NOT_FOUND afterwards."""
    await conf.deploy(one_task("P_CancelJob"))
    key = await conf.start("P_CancelJob")
    job = await conf.job("work")
    await conf.client.cancel_process_instance(key)
    code, _ = await rpc_code(conf.complete(job))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_job_variables_are_read_at_activation_time(conf: Conf) -> None:
    """gateway-service#activatejobs-rpc: ``variables`` is computed at activation time, so a
    variable set after the job was created is included."""
    await conf.deploy(one_task("P_LateVar"))
    key = await conf.start("P_LateVar")
    await conf.active(key, "Task")
    await conf.set_variables(key, late=1)
    assert variables_of(await conf.job("work"))["late"] == 1


async def test_job_commands_with_non_object_variables_are_invalid(conf: Conf) -> None:
    """gateway-service: CompleteJob/FailJob/ThrowError variables must be a JSON object."""
    await conf.deploy(one_task("P_BadJobVars"))
    await conf.start("P_BadJobVars")
    job = await conf.job("work")
    for call in (
        conf.stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key, variables="[1]")),
        conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=1, variables="[1]")),
        conf.stub.ThrowError(pb.ThrowErrorRequest(jobKey=job.key, errorCode="E", variables="[1]")),
    ):
        code, _ = await rpc_code(call)
        assert code == grpc.StatusCode.INVALID_ARGUMENT


async def test_long_polling_ends_empty_after_the_request_timeout(conf: Conf) -> None:
    """gateway-service#activatejobs-rpc: completed when a job is activated or after
    requestTimeout, with no jobs."""
    request = pb.ActivateJobsRequest(
        type="nothing", worker="w", timeout=1_000, maxJobsToActivate=1, requestTimeout=200
    )
    assert [j async for r in conf.stub.ActivateJobs(request) for j in r.jobs] == []


async def test_stream_activated_jobs_rejects_a_blank_type(conf: Conf) -> None:
    """gateway-service#streamactivatedjobs-rpc errors: blank type → INVALID_ARGUMENT."""
    stream = conf.stub.StreamActivatedJobs(
        pb.StreamActivatedJobsRequest(type="", worker="w", timeout=1_000)
    )

    async def read() -> None:
        async for _ in stream:
            pass

    code, _ = await rpc_code(read())
    assert code == grpc.StatusCode.INVALID_ARGUMENT


async def test_an_error_thrown_inside_a_multi_instance_is_caught_on_the_body(conf: Conf) -> None:
    """error-events#catching-the-error + multi-instance#boundary-events: the boundary on the
    body catches it; all instances are terminated and their jobs canceled."""
    loop = multi("=items", "item")
    await conf.deploy(
        model(
            "P_MiErr",
            start(),
            service("Each", "each", loop=loop),
            boundary("Caught", "Each", error_ref()),
            end(),
            end("CaughtEnd"),
            chain("Start", "Each", "End"),
            chain("Caught", "CaughtEnd"),
        )
    )
    key = await conf.start("P_MiErr", items=[1, 2, 3])
    jobs = await conf.jobs("each", 3)
    await conf.stub.ThrowError(pb.ThrowErrorRequest(jobKey=jobs[0].key, errorCode="ANY"))
    await conf.completed(key)
    assert "CaughtEnd" in conf.elements(key)
    code, _ = await rpc_code(conf.complete(jobs[1]))
    assert code == grpc.StatusCode.NOT_FOUND


async def test_update_job_timeout_of_a_job_that_is_not_active(conf: Conf) -> None:
    """gateway-service#updatejobtimeout-rpc errors: the job is not active → INVALID_STATE, which
    gRPC reports as FAILED_PRECONDITION."""
    await conf.deploy(one_task("P_NotActive"))
    key = await conf.start("P_NotActive")
    created = await conf.record(key, "JOB", "CREATED")
    request = pb.UpdateJobTimeoutRequest(jobKey=created.key, timeout=1_000)
    code, _ = await rpc_code(conf.stub.UpdateJobTimeout(request))
    assert code == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_job_incident_without_error_message_says_no_more_retries_left(conf: Conf) -> None:
    """incidents + Zeebe's JobFailProcessor: failing without retries and without an error message
    raises the incident with the message "No more retries left."."""
    await conf.deploy(one_task("P_NoMessage"))
    key = await conf.start("P_NoMessage")
    job = await conf.job("work")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0))
    assert (await conf.incident(key)).value["errorMessage"] == "No more retries left."


async def test_updating_retries_alone_does_not_reactivate_a_job_with_an_incident(
    conf: Conf,
) -> None:
    """incidents#resolving-a-job-related-incident: increase the retries, then mark the incident
    resolved — only then can the job be activated again."""
    await conf.deploy(one_task("P_RetriesOnly"))
    key = await conf.start("P_RetriesOnly")
    job = await conf.job("work")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0))
    incident = await conf.incident(key)
    await conf.stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=job.key, retries=2))
    assert await conf.none_available("work")
    await conf.resolve(incident.key)
    assert (await conf.job("work")).retries == 2


async def test_cancelling_an_instance_resolves_its_incidents(conf: Conf) -> None:
    """Zeebe resolves the incidents of terminated elements (every processor's onTerminated calls
    incidentBehavior.resolveIncidents), so Operate shows none left after a cancel."""
    await conf.deploy(one_task("P_CancelIncident"))
    key = await conf.start("P_CancelIncident")
    job = await conf.job("work")
    await conf.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0))
    incident = await conf.incident(key)
    await conf.client.cancel_process_instance(key)
    assert (await conf.record(key, "INCIDENT", "RESOLVED")).key == incident.key


async def test_a_timed_out_job_can_still_be_completed_by_its_first_worker(conf: Conf) -> None:
    """job-workers#timeouts: after a timeout the job may be worked on twice; whichever worker
    completes first succeeds."""
    await conf.deploy(one_task("P_LateWorker"))
    key = await conf.start("P_LateWorker")
    job = await conf.job("work", timeout=1_000)
    conf.advance(1_001)
    await conf.record(key, "JOB", "TIMED_OUT")
    await conf.complete(job, late=True)
    await conf.completed(key)
    assert conf.variables(key)["late"] is True
