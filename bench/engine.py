"""Engine benchmark (issue 2): prints figures and their ratios to the targets; asserts nothing.

    .venv/bin/python bench/engine.py [--jobs 3000] [--backlog 5000] [--stored 100000]

(a) baseline: a pyzeebe worker against a no-op in-memory gateway (bench/noop_gateway.py);
(b) engine jobs/s, same worker, durable default store (SQLite WAL), instances created meanwhile;
(c) create→complete latency p50/p99 of a one-task process with an idle worker;
(d) drain rate of a backlog vs the steady rate (b); plus pyzeebe's default settings for contrast;
(e) per-step cost at 20 vs 400 completed elements, and at 1,000 vs 100,000 stored instances.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyzeebe import ZeebeClient, ZeebeWorker, create_insecure_channel

from bench import models
from bench.noop_gateway import NoopGateway
from engine.api import Exporter, JobActivationRequest, Record, Resource
from engine.clock import Clock
from engine.server import HostedEngine, default_engine_factory
from engine.testing import EngineHarness
from wenping.logging import configure_logging
from wenping.settings import EngineSettings

JOB = "bench-work"
TUNED = {"max_jobs_to_activate": 32, "max_running_jobs": 64}


class CompletionCounter:
    """Exporter counting JOB COMPLETED records; ``reached`` is set at the target."""

    def __init__(self) -> None:
        self.count = 0
        self.target = 0
        self.reached = threading.Event()

    def expect(self, n: int) -> None:
        self.count, self.target = 0, n
        self.reached.clear()

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        for record in records:
            if record.value_type == "JOB" and record.intent == "COMPLETED":
                self.count += 1
        if self.target and self.count >= self.target:
            self.reached.set()


def worker(channel: Any, *, tuned: bool = True) -> ZeebeWorker:
    """The worker under test; ``tuned`` follows ECOSYSTEM-NOTES.md, else pyzeebe's defaults."""
    w = ZeebeWorker(channel, poll_retry_delay=0.01 if tuned else 5)  # type: ignore[arg-type]

    @w.task(task_type=JOB, **(TUNED if tuned else {}))
    async def work() -> dict[str, Any]:
        return {}

    return w


async def wait_event(event: threading.Event, timeout: float) -> bool:
    return await asyncio.to_thread(event.wait, timeout)


async def baseline(n: int) -> float:
    gateway = NoopGateway(n)
    address = gateway.start()
    channel = create_insecure_channel(grpc_address=address)
    w = worker(channel)
    started = time.perf_counter()
    running = asyncio.ensure_future(w.work())
    await wait_event(gateway.done, 120)
    elapsed = time.perf_counter() - started
    await w.stop()
    await running
    await channel.close()
    gateway.stop()
    return n / elapsed


async def create_many(client: ZeebeClient, process_id: str, n: int, concurrency: int = 8) -> None:
    async def creator(count: int) -> None:
        for _ in range(count):
            await client.run_process(process_id)

    share = [n // concurrency + (1 if i < n % concurrency else 0) for i in range(concurrency)]
    await asyncio.gather(*(creator(c) for c in share))


async def engine_rates(
    harness: EngineHarness, counter: CompletionCounter, args: Any
) -> dict[str, float]:
    out: dict[str, float] = {}
    channel = create_insecure_channel(grpc_address=harness.grpc_address)
    client = ZeebeClient(channel)
    harness.call(
        lambda e: e.deploy([Resource("bench.bpmn", models.one_task("Process_Bench", JOB))])
    )

    # (b) steady: the worker runs while instances are created.
    w = worker(channel)
    running = asyncio.ensure_future(w.work())
    counter.expect(args.jobs)
    started = time.perf_counter()
    await create_many(client, "Process_Bench", args.jobs)
    await wait_event(counter.reached, 300)
    out["steady"] = counter.count / (time.perf_counter() - started)

    # (c) latency with the worker idle (long polling).
    latencies = []
    for _ in range(args.latency_samples):
        t0 = time.perf_counter()
        await client.run_process_with_result("Process_Bench", timeout=10_000)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    out["p50"] = statistics.median(latencies)
    out["p99"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    await w.stop()
    await running

    # (d) a backlog, then the worker.
    await create_many(client, "Process_Bench", args.backlog)
    counter.expect(args.backlog)
    w = worker(channel)
    started = time.perf_counter()
    running = asyncio.ensure_future(w.work())
    await wait_event(counter.reached, 600)
    out["drain"] = counter.count / (time.perf_counter() - started)
    await w.stop()
    await running

    # pyzeebe's defaults on a small backlog, for contrast (bounded in time).
    await create_many(client, "Process_Bench", 200)
    counter.expect(200)
    w = worker(channel, tuned=False)
    started = time.perf_counter()
    running = asyncio.ensure_future(w.work())
    await wait_event(counter.reached, args.default_window)
    out["defaults"] = counter.count / (time.perf_counter() - started)
    await w.stop()
    await running
    await channel.close()
    return out


def step_costs(engine: HostedEngine, args: Any) -> dict[str, float]:
    """Per-step costs measured on the engine thread, through EngineApi (no gRPC)."""
    engine.deploy([Resource("loop.bpmn", models.loop("Process_Loop", "bench-step"))])
    engine.deploy([Resource("one.bpmn", models.one_task("Process_One", "bench-one"))])
    engine.deploy([Resource("empty.bpmn", models.empty("Process_Empty"))])
    request = JobActivationRequest("bench-step", "bench", 60_000, 1)

    def step() -> float:
        t0 = time.perf_counter()
        (job,) = engine.activate_jobs(request)
        engine.complete_job(job.key, {"more": True})
        return time.perf_counter() - t0

    out: dict[str, float] = {}
    engine.create_process_instance(bpmn_process_id="Process_Loop", variables={"more": True})
    # Each round completes the task and both gateways: about 3 elements.
    small = [step() for _ in range(9)][-7:]  # around 20 completed elements
    for _ in range(123):
        step()
    large = [step() for _ in range(7)]  # around 400 completed elements
    out["elements_20"] = statistics.median(small) * 1000
    out["elements_400"] = statistics.median(large) * 1000

    one = JobActivationRequest("bench-one", "bench", 60_000, 1)

    def one_instance() -> float:
        t0 = time.perf_counter()
        engine.create_process_instance(bpmn_process_id="Process_One")
        (job,) = engine.activate_jobs(one)
        engine.complete_job(job.key, {})
        return time.perf_counter() - t0

    def fill(total: int) -> None:
        for _ in range(total):
            engine.create_process_instance(bpmn_process_id="Process_Empty")

    fill(1000)
    out["stored_small"] = statistics.median(one_instance() for _ in range(200)) * 1000
    fill(args.stored - 1000)
    out["stored_large"] = statistics.median(one_instance() for _ in range(200)) * 1000
    return out


def harness(tmp: Path, counter: CompletionCounter) -> EngineHarness:
    def factory(settings: EngineSettings, clock: Clock, exporters: Sequence[Exporter]) -> Any:
        return default_engine_factory(settings, clock, [*exporters, counter])

    return EngineHarness(tmp, engine_factory=factory, enable_rest=False)


def row(name: str, value: str, target: str, ratio: float | None, ok: bool | None) -> str:
    r = f"{ratio:8.2f}" if ratio is not None else " " * 8
    verdict = "" if ok is None else ("met" if ok else "MISSED")
    return f"{name:<46} {value:>14} {target:>12} {r} {verdict}"


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--latency-samples", type=int, default=300)
    parser.add_argument("--default-window", type=float, default=12.0)
    args = parser.parse_args(argv)
    configure_logging(level="WARNING")
    # pyzeebe warns on every poll of a saturated worker; the figures are the point here.
    logging.getLogger("pyzeebe").setLevel(logging.ERROR)

    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    log("(a) baseline …")
    base = await baseline(args.jobs)
    counter = CompletionCounter()
    with tempfile.TemporaryDirectory() as tmp:
        h = harness(Path(tmp), counter)
        try:
            log("(b)(c)(d) engine over gRPC …")
            rates = await engine_rates(h, counter, args)
            log(f"(e) per-step costs (filling {args.stored} instances) …")
            costs = h.call(lambda e: step_costs(e, args))  # type: ignore[arg-type]
        finally:
            h.stop()

    lines = [
        f"{'measure':<46} {'value':>14} {'target':>12} {'ratio':>8}",
        row("(a) no-op gateway, pyzeebe worker", f"{base:,.0f} jobs/s", "", None, None),
        row(
            "(b) engine, pyzeebe worker, SQLite WAL",
            f"{rates['steady']:,.0f} jobs/s",
            "(b)/(a)≥0.25",
            rates["steady"] / base,
            rates["steady"] / base >= 0.25,
        ),
        row(
            "(c) create→complete p50",
            f"{rates['p50']:.2f} ms",
            "≤5 ms",
            rates["p50"] / 5,
            rates["p50"] <= 5,
        ),
        row(
            "(c) create→complete p99",
            f"{rates['p99']:.2f} ms",
            "≤25 ms",
            rates["p99"] / 25,
            rates["p99"] <= 25,
        ),
        row(
            f"(d) drain of a {args.backlog:,}-job backlog",
            f"{rates['drain']:,.0f} jobs/s",
            "(d)/(b)≥0.8",
            rates["drain"] / rates["steady"],
            rates["drain"] / rates["steady"] >= 0.8,
        ),
        row(
            "    same, pyzeebe default worker settings",
            f"{rates['defaults']:,.1f} jobs/s",
            "",
            None,
            None,
        ),
        row("(e) step at 20 completed elements", f"{costs['elements_20']:.3f} ms", "", None, None),
        row(
            "(e) step at 400 completed elements",
            f"{costs['elements_400']:.3f} ms",
            "400/20≤1.5",
            costs["elements_400"] / costs["elements_20"],
            costs["elements_400"] / costs["elements_20"] <= 1.5,
        ),
        row("(e) instance with 1,000 stored", f"{costs['stored_small']:.3f} ms", "", None, None),
        row(
            f"(e) instance with {args.stored:,} stored",
            f"{costs['stored_large']:.3f} ms",
            "large/small≤1.5",
            costs["stored_large"] / costs["stored_small"],
            costs["stored_large"] / costs["stored_small"] <= 1.5,
        ),
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    asyncio.run(main())
