"""The job protocol against the real engine: activation, long polling, timeouts, retries, errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import grpc
from pyzeebe.errors import BusinessError
from pyzeebe.proto import gateway_pb2 as pb
from zeebe_suite import Zeebe, rpc_error


async def test_activated_job_carries_headers_mapped_input_and_fetch_filter(zeebe: Zeebe) -> None:
    await zeebe.deploy("one_task.bpmn")
    key = await zeebe.start("Process_OneTask", amount=21, other="x")
    (job,) = await zeebe.activate("work", request_timeout=10_000)
    assert job.processInstanceKey == key and job.elementId == "Task_Work"
    assert json.loads(job.customHeaders) == {"region": "north"}
    assert json.loads(job.variables) == {"amount": 21, "other": "x", "doubled": 42}
    assert job.retries == 3 and job.worker == "test"
    await zeebe.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=3))
    (again,) = await zeebe.activate("work", fetchVariable=["doubled"])
    assert json.loads(again.variables) == {"doubled": 42}


async def test_task_definition_type_and_retries_may_be_feel(zeebe: Zeebe) -> None:
    await zeebe.deploy("retries_feel.bpmn")
    await zeebe.start("Process_RetriesFeel", kind="mail", tries=7)
    (job,) = await zeebe.activate("work-mail", request_timeout=10_000)
    assert job.retries == 7


async def test_complete_job_output_mapping_and_variables(zeebe: Zeebe) -> None:
    await zeebe.deploy("one_task.bpmn")
    key = await zeebe.start("Process_OneTask", amount=1)
    await zeebe.complete("work", '{"approved": true, "note": "ok"}')
    await zeebe.completed(key)
    variables = zeebe.variables(key)
    assert variables["taskApproved"] is True and "approved" not in variables
    error = await rpc_error(zeebe.stub.CompleteJob(pb.CompleteJobRequest(jobKey=123)))
    assert error.code() == grpc.StatusCode.NOT_FOUND


async def test_long_poll_returns_when_the_job_is_created(zeebe: Zeebe) -> None:
    await zeebe.deploy("one_task.bpmn")
    poll = asyncio.ensure_future(zeebe.activate("work", request_timeout=30_000))
    await zeebe.until(lambda: zeebe.harness.parked_job_requests() == 1)
    key = await zeebe.start("Process_OneTask", amount=1)
    (job,) = await asyncio.wait_for(poll, 10)
    assert job.processInstanceKey == key


async def test_timed_out_job_becomes_activatable_again(zeebe: Zeebe) -> None:
    await zeebe.deploy("one_task.bpmn")
    key = await zeebe.start("Process_OneTask", amount=1)
    (job,) = await zeebe.activate("work", timeout=60_000, request_timeout=10_000)
    assert await zeebe.activate("work") == []
    zeebe.harness.advance_clock(60_001)
    await zeebe.record(key, "JOB", "TIMED_OUT")
    (again,) = await zeebe.activate("work")
    assert again.key == job.key


async def test_update_job_timeout_moves_the_deadline(zeebe: Zeebe) -> None:
    await zeebe.deploy("one_task.bpmn")
    key = await zeebe.start("Process_OneTask", amount=1)
    (job,) = await zeebe.activate("work", timeout=1_000, request_timeout=10_000)
    await zeebe.stub.UpdateJobTimeout(pb.UpdateJobTimeoutRequest(jobKey=job.key, timeout=600_000))
    zeebe.harness.advance_clock(5_000)
    assert await zeebe.activate("work") == []
    assert "TIMEOUT_UPDATED" in [
        r.intent for r in zeebe.harness.history(key) if r.value_type == "JOB"
    ]


async def test_fail_job_with_back_off_then_incident_then_resolution(zeebe: Zeebe) -> None:
    await zeebe.deploy("one_task.bpmn")
    key = await zeebe.start("Process_OneTask", amount=1)
    (job,) = await zeebe.activate("work", request_timeout=10_000)
    await zeebe.stub.FailJob(
        pb.FailJobRequest(jobKey=job.key, retries=1, errorMessage="db down", retryBackOff=30_000)
    )
    assert await zeebe.activate("work") == []  # backing off
    zeebe.harness.advance_clock(30_000)
    (job,) = await zeebe.activate("work")
    await zeebe.stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0, errorMessage="db down"))
    incident = await zeebe.record(key, "INCIDENT", "CREATED")
    assert incident.value["errorType"] == "JOB_NO_RETRIES"
    assert incident.value["errorMessage"] == "db down"
    error = await rpc_error(zeebe.stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key)))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    await zeebe.stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=job.key, retries=2))
    await zeebe.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=incident.key))
    await zeebe.complete("work")
    await zeebe.completed(key)


async def test_throw_error_is_caught_by_the_error_boundary(zeebe: Zeebe) -> None:
    await zeebe.deploy("boundary_error.bpmn")
    key = await zeebe.start("Process_BoundaryError")
    (job,) = await zeebe.activate("work", request_timeout=10_000)
    await zeebe.stub.ThrowError(
        pb.ThrowErrorRequest(jobKey=job.key, errorCode="ERR_REJECTED", variables='{"why": "no"}')
    )
    await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_TERMINATED", "Task_Work")
    await zeebe.complete("handle")
    await zeebe.completed(key)
    assert "EndEvent_Handled" in zeebe.elements(key)


async def test_uncaught_error_raises_an_incident(zeebe: Zeebe) -> None:
    await zeebe.deploy("uncaught_error.bpmn")
    key = await zeebe.start("Process_UncaughtError")
    (job,) = await zeebe.activate("work", request_timeout=10_000)
    await zeebe.stub.ThrowError(pb.ThrowErrorRequest(jobKey=job.key, errorCode="ERR_NOBODY"))
    incident = await zeebe.record(key, "INCIDENT", "CREATED")
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"


async def test_job_stream_pushes_new_jobs(zeebe: Zeebe) -> None:
    await zeebe.deploy("one_task.bpmn")
    stream = zeebe.stub.StreamActivatedJobs(
        pb.StreamActivatedJobsRequest(type="work", worker="streamer", timeout=60_000)
    )
    await zeebe.until(lambda: zeebe.harness.open_job_streams("work") == 1)
    key = await zeebe.start("Process_OneTask", amount=3)
    job = await asyncio.wait_for(stream.read(), 10)
    assert job.processInstanceKey == key and job.worker == "streamer"
    stream.cancel()


async def test_pyzeebe_worker_drives_instances_to_completion(zeebe: Zeebe) -> None:
    await zeebe.deploy("two_tasks.bpmn")
    worker = zeebe.worker()

    @worker.task(task_type="first", max_jobs_to_activate=16, max_running_jobs=32)
    async def first(n: int) -> dict[str, Any]:
        return {"n": n + 1}

    @worker.task(task_type="second", max_jobs_to_activate=16, max_running_jobs=32)
    async def second(n: int) -> dict[str, Any]:
        return {"n": n * 10}

    async with zeebe.working(worker):
        results = await asyncio.gather(
            *(
                zeebe.client.run_process_with_result("Process_TwoTasks", {"n": i}, timeout=20_000)
                for i in range(20)
            )
        )
    assert sorted(r.variables["n"] for r in results) == sorted((i + 1) * 10 for i in range(20))


async def test_business_error_from_a_pyzeebe_handler(zeebe: Zeebe) -> None:
    await zeebe.deploy("boundary_error.bpmn")
    worker = zeebe.worker()

    @worker.task(task_type="work", max_jobs_to_activate=1, max_running_jobs=2)
    async def work() -> None:
        raise BusinessError("ERR_REJECTED")

    key = await zeebe.start("Process_BoundaryError")
    async with zeebe.working(worker):
        await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", "Task_Handle")
