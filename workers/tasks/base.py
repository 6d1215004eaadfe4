"""What every task router shares: the worker context, variable parsing and the error handler.

No ``from __future__ import annotations`` in ``workers/tasks``: pyzeebe finds the ``job: Job``
parameter by comparing the annotation object with ``Job``, which string annotations defeat.
"""

import asyncio
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel, ValidationError
from pyzeebe import Job, JobController, ZeebeTaskRouter
from pyzeebe.errors import BusinessError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workers.db import transaction
from workers.errors import DomainError, RuleViolation
from workers.tasks.messages import chinese

log = structlog.get_logger(__name__)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

TIMEOUT_MS = 60_000
"""Job timeout: long enough for a report or a 100,000-household sample on a slow disk."""
MAX_BACKOFF_MS = 60_000
"""Upper bound of the retry back-off of a failed job."""


@dataclass(frozen=True)
class WorkerContext:
    """What handlers need besides their variables; built once at the entry point."""

    session_factory: sessionmaker[Session]
    reports_dir: Path
    max_jobs_to_activate: int = 32
    today: Callable[[], date] = field(default=date.today)

    @property
    def max_running_jobs(self) -> int:
        """Above ``max_jobs_to_activate`` so the poller never idles for ``poll_retry_delay``."""
        return self.max_jobs_to_activate * 2


class BpmnError(BusinessError):
    """A BPMN error the model catches, with the variables the error event receives."""

    def __init__(self, code: str, message: str, variables: Mapping[str, Any]) -> None:
        super().__init__(code, message)
        self.variables = dict(variables)


def fields_of(model: type[BaseModel], *extra: str) -> list[str]:
    """The variable names a model reads (its aliases), for ``variables_to_fetch``."""
    names = [f.alias or name for name, f in model.model_fields.items()]
    return names + list(extra)


def problems(error: ValidationError) -> list[dict[str, str]]:
    """``{field, message}`` per problem, in Chinese where we wrote the rule; never the value."""
    out = []
    for e in error.errors(include_input=False, include_url=False):
        name = ".".join(str(part) for part in e["loc"]) or "(变量)"
        out.append({"field": name, "message": chinese(e["type"], e["msg"], e.get("ctx"))})
    return out


class InvalidVariables(DomainError):
    """Variables that do not parse; the message names the fields and rules, not the values."""

    def __init__(self, found: list[dict[str, str]]) -> None:
        text = "；".join(f"变量 {p['field']} 无效：{p['message']}" for p in found)
        super().__init__(text)
        self.problems = found


def parse(model: type[M], variables: Mapping[str, Any]) -> M:
    """Parse job variables into ``model``; InvalidVariables naming the fields otherwise."""
    try:
        return model.model_validate(dict(variables))
    except ValidationError as error:
        raise InvalidVariables(problems(error)) from None


def rule_error(violation: RuleViolation, variable: str) -> BpmnError:
    """The BPMN error for a rule violation, with its reasons in ``variable``."""
    return BpmnError(
        violation.code,
        f"{violation.code}：{len(violation.reasons)}项不符合规定",
        {variable: violation.reasons},
    )


TRANSACTION_ATTEMPTS = 5
"""Attempts of a transaction that lost a write race (SQLite ``database is locked``)."""


async def in_transaction(
    ctx: WorkerContext, work: Callable[[Session], T], *, violations: str | None = None
) -> T:
    """Run ``work`` in one transaction on a thread, so the event loop keeps polling.

    A transaction that collided with another writer (OperationalError, e.g. SQLite's busy
    snapshot that no busy timeout can wait out) is rolled back and run again from the start;
    ``work`` only reads and writes through the session, so a rerun is safe.

    With ``violations``, a :class:`RuleViolation` raised by ``work`` (after its rollback) becomes
    the BPMN error the model catches, its reasons in the variable of that name.
    """

    def run() -> T:
        for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
            try:
                with transaction(ctx.session_factory) as session:
                    return work(session)
            except OperationalError:
                if attempt == TRANSACTION_ATTEMPTS:
                    raise
                time.sleep(0.02 * attempt)
        raise AssertionError("unreachable")

    try:
        return await asyncio.to_thread(run)
    except RuleViolation as violation:
        if violations is None:
            raise
        raise rule_error(violation, violations) from None


def header(job: Job, name: str, variables: Mapping[str, Any]) -> Any:
    """A task header, or the variable of the same name when the model has no such header."""
    return job.custom_headers.get(name, variables.get(name))


async def on_error(error: Exception, job: Job, controller: JobController) -> None:
    """Turn a handler's exception into a BPMN error or a failed job; log identifiers only."""
    ids = {
        "job_key": job.key,
        "job_type": job.type,
        "process_instance_key": job.process_instance_key,
        "element_id": job.element_id,
        "error": type(error).__name__,
    }
    if isinstance(error, BusinessError):
        log.info("bpmn_error", error_code=error.error_code, **ids)
        variables = error.variables if isinstance(error, BpmnError) else {}
        await controller.set_error_status(str(error), error.error_code, variables)
        return
    # Domain messages name fields and ids only; anything else may carry SQL parameters or
    # payloads, so only its class goes to the engine (Operate shows failure messages).
    message = str(error) if isinstance(error, DomainError) else f"内部错误：{type(error).__name__}"
    attempt = max(0, 3 - job.retries)
    backoff = min(MAX_BACKOFF_MS, 1000 * 2**attempt)
    log.warning("job_failed", retries_left=job.retries - 1, backoff_ms=backoff, **ids)
    await controller.set_failure_status(message, retry_back_off_ms=backoff)


def new_router() -> ZeebeTaskRouter:
    """A router whose tasks use ``on_error``."""
    return ZeebeTaskRouter(exception_handler=on_error)


def add_task(
    router: ZeebeTaskRouter,
    ctx: WorkerContext,
    job_type: str,
    handler: Callable[..., Coroutine[Any, Any, dict[str, Any]]],
    fetch: list[str],
) -> None:
    """Declare ``handler`` for ``job_type``, fetching only the variables in ``fetch``."""
    # Typed loosely: mypy cannot solve pyzeebe's ParamSpec for a ``**variables`` handler.
    decorate: Callable[[Any], Any] = router.task(
        job_type,
        variables_to_fetch=fetch,
        timeout_ms=TIMEOUT_MS,
        max_jobs_to_activate=ctx.max_jobs_to_activate,
        max_running_jobs=ctx.max_running_jobs,
    )
    decorate(handler)
