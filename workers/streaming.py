"""Job streaming with flow control, which pyzeebe 4.7's streamer lacks.

pyzeebe's ``JobStreamer`` reads a job stream as fast as the gateway pushes and hands every job to
the executor, which starts them all at once: ``max_running_jobs`` only slows the poller. A burst
would then go wholly to one worker, queue on its thread pool and time out. Zeebe's gateway pushes
only while the stream is ready (gRPC flow control, as Zeebe's Java client exerts it) and leaves
the rest to polling. :class:`FlowControlledWorker` makes the streamer wait while its task runs
``max_running_jobs`` jobs: the stream is not read meanwhile, so the gateway's writes back up and
it holds the jobs back (Zeebe yields them to polling; the embedded engine also caps a stream's
jobs in flight, see engine/gateway/jobs.py). A gateway without job streaming (Camunda 8.3 and
older answer UNIMPLEMENTED) leaves the worker polling, with a warning, where pyzeebe's streamer
would end the whole worker.
"""

from __future__ import annotations

import asyncio

import grpc
import structlog
from pyzeebe import Job, ZeebeWorker
from pyzeebe.errors import UnknownGrpcStatusCodeError
from pyzeebe.worker.job_poller import JobStreamer
from pyzeebe.worker.task_state import TaskState

log = structlog.get_logger(__name__)

ROOM_CHECK_S = 0.02
"""How often a streamer waiting for room looks again (it waits only while its task is full)."""


class _WhenRoom:
    """The task's job queue as its streamer sees it: ``put`` waits for room first."""

    def __init__(self, queue: asyncio.Queue[Job], state: TaskState, limit: int) -> None:
        self._queue = queue
        self._state = state
        self._limit = limit

    async def put(self, job: Job) -> None:
        # The streamer counted ``job`` already (TaskState.add), hence ``>``.
        while self._state.count_active() > self._limit:
            await asyncio.sleep(ROOM_CHECK_S)
        await self._queue.put(job)

    async def join(self) -> None:
        await self._queue.join()


class _Streamer(JobStreamer):
    """pyzeebe's streamer; on a gateway without job streaming it stops and leaves polling."""

    async def activate_stream(self) -> None:
        try:
            await super().activate_stream()
        except UnknownGrpcStatusCodeError as error:
            if error.grpc_error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise
            log.warning("job_streaming_unavailable", job_type=self.task.type)
            self.stop_event.set()


class FlowControlledWorker(ZeebeWorker):
    """A ``ZeebeWorker`` whose job streams take a job only while its task has room."""

    def _init_tasks(self) -> None:
        super()._init_tasks()
        self._job_streamers = [
            _Streamer(
                zeebe_adapter=s.zeebe_adapter,
                task=s.task,
                queue=_WhenRoom(  # type: ignore[arg-type]
                    s.queue, s.task_state, s.task.config.max_running_jobs
                ),
                worker_name=s.worker_name,
                stream_request_timeout=s.stream_request_timeout,
                task_state=s.task_state,
                tenant_ids=s.tenant_ids,
            )
            for s in self._job_streamers
        ]
