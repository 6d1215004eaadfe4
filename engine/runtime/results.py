"""Results of process instances awaited by CreateProcessInstanceWithResult.

A caller awaits a future per instance; the engine resolves it when the instance completes (its
root variables) or is terminated. An instance that completes inside its own creation command is
remembered (a bounded number of them) for the ``instance_result`` call that follows.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from engine.api import ProcessInstanceCreated, ProcessInstanceResult
from engine.errors import EngineError, FailedPrecondition

EARLY_RESULTS = 1000

_Waiter = tuple["asyncio.Future[ProcessInstanceResult]", tuple[str, ...], ProcessInstanceCreated]


class InstanceResults:
    """Waiting callers by process instance key, and results of instances that finished early."""

    def __init__(self) -> None:
        self._waiters: dict[int, list[_Waiter]] = {}
        self._early: OrderedDict[int, tuple[ProcessInstanceCreated, dict[str, Any] | None]] = (
            OrderedDict()
        )

    def finished_early(
        self, created: ProcessInstanceCreated, variables: dict[str, Any] | None
    ) -> None:
        """The instance ended inside its creation command (``variables`` None: terminated)."""
        self._early[created.process_instance_key] = (created, variables)
        while len(self._early) > EARLY_RESULTS:
            self._early.popitem(last=False)

    def take_early(
        self, process_instance_key: int, fetch_variables: Sequence[str]
    ) -> asyncio.Future[ProcessInstanceResult] | None:
        """The resolved future of an instance that finished early, or None."""
        early = self._early.pop(process_instance_key, None)
        if early is None:
            return None
        created, variables = early
        future = new_future()
        _settle(future, process_instance_key, created, tuple(fetch_variables), variables)
        return future

    def wait(
        self, created: ProcessInstanceCreated, fetch_variables: Sequence[str]
    ) -> asyncio.Future[ProcessInstanceResult]:
        future = new_future()
        self._waiters.setdefault(created.process_instance_key, []).append(
            (future, tuple(fetch_variables), created)
        )
        return future

    def resolve(self, pi_key: int, variables: dict[str, Any] | None) -> None:
        """The instance completed with ``variables``, or was terminated (None)."""
        for future, names, created in self._waiters.pop(pi_key, []):
            _settle(future, pi_key, created, names, variables)

    def fail_all(self, error: EngineError) -> None:
        """Answer every waiting caller with ``error`` and forget early results."""
        for waiters in self._waiters.values():
            for future, _names, _created in waiters:
                if not future.done():
                    future.set_exception(error)
        self._waiters.clear()
        self._early.clear()


def new_future() -> asyncio.Future[ProcessInstanceResult]:
    """A future on the running loop (or a fresh one when called without a loop)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = asyncio.new_event_loop()
    return loop.create_future()


def _settle(
    future: asyncio.Future[ProcessInstanceResult],
    pi_key: int,
    created: ProcessInstanceCreated,
    names: tuple[str, ...],
    variables: dict[str, Any] | None,
) -> None:
    if future.done():
        return
    if variables is None:
        future.set_exception(
            FailedPrecondition(f"Process instance '{pi_key}' was terminated before it completed")
        )
        return
    chosen = {k: v for k, v in variables.items() if not names or k in names}
    future.set_result(ProcessInstanceResult(created=created, variables=chosen))
