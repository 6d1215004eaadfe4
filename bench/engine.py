"""Engine benchmark (issue 2): prints figures and their ratios to the targets; asserts nothing.

    .venv/bin/python bench/engine.py [--jobs 2000] [--rounds 5] [--backlog 5000] [--stored 100000]

(a) baseline: a pyzeebe worker against a no-op in-memory gateway (bench/noop_gateway.py);
(b) engine jobs/s, same worker, durable default store (SQLite WAL), instances created meanwhile;
    (a) and (b) alternate for --rounds rounds and the median per-round ratio is reported, so a
    change in the machine's load during the run does not decide the ratio;
(c) create→complete latency p50/p99 of a one-task process with an idle worker configured as
    workers/ run it (job streaming and polling, WENPING_STREAM_JOBS), sampled in each round of
    (a)(b); a polling-only worker follows it in each round for contrast;
(d) drain rate of a backlog vs the steady rate (b); plus pyzeebe's default settings for contrast;
(e) per-step cost at 20 vs 400 completed elements, and at 1,000 vs 100,000 stored instances;
    each pair is measured alternately (two engines for the stores), commit included.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import grpc
from pyzeebe import ZeebeClient, ZeebeWorker, create_insecure_channel
from pyzeebe.channel.channel_options import get_channel_options

from bench import models
from engine.api import JobActivationRequest, Resource
from engine.testing import EngineHarness
from wenping.logging import configure_logging
from workers.streaming import FlowControlledWorker

REPO = Path(__file__).resolve().parent.parent
JOB = "bench-work"
TUNED = {"max_jobs_to_activate": 32, "max_running_jobs": 64}


class CompletionCounter(grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    """Counts CompleteJob calls the server acknowledged; ``reached`` is set at the target."""

    def __init__(self) -> None:
        self.count = 0
        self.target = 0
        self.reached = asyncio.Event()

    def expect(self, n: int) -> None:
        self.count, self.target = 0, n
        self.reached.clear()

    async def intercept_unary_unary(
        self, continuation: Any, client_call_details: Any, request: Any
    ) -> Any:
        call = await continuation(client_call_details, request)
        method = client_call_details.method
        if (method.decode() if isinstance(method, bytes) else method).endswith("/CompleteJob"):
            await call  # acknowledged, i.e. committed by the engine
            self.count += 1
            if self.target and self.count >= self.target:
                self.reached.set()
        return call


class ServerProcess:
    """A gateway in its own process (as in production), found by the address it prints."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, *argv],
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            found = re.search(r"gRPC (\S+:\d+)", line)
            if found:
                self.address = found.group(1)
                break
        else:
            raise RuntimeError(f"{argv} exited before serving")
        # Keep draining stderr so the server never blocks on a full pipe.
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def worker_channel(address: str, counter: CompletionCounter) -> grpc.aio.Channel:
    """pyzeebe's own channel options, plus the completion counter."""
    return grpc.aio.insecure_channel(
        address, options=get_channel_options(None), interceptors=[counter]
    )


def worker(channel: Any, *, tuned: bool = True, stream: bool = False) -> ZeebeWorker:
    """The worker under test; ``tuned`` follows ECOSYSTEM-NOTES.md, else pyzeebe's defaults;
    ``stream`` opens a job stream besides polling, with workers/app.py's flow control."""
    delay: Any = 0.01 if tuned else 5  # pyzeebe types it int; it sleeps a float fine
    kind = FlowControlledWorker if stream else ZeebeWorker
    w = kind(channel, poll_retry_delay=delay, stream_enabled=stream)

    @w.task(task_type=JOB, **(TUNED if tuned else {}))
    async def work() -> dict[str, Any]:
        return {}

    return w


async def run_worker_until(
    channel: Any, counter: CompletionCounter, n: int, *, tuned: bool = True, timeout: float = 600
) -> float:
    """Start a worker, wait for ``n`` acknowledged completions; return jobs/s."""
    counter.expect(n)
    w = worker(channel, tuned=tuned)
    started = time.perf_counter()
    running = asyncio.ensure_future(w.work())
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(counter.reached.wait(), timeout)
    rate = counter.count / (time.perf_counter() - started)
    await w.stop()
    await running
    return rate


async def idle_latencies(
    channel: Any, client: ZeebeClient, samples: int, *, stream: bool, warm_up: int = 10
) -> list[float]:
    """Create→complete times (ms) of one instance at a time, the worker otherwise idle."""
    w = worker(channel, stream=stream)
    running = asyncio.ensure_future(w.work())
    latencies = []
    try:
        for i in range(warm_up + samples):
            t0 = time.perf_counter()
            await client.run_process_with_result("Process_Bench", timeout=10_000)
            if i >= warm_up:
                latencies.append((time.perf_counter() - t0) * 1000)
    finally:
        await w.stop()
        await running
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def create_many(client: ZeebeClient, process_id: str, n: int, concurrency: int = 8) -> None:
    async def creator(count: int) -> None:
        for _ in range(count):
            await client.run_process(process_id)

    share = [n // concurrency + (1 if i < n % concurrency else 0) for i in range(concurrency)]
    await asyncio.gather(*(creator(c) for c in share))


async def engine_rates(args: Any) -> dict[str, float]:
    """(a), (b) and a block of (c) in each round (the machine's load drifts; each round's ratio
    compares like with like, and a passing slowdown hits one block of latencies), then (d) on
    the same engine process."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        noop = ServerProcess([str(REPO / "bench" / "noop_gateway.py")])
        server = ServerProcess(
            ["-m", "engine.server"],
            {
                "WENPING_ENGINE_DATABASE_URL": f"sqlite:///{Path(tmp) / 'engine.db'}",
                "WENPING_ENGINE_GRPC_PORT": "0",
                "WENPING_ENGINE_REST_PORT": "0",
                "WENPING_LOG_LEVEL": "WARNING",
            },
        )
        noop_counter = CompletionCounter()
        noop_channel = worker_channel(noop.address, noop_counter)
        counter = CompletionCounter()
        channel = worker_channel(server.address, counter)
        client = ZeebeClient(channel)
        # (c) on a channel as workers/app.py makes it: the counting interceptor of (a)(b)(d)
        # would add its own work to every call's latency.
        plain = create_insecure_channel(grpc_address=server.address)
        plain_client = ZeebeClient(plain)
        try:
            bpmn = Path(tmp) / "bench.bpmn"
            bpmn.write_bytes(models.one_task("Process_Bench", JOB))
            await client.deploy_resource(str(bpmn))

            bases, steadies = [], []
            # (c) latency with the worker idle: streaming as workers/ run it, and polling only;
            # a block of each per round, so a passing slowdown of the machine hits one block.
            streamed: list[float] = []
            polled: list[float] = []
            block_p50s: list[float] = []
            block = max(1, args.latency_samples // args.rounds)
            for _ in range(args.rounds):
                # (a) the worker against the no-op gateway.
                bases.append(await run_worker_until(noop_channel, noop_counter, args.jobs))
                # (b) the worker against the engine while instances are created.
                steady = asyncio.ensure_future(run_worker_until(channel, counter, args.jobs))
                await create_many(client, "Process_Bench", args.jobs)
                steadies.append(await steady)
                # (c) once the burst's after-work (WAL checkpoint, search-table export) is done:
                # "idle" is the whole engine, not only the worker.
                await asyncio.sleep(args.settle)
                latencies = await idle_latencies(plain, plain_client, block, stream=True)
                block_p50s.append(statistics.median(latencies))
                streamed += latencies
                polled += await idle_latencies(plain, plain_client, block, stream=False)
            out["base"] = statistics.median(bases)
            out["steady"] = statistics.median(steadies)
            out["ratio"] = statistics.median(s / b for s, b in zip(steadies, bases, strict=True))
            out["ratio_min"] = min(s / b for s, b in zip(steadies, bases, strict=True))
            out["ratio_max"] = max(s / b for s, b in zip(steadies, bases, strict=True))
            out["p50"] = statistics.median(streamed)
            out["p99"] = percentile(streamed, 0.99)
            out["p50_min"], out["p50_max"] = min(block_p50s), max(block_p50s)
            out["p50_polling"] = statistics.median(polled)
            out["p99_polling"] = percentile(polled, 0.99)

            # (d) a backlog, then the worker; then pyzeebe's defaults on a small backlog.
            await create_many(client, "Process_Bench", args.backlog)
            out["drain"] = await run_worker_until(channel, counter, args.backlog)
            await create_many(client, "Process_Bench", 200)
            out["defaults"] = await run_worker_until(
                channel, counter, 200, tuned=False, timeout=args.default_window
            )
        finally:
            await channel.close()
            await plain.close()
            await noop_channel.close()
            server.stop()
            noop.stop()
    return out


def step(engine: Any, request: JobActivationRequest, variables: dict[str, Any]) -> float:
    """One step, timed on the engine thread: activate a job, complete it, commit (the search
    tables are updated later, in batches, and are not part of a step)."""
    t0 = time.perf_counter()
    (job,) = engine.activate_jobs(request)
    engine.complete_job(job.key, variables)
    engine.flush()
    return time.perf_counter() - t0


def element_costs(h: EngineHarness, samples: int) -> tuple[float, float]:
    """Median step of instances with ~20 vs ~400 completed elements, measured alternately (so a
    change in the machine's speed meanwhile affects both alike)."""
    h.call(lambda e: e.deploy([Resource("s.bpmn", models.loop("Process_Small", "bench-small"))]))
    h.call(lambda e: e.deploy([Resource("l.bpmn", models.loop("Process_Large", "bench-large"))]))
    small = JobActivationRequest("bench-small", "bench", 60_000, 1)
    large = JobActivationRequest("bench-large", "bench", 60_000, 1)
    more = {"more": True}

    def prepare(engine: Any) -> None:
        # Each step completes the task and both gateways: three elements.
        engine.create_process_instance(bpmn_process_id="Process_Large", variables=more)
        for _ in range(133):
            step(engine, large, more)
        for _ in range(samples):
            engine.create_process_instance(bpmn_process_id="Process_Small", variables=more)
        for _ in range(6 * samples):  # round-robin over the small instances: six steps each
            step(engine, small, more)

    def measure(engine: Any) -> tuple[list[float], list[float]]:
        out: tuple[list[float], list[float]] = ([], [])
        for _ in range(samples):
            out[0].append(step(engine, small, more))
            out[1].append(step(engine, large, more))
        return out

    h.call(prepare, timeout_s=300)
    at_20, at_400 = h.call(measure, timeout_s=300)
    return statistics.median(at_20) * 1000, statistics.median(at_400) * 1000


def stored_costs(small: EngineHarness, large: EngineHarness, stored: int) -> tuple[float, float]:
    """Median create+activate+complete of a one-task instance on a store holding 1,000 vs
    ``stored`` instances: two engines, measured in alternating batches."""
    one = JobActivationRequest("bench-one", "bench", 60_000, 1)
    for h in (small, large):
        h.call(
            lambda e: e.deploy([Resource("one.bpmn", models.one_task("Process_One", "bench-one"))])
        )
        h.call(lambda e: e.deploy([Resource("empty.bpmn", models.empty("Process_Empty"))]))

    def fill(h: EngineHarness, total: int) -> None:
        done = 0
        while done < total:
            batch = min(2000, total - done)

            def create(engine: Any, n: int = batch) -> None:
                for _ in range(n):
                    engine.create_process_instance(bpmn_process_id="Process_Empty")
                engine.flush()

            h.call(create, timeout_s=300)
            h.call(lambda e: e.flush_exports(), timeout_s=300)
            done += batch

    def instances(engine: Any, n: int) -> list[float]:
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            engine.create_process_instance(bpmn_process_id="Process_One")
            engine.flush()
            step(engine, one, {})
            out.append(time.perf_counter() - t0)
        return out

    fill(small, 1000)
    fill(large, stored)
    at_small: list[float] = []
    at_large: list[float] = []
    for _ in range(10):
        at_small += small.call(lambda e: instances(e, 20), timeout_s=300)
        at_large += large.call(lambda e: instances(e, 20), timeout_s=300)
    return statistics.median(at_small) * 1000, statistics.median(at_large) * 1000


def row(name: str, value: str, target: str, ratio: float | None, ok: bool | None) -> str:
    r = f"{ratio:8.2f}" if ratio is not None else " " * 8
    verdict = "" if ok is None else ("met" if ok else "MISSED")
    return f"{name:<46} {value:>14} {target:>12} {r} {verdict}"


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000, help="jobs per round of (a) and (b)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backlog", type=int, default=5000)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--latency-samples", type=int, default=300)
    parser.add_argument("--settle", type=float, default=1.0, help="seconds between (b) and (c)")
    parser.add_argument("--step-samples", type=int, default=40, help="(e) samples per size")
    parser.add_argument("--default-window", type=float, default=12.0)
    args = parser.parse_args(argv)
    configure_logging(level="WARNING")
    # pyzeebe warns on every poll of a saturated worker; the figures are the point here.
    logging.getLogger("pyzeebe").setLevel(logging.ERROR)

    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    log(f"(a)(b)(c) {args.rounds} alternating rounds, then (d), over gRPC …")
    rates = await engine_rates(args)
    base = rates["base"]
    log(f"    {rates}")
    costs: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        log(f"(e) per-step costs in-process (filling {args.stored:,} instances) …")
        h = EngineHarness(Path(tmp) / "elements", enable_rest=False)
        try:
            costs["elements_20"], costs["elements_400"] = element_costs(h, args.step_samples)
        finally:
            h.stop()
        small = EngineHarness(Path(tmp) / "small", enable_rest=False)
        large = EngineHarness(Path(tmp) / "large", enable_rest=False)
        try:
            costs["stored_small"], costs["stored_large"] = stored_costs(small, large, args.stored)
        finally:
            small.stop()
            large.stop()

    lines = [
        f"{'measure':<46} {'value':>14} {'target':>12} {'ratio':>8}",
        row("(a) no-op gateway, pyzeebe worker (median)", f"{base:,.0f} jobs/s", "", None, None),
        row(
            "(b) engine, pyzeebe worker, SQLite WAL (median)",
            f"{rates['steady']:,.0f} jobs/s",
            "(b)/(a)≥0.25",
            rates["ratio"],
            rates["ratio"] >= 0.25,
        ),
        row(
            f"    (b)/(a) per round: min … max of {args.rounds}",
            f"{rates['ratio_min']:.2f} … {rates['ratio_max']:.2f}",
            "",
            None,
            None,
        ),
        row(
            "(c) create→complete p50, streaming worker",
            f"{rates['p50']:.2f} ms",
            "≤5 ms",
            rates["p50"] / 5,
            rates["p50"] <= 5,
        ),
        row(
            f"    p50 per round: min … max of {args.rounds}",
            f"{rates['p50_min']:.2f} … {rates['p50_max']:.2f} ms",
            "",
            None,
            None,
        ),
        row(
            "(c) create→complete p99, streaming worker",
            f"{rates['p99']:.2f} ms",
            "≤25 ms",
            rates["p99"] / 25,
            rates["p99"] <= 25,
        ),
        row(
            "    same, polling-only worker: p50 / p99",
            f"{rates['p50_polling']:.2f} / {rates['p99_polling']:.1f} ms",
            "",
            None,
            None,
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
