"""The engine process: the runtime, the gRPC gateway and the REST API on one asyncio loop.

:func:`run_forever` is ``wenping engine run`` (and ``python -m engine.server``). :class:`EngineHost`
is the same thing as an object, which :class:`engine.testing.EngineHarness` runs in a thread.

The runtime is not thread-safe: every engine call happens on the loop thread. Between requests
the host *ticks* the engine (timers, job timeouts, retry back-offs, message TTLs) and then sleeps
until the next due work or until the engine signals that earlier work appeared.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

import structlog
import uvicorn

from engine.api import EngineApi, Exporter
from engine.clock import Clock, ControlledClock, SystemClock
from engine.errors import EngineError, FailedPrecondition
from engine.gateway import JobDispatcher, RunningGateway, start_gateway
from wenping.settings import EngineSettings

log = structlog.get_logger(__name__)

T = TypeVar("T")


class HostedEngine(EngineApi, Protocol):
    """What the host needs beyond :class:`EngineApi` (contracts.md, ``engine.runtime.Engine``)."""

    def open(self) -> None: ...
    def close(self) -> None: ...
    def tick(self) -> int | None: ...
    def add_wakeup_listener(self, fn: Callable[[], None]) -> Callable[[], None]: ...
    def flush(self) -> None: ...


EngineFactory = Callable[[EngineSettings, Clock, Sequence[Exporter]], HostedEngine]


def default_engine_factory(
    settings: EngineSettings, clock: Clock, exporters: Sequence[Exporter]
) -> HostedEngine:
    """Build the real runtime, ``engine.runtime.Engine``."""
    from engine.runtime import Engine

    return Engine(
        settings,
        clock=clock,
        exporters=exporters,
        group_commit=settings.group_commit,
        deferred_export=settings.group_commit,
    )


class EngineHost:
    """Engine + gateway + REST on the running loop; see the module docstring."""

    def __init__(
        self,
        settings: EngineSettings,
        *,
        clock: Clock | None = None,
        engine_factory: EngineFactory | None = None,
        exporters: Sequence[Exporter] = (),
        enable_rest: bool = True,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self._factory = engine_factory or default_engine_factory
        self._exporters = tuple(exporters)
        self._enable_rest = enable_rest
        self._engine: HostedEngine | None = None
        self._gateway: RunningGateway | None = None
        self._uvicorn: Any = None
        self._uvicorn_task: asyncio.Future[None] | None = None
        self._rest_socket: socket.socket | None = None
        self._wakeup: asyncio.Event | None = None
        self._stopping = False
        self._remove_wakeup: Callable[[], None] | None = None

    @property
    def engine(self) -> HostedEngine:
        if self._engine is None:
            raise RuntimeError("the engine host has not been started")
        return self._engine

    @property
    def dispatcher(self) -> JobDispatcher:
        """The gateway's job dispatcher (parked requests, open streams)."""
        if self._gateway is None:
            raise RuntimeError("the engine host has not been started")
        return self._gateway.dispatcher

    @property
    def grpc_port(self) -> int:
        return self._gateway.port if self._gateway else 0

    @property
    def rest_port(self) -> int | None:
        return self._rest_socket.getsockname()[1] if self._rest_socket else None

    async def start(self) -> None:
        """Open the engine, then start gRPC and REST. Raises :class:`EngineError` on refusal."""
        self._wakeup = asyncio.Event()
        exporters = list(self._exporters)
        if self._enable_rest:
            from engine.query import query_exporter
            from engine.rest import check_exposure

            check_exposure(self.settings)  # refuse an unauthenticated public REST API first
            exporters.append(query_exporter())
        engine = self._factory(self.settings, self.clock, exporters)
        engine.open()
        self._engine = engine
        try:
            # Work that fell due while the engine was down (timers, job timeouts) is done
            # before any client can connect, so recovery does not race the first requests.
            self.tick_until_idle()
            self._gateway = await start_gateway(
                engine,
                host=self.settings.grpc_host,
                port=self.settings.grpc_port,
                long_poll_default_ms=self.settings.long_poll_default_ms,
            )
            if self._enable_rest:
                await self._start_rest(engine)
        except BaseException:
            await self.stop()
            raise
        self._remove_wakeup = engine.add_wakeup_listener(self.wake)
        log.info("engine started", grpc_port=self.grpc_port, rest_port=self.rest_port)

    async def _start_rest(self, engine: HostedEngine) -> None:
        from engine.query import QueryService
        from engine.rest import create_app

        sql_engine = getattr(engine, "sql_engine", None)
        if sql_engine is None:
            raise FailedPrecondition("the engine exposes no sql_engine for the REST API's queries")
        query = QueryService(sql_engine, before_read=getattr(engine, "flush_exports", None))

        async def call(fn: Callable[[], T]) -> T:
            # uvicorn serves on this very loop, so the engine can be called directly; the
            # answer waits for the command's commit.
            try:
                result = fn()
            except EngineError as exc:
                try:  # a rejection, too, is answered after the commit it was decided on
                    await engine.durable()
                except EngineError as unavailable:
                    raise unavailable from exc
                raise
            await engine.durable()
            return result

        app = create_app(engine, query, self.settings, call=call)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((self.settings.rest_host, self.settings.rest_port))
        except OSError as exc:
            sock.close()
            raise FailedPrecondition(
                f"cannot listen for REST on {self.settings.rest_host}:{self.settings.rest_port}: "
                f"{exc.strerror}"
            ) from None
        sock.listen(128)
        self._rest_socket = sock
        config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=False)
        server = _QuietUvicorn(config)
        self._uvicorn = server
        self._uvicorn_task = asyncio.ensure_future(server.serve(sockets=[sock]))
        while not server.started:
            if self._uvicorn_task.done():
                self._uvicorn_task.result()  # raises what stopped it
                raise FailedPrecondition("the REST server stopped during start-up")
            await asyncio.sleep(0.005)

    def wake(self) -> None:
        """Make the ticker re-run now (new due work appeared, or the clock was moved)."""
        if self._wakeup is not None:
            self._wakeup.set()

    def request_stop(self) -> None:
        self._stopping = True
        self.wake()

    def tick_until_idle(self) -> int | None:
        """Tick until nothing is due now; return ms until the next due work (or ``None``)."""
        while True:
            next_ms = self.engine.tick()
            if next_ms is None or next_ms > 0:
                return next_ms

    async def run(self) -> None:
        """Tick the engine until :meth:`request_stop`."""
        assert self._wakeup is not None, "start() first"
        while not self._stopping:
            self._wakeup.clear()
            try:
                next_ms = self.tick_until_idle()
            except Exception:
                log.exception("engine tick failed")
                next_ms = None
            # The cap bounds how late due work can be if a wake-up were ever missed.
            cap = self.settings.job_timeout_check_ms
            sleep_ms = cap if next_ms is None else min(cap, next_ms)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), sleep_ms / 1000)

    async def stop(self) -> None:
        """Stop REST and gRPC (answering parked job requests), then close the engine."""
        if self._remove_wakeup is not None:
            self._remove_wakeup()
            self._remove_wakeup = None
        try:
            if self._uvicorn is not None and self._uvicorn_task is not None:
                self._uvicorn.should_exit = True
                await self._uvicorn_task
        finally:
            self._uvicorn = self._uvicorn_task = None
            if self._rest_socket is not None:
                self._rest_socket.close()
                self._rest_socket = None
            try:
                if self._gateway is not None:
                    await self._gateway.stop()
            finally:
                self._gateway = None
                if self._engine is not None:
                    self._engine.close()
                    self._engine = None


class _QuietUvicorn(uvicorn.Server):
    """uvicorn without its signal handling: this process's signals belong to the host."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(
    settings: EngineSettings,
    *,
    clock: Clock | None = None,
    engine_factory: EngineFactory | None = None,
) -> int:
    """Run until SIGTERM/SIGINT; return the process exit code."""
    host = EngineHost(settings, clock=clock, engine_factory=engine_factory)
    try:
        await host.start()
    except EngineError as exc:
        sys.stderr.write(f"wenping engine: 无法启动 (cannot start): {exc.message}\n")
        return 1
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, host.request_stop)
    sys.stderr.write(
        f"wenping engine: gRPC {settings.grpc_host}:{host.grpc_port}"
        + (f", REST {settings.rest_host}:{host.rest_port}" if host.rest_port else "")
        + "\n"
    )
    sys.stderr.flush()
    try:
        await host.run()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await host.stop()
    return 0


CLOCK_OFFSET_ENV = "WENPING_ENGINE_CLOCK_OFFSET_MS"
"""Test hook: start the clock this far ahead, so a crash test can simulate a long outage."""


def run_forever(settings: EngineSettings) -> int:
    """Start the engine, gRPC (26500) and REST (8080) and serve until SIGTERM/SIGINT."""
    offset = int(os.environ.get(CLOCK_OFFSET_ENV, "0") or 0)
    clock: Clock = ControlledClock(offset) if offset else SystemClock()
    return asyncio.run(serve(settings, clock=clock))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m engine.server``: the engine alone, configured from the environment."""
    from wenping.logging import configure_logging
    from wenping.settings import Settings

    settings = Settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    return run_forever(settings.engine)


if __name__ == "__main__":
    sys.exit(main())
