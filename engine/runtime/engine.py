"""The embedded engine: :class:`Engine` implements :class:`engine.api.EngineApi`.

Every call runs one command to completion — the command and everything it triggers — against
the in-memory state, then commits all changed rows and new records in one SQL transaction
(exporters included) before returning. If anything fails, memory is rolled back to where it was,
and a rejected command leaves only a COMMAND_REJECTION record.

With ``group_commit`` (what the engine process uses) a successful command is *sealed* instead:
its changes join a pending group that is committed in one transaction as soon as the event loop
is free (:meth:`Engine.flush`), so commands that arrive together share one commit. Nothing is
acknowledged before its commit: the gateway and the REST API await :meth:`Engine.durable` before
they answer. If a group's commit fails, no command of the group was acknowledged; the engine
reloads its memory from the store (as after a crash) and the waiting callers get UNAVAILABLE.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

import sqlalchemy
import structlog

from engine.api import (
    DeploymentResult,
    EngineApi,
    Exporter,
    JobsAvailableListener,
    JsonDict,
    ProcessInstanceCreated,
    ProcessInstanceResult,
    Record,
    Resource,
)
from engine.clock import Clock, SystemClock
from engine.errors import (
    AlreadyExists,
    EngineError,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    Unavailable,
)
from engine.runtime import expressions
from engine.runtime.behaviors import Behaviors
from engine.runtime.commands import EngineCommands
from engine.runtime.context import Context
from engine.runtime.entities import Job, JobState, Message, Timer
from engine.runtime.exports import Exports
from engine.runtime.group_commit import GroupCommit
from engine.runtime.instances import Instances
from engine.runtime.loader import load_repository
from engine.runtime.repository import Repository
from engine.runtime.results import InstanceResults, new_future
from engine.runtime.scheduler import Scheduler
from engine.runtime.state import State
from engine.store import Store, WriteBatch, read_history
from wenping.settings import EngineSettings

T = TypeVar("T")
log = structlog.get_logger(__name__)

_REJECTION_TYPES = {
    NotFound: "NOT_FOUND",
    InvalidArgument: "INVALID_ARGUMENT",
    FailedPrecondition: "INVALID_STATE",
    AlreadyExists: "ALREADY_EXISTS",
}
GATEWAY_VERSION = "8.8.0"
# Bounds one tick (a zero-interval cycle would otherwise keep it busy); the rest runs next tick.
_MAX_DUE_PER_TICK = 10_000
# While the store is unreachable after a failed group commit, the ticker retries this often.
_RELOAD_RETRY_MS = 1_000


class Engine(EngineCommands):
    """One engine per store; all methods on one thread (the server's event-loop thread)."""

    def __init__(
        self,
        settings: EngineSettings,
        *,
        clock: Clock | None = None,
        exporters: Sequence[Exporter] = (),
        group_commit: bool = False,
        deferred_export: bool = False,
    ) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self._store = Store(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        self._state = State()
        self._repo = Repository()
        self._ctx = Context(self._state, self._repo, self.clock)
        self._b = Behaviors(self._ctx)
        self._instances = Instances(self._b)
        self._scheduler = Scheduler()
        self._job_listeners: list[JobsAvailableListener] = []
        self._wakeup_listeners: list[Callable[[], None]] = []
        # process instance key → (future, variable names, the instance as created)
        self._results = InstanceResults()
        self._open = False
        self._group_commit = group_commit
        self._group = GroupCommit(
            rows=self._state.take_group_batch, commit=self._commit, failed=self._failed_commit
        )
        self._needs_reload = False
        self._exports = Exports(self._store, exporters, deferred=deferred_export)

    # --- lifecycle ---------------------------------------------------------------------------

    def open(self) -> None:
        """Create/migrate the store, take the single-engine lock, load live state, recover."""
        self._store.open()
        try:
            counters = self._load()
            self._exports.open(counters, self._state.next_position)
        except BaseException:
            self._store.close()
            raise
        self._open = True
        log.info("engine.opened", jobs=self._state.count(Job.KIND))

    def _load(self) -> dict[str, int]:
        """Fill memory from the store: definitions, live state, the due-work schedule; return
        the stored counters."""
        load_repository(self._repo, self._store.load_resources())
        counters = self._store.load_counters()
        self._state.load(self._store.load_state(), counters)
        for job in self._state.all(Job):
            if job.state == JobState.ACTIVATED:
                self._scheduler.add(job.deadline, "job", job.key)
            elif job.state == JobState.BACKOFF:
                self._scheduler.add(job.recur_at, "job", job.key)
        for timer in self._state.all(Timer):
            self._scheduler.add(timer.due_date, "timer", timer.key)
        for message in self._state.all(Message):
            self._scheduler.add(message.deadline, "message", message.key)
        return counters

    def close(self) -> None:
        if self._open:
            try:
                self.flush()
            except EngineError:
                log.warning("engine.closed_with_uncommitted_commands")
            self._exports.close()
        self._results.fail_all(FailedPrecondition("The engine was stopped"))
        self._store.close()
        self._open = False

    @property
    def exporters(self) -> tuple[Exporter, ...]:
        return self._exports.exporters

    @exporters.setter
    def exporters(self, exporters: Sequence[Exporter]) -> None:
        self._exports.exporters = tuple(exporters)

    @property
    def sql_engine(self) -> sqlalchemy.Engine:
        return self._store.sql_engine

    def add_wakeup_listener(self, fn: Callable[[], None]) -> Callable[[], None]:
        self._wakeup_listeners.append(fn)
        return lambda: self._wakeup_listeners.remove(fn) if fn in self._wakeup_listeners else None

    def add_jobs_available_listener(self, listener: JobsAvailableListener) -> Callable[[], None]:
        self._job_listeners.append(listener)

        def remove() -> None:
            if listener in self._job_listeners:
                self._job_listeners.remove(listener)

        return remove

    # --- the command runner ------------------------------------------------------------------

    def _run(self, fn: Callable[[], T], *, value_type: str, intent: str, key: int = -1) -> T:
        if not self._open:
            raise FailedPrecondition("The engine is not open")
        self._ensure_loaded()
        ctx = self._ctx
        ctx.begin()
        self._b.calls.finished.clear()
        self._b.bpmn.triggered.clear()
        try:
            with expressions.engine_clock(self.clock):
                result = fn()
                ctx.drain()
            grouped = self._grouping()
            if not grouped:
                batch = self._state.take_batch()
                batch.records = ctx.records
                batch.resources = ctx.resource_rows
                batch.deleted_resources = ctx.deleted_resources
                self._commit(batch)
        except EngineError as exc:
            self._rollback()
            self._reject(value_type, intent, key, exc)
            raise
        except BaseException:
            self._rollback()
            raise
        if grouped:
            self._state.seal()
            # The flush runs once the loop is free, so work the listeners below queue (a job
            # activation for a waiting worker) shares its commit.
            self._group.add(ctx.records, ctx.resource_rows, ctx.deleted_resources)
        else:
            self._state.committed()
        self._after_commit()
        return result

    def _rollback(self) -> None:
        self._state.rollback()
        for undo in reversed(self._ctx.on_rollback):
            undo()

    def _reject(self, value_type: str, intent: str, key: int, exc: EngineError) -> None:
        rejection = next(
            (name for cls, name in _REJECTION_TYPES.items() if isinstance(exc, cls)),
            "INVALID_STATE",
        )
        ctx = self._ctx
        ctx.begin()
        try:
            ctx.write(
                value_type,
                intent,
                key,
                {},
                record_type="COMMAND_REJECTION",
                rejection_type=rejection,
                rejection_reason=exc.message,
            )
            if self._grouping():
                self._state.seal()
                self._group.add(ctx.records, command=False)
                return
            self._commit(WriteBatch(records=ctx.records))
            self._state.committed()
        except Exception:  # the rejection itself is best effort; the caller gets the error
            self._state.rollback()
            log.exception("engine.rejection_not_recorded", value_type=value_type, intent=intent)

    def _after_commit(self) -> None:
        ctx = self._ctx
        for fn in ctx.after_commit:
            fn()
        wake = False
        for due, kind, key in ctx.scheduled:
            wake = self._scheduler.add(due, kind, key) or wake
        finished = dict(self._b.calls.finished)
        if finished:
            if self._grouping():
                # Answer the awaiting callers only once this command's group is committed
                # (a failed group fails them through _reload).
                self._group.on_commit(partial(self._resolve_results, finished))
            else:
                self._resolve_results(finished)
        # The command is committed: a failing listener must not make it look failed.
        for job_type in sorted(ctx.jobs_available):
            for listener in list(self._job_listeners):
                _safely(listener, job_type)
        if wake:
            for fn in list(self._wakeup_listeners):
                _safely(fn)

    def _resolve_results(self, finished: dict[int, dict[str, Any] | None]) -> None:
        for pi_key, variables in finished.items():
            self._results.resolve(pi_key, variables)

    # --- group commit ------------------------------------------------------------------------

    def _grouping(self) -> bool:
        if not self._group_commit:
            return False
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False  # no loop to flush on: commit each command at once
        return True

    def durable(self) -> asyncio.Future[None]:
        """Completes once every command run so far is committed (raises :class:`Unavailable`
        if that commit failed). Done at once when nothing is pending."""
        return self._group.durable()

    def flush(self) -> None:
        """Commit the pending group now (nothing to do without group commit)."""
        self._group.flush()

    def _failed_commit(self) -> None:
        self._needs_reload = True
        with contextlib.suppress(EngineError):  # the next command tries again
            self._reload()

    def _commit(self, batch: WriteBatch) -> None:
        """One store transaction; the exporters run inside it, or after it when deferred."""
        if not self.exporters or not batch.records:
            self._store.commit(batch)
        else:
            self._exports.commit(batch, asyncio.get_running_loop() if self._grouping() else None)

    def flush_exports(self) -> bool:
        """Export every committed record the exporters have not seen (see engine.runtime.exports);
        the REST API calls it before every read. False if that failed (retried later)."""
        return self._exports.flush()

    def _ensure_loaded(self) -> None:
        """Retry the reload a failed group commit needs (raises Unavailable while the store is
        unreachable). Every entry point that reads memory calls it first."""
        if self._needs_reload:
            self._reload()

    def _reload(self) -> None:
        """After a failed group commit memory is ahead of the store: start again from the
        store, exactly as a restart after a crash would."""
        self._results.fail_all(
            Unavailable("The engine lost uncommitted work; await the result again")
        )
        # Keys handed out in the lost group are never used again (Zeebe never reuses keys).
        next_key = self._state.next_key
        self._state.reset()
        self._repo.reset()
        self._scheduler.clear()
        try:
            self._load()
        except Exception as exc:
            self._state.reset()
            self._repo.reset()
            self._scheduler.clear()
            log.exception("engine.reload_failed")
            raise Unavailable(
                f"The engine's store is not available ({type(exc).__name__}); retry later"
            ) from exc
        self._state.keep_keys_from(next_key)
        self._needs_reload = False
        log.warning("engine.reloaded_after_failed_commit", jobs=self._state.count(Job.KIND))
        for fn in list(self._wakeup_listeners):
            _safely(fn)
        # Waiting workers may have lost the activation of these: tell them again.
        activatable = {
            job.type for job in self._state.all(Job) if job.state == JobState.ACTIVATABLE
        }
        for job_type in sorted(activatable):
            for listener in list(self._job_listeners):
                _safely(listener, job_type)

    # --- due work ----------------------------------------------------------------------------

    def tick(self) -> int | None:
        """Do all due work now; return ms until the next due work, or None if none."""
        try:
            self._ensure_loaded()
        except Unavailable:
            return _RELOAD_RETRY_MS
        for _ in range(_MAX_DUE_PER_TICK):
            now = self.clock.now_ms()
            entry = self._scheduler.pop_due(now)
            if entry is None:
                break
            _due, kind, key = entry
            if not self._still_due(kind, key, now):
                continue  # cancelled or rescheduled since: lazy deletion
            handler = {
                "job": self._b.jobs.on_due,
                "timer": self._b.events.on_timer_due,
                "message": self._b.messages.on_due,
            }[kind]
            try:
                self._run(partial(handler, key), value_type=kind.upper(), intent="DUE", key=key)
            except Exception:
                log.exception("engine.due_work_failed", kind=kind, key=key)
        next_due = self._scheduler.next_due()
        return None if next_due is None else max(0, next_due - self.clock.now_ms())

    def _still_due(self, kind: str, key: int, now: int) -> bool:
        if kind == "job":
            due = self._b.jobs.due(key)
        elif kind == "timer":
            timer = self._state.get(Timer, key)
            due = timer.due_date if timer is not None else None
        else:
            due = self._b.messages.due(key)
        return due is not None and due <= now

    # --- deployment --------------------------------------------------------------------------

    def deploy(
        self, resources: Sequence[Resource], tenant_id: str = "<default>"
    ) -> DeploymentResult:
        return self._run(
            lambda: self._b.deployer.deploy(resources, tenant_id),
            value_type="DEPLOYMENT",
            intent="CREATE",
        )

    def delete_resource(self, resource_key: int) -> None:
        self._run(
            lambda: self._instances.delete_resource(resource_key),
            value_type="RESOURCE_DELETION",
            intent="DELETE",
            key=resource_key,
        )

    # --- process instances -------------------------------------------------------------------

    def create_process_instance(
        self,
        *,
        bpmn_process_id: str | None = None,
        version: int = -1,
        process_definition_key: int | None = None,
        variables: JsonDict | None = None,
        start_element_ids: Sequence[str] = (),
        tenant_id: str = "<default>",
    ) -> ProcessInstanceCreated:
        created = self._run(
            lambda: self._instances.create(
                bpmn_process_id=bpmn_process_id,
                version=version,
                process_definition_key=process_definition_key,
                variables=variables or {},
                start_element_ids=start_element_ids,
                tenant_id=tenant_id,
            ),
            value_type="PROCESS_INSTANCE_CREATION",
            intent="CREATE",
        )
        key = created.process_instance_key
        if key in self._b.calls.finished:
            # Finished within its creation command: keep the result for a following
            # instance_result() call (CreateProcessInstanceWithResult), bounded in number.
            self._results.finished_early(created, self._b.calls.finished[key])
        return created

    def instance_result(
        self, process_instance_key: int, fetch_variables: Sequence[str] = ()
    ) -> asyncio.Future[ProcessInstanceResult]:
        self._ensure_loaded()
        early = self._results.take_early(process_instance_key, fetch_variables)
        if early is not None:
            return early
        root = self._b.bpmn.get(process_instance_key)
        if root is None or root.key != root.pi_key:
            future = new_future()
            future.set_exception(
                NotFound(
                    f"Expected to await the result of process instance '{process_instance_key}', "
                    "but it is not active"
                )
            )
            return future
        definition = self._repo.processes[root.process_definition_key]
        created = ProcessInstanceCreated(
            process_definition_key=definition.key,
            bpmn_process_id=definition.bpmn_process_id,
            version=definition.version,
            process_instance_key=root.key,
            tenant_id=definition.tenant_id,
        )
        return self._results.wait(created, fetch_variables)

    def cancel_process_instance(self, process_instance_key: int) -> None:
        self._run(
            lambda: self._instances.cancel(process_instance_key),
            value_type="PROCESS_INSTANCE",
            intent="CANCEL",
            key=process_instance_key,
        )

    def set_variables(self, element_instance_key: int, variables: JsonDict, local: bool) -> int:
        return self._run(
            lambda: self._instances.set_variables(element_instance_key, variables, local),
            value_type="VARIABLE_DOCUMENT",
            intent="UPDATE",
            key=element_instance_key,
        )

    # --- reads -------------------------------------------------------------------------------

    def history(self, process_instance_key: int) -> list[Record]:
        self.flush()
        return read_history(self.sql_engine, process_instance_key)

    def topology(self) -> JsonDict:
        return {
            "brokers": [
                {
                    "nodeId": 0,
                    "host": self.settings.grpc_host,
                    "port": self.settings.grpc_port,
                    "partitions": [{"partitionId": 1, "role": "LEADER", "health": "HEALTHY"}],
                    "version": GATEWAY_VERSION,
                }
            ],
            "clusterSize": 1,
            "partitionsCount": 1,
            "replicationFactor": 1,
            "gatewayVersion": GATEWAY_VERSION,
        }


def _safely(fn: Callable[..., None], *args: Any) -> None:
    try:
        fn(*args)
    except Exception:
        log.exception("engine.listener_failed")


def _implements_engine_api(engine: Engine) -> EngineApi:
    """Never called: lets mypy prove that Engine satisfies the EngineApi protocol."""
    return engine
