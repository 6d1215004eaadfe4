"""Jobs: created by task-like elements, activated by workers, completed, failed, timed out.

States follow Zeebe's job state: ACTIVATABLE → ACTIVATED → (completed | failed | error thrown);
an activated job whose deadline passes is TIMED_OUT and activatable again; a failed job with
retries left is activatable again (after its back-off); with none left it waits for an incident.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine.api import ActivatedJob, JobActivationRequest, JsonDict
from engine.errors import FailedPrecondition, InvalidArgument, NotFound
from engine.model.specs import Element
from engine.runtime import expressions
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import NO_KEY, ElementInstance, Job, JobState, evolve

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors

USER_TASK_JOB_TYPE = "io.camunda.zeebe:userTask"


class Jobs:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    def get(self, key: int, verb: str) -> Job:
        job = self.ctx.state.get(Job, key)
        if job is None:
            raise NotFound(f"Expected to {verb} job with key '{key}', but no such job was found")
        return job

    def _wrong_state(self, job: Job, verb: str) -> FailedPrecondition:
        """Zeebe's INVALID_STATE rejection (JobCommandPreconditionChecker); Zeebe has no state
        of its own for a retry back-off: such a job is in state FAILED."""
        state = JobState.FAILED if job.state == JobState.BACKOFF else job.state
        return FailedPrecondition(
            f"Expected to {verb} job with key '{job.key}', but it is in state '{state}'"
        )

    def value(self, job: Job, **extra: Any) -> JsonDict:
        """The JOB record value (Zeebe's JobRecordValue)."""
        value: JsonDict = {
            "type": job.type,
            "worker": job.worker,
            "retries": job.retries,
            "deadline": job.deadline,
            "errorMessage": job.error_message,
            "errorCode": job.error_code,
            "customHeaders": dict(job.custom_headers),
            "elementId": job.element_id,
            "elementInstanceKey": job.element_instance_key,
            "processInstanceKey": job.pi_key,
            "bpmnProcessId": job.bpmn_process_id,
            "processDefinitionKey": job.process_definition_key,
            "processDefinitionVersion": job.process_definition_version,
            "variables": {},
            "retryBackoff": 0,
            "recurringTime": job.recur_at,
            "jobKind": job.kind,
            "tenantId": job.tenant_id,
        }
        value.update(extra)
        return value

    def _write(self, job: Job, intent: str, **extra: Any) -> None:
        self.ctx.write(
            "JOB", intent, job.key, self.value(job, **extra), process_instance_key=job.pi_key
        )

    # --- creation and cancellation -----------------------------------------------------------

    def prepare(self, instance: ElementInstance, element: Element) -> Job:
        """Evaluate the job type and retries in the element's scope (may raise an incident)."""
        view = self.b.vars.view(instance.key)
        definition = self.ctx.definition(instance.process_definition_key)
        try:
            if element.task_definition is None:
                # Only job-worker user tasks lack a task definition.
                job_type, retries = USER_TASK_JOB_TYPE, 3
            else:
                job_type = expressions.evaluate_str(element.task_definition.type, view)
                retries = expressions.evaluate_int(element.task_definition.retries, view)
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        headers = dict(element.task_headers)
        if element.user_task is not None and element.user_task.job_worker:
            headers.update(self.b.user_tasks.job_headers(instance, element))
        return Job(
            key=NO_KEY,
            type=job_type,
            state=JobState.ACTIVATABLE,
            retries=retries,
            element_instance_key=instance.key,
            pi_key=instance.pi_key,
            element_id=element.id,
            bpmn_process_id=definition.bpmn_process_id,
            process_definition_key=definition.key,
            process_definition_version=definition.version,
            custom_headers=headers,
            tenant_id=definition.tenant_id,
        )

    def create(self, instance: ElementInstance, job: Job) -> None:
        job = evolve(job, key=self.ctx.state.new_key())
        self.ctx.state.put(job)
        self.ctx.state.put(evolve(instance, job_key=job.key))
        self._write(job, "CREATED")
        self.ctx.jobs_available.add(job.type)

    def cancel_for(self, instance: ElementInstance) -> None:
        if instance.job_key == NO_KEY:
            return
        job = self.ctx.state.get(Job, instance.job_key)
        if job is not None:
            self._write(job, "CANCELED")
            self.ctx.state.delete(job)

    def remove(self, job: Job) -> None:
        self.ctx.state.delete(job)
        instance = self.b.bpmn.get(job.element_instance_key)
        if instance is not None and instance.job_key == job.key:
            self.ctx.state.put(evolve(instance, job_key=NO_KEY))

    # --- commands ----------------------------------------------------------------------------

    def activate(self, request: JobActivationRequest) -> list[ActivatedJob]:
        if request.max_jobs <= 0:
            raise InvalidArgument(
                f"Expected to activate jobs with max jobs greater than zero, but was "
                f"{request.max_jobs}"
            )
        tenants = set(request.tenant_ids) or {"<default>"}
        activated: list[ActivatedJob] = []
        values: list[JsonDict] = []
        deadline = self.ctx.now + request.timeout_ms
        skipped = 0
        while len(activated) < request.max_jobs:
            wanted = request.max_jobs - len(activated)
            candidates = self.ctx.state.head("activatable", request.job_type, skipped + wanted)
            candidates = candidates[skipped:]
            if not candidates:
                break
            for key in candidates:
                job = self.ctx.state.get(Job, key)
                if job is None or job.tenant_id not in tenants:
                    skipped += 1  # stays activatable (for other tenants): look past it
                    continue
                activated.append(self._activate_one(job, request, deadline))
                values.append(self.value(self.ctx.state.get(Job, key) or job))
        if activated:
            self.ctx.write(
                "JOB_BATCH",
                "ACTIVATED",
                self.ctx.state.new_key(),
                {
                    "type": request.job_type,
                    "worker": request.worker,
                    "timeout": request.timeout_ms,
                    "maxJobsToActivate": request.max_jobs,
                    "jobKeys": [j.key for j in activated],
                    "jobs": values,
                    "truncated": False,
                    "tenantIds": sorted(tenants),
                },
            )
        return activated

    def _activate_one(self, job: Job, request: JobActivationRequest, deadline: int) -> ActivatedJob:
        job = evolve(job, state=JobState.ACTIVATED, worker=request.worker, deadline=deadline)
        self.ctx.state.put(job)
        self.ctx.schedule(deadline, "job", job.key)
        variables = self._fetch(job, request.fetch_variables)
        return ActivatedJob(
            key=job.key,
            type=job.type,
            process_instance_key=job.pi_key,
            bpmn_process_id=job.bpmn_process_id,
            process_definition_version=job.process_definition_version,
            process_definition_key=job.process_definition_key,
            element_id=job.element_id,
            element_instance_key=job.element_instance_key,
            custom_headers=dict(job.custom_headers),
            worker=job.worker,
            retries=job.retries,
            deadline=job.deadline,
            variables=variables,
            tenant_id=job.tenant_id,
        )

    def _fetch(self, job: Job, names: Sequence[str] | None) -> JsonDict:
        values = self.b.vars.visible_values(job.element_instance_key)
        if names:
            wanted = set(names)
            return {k: v for k, v in values.items() if k in wanted}
        return values

    def complete(self, key: int, variables: JsonDict) -> None:
        job = self.get(key, "complete")
        if job.state not in (JobState.ACTIVATABLE, JobState.ACTIVATED):
            raise self._wrong_state(job, "complete")
        self._write(job, "COMPLETED", variables=variables)
        self.remove(job)
        instance = self.b.bpmn.get(job.element_instance_key)
        if instance is not None:
            self.b.bpmn.complete(instance, variables=variables)

    def fail(
        self,
        key: int,
        *,
        retries: int,
        error_message: str,
        retry_backoff_ms: int,
        variables: JsonDict | None,
    ) -> None:
        job = self.get(key, "fail")
        if job.state not in (JobState.ACTIVATABLE, JobState.ACTIVATED):
            raise self._wrong_state(job, "fail")
        if variables:
            self.b.vars.set_local_document(job.element_instance_key, variables)
        if retries > 0 and retry_backoff_ms > 0:
            state, recur_at = JobState.BACKOFF, self.ctx.now + retry_backoff_ms
            self.ctx.schedule(recur_at, "job", key)
        elif retries > 0:
            state, recur_at = JobState.ACTIVATABLE, NO_KEY
        else:
            state, recur_at = JobState.FAILED, NO_KEY
        job = evolve(
            job,
            state=state,
            retries=retries,
            error_message=error_message,
            recur_at=recur_at,
            deadline=NO_KEY,
            worker="" if state == JobState.ACTIVATABLE else job.worker,
        )
        self.ctx.state.put(job)
        self._write(job, "FAILED", retryBackoff=retry_backoff_ms)
        if state == JobState.ACTIVATABLE:
            self.ctx.jobs_available.add(job.type)
        if state == JobState.FAILED:
            instance = self.b.bpmn.get(job.element_instance_key)
            if instance is not None:
                message = error_message or "No more retries left."
                self.b.incidents.create(
                    instance,
                    IncidentRaised("JOB_NO_RETRIES", message),
                    retry="job",
                    job_key=job.key,
                )

    def throw_error(
        self, key: int, *, error_code: str, error_message: str, variables: JsonDict | None
    ) -> None:
        job = self.get(key, "throw an error for")
        if job.state not in (JobState.ACTIVATABLE, JobState.ACTIVATED):
            raise self._wrong_state(job, "throw an error for")
        job = evolve(
            job, state=JobState.ERROR_THROWN, error_code=error_code, error_message=error_message
        )
        self.ctx.state.put(job)
        self._write(job, "ERROR_THROWN", variables=variables or {})
        instance = self.b.bpmn.get(job.element_instance_key)
        if instance is None:
            return
        # Detach the job first: terminating the activity that catches the error must not also
        # write JOB CANCELED for it (Zeebe removes a caught job silently).
        detached = evolve(instance, job_key=NO_KEY)
        self.ctx.state.put(detached)
        if self.b.throws.throw_error(detached, error_code, error_message, variables or {}):
            self.ctx.state.delete(job)
            return
        current = self.b.bpmn.get(instance.key)
        if current is not None:
            self.ctx.state.put(evolve(current, job_key=job.key))
        self.b.incidents.create(
            current or instance,
            IncidentRaised(
                "UNHANDLED_ERROR_EVENT",
                self.b.throws.unhandled_message(current or instance, error_code, error_message),
            ),
            retry="job",
            job_key=job.key,
        )

    def update_retries(self, key: int, retries: int) -> None:
        # Zeebe's texts (JobUpdateBehaviour): the job is looked up before the retries are checked.
        job = self.get(key, "update")
        if retries < 1:
            raise InvalidArgument(
                f"Expected to update retries for job with key '{key}' with a positive amount of "
                f"retries, but the amount given was '{retries}'"
            )
        job = evolve(job, retries=retries)
        self.ctx.state.put(job)
        self._write(job, "RETRIES_UPDATED")

    def update_timeout(self, key: int, timeout_ms: int) -> None:
        job = self.get(key, "update")
        if job.state != JobState.ACTIVATED:
            raise FailedPrecondition(
                f"Expected to update the timeout of job with key '{key}', but it is not active"
            )
        job = evolve(job, deadline=self.ctx.now + timeout_ms)
        self.ctx.state.put(job)
        self.ctx.schedule(job.deadline, "job", key)
        self._write(job, "TIMEOUT_UPDATED")

    def yield_back(self, key: int) -> None:
        """Zeebe's JOB YIELD: a job pushed to a stream that could not deliver it is activatable
        again at once instead of after its timeout (JobYieldProcessor)."""
        job = self.get(key, "yield")
        if job.state != JobState.ACTIVATED:
            raise self._wrong_state(job, "yield")
        job = evolve(job, state=JobState.ACTIVATABLE, worker="", deadline=NO_KEY)
        self.ctx.state.put(job)
        self._write(job, "YIELDED")
        self.ctx.jobs_available.add(job.type)

    def make_activatable(self, job: Job) -> None:
        """After an incident on the job is resolved (its retries were updated)."""
        job = evolve(job, state=JobState.ACTIVATABLE, worker="", deadline=NO_KEY, recur_at=NO_KEY)
        self.ctx.state.put(job)
        self.ctx.jobs_available.add(job.type)

    # --- due work ----------------------------------------------------------------------------

    def due(self, key: int) -> int | None:
        """When this job next needs the scheduler (deadline or back-off end), if ever."""
        job = self.ctx.state.get(Job, key)
        if job is None:
            return None
        if job.state == JobState.ACTIVATED:
            return job.deadline
        if job.state == JobState.BACKOFF:
            return job.recur_at
        return None

    def on_due(self, key: int) -> None:
        job = self.ctx.state.get(Job, key)
        if job is None:
            return
        if job.state == JobState.ACTIVATED and job.deadline <= self.ctx.now:
            job = evolve(job, state=JobState.ACTIVATABLE, worker="", deadline=NO_KEY)
            self.ctx.state.put(job)
            self._write(job, "TIMED_OUT")
            self.ctx.jobs_available.add(job.type)
        elif job.state == JobState.BACKOFF and job.recur_at <= self.ctx.now:
            job = evolve(job, state=JobState.ACTIVATABLE, recur_at=NO_KEY, worker="")
            self.ctx.state.put(job)
            self._write(job, "RECURRED_AFTER_BACKOFF")
            self.ctx.jobs_available.add(job.type)
