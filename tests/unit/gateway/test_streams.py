"""Job streams and the gateway's behaviour on failures and shutdown."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import grpc
import pytest
from pyzeebe.proto import gateway_pb2 as pb

from engine import api
from engine.gateway import jobs as dispatch

from .conftest import Gateway


def _stream(gateway: Gateway, worker: str, timeout: int = 10_000) -> object:
    return gateway.stub.StreamActivatedJobs(
        pb.StreamActivatedJobsRequest(type="push", worker=worker, timeout=timeout)
    )


async def test_streams_of_a_type_take_turns(gateway: Gateway, tmp_path: Path) -> None:
    await gateway.deploy("Push", "push", tmp_path)
    one, two = _stream(gateway, "one"), _stream(gateway, "two")
    await gateway.until(lambda: gateway.host.dispatcher.open_streams("push") == 2)
    for _ in range(4):
        await gateway.client.run_process("Process_Push")
    workers = [(await s.read()).worker for s in (one, two, one, two)]  # type: ignore[attr-defined]
    assert sorted(workers) == ["one", "one", "two", "two"]
    for s in (one, two):
        s.cancel()  # type: ignore[attr-defined]


async def test_closed_stream_is_forgotten_and_jobs_go_to_polling(
    gateway: Gateway, tmp_path: Path
) -> None:
    await gateway.deploy("Push", "push", tmp_path)
    stream = _stream(gateway, "gone")
    await gateway.until(lambda: gateway.host.dispatcher.open_streams("push") == 1)
    stream.cancel()  # type: ignore[attr-defined]
    await gateway.until(lambda: gateway.host.dispatcher.open_streams("push") == 0)
    await gateway.client.run_process("Process_Push", {"k": 1})
    request = pb.ActivateJobsRequest(
        type="push", worker="poller", timeout=1000, maxJobsToActivate=1, requestTimeout=-1
    )
    jobs = [j async for r in gateway.stub.ActivateJobs(request) for j in r.jobs]
    assert [json.loads(j.variables) for j in jobs] == [{"k": 1}]


async def _busy_stream(gateway: Gateway, tmp_path: Path, *, instances: int) -> object:
    """A stream of worker "busy" open on ``Process_Push``, then ``instances`` instances (k=0…)."""
    await gateway.deploy("Push", "push", tmp_path)
    stream = _stream(gateway, "busy")
    await gateway.until(lambda: gateway.host.dispatcher.open_streams("push") == 1)
    for k in range(instances):
        await gateway.client.run_process("Process_Push", {"k": k})
    return stream


async def test_a_stream_at_capacity_leaves_new_jobs_to_polling_until_one_ends(
    gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pyzeebe reads a stream without flow control: the engine stops pushing to a worker that
    # has STREAM_CAPACITY jobs in flight, so it cannot hoard jobs it would let time out.
    monkeypatch.setattr(dispatch, "STREAM_CAPACITY", 2)
    monkeypatch.setattr(dispatch, "RECHECK_S", 0)
    stream = await _busy_stream(gateway, tmp_path, instances=3)
    pushed = [await stream.read() for _ in range(2)]  # type: ignore[attr-defined]
    assert [json.loads(j.variables)["k"] for j in pushed] == [0, 1]
    request = pb.ActivateJobsRequest(
        type="push", worker="poller", timeout=1000, maxJobsToActivate=5, requestTimeout=-1
    )
    polled = [j async for r in gateway.stub.ActivateJobs(request) for j in r.jobs]
    assert [json.loads(j.variables)["k"] for j in polled] == [2]
    await gateway.stub.CompleteJob(pb.CompleteJobRequest(jobKey=pushed[0].key))
    await gateway.client.run_process("Process_Push", {"k": 3})
    again = await stream.read()  # type: ignore[attr-defined]
    assert json.loads(again.variables)["k"] == 3
    stream.cancel()  # type: ignore[attr-defined]


async def test_a_full_stream_is_looked_up_again_only_after_a_while(
    gateway: Gateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A burst of new jobs while a stream is full must not cost a lookup per job in flight for
    # every new job.
    monkeypatch.setattr(dispatch, "STREAM_CAPACITY", 2)
    monkeypatch.setattr(dispatch, "RECHECK_S", 3600)
    lookups: list[int] = []
    real = gateway.fake.job_activated

    def counted(job_key: int, worker: str, deadline: int | None = None) -> bool:
        lookups.append(job_key)
        return real(job_key, worker, deadline)

    monkeypatch.setattr(gateway.fake, "job_activated", counted)
    stream = await _busy_stream(gateway, tmp_path, instances=12)
    pushed = [await stream.read() for _ in range(2)]  # type: ignore[attr-defined]
    assert len(pushed) == 2
    # one pruning pass over the two jobs in flight, plus one check per job actually sent
    assert len(lookups) <= 2 + len(pushed), lookups
    stream.cancel()  # type: ignore[attr-defined]


async def test_jobs_a_closed_stream_never_sent_are_yielded_to_pollers_at_once(
    gateway: Gateway, tmp_path: Path
) -> None:
    # Zeebe's JOB YIELD: not after the job timeout (here 10 minutes).
    await gateway.deploy("Push", "push", tmp_path)
    stream = gateway.host.dispatcher.open_stream(
        api.JobActivationRequest("push", "gone", 600_000, 32)
    )
    for k in (1, 2):
        await gateway.client.run_process("Process_Push", {"k": k})
    await gateway.until(lambda: stream.queue.qsize() == 2)  # activated, not yet sent
    stream.taken = stream.queue.get_nowait()[0]  # as StreamActivatedJobs awaiting its commit
    gateway.host.dispatcher.close_stream(stream)
    request = pb.ActivateJobsRequest(
        type="push", worker="poller", timeout=1000, maxJobsToActivate=5, requestTimeout=-1
    )
    jobs = [j async for r in gateway.stub.ActivateJobs(request) for j in r.jobs]
    assert sorted(json.loads(j.variables)["k"] for j in jobs) == [1, 2]
    assert ("JOB", "YIELDED") in [(r.value_type, r.intent) for r in gateway.fake.records]


async def test_stream_with_invalid_timeout_is_refused(gateway: Gateway) -> None:
    stream = _stream(gateway, "w", timeout=0)
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await stream.read()  # type: ignore[attr-defined]
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "'timeout'" in (info.value.details() or "")


async def test_engine_bug_is_internal_and_keeps_details_in_the_log(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(incident_key: int) -> None:
        raise RuntimeError("secret citizen data")

    monkeypatch.setattr(gateway.fake, "resolve_incident", broken)
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await gateway.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=1))
    assert info.value.code() == grpc.StatusCode.INTERNAL
    assert "secret" not in (info.value.details() or "")
    assert "ResolveIncident" in (info.value.details() or "")


async def test_stopping_the_server_answers_parked_requests(gateway: Gateway) -> None:
    request = pb.ActivateJobsRequest(
        type="idle", worker="w", timeout=1000, maxJobsToActivate=1, requestTimeout=60_000
    )
    poll = asyncio.ensure_future(
        asyncio.wait_for(
            _drain(gateway.stub.ActivateJobs(request)),
            10,
        )
    )
    await gateway.until(lambda: gateway.host.dispatcher.waiting_requests == 1)
    await gateway.host.stop()
    assert await poll == []


async def _drain(call: object) -> list[pb.ActivatedJob]:
    return [j async for r in call for j in r.jobs]  # type: ignore[attr-defined]
