"""Job activation as Zeebe's gateway does it: long polling and job streams.

A polling request first tries to activate jobs at once. When none are available and long polling
is on, the request waits (FIFO per job type) until the engine says jobs of that type may have
become activatable, or until its ``requestTimeout`` (0 means the gateway default, a negative value
turns long polling off) runs out; then it completes with no jobs. Waiting requests are served in
the order they arrived, each taking up to its ``maxJobsToActivate`` before the next one is served.

Job streams (``StreamActivatedJobs``) get jobs pushed as they become activatable, before any
waiting poll request, round-robin between the open streams of a type. A stream only receives jobs
that became activatable after it opened; older ones are for polling, as in Zeebe.

Everything here runs on the engine's event-loop thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import Callable
from functools import partial

import structlog

from engine import api
from engine.errors import EngineError

log = structlog.get_logger(__name__)

STREAM_BATCH = 32
"""Jobs activated for one stream per turn; more would delay the other streams of the type."""

STREAM_CAPACITY = 32
"""A stream with this many jobs in flight (activated for it and not completed, failed or timed
out), or this many waiting to be sent, is skipped; the jobs stay for polling. Zeebe's Java
client signals its capacity through gRPC flow control; a pyzeebe 4.7 worker reads a stream as
fast as it comes, so the engine stands in for that flow control, else one worker could take
every new job and let them time out. 32 leaves a pyzeebe task's poller room under its
``max_running_jobs`` (wenping's workers: 64)."""

RECHECK_S = 0.01
"""A full stream's jobs in flight are looked up again at most this often (a burst of new jobs
would otherwise cost a lookup per job in flight for every new job)."""


@dataclasses.dataclass(eq=False)
class _Waiter:
    request: api.JobActivationRequest
    future: asyncio.Future[list[api.ActivatedJob]]


Pushed = tuple[api.ActivatedJob, "asyncio.Future[None]"]
"""A job activated for a stream and the commit of its activation (push it only after that)."""


@dataclasses.dataclass(eq=False)
class JobStream:
    """One open ``StreamActivatedJobs`` call; jobs activated for it wait in ``queue``."""

    request: api.JobActivationRequest
    queue: asyncio.Queue[Pushed] = dataclasses.field(default_factory=asyncio.Queue)
    in_flight: set[int] = dataclasses.field(default_factory=set)
    """Keys of the jobs activated for this stream (some may have ended since)."""
    checked_at: float = float("-inf")
    """Loop time ``in_flight`` was last pruned of the jobs that ended."""
    taken: api.ActivatedJob | None = None
    """The job taken from ``queue`` and not yet handed to gRPC (waiting for its commit)."""


class JobDispatcher:
    """Hands out jobs to polling requests and streams; see the module docstring."""

    def __init__(self, engine: api.EngineApi, *, default_long_poll_ms: int) -> None:
        self._engine = engine
        self._default_long_poll_ms = default_long_poll_ms
        self._waiting: dict[str, deque[_Waiter]] = {}
        self._streams: dict[str, deque[JobStream]] = {}
        self._scheduled: set[str] = set()
        self._remove_listener: Callable[[], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Subscribe to the engine's job notifications; call on the running loop."""
        self._loop = asyncio.get_running_loop()
        self._remove_listener = self._engine.add_jobs_available_listener(self._on_jobs_available)

    def close(self) -> None:
        """Unsubscribe and answer every waiting request with no jobs."""
        if self._remove_listener is not None:
            self._remove_listener()
            self._remove_listener = None
        for queue in self._waiting.values():
            for waiter in queue:
                if not waiter.future.done():
                    waiter.future.set_result([])
        self._waiting.clear()

    @property
    def waiting_requests(self) -> int:
        """How many polling requests are parked (for tests and metrics)."""
        return sum(1 for q in self._waiting.values() for w in q if not w.future.done())

    def open_streams(self, job_type: str) -> int:
        """How many job streams of ``job_type`` are open (for tests and metrics)."""
        return len(self._streams.get(job_type, ()))

    async def activate(
        self, request: api.JobActivationRequest, request_timeout_ms: int
    ) -> list[api.ActivatedJob]:
        """Activate jobs now, or long-poll for them as Zeebe's gateway does."""
        jobs = self._engine.activate_jobs(request)
        if jobs or request_timeout_ms < 0:
            return jobs
        loop = asyncio.get_running_loop()
        waiter = _Waiter(request, loop.create_future())
        queue = self._waiting.setdefault(request.job_type, deque())
        queue.append(waiter)
        timeout_ms = request_timeout_ms or self._default_long_poll_ms
        timer = loop.call_later(timeout_ms / 1000, _resolve_empty, waiter.future)
        try:
            return await waiter.future
        finally:
            timer.cancel()
            # A cancelled client call leaves its waiter behind; drop it so it is not served.
            if waiter in queue:
                queue.remove(waiter)
            if not queue and self._waiting.get(request.job_type) is queue:
                del self._waiting[request.job_type]

    def open_stream(self, request: api.JobActivationRequest) -> JobStream:
        """Register a job stream; jobs that become activatable from now on are pushed to it."""
        stream = JobStream(request)
        self._streams.setdefault(request.job_type, deque()).append(stream)
        return stream

    def close_stream(self, stream: JobStream) -> None:
        streams = self._streams.get(stream.request.job_type)
        if streams is not None and stream in streams:
            streams.remove(stream)
            if not streams:
                del self._streams[stream.request.job_type]
        # Activated for it but never sent: yielded back (Zeebe's JOB YIELD), so other streams
        # and pollers get them now rather than after their timeout.
        yielded = 0
        unsent = [stream.taken] if stream.taken is not None else []
        while not stream.queue.empty():
            unsent.append(stream.queue.get_nowait()[0])
        for job in unsent:
            if not self._engine.job_activated(job.key, job.worker, job.deadline):
                continue
            try:
                self._engine.yield_job(job.key)
                yielded += 1
            except EngineError:
                log.exception("job yield failed", job_key=job.key)
        if yielded:
            log.info(
                "job stream closed: undelivered jobs yielded",
                job_type=stream.request.job_type,
                jobs=yielded,
            )

    def _on_jobs_available(self, job_type: str) -> None:
        # The engine calls this in the middle of a command; activating jobs re-entrantly would
        # run inside that command, so the work is queued behind it on the loop instead.
        if job_type in self._scheduled or self._loop is None:
            return
        if job_type not in self._waiting and job_type not in self._streams:
            return
        self._scheduled.add(job_type)
        self._loop.call_soon(self._serve, job_type)

    def _serve(self, job_type: str) -> None:
        self._scheduled.discard(job_type)
        self._serve_streams(job_type)
        self._serve_waiters(job_type)

    def _serve_streams(self, job_type: str) -> None:
        streams = self._streams.get(job_type)
        if not streams:
            return
        idle_turns = 0
        while streams and idle_turns < len(streams):
            stream = streams[0]
            streams.rotate(-1)
            room = self._room(stream)
            if room <= 0:
                idle_turns += 1
                continue
            request = dataclasses.replace(stream.request, max_jobs=min(room, STREAM_BATCH))
            try:
                jobs = self._engine.activate_jobs(request)
            except EngineError:
                log.exception("job stream activation failed", job_type=job_type)
                return
            if jobs:
                # The activation's own commit, taken now: awaited before each push.
                ack = asyncio.ensure_future(self._engine.durable())
                for job in jobs:
                    stream.in_flight.add(job.key)
                    stream.queue.put_nowait((job, ack))
            if len(jobs) < request.max_jobs:
                return  # nothing left of this type
            idle_turns = 0

    def _room(self, stream: JobStream) -> int:
        """How many more jobs ``stream`` may take. The jobs that ended are forgotten only when
        the stream looks full, at most every RECHECK_S, so most pushes cost no lookups. Jobs
        waiting to be sent count even once timed out: a client that stopped reading gets no
        more."""
        now = self._loop.time() if self._loop is not None else 0.0
        if len(stream.in_flight) >= STREAM_CAPACITY and now - stream.checked_at >= RECHECK_S:
            stream.checked_at = now
            activated, worker = self._engine.job_activated, stream.request.worker
            stream.in_flight = {key for key in stream.in_flight if activated(key, worker)}
        return STREAM_CAPACITY - max(len(stream.in_flight), stream.queue.qsize())

    def _serve_waiters(self, job_type: str) -> None:
        queue = self._waiting.get(job_type)
        while queue:
            waiter = queue[0]
            if waiter.future.done():
                queue.popleft()
                continue
            try:
                jobs = self._engine.activate_jobs(waiter.request)
            except Exception as exc:  # handed to the waiting RPC, which reports it
                queue.popleft()
                waiter.future.set_exception(exc)
                continue
            if not jobs:
                return
            queue.popleft()
            # Hand the jobs over once their activation is committed; a failed commit fails
            # the request (the jobs are activatable again after the engine reloads).
            ack = asyncio.ensure_future(self._engine.durable())
            ack.add_done_callback(partial(_hand_over, waiter.future, jobs))


def _hand_over(
    future: asyncio.Future[list[api.ActivatedJob]],
    jobs: list[api.ActivatedJob],
    ack: asyncio.Future[None],
) -> None:
    if future.done():
        return
    error = None if ack.cancelled() else ack.exception()
    if ack.cancelled() or error is not None:
        future.set_exception(error or EngineError("the activation was not committed"))
    else:
        future.set_result(jobs)


def _resolve_empty(future: asyncio.Future[list[api.ActivatedJob]]) -> None:
    if not future.done():
        future.set_result([])
