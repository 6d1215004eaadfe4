"""A small in-memory engine implementing :class:`engine.api.EngineApi` for gateway tests.

Each deployed BPMN becomes a "process" whose instances create one job of the first
``zeebe:taskDefinition`` type in the file (or complete at once when there is none); completing
that job completes the instance. Enough to drive every RPC and the job protocol (activation,
deadlines, timeouts, retries) without the real runtime.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from engine import api
from engine.clock import Clock, SystemClock
from engine.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound

from .fake_decisions import KNOWN_DECISION_RESULT

_LOCKS: set[str] = set()  # store URLs held by open fakes, to test the single-engine refusal


@dataclasses.dataclass
class FakeJob:
    key: int
    type: str
    instance_key: int
    process: api.DeployedProcess
    variables: dict[str, Any]
    retries: int = 3
    worker: str = ""
    deadline: int = -1  # -1: activatable
    state: str = "ACTIVATABLE"  # ACTIVATABLE | ACTIVATED | FAILED | BACKOFF
    recur_at: int = 0


class FakeEngine:
    def __init__(
        self,
        settings: Any = None,
        *,
        clock: Clock | None = None,
        exporters: Sequence[api.Exporter] = (),
    ) -> None:
        self.clock = clock or SystemClock()
        self.settings = settings
        self.exporters = list(exporters)
        self._keys = itertools.count(2251799813685249)
        self.processes: dict[int, tuple[api.DeployedProcess, str | None, bytes]] = {}
        self.jobs: dict[int, FakeJob] = {}
        self.instances: dict[int, dict[str, Any]] = {}
        self.results: dict[int, asyncio.Future[api.ProcessInstanceResult]] = {}
        self.message_ids: set[str] = set()
        self.records: list[api.Record] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._job_listeners: list[api.JobsAvailableListener] = []
        self._wakeup_listeners: list[Callable[[], None]] = []
        self.opened = False

    # --- lifecycle (the part engine.server needs) --------------------------------------------

    def open(self) -> None:
        url = str(getattr(self.settings, "database_url", ""))
        if url in _LOCKS:
            raise FailedPrecondition(f"Store '{url}' is locked by another engine (fake)")
        _LOCKS.add(url)
        self.opened = True

    def close(self) -> None:
        _LOCKS.discard(str(getattr(self.settings, "database_url", "")))
        self.opened = False

    def tick(self) -> int | None:
        now = self.clock.now_ms()
        due: list[FakeJob] = []
        for job in self.jobs.values():
            if job.state == "ACTIVATED" and job.deadline <= now:
                job.state, job.deadline, job.worker = "ACTIVATABLE", -1, ""
                self._record(job.key, "JOB", "TIMED_OUT", job.instance_key, {"type": job.type})
                due.append(job)
            elif job.state == "BACKOFF" and job.recur_at <= now:
                job.state = "ACTIVATABLE"
                due.append(job)
        for job in due:
            self._notify(job.type)
        pending = [j.deadline for j in self.jobs.values() if j.state == "ACTIVATED"]
        pending += [j.recur_at for j in self.jobs.values() if j.state == "BACKOFF"]
        return max(0, min(pending) - now) if pending else None

    def add_wakeup_listener(self, fn: Callable[[], None]) -> Callable[[], None]:
        self._wakeup_listeners.append(fn)
        return lambda: self._wakeup_listeners.remove(fn)

    def add_jobs_available_listener(
        self, listener: api.JobsAvailableListener
    ) -> Callable[[], None]:
        self._job_listeners.append(listener)
        return lambda: self._job_listeners.remove(listener)

    # --- helpers -----------------------------------------------------------------------------

    def _record(self, key: int, value_type: str, intent: str, pi: int, value: api.JsonDict) -> None:
        record = api.Record(
            position=len(self.records) + 1,
            key=key,
            timestamp=self.clock.now_ms(),
            record_type="EVENT",
            value_type=value_type,
            intent=intent,
            process_instance_key=pi,
            value=value,
        )
        self.records.append(record)
        for exporter in self.exporters:
            exporter.export(None, [record])

    def _set(self, instance_key: int, variables: api.JsonDict) -> None:
        for name, value in variables.items():
            self.instances[instance_key][name] = value
            self._record(
                instance_key,
                "VARIABLE",
                "CREATED",
                instance_key,
                {"name": name, "value": json.dumps(value), "scopeKey": instance_key},
            )

    def _notify(self, job_type: str) -> None:
        for listener in list(self._job_listeners):
            listener(job_type)

    def _wake(self) -> None:
        for fn in list(self._wakeup_listeners):
            fn()

    def _job(self, key: int, *, activated: bool = True) -> FakeJob:
        job = self.jobs.get(key)
        if job is None:
            raise NotFound(f"Expected to find job with key '{key}', but no such job was found")
        if activated and job.state != "ACTIVATED":
            raise FailedPrecondition(f"Expected job '{key}' to be activated, but it is {job.state}")
        return job

    def _finish_instance(self, key: int) -> None:
        variables = self.instances.pop(key)
        self._record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", key, {"elementId": "process"})
        process = self.processes[variables.pop("__pdk")][0]
        created = api.ProcessInstanceCreated(
            process.process_definition_key, process.bpmn_process_id, process.version, key
        )
        future = self.results.pop(key, None)
        if future is not None and not future.done():
            future.set_result(api.ProcessInstanceResult(created, variables))

    # --- EngineApi ---------------------------------------------------------------------------

    def deploy(self, resources: Sequence[api.Resource], tenant_id: str = "<default>") -> Any:
        deployed: list[api.DeployedProcess] = []
        for resource in resources:
            found = re.search(rb'<bpmn:process id="([^"]+)"', resource.content)
            if not resource.name.endswith(".bpmn") or found is None:
                raise InvalidArgument(f"'{resource.name}': not a BPMN process the fake knows")
            process_id = found.group(1).decode()
            same = [p for p in self.processes.values() if p[0].bpmn_process_id == process_id]
            if same and same[-1][2] == resource.content:
                deployed.append(same[-1][0])
                continue
            job_type = re.search(rb'taskDefinition type="([^"]+)"', resource.content)
            key = next(self._keys)
            process = api.DeployedProcess(process_id, len(same) + 1, key, resource.name, tenant_id)
            self.processes[key] = (
                process,
                job_type.group(1).decode() if job_type else None,
                resource.content,
            )
            deployed.append(process)
        return api.DeploymentResult(key=next(self._keys), processes=tuple(deployed))

    def delete_resource(self, resource_key: int) -> None:
        if self.processes.pop(resource_key, None) is None:
            raise NotFound(f"Expected to delete resource with key '{resource_key}', not found")

    def create_process_instance(self, **kwargs: Any) -> api.ProcessInstanceCreated:
        self.calls.append(("create_process_instance", kwargs))
        pdk = kwargs.get("process_definition_key")
        if pdk is not None:
            entry = self.processes.get(pdk)
        else:
            version = kwargs.get("version", -1)
            matches = [
                p
                for p in self.processes.values()
                if p[0].bpmn_process_id == kwargs["bpmn_process_id"]
                and (version < 0 or p[0].version == version)
            ]
            entry = matches[-1] if matches else None
        if entry is None:
            raise NotFound("Expected to find process definition, but none found")
        process, job_type, _ = entry
        key = next(self._keys)
        variables = dict(kwargs.get("variables") or {})
        self.instances[key] = {"__pdk": process.process_definition_key}
        self._set(key, variables)
        self._record(key, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", key, {"elementId": "process"})
        if job_type is None:
            self._finish_instance(key)
        else:
            job = FakeJob(next(self._keys), job_type, key, process, variables)
            self.jobs[job.key] = job
            self._record(job.key, "JOB", "CREATED", key, {"type": job_type})
            self._notify(job_type)
        return api.ProcessInstanceCreated(
            process.process_definition_key, process.bpmn_process_id, process.version, key
        )

    def instance_result(
        self, process_instance_key: int, fetch_variables: Sequence[str] = ()
    ) -> asyncio.Future[api.ProcessInstanceResult]:
        future: asyncio.Future[api.ProcessInstanceResult] = (
            asyncio.get_running_loop().create_future()
        )
        # Like the runtime: only an active instance can be awaited.
        if process_instance_key not in self.instances:
            future.set_exception(NotFound(f"process instance '{process_instance_key}' not active"))
        else:
            self.results[process_instance_key] = future
        return future

    def cancel_process_instance(self, process_instance_key: int) -> None:
        if self.instances.pop(process_instance_key, None) is None:
            raise NotFound(f"Expected to cancel process instance '{process_instance_key}'")
        for key in [k for k, j in self.jobs.items() if j.instance_key == process_instance_key]:
            del self.jobs[key]

    def set_variables(self, element_instance_key: int, variables: api.JsonDict, local: bool) -> int:
        if element_instance_key not in self.instances:
            raise NotFound(f"Expected to find element instance '{element_instance_key}'")
        self.instances[element_instance_key].update(variables)
        self.calls.append(("set_variables", {"variables": variables, "local": local}))
        return next(self._keys)

    def resolve_incident(self, incident_key: int) -> None:
        raise NotFound(f"Expected to resolve incident with key '{incident_key}', not found")

    def yield_job(self, job_key: int) -> None:
        job = self._job(job_key)
        job.state, job.deadline, job.worker = "ACTIVATABLE", -1, ""
        self._record(job_key, "JOB", "YIELDED", job.instance_key, {"type": job.type})
        self._notify(job.type)

    def job_activated(self, job_key: int, worker: str, deadline: int | None = None) -> bool:
        job = self.jobs.get(job_key)
        return (
            job is not None
            and job.state == "ACTIVATED"
            and job.worker == worker
            and (deadline is None or job.deadline == deadline)
        )

    def activate_jobs(self, request: api.JobActivationRequest) -> list[api.ActivatedJob]:
        self.calls.append(("activate_jobs", {"request": request}))
        now = self.clock.now_ms()
        jobs: list[api.ActivatedJob] = []
        for job in self.jobs.values():
            if len(jobs) >= request.max_jobs:
                break
            if job.type != request.job_type or job.state != "ACTIVATABLE":
                continue
            job.state, job.worker = "ACTIVATED", request.worker
            job.deadline = now + request.timeout_ms
            names = request.fetch_variables
            variables = {k: v for k, v in job.variables.items() if not names or k in names}
            jobs.append(
                api.ActivatedJob(
                    key=job.key,
                    type=job.type,
                    process_instance_key=job.instance_key,
                    bpmn_process_id=job.process.bpmn_process_id,
                    process_definition_version=job.process.version,
                    process_definition_key=job.process.process_definition_key,
                    element_id="task",
                    element_instance_key=job.key + 1,
                    custom_headers={"header": "value"},
                    worker=request.worker,
                    retries=job.retries,
                    deadline=job.deadline,
                    variables=variables,
                )
            )
        if jobs:
            self._wake()
        return jobs

    def complete_job(self, job_key: int, variables: api.JsonDict) -> None:
        job = self._job(job_key)
        del self.jobs[job_key]
        self._record(job_key, "JOB", "COMPLETED", job.instance_key, {"type": job.type})
        self._set(job.instance_key, variables)
        self._finish_instance(job.instance_key)

    def fail_job(
        self,
        job_key: int,
        *,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: api.JsonDict | None = None,
    ) -> None:
        job = self._job(job_key)
        job.retries, job.worker, job.deadline = retries, "", -1
        self._record(job_key, "JOB", "FAILED", job.instance_key, {"errorMessage": error_message})
        if retries <= 0:
            job.state = "FAILED"
        elif retry_backoff_ms > 0:
            job.state, job.recur_at = "BACKOFF", self.clock.now_ms() + retry_backoff_ms
            self._wake()
        else:
            job.state = "ACTIVATABLE"
            self._notify(job.type)

    def throw_error(
        self,
        job_key: int,
        *,
        error_code: str,
        error_message: str = "",
        variables: api.JsonDict | None = None,
    ) -> None:
        job = self._job(job_key)
        del self.jobs[job_key]
        self._record(job_key, "JOB", "ERROR_THROWN", job.instance_key, {"errorCode": error_code})

    def update_job_retries(self, job_key: int, retries: int) -> None:
        self._job(job_key, activated=False).retries = retries

    def update_job_timeout(self, job_key: int, timeout_ms: int) -> None:
        job = self._job(job_key)
        job.deadline = self.clock.now_ms() + timeout_ms
        self._wake()

    def publish_message(
        self,
        *,
        name: str,
        correlation_key: str,
        time_to_live_ms: int,
        message_id: str = "",
        variables: api.JsonDict | None = None,
        tenant_id: str = "<default>",
    ) -> int:
        if message_id and message_id in self.message_ids:
            raise AlreadyExists(
                f"Expected to publish a new message with id '{message_id}', "
                "but a message with that id was already published"
            )
        if message_id:
            self.message_ids.add(message_id)
        self.calls.append(
            ("publish_message", {"name": name, "ttl": time_to_live_ms, "variables": variables})
        )
        return next(self._keys)

    def broadcast_signal(
        self,
        *,
        signal_name: str,
        variables: api.JsonDict | None = None,
        tenant_id: str = "<default>",
    ) -> int:
        self.calls.append(("broadcast_signal", {"name": signal_name, "variables": variables}))
        return next(self._keys)

    def evaluate_decision(self, **kwargs: Any) -> api.DecisionEvaluationResult:
        self.calls.append(("evaluate_decision", kwargs))
        if kwargs.get("decision_id") != "Decision_Known":
            raise NotFound("Expected to evaluate decision 'unknown', but no decision found")
        return KNOWN_DECISION_RESULT

    def assign_user_task(self, user_task_key: int, **kwargs: Any) -> None:
        raise NotFound("no user tasks in the fake")

    def unassign_user_task(self, user_task_key: int, **kwargs: Any) -> None:
        raise NotFound("no user tasks in the fake")

    def update_user_task(self, user_task_key: int, changeset: api.JsonDict, **kw: Any) -> None:
        raise NotFound("no user tasks in the fake")

    def complete_user_task(self, user_task_key: int, **kwargs: Any) -> None:
        raise NotFound("no user tasks in the fake")

    async def durable(self) -> None:
        """The fake commits nothing: every command is as durable as it gets at once."""

    def flush(self) -> None:
        """Nothing pending in the fake."""

    def history(self, process_instance_key: int) -> list[api.Record]:
        return [r for r in self.records if r.process_instance_key == process_instance_key]

    def topology(self) -> api.JsonDict:
        return {}
