"""Driving the engine as a Zeebe client does, for the conformance suite.

``Conf`` wraps the behaviour suite's ``Zeebe`` (a fresh engine per test, pyzeebe's
``ZeebeClient`` and the raw gateway stub pyzeebe ships). Models are written as files and deployed
with ``ZeebeClient.deploy_resource``; observations go through the gateway where Zeebe offers one
(activated jobs, CreateProcessInstanceWithResult) and through the record log otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import grpc
import pytest
from pyzeebe.errors import PyZeebeError
from pyzeebe.proto import gateway_pb2 as pb
from zeebe_suite import Zeebe

from engine.api import Record

DOCS = "https://docs.camunda.io/docs/8.8"


@dataclass
class Conf:
    """A pyzeebe client against a fresh embedded engine, plus the observations tests make."""

    zeebe: Zeebe
    tmp_path: Path
    _files: int = 0

    @property
    def stub(self) -> Any:
        return self.zeebe.stub

    @property
    def client(self) -> Any:
        return self.zeebe.client

    # --- driving -------------------------------------------------------------------------------

    async def deploy(self, *xml: str) -> Any:
        """Deploy BPMN documents in one deployment, as Camunda Modeler would."""
        paths = []
        for text in xml:
            self._files += 1
            path = self.tmp_path / f"model_{self._files}.bpmn"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        try:
            return await self.client.deploy_resource(*paths)
        except PyZeebeError as exc:
            cause = exc.__cause__
            details = cause.details() if isinstance(cause, grpc.aio.AioRpcError) else ""
            raise AssertionError(f"deployment rejected: {details}") from exc

    async def start(self, process_id: str, **variables: Any) -> int:
        created = await self.client.run_process(process_id, variables)
        return int(created.process_instance_key)

    async def job(self, job_type: str, **fields: Any) -> pb.ActivatedJob:
        """Long-poll until exactly one job of the type is activated."""
        fields.setdefault("timeout", 60_000)
        fields.setdefault("worker", "conformance")
        request = pb.ActivateJobsRequest(
            type=job_type, maxJobsToActivate=1, requestTimeout=10_000, **fields
        )
        jobs = [job async for response in self.stub.ActivateJobs(request) for job in response.jobs]
        assert len(jobs) == 1, f"expected one {job_type} job, got {len(jobs)}"
        return cast(pb.ActivatedJob, jobs[0])

    async def jobs(self, job_type: str, count: int, **fields: Any) -> list[pb.ActivatedJob]:
        """Activate until ``count`` jobs of the type were handed out."""
        found: list[pb.ActivatedJob] = []
        while len(found) < count:
            request = pb.ActivateJobsRequest(
                type=job_type,
                worker="conformance",
                timeout=60_000,
                maxJobsToActivate=count - len(found),
                requestTimeout=10_000,
                **fields,
            )
            batch = [j async for r in self.stub.ActivateJobs(request) for j in r.jobs]
            assert batch, f"no more {job_type} jobs after {len(found)}"
            found.extend(batch)
        return found

    async def none_available(self, job_type: str) -> bool:
        """True if an activation without long polling finds no job of the type."""
        request = pb.ActivateJobsRequest(
            type=job_type, worker="probe", timeout=60_000, maxJobsToActivate=10, requestTimeout=-1
        )
        return not [j async for r in self.stub.ActivateJobs(request) for j in r.jobs]

    async def complete(self, job: pb.ActivatedJob, **variables: Any) -> None:
        await self.stub.CompleteJob(
            pb.CompleteJobRequest(jobKey=job.key, variables=json.dumps(variables))
        )

    async def work(self, job_type: str, **variables: Any) -> pb.ActivatedJob:
        """Activate one job of the type and complete it with ``variables``."""
        job = await self.job(job_type)
        await self.complete(job, **variables)
        return job

    async def publish(self, name: str, key: str, ttl: int = 0, **fields: Any) -> Any:
        """PublishMessage through pyzeebe; TTL defaults to 0 (pyzeebe's own default is 60 s)."""
        return await self.client.publish_message(
            name, key, time_to_live_in_milliseconds=ttl, **fields
        )

    async def set_variables(self, scope_key: int, local: bool = False, **variables: Any) -> None:
        await self.stub.SetVariables(
            pb.SetVariablesRequest(
                elementInstanceKey=scope_key, variables=json.dumps(variables), local=local
            )
        )

    async def resolve(self, incident_key: int) -> None:
        await self.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=incident_key))

    def advance(self, ms: int) -> None:
        """Move the engine clock; due timers fire before this returns."""
        self.zeebe.harness.advance_clock(ms)

    def now_ms(self) -> int:
        return self.zeebe.harness.clock.now_ms()

    # --- observing -----------------------------------------------------------------------------

    async def record(
        self, key: int, value_type: str, intent: str, element_id: str | None = None
    ) -> Record:
        return await self.zeebe.record(key, value_type, intent, element_id)

    async def active(self, key: int, element_id: str) -> Record:
        """Await the element's ELEMENT_ACTIVATED record (a wait state was reached)."""
        return await self.record(key, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", element_id)

    async def incident(self, key: int) -> Record:
        return await self.record(key, "INCIDENT", "CREATED")

    async def completed(self, key: int) -> Record:
        return await self.zeebe.completed(key)

    def records(self, key: int, value_type: str, intent: str | None = None) -> list[Record]:
        return [
            r
            for r in self.zeebe.harness.history(key)
            if r.value_type == value_type and (intent is None or r.intent == intent)
        ]

    def elements(self, key: int, intent: str = "ELEMENT_COMPLETED") -> list[str]:
        return self.zeebe.elements(key, intent)

    def variables(self, key: int) -> dict[str, Any]:
        """The root scope's variables (latest values) of instance ``key``."""
        return self.zeebe.variables(key)

    def scoped(self, key: int, scope_key: int) -> dict[str, Any]:
        """Latest values of the variables that live in scope ``scope_key``."""
        found: dict[str, Any] = {}
        for r in self.records(key, "VARIABLE"):
            if r.value.get("scopeKey") == scope_key:
                found[r.value["name"]] = json.loads(r.value["value"])
        return found

    def instances_of(self, key: int, element_id: str, intent: str) -> int:
        return self.elements(key, intent).count(element_id)


def variables_of(job: pb.ActivatedJob) -> dict[str, Any]:
    return dict(json.loads(job.variables))


async def rpc_code(call: Awaitable[Any]) -> tuple[grpc.StatusCode, str]:
    """Await a gateway call that must fail; return its status code and details."""
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await call
    return info.value.code(), info.value.details() or ""
