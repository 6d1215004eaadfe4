"""The engine commands that only delegate to a behaviour inside one transaction.

Split from :mod:`engine.runtime.engine` (which owns the transaction runner) to keep each file
about one thing; :class:`engine.runtime.Engine` inherits these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from engine.api import (
    ActivatedJob,
    DecisionEvaluationResult,
    JobActivationRequest,
    JsonDict,
)
from engine.errors import EngineError
from engine.runtime.behaviors import Behaviors
from engine.runtime.entities import Job, JobState
from engine.runtime.state import State

T = TypeVar("T")


class EngineCommands:
    """Job, message, signal, decision, incident and user-task commands of the EngineApi."""

    _b: Behaviors
    _state: State

    def _run(self, fn: Callable[[], T], *, value_type: str, intent: str, key: int = -1) -> T:
        raise NotImplementedError

    def resolve_incident(self, incident_key: int) -> None:
        self._run(
            lambda: self._b.incidents.resolve(incident_key),
            value_type="INCIDENT",
            intent="RESOLVE",
            key=incident_key,
        )

    # --- jobs --------------------------------------------------------------------------------

    def _ensure_loaded(self) -> None:
        raise NotImplementedError

    def activate_jobs(self, request: JobActivationRequest) -> list[ActivatedJob]:
        self._ensure_loaded()
        if self._state.first("activatable", request.job_type) is None:
            return []  # nothing to do: no transaction, no record
        return self._run(
            lambda: self._b.jobs.activate(request), value_type="JOB_BATCH", intent="ACTIVATE"
        )

    def job_activated(self, job_key: int, worker: str, deadline: int | None = None) -> bool:
        """Whether the job is activated for ``worker`` (not completed, failed, timed out or
        activated by another worker since) and, given a ``deadline``, still until then. Job
        streams count their jobs in flight with it; True while the engine must reload its
        state after a failed commit (it cannot tell, and a stream should rather wait)."""
        try:
            self._ensure_loaded()
        except EngineError:
            return True
        job = self._state.get(Job, job_key)
        return (
            job is not None
            and job.state == JobState.ACTIVATED
            and job.worker == worker
            and (deadline is None or job.deadline == deadline)
        )

    def complete_job(self, job_key: int, variables: JsonDict) -> None:
        self._run(
            lambda: self._b.jobs.complete(job_key, variables),
            value_type="JOB",
            intent="COMPLETE",
            key=job_key,
        )

    def fail_job(
        self,
        job_key: int,
        *,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: JsonDict | None = None,
    ) -> None:
        self._run(
            lambda: self._b.jobs.fail(
                job_key,
                retries=retries,
                error_message=error_message,
                retry_backoff_ms=retry_backoff_ms,
                variables=variables,
            ),
            value_type="JOB",
            intent="FAIL",
            key=job_key,
        )

    def throw_error(
        self,
        job_key: int,
        *,
        error_code: str,
        error_message: str = "",
        variables: JsonDict | None = None,
    ) -> None:
        self._run(
            lambda: self._b.jobs.throw_error(
                job_key, error_code=error_code, error_message=error_message, variables=variables
            ),
            value_type="JOB",
            intent="THROW_ERROR",
            key=job_key,
        )

    def update_job_retries(self, job_key: int, retries: int) -> None:
        self._run(
            lambda: self._b.jobs.update_retries(job_key, retries),
            value_type="JOB",
            intent="UPDATE_RETRIES",
            key=job_key,
        )

    def yield_job(self, job_key: int) -> None:
        self._run(
            lambda: self._b.jobs.yield_back(job_key), value_type="JOB", intent="YIELD", key=job_key
        )

    def update_job_timeout(self, job_key: int, timeout_ms: int) -> None:
        self._run(
            lambda: self._b.jobs.update_timeout(job_key, timeout_ms),
            value_type="JOB",
            intent="UPDATE_TIMEOUT",
            key=job_key,
        )

    # --- messages, signals, decisions --------------------------------------------------------

    def publish_message(
        self,
        *,
        name: str,
        correlation_key: str,
        time_to_live_ms: int,
        message_id: str = "",
        variables: JsonDict | None = None,
        tenant_id: str = "<default>",
    ) -> int:
        return self._run(
            lambda: self._b.messages.publish(
                name=name,
                correlation_key=correlation_key,
                time_to_live_ms=time_to_live_ms,
                message_id=message_id,
                variables=variables or {},
                tenant_id=tenant_id,
            ),
            value_type="MESSAGE",
            intent="PUBLISH",
        )

    def broadcast_signal(
        self, *, signal_name: str, variables: JsonDict | None = None, tenant_id: str = "<default>"
    ) -> int:
        return self._run(
            lambda: self._b.messages.broadcast(signal_name, variables or {}, tenant_id),
            value_type="SIGNAL",
            intent="BROADCAST",
        )

    def evaluate_decision(
        self,
        *,
        decision_id: str | None = None,
        decision_key: int | None = None,
        variables: JsonDict | None = None,
        tenant_id: str = "<default>",
    ) -> DecisionEvaluationResult:
        return self._run(
            lambda: self._b.decisions.evaluate(
                decision_id=decision_id,
                decision_key=decision_key,
                variables=variables or {},
                tenant_id=tenant_id,
            ),
            value_type="DECISION_EVALUATION",
            intent="EVALUATE",
        )

    # --- user tasks --------------------------------------------------------------------------

    def assign_user_task(
        self, user_task_key: int, *, assignee: str, allow_override: bool = True, action: str = ""
    ) -> None:
        self._run(
            lambda: self._b.user_tasks.assign(
                user_task_key, assignee, allow_override=allow_override, action=action
            ),
            value_type="USER_TASK",
            intent="ASSIGN",
            key=user_task_key,
        )

    def unassign_user_task(self, user_task_key: int, *, action: str = "") -> None:
        self._run(
            lambda: self._b.user_tasks.unassign(user_task_key, action=action),
            value_type="USER_TASK",
            intent="ASSIGN",
            key=user_task_key,
        )

    def update_user_task(
        self, user_task_key: int, changeset: JsonDict, *, action: str = ""
    ) -> None:
        self._run(
            lambda: self._b.user_tasks.update(user_task_key, changeset, action=action),
            value_type="USER_TASK",
            intent="UPDATE",
            key=user_task_key,
        )

    def complete_user_task(
        self, user_task_key: int, *, variables: JsonDict | None = None, action: str = ""
    ) -> None:
        self._run(
            lambda: self._b.user_tasks.complete(user_task_key, variables or {}, action=action),
            value_type="USER_TASK",
            intent="COMPLETE",
            key=user_task_key,
        )
