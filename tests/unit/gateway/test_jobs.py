"""Job RPCs: activation, Zeebe's long polling, fairness, timeouts, streams, and a real worker."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import grpc
import pytest
from pyzeebe import ZeebeWorker
from pyzeebe.proto import gateway_pb2 as pb

from .conftest import Gateway


def _activate(gateway: Gateway, job_type: str, **fields: object) -> object:
    values: dict[str, object] = {"worker": "w1", "timeout": 30_000, "maxJobsToActivate": 5}
    values.update(fields)
    return gateway.stub.ActivateJobs(pb.ActivateJobsRequest(type=job_type, **values))


async def _jobs(call: object) -> list[pb.ActivatedJob]:
    return [job async for response in call for job in response.jobs]  # type: ignore[attr-defined]


async def _start(gateway: Gateway, name: str, tmp_path: Path, n: int = 1, **variables: int) -> None:
    await gateway.deploy(name, name.lower(), tmp_path)
    for _ in range(n):
        await gateway.client.run_process(f"Process_{name}", variables)


async def test_available_jobs_come_back_at_once_with_headers_and_fetched_variables(
    gateway: Gateway, tmp_path: Path
) -> None:
    await _start(gateway, "Pack", tmp_path, n=2, a=1, b=2)
    jobs = await _jobs(_activate(gateway, "pack", fetchVariable=["a"], requestTimeout=-1))
    assert len(jobs) == 2
    assert all(json.loads(j.variables) == {"a": 1} for j in jobs)
    assert json.loads(jobs[0].customHeaders) == {"header": "value"}
    assert jobs[0].worker == "w1" and jobs[0].bpmnProcessId == "Process_Pack"
    assert jobs[0].deadline == pytest.approx(gateway.clock.now_ms() + 30_000, abs=2_000)


@pytest.mark.parametrize(
    ("field", "value"), [("type", ""), ("worker", ""), ("timeout", 0), ("maxJobsToActivate", 0)]
)
async def test_invalid_activation_is_refused_naming_the_field(
    gateway: Gateway, field: str, value: object
) -> None:
    values: dict[str, object] = {
        "type": "x",
        "worker": "w",
        "timeout": 1000,
        "maxJobsToActivate": 1,
        field: value,
    }
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await _jobs(gateway.stub.ActivateJobs(pb.ActivateJobsRequest(**values)))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert f"'{field}'" in (info.value.details() or "")


async def test_negative_request_timeout_disables_long_polling(gateway: Gateway) -> None:
    assert await _jobs(_activate(gateway, "none", requestTimeout=-1)) == []
    assert gateway.host.dispatcher.waiting_requests == 0


async def test_long_poll_answers_when_a_job_is_created(gateway: Gateway, tmp_path: Path) -> None:
    await gateway.deploy("Late", "late", tmp_path)
    poll = asyncio.ensure_future(_jobs(_activate(gateway, "late", requestTimeout=60_000)))
    dispatcher = gateway.host.dispatcher
    await gateway.until(lambda: dispatcher.waiting_requests == 1)
    await gateway.client.run_process("Process_Late")
    jobs = await poll
    assert [j.type for j in jobs] == ["late"]


async def test_long_poll_ends_empty_after_request_timeout(gateway: Gateway) -> None:
    started = time.monotonic()
    assert await _jobs(_activate(gateway, "nothing", requestTimeout=50)) == []
    assert time.monotonic() - started >= 0.05


async def test_zero_request_timeout_uses_the_gateway_default(gateway: Gateway) -> None:
    # The fixture sets long_poll_default_ms=200.
    started = time.monotonic()
    assert await _jobs(_activate(gateway, "nothing", requestTimeout=0)) == []
    assert time.monotonic() - started >= 0.2


async def test_waiting_requests_are_served_first_come_first_served(
    gateway: Gateway, tmp_path: Path
) -> None:
    await gateway.deploy("Fair", "fair", tmp_path)
    dispatcher = gateway.host.dispatcher
    first = asyncio.ensure_future(
        _jobs(
            _activate(gateway, "fair", worker="first", maxJobsToActivate=1, requestTimeout=60_000)
        )
    )
    await gateway.until(lambda: dispatcher.waiting_requests == 1)
    second = asyncio.ensure_future(
        _jobs(
            _activate(gateway, "fair", worker="second", maxJobsToActivate=1, requestTimeout=60_000)
        )
    )
    await gateway.until(lambda: dispatcher.waiting_requests == 2)
    await gateway.client.run_process("Process_Fair")
    assert [j.worker for j in await first] == ["first"]
    assert not second.done()
    await gateway.client.run_process("Process_Fair")
    assert [j.worker for j in await second] == ["second"]


async def test_timed_out_job_is_activatable_again(gateway: Gateway, tmp_path: Path) -> None:
    await _start(gateway, "Slow", tmp_path)
    (job,) = await _jobs(_activate(gateway, "slow", timeout=5_000, requestTimeout=-1))
    assert await _jobs(_activate(gateway, "slow", requestTimeout=-1)) == []
    poll = asyncio.ensure_future(_jobs(_activate(gateway, "slow", requestTimeout=60_000)))
    dispatcher = gateway.host.dispatcher
    await gateway.until(lambda: dispatcher.waiting_requests == 1)
    gateway.advance(5_000)
    (again,) = await poll
    assert again.key == job.key


async def test_stream_receives_jobs_created_after_it_opened(
    gateway: Gateway, tmp_path: Path
) -> None:
    await gateway.deploy("Push", "push", tmp_path)
    stream = gateway.stub.StreamActivatedJobs(
        pb.StreamActivatedJobsRequest(type="push", worker="streamer", timeout=10_000)
    )
    await gateway.until(lambda: gateway.host.dispatcher.open_streams("push") == 1)
    await gateway.client.run_process("Process_Push", {"n": 7})
    job = await stream.read()  # type: ignore[attr-defined]
    assert job.worker == "streamer" and json.loads(job.variables) == {"n": 7}
    stream.cancel()  # type: ignore[attr-defined]


async def test_complete_fail_throw_and_update_rpcs(gateway: Gateway, tmp_path: Path) -> None:
    await _start(gateway, "Life", tmp_path, n=3)
    one, two, three = await _jobs(_activate(gateway, "life", requestTimeout=-1))
    await gateway.stub.CompleteJob(pb.CompleteJobRequest(jobKey=one.key, variables='{"r": 1}'))
    assert one.key not in gateway.fake.jobs
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await gateway.stub.CompleteJob(pb.CompleteJobRequest(jobKey=one.key))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND

    await gateway.stub.FailJob(pb.FailJobRequest(jobKey=two.key, retries=2, errorMessage="x"))
    assert gateway.fake.jobs[two.key].state == "ACTIVATABLE"
    assert gateway.fake.jobs[two.key].retries == 2
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await gateway.stub.CompleteJob(pb.CompleteJobRequest(jobKey=two.key))
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION

    await gateway.stub.UpdateJobTimeout(
        pb.UpdateJobTimeoutRequest(jobKey=three.key, timeout=90_000)
    )
    assert gateway.fake.jobs[three.key].deadline > three.deadline + 50_000
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await gateway.stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=three.key))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    await gateway.stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=three.key, retries=9))
    assert gateway.fake.jobs[three.key].retries == 9
    await gateway.stub.ThrowError(pb.ThrowErrorRequest(jobKey=three.key, errorCode="ERR_X"))
    assert gateway.fake.records[-1].intent == "ERROR_THROWN"


async def test_throw_error_without_a_code_reaches_the_engine(
    gateway: Gateway, tmp_path: Path
) -> None:
    """Zeebe's gateway forwards a blank errorCode (RequestMapper.toThrowErrorRequest); the broker
    decides what catches it. pyzeebe's set_error_status(message) sends exactly that."""
    await _start(gateway, "Blank", tmp_path)
    (job,) = await _jobs(_activate(gateway, "blank", requestTimeout=-1))
    await gateway.stub.ThrowError(
        pb.ThrowErrorRequest(jobKey=job.key, errorCode="", errorMessage="no code")
    )
    assert gateway.fake.records[-1].intent == "ERROR_THROWN"
    assert gateway.fake.records[-1].value["errorCode"] == ""
    assert job.key not in gateway.fake.jobs


async def test_pyzeebe_worker_completes_jobs_through_the_gateway(
    gateway: Gateway, tmp_path: Path
) -> None:
    await gateway.deploy("Work", "work", tmp_path)
    worker = ZeebeWorker(gateway.channel, poll_retry_delay=0)

    @worker.task(task_type="work", max_jobs_to_activate=8, max_running_jobs=16)
    async def work(n: int) -> dict[str, int]:
        return {"doubled": n * 2}

    running = asyncio.ensure_future(worker.work())
    try:
        results = await asyncio.gather(
            *(gateway.client.run_process_with_result("Process_Work", {"n": i}) for i in range(10))
        )
    finally:
        await worker.stop()
        await running
    assert sorted(r.variables["doubled"] for r in results) == [i * 2 for i in range(10)]


async def test_failed_handler_fails_the_job_with_its_message(
    gateway: Gateway, tmp_path: Path
) -> None:
    await _start(gateway, "Boom", tmp_path)
    worker = ZeebeWorker(gateway.channel, poll_retry_delay=0)

    @worker.task(task_type="boom", max_jobs_to_activate=1, max_running_jobs=2)
    async def boom() -> None:
        raise RuntimeError("exploded")

    running = asyncio.ensure_future(worker.work())
    try:
        await gateway.until(lambda: any(r.intent == "FAILED" for r in gateway.fake.records))
    finally:
        await worker.stop()
        await running
    failed = next(r for r in gateway.fake.records if r.intent == "FAILED")
    assert "exploded" in failed.value["errorMessage"]
    (job,) = gateway.fake.jobs.values()
    assert job.retries < 3  # pyzeebe fails with retries - 1
