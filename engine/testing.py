"""A running engine for tests: the real server on ephemeral ports in a background thread.

Tests talk to it exactly as workers do (pyzeebe over loopback gRPC, httpx against REST) and move
its clock instead of sleeping::

    harness = EngineHarness(tmp_path, clock=ControlledClock())
    ... ZeebeClient(create_insecure_channel(grpc_address=harness.grpc_address)) ...
    harness.advance_clock(60_000)        # due timers fire before this returns
    await harness.wait_until(lambda engine: ...)   # re-checked after every committed record
    harness.stop()
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from engine.api import EngineApi, Record
from engine.clock import ControlledClock
from engine.server import EngineFactory, EngineHost
from wenping.settings import EngineSettings

__all__ = ["EngineHarness"]

T = TypeVar("T")

START_TIMEOUT_S = 30.0
CALL_TIMEOUT_S = 30.0


class _RecordSignal:
    """An exporter that only counts records, so waiters wake when something was committed."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.generation = 0

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        with self._cond:
            self.generation += 1
            self._cond.notify_all()

    def wait_beyond(self, generation: int, timeout_s: float) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self.generation != generation, timeout_s)


class EngineHarness:
    """The engine, gRPC and REST on ephemeral loopback ports, for one test (or module)."""

    def __init__(
        self,
        tmp_path: Path,
        *,
        clock: ControlledClock | None = None,
        settings: EngineSettings | None = None,
        engine_factory: EngineFactory | None = None,
        enable_rest: bool = True,
    ) -> None:
        self.clock = clock or ControlledClock()
        self.settings = settings or EngineSettings(
            database_url=f"sqlite:///{tmp_path / 'engine.db'}",
            grpc_host="127.0.0.1",
            grpc_port=0,
            rest_host="127.0.0.1",
            rest_port=0,
        )
        self._signal = _RecordSignal()
        self._host = EngineHost(
            self.settings,
            clock=self.clock,
            engine_factory=engine_factory,
            exporters=[self._signal],
            enable_rest=enable_rest,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="engine-harness", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S):
            raise TimeoutError("the engine harness did not start in time")
        if self._error is not None:
            self._thread.join()
            raise self._error

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            await self._host.start()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._host.run()
        finally:
            await self._host.stop()

    # --- addresses --------------------------------------------------------------------------

    @property
    def grpc_address(self) -> str:
        """``host:port`` for ``pyzeebe.create_insecure_channel(grpc_address=…)``."""
        return f"{self.settings.grpc_host}:{self._host.grpc_port}"

    @property
    def rest_url(self) -> str:
        """Base URL of the REST API (``http://127.0.0.1:PORT``)."""
        port = self._host.rest_port
        if port is None:
            raise RuntimeError("the REST API is not running (engine.rest not available)")
        return f"http://{self.settings.rest_host}:{port}"

    # --- driving the engine -----------------------------------------------------------------

    def call(self, fn: Callable[[EngineApi], T], *, timeout_s: float = CALL_TIMEOUT_S) -> T:
        """Run ``fn(engine)`` on the engine's loop thread and return its result."""
        loop = self._loop
        if loop is None or not self._thread.is_alive():
            raise RuntimeError("the engine harness is not running")
        if threading.current_thread() is self._thread:
            raise RuntimeError("call() from the engine thread would deadlock; call fn directly")

        async def invoke() -> T:
            result = fn(self._host.engine)
            engine = self._host.engine
            engine.flush()  # committed (and exported) before the caller sees the result
            flush_exports = getattr(engine, "flush_exports", None)
            if flush_exports is not None:
                flush_exports()
            return result

        future: Future[T] = asyncio.run_coroutine_threadsafe(invoke(), loop)
        return future.result(timeout_s)

    def advance_clock(self, ms: int) -> None:
        """Move the clock forward and return once every piece of work due by then is done."""
        self.clock.advance(ms)
        self.call(lambda _engine: self._host.tick_until_idle())
        # The ticker re-computes its sleep against the new time.
        self.call(lambda _engine: self._host.wake())

    def parked_job_requests(self) -> int:
        """ActivateJobs requests the gateway holds open (long polling)."""
        return self._on_loop(lambda: self._host.dispatcher.waiting_requests)

    def open_job_streams(self, job_type: str) -> int:
        """StreamActivatedJobs calls open for ``job_type``."""
        return self._on_loop(lambda: self._host.dispatcher.open_streams(job_type))

    def _on_loop(self, fn: Callable[[], T]) -> T:
        return self.call(lambda _engine: fn())

    def history(self, process_instance_key: int) -> list[Record]:
        """Every record of the instance (and its children), in log order."""
        return self.call(lambda engine: engine.history(process_instance_key))

    async def wait_until(
        self, predicate: Callable[[EngineApi], T | None], *, timeout_s: float = 10.0, what: str = ""
    ) -> T:
        """Await a truthy ``predicate(engine)``; it is re-evaluated after each commit, no polling.

        Raises ``TimeoutError`` naming ``what`` if it does not hold within ``timeout_s``.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            generation = self._signal.generation
            result = self.call(predicate)
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"condition not reached within {timeout_s} s: {what}")
            await asyncio.to_thread(self._signal.wait_beyond, generation, remaining)

    async def wait_for_record(
        self,
        process_instance_key: int,
        *,
        value_type: str,
        intent: str,
        element_id: str | None = None,
        timeout_s: float = 10.0,
    ) -> Record:
        """Await the first record of the instance matching type, intent and element id."""

        def find(engine: EngineApi) -> Record | None:
            for record in engine.history(process_instance_key):
                if (
                    record.value_type == value_type
                    and record.intent == intent
                    and (element_id is None or record.value.get("elementId") == element_id)
                ):
                    return record
            return None

        what = f"{value_type} {intent} {element_id or ''} in instance {process_instance_key}"
        return await self.wait_until(find, timeout_s=timeout_s, what=what)

    def stop(self) -> None:
        """Stop the servers and close the engine (idempotent)."""
        loop = self._loop
        if loop is not None and self._thread.is_alive():
            loop.call_soon_threadsafe(self._host.request_stop)
            self._thread.join(CALL_TIMEOUT_S)

    def __enter__(self) -> EngineHarness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
