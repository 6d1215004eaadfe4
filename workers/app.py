"""The worker process: one ZeebeWorker with every domain's router.

Call ``create_channel`` inside the running event loop (gRPC aio channels bind to the loop that
creates them), then ``build_worker`` and ``await worker.work()``; ``run`` does all three.
"""

import grpc
import structlog
from pyzeebe import (
    ZeebeTaskRouter,
    ZeebeWorker,
    create_insecure_channel,
    create_oauth2_client_credentials_channel,
)

from wenping.settings import WorkerSettings
from workers.db import connect, transaction
from workers.demo.data import seed_expert_pools
from workers.streaming import FlowControlledWorker
from workers.tasks import (
    experts,
    filings,
    hearings,
    items,
    ledger,
    opinions,
    reports,
    risks,
    stakeholders,
)
from workers.tasks.base import WorkerContext, on_error

log = structlog.get_logger(__name__)

POLL_RETRY_DELAY_S = 1
"""Seconds the poller waits when all running slots are busy (pyzeebe's default 5 s throttles)."""

CONNECTION_RETRIES = -1
"""Never give up on the gateway. pyzeebe counts every UNAVAILABLE or DEADLINE_EXCEEDED over the
worker's whole life (a job stream ends with DEADLINE_EXCEEDED every ``stream_request_timeout``)
and closes the channel at its default limit of 10, which would stop a long-running worker."""


def context_from(settings: WorkerSettings) -> WorkerContext:
    """The handlers' context: database (schema created if missing) and reports folder."""
    return WorkerContext(
        session_factory=connect(settings.database_url),
        reports_dir=settings.reports_dir,
        max_jobs_to_activate=settings.max_jobs_to_activate,
    )


def seed_demo_data(ctx: WorkerContext) -> int:
    """Fill the expert pools with demo experts (idempotent); returns how many were added."""
    with transaction(ctx.session_factory) as session:
        return seed_expert_pools(session=session)


def routers(ctx: WorkerContext) -> list[ZeebeTaskRouter]:
    """One router per domain."""
    modules = (items, stakeholders, hearings, opinions, risks, experts, reports, filings, ledger)
    return [module.router(ctx) for module in modules]


def build_worker(
    settings: WorkerSettings, channel: grpc.aio.Channel, *, context: WorkerContext | None = None
) -> ZeebeWorker:
    """A worker for every job type in ``workers.job_types``, tuned for throughput."""
    ctx = context or context_from(settings)
    worker = FlowControlledWorker(
        channel,
        name="wenping-workers",
        poll_retry_delay=POLL_RETRY_DELAY_S,
        exception_handler=on_error,
        max_connection_retries=CONNECTION_RETRIES,
        # New jobs are pushed at once (the lowest latency), while the task has room; older
        # ones are still polled.
        stream_enabled=settings.stream_jobs,
    )
    worker.include_router(*routers(ctx))
    return worker


def create_channel(settings: WorkerSettings) -> grpc.aio.Channel:
    """A channel to ``ZEEBE_ADDRESS``: OAuth when a client id is configured, plain otherwise."""
    if settings.camunda_client_id and settings.camunda_client_secret:
        return create_oauth2_client_credentials_channel(
            grpc_address=settings.zeebe_address,
            client_id=settings.camunda_client_id,
            client_secret=settings.camunda_client_secret.get_secret_value(),
            authorization_server=settings.camunda_oauth_url or "",
            audience=settings.camunda_token_audience,
        )
    return create_insecure_channel(grpc_address=settings.zeebe_address)


async def run(settings: WorkerSettings) -> None:
    """Connect and work until cancelled."""
    worker = build_worker(settings, create_channel(settings))
    log.info("workers_started", zeebe_address=settings.zeebe_address)
    try:
        await worker.work()
    finally:
        await worker.stop()
