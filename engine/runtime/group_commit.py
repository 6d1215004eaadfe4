"""Group commit: the commands that arrive together share one store transaction.

A successful command is *sealed* (its state rows wait in :meth:`State.seal`) and its records
join the pending group; the group is committed as soon as the event loop is free, so whatever
else became ready in the same turn (another worker's completion, the job activation the
command made possible) shares the transaction. Nothing is acknowledged before its commit:
every front door awaits :meth:`GroupCommit.durable` before it answers. If the commit fails,
no command of the group was acknowledged; the waiting callers get UNAVAILABLE and the engine
reloads its memory from the store (``failed``), as after a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable, Iterable

import structlog

from engine.api import Record
from engine.errors import EngineError, Unavailable
from engine.store import ResourceRow, WriteBatch

log = structlog.get_logger(__name__)


@dataclasses.dataclass
class _Group:
    commands: int = 0
    records: list[Record] = dataclasses.field(default_factory=list)
    resources: list[ResourceRow] = dataclasses.field(default_factory=list)
    deleted_resources: list[int] = dataclasses.field(default_factory=list)
    acks: list[asyncio.Future[None]] = dataclasses.field(default_factory=list)
    committed: list[Callable[[], None]] = dataclasses.field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.commands or self.records)


class GroupCommit:
    """The pending group; ``rows`` takes the sealed state rows, ``commit`` writes a batch,
    ``failed`` runs after a failed commit (the engine reloads from the store)."""

    def __init__(
        self,
        *,
        rows: Callable[[], WriteBatch],
        commit: Callable[[WriteBatch], None],
        failed: Callable[[], None],
    ) -> None:
        self._rows = rows
        self._commit = commit
        self._failed = failed
        self._group = _Group()
        self._scheduled: asyncio.Handle | None = None

    def add(
        self,
        records: Iterable[Record],
        resources: Iterable[ResourceRow] = (),
        deleted_resources: Iterable[int] = (),
        *,
        command: bool = True,
    ) -> None:
        """Add a sealed command (or, ``command=False``, only records such as a rejection) and
        make sure the group is committed once the loop is free."""
        group = self._group
        group.commands += int(command)
        group.records.extend(records)
        group.resources.extend(resources)
        group.deleted_resources.extend(deleted_resources)
        if self._scheduled is None:
            loop = asyncio.get_running_loop()
            self._scheduled = loop.call_soon(self._flush_next_turn, loop)

    def _flush_next_turn(self, loop: asyncio.AbstractEventLoop) -> None:
        # One more turn: what the commands of this turn scheduled (the job dispatcher
        # activating the jobs they created) runs first and shares the transaction.
        self._scheduled = loop.call_soon(self._flush_soon)

    def _flush_soon(self) -> None:
        self._scheduled = None
        with contextlib.suppress(EngineError):  # logged by flush; the callers got the error
            self.flush()

    def durable(self) -> asyncio.Future[None]:
        """Completes once every command added so far is committed (raises
        :class:`~engine.errors.Unavailable` if that commit failed); done at once if none is
        pending."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._group.empty:
            future.set_result(None)
        else:
            self._group.acks.append(future)
        return future

    def on_commit(self, fn: Callable[[], None]) -> None:
        """Call ``fn`` as soon as the pending group is committed, before any caller awaiting
        :meth:`durable` resumes (at once if nothing is pending; never if the commit fails).

        A process instance's result is answered this way: the CreateProcessInstanceWithResult
        caller is then answered before the CompleteJob that ended the instance, and its client
        is not kept waiting while the worker's acknowledgement is handled first."""
        if self._group.empty:
            fn()
        else:
            self._group.committed.append(fn)

    def flush(self) -> None:
        """Commit the pending group now."""
        group = self._group
        if group.empty:
            return
        self._group = _Group()
        try:
            batch = self._rows()
            batch.records = group.records
            batch.resources = group.resources
            batch.deleted_resources = group.deleted_resources
            self._commit(batch)
        except Exception as exc:
            log.exception("engine.group_commit_failed", commands=group.commands)
            error = Unavailable(
                "The engine could not commit this command to its store "
                f"({type(exc).__name__}); nothing of it was kept. Retry later."
            )
            for ack in group.acks:
                if not ack.done():
                    ack.set_exception(error)
            self._failed()
            raise error from exc
        for fn in group.committed:
            try:
                fn()
            except Exception:  # committed all the same: the other callers get their answers
                log.exception("engine.after_commit_failed")
        for ack in group.acks:
            if not ack.done():
                ack.set_result(None)
