"""DMN benchmark: decision-table evaluations per second in-process, 10 rules against 100 rules.

Run: ``.venv/bin/python -m bench.dmn [--seconds 2]``. Prints both rates and their ratio (targets:
10-rule ≥ 50,000 evaluations/s; 100-rule rate ≥ 0.12 × the 10-rule rate). Rates are per CPU
second of this process (``time.process_time``), so other work on the machine does not skew them;
each evaluation is the full ``evaluate_decision`` (JSON in, outcome with audit out).

The gRPC half (EvaluateDecision against a bare gRPC call with payloads of the same size) is
:func:`grpc_evaluate_decision_ratio`; those rates are per wall-clock second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc

from engine.dmn import DecisionRequirements, evaluate_decision, parse_dmn

_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
_CATEGORIES = ("征地拆迁", "重大工程", "环境影响", "企业改制", "其他")


def risk_table(rules: int) -> bytes:
    """A UNIQUE table over a number range and a string list, with ``rules`` disjoint rows."""
    rows = []
    for index in range(rules):
        low, high = index * 10, index * 10 + 10
        category = _CATEGORIES[index % len(_CATEGORIES)]
        rows.append(
            f'<rule id="Rule_{index + 1}">'
            f"<inputEntry><text>[{low}..{high})</text></inputEntry>"
            f'<inputEntry><text>"{category}","其他"</text></inputEntry>'
            f'<outputEntry><text>"level-{index % 4}"</text></outputEntry>'
            f"<outputEntry><text>{index}</text></outputEntry>"
            "</rule>"
        )
    return (
        f'<definitions xmlns="{_NS}" id="Bench" name="Bench" namespace="bench">'
        '<decision id="Decision_Risk" name="Risk"><decisionTable hitPolicy="UNIQUE">'
        '<input id="I1" label="score"><inputExpression><text>score</text></inputExpression></input>'
        '<input id="I2" label="category"><inputExpression><text>category</text>'
        "</inputExpression></input>"
        '<output id="O1" name="level"/><output id="O2" name="points"/>'
        f"{''.join(rows)}</decisionTable></decision></definitions>"
    ).encode()


def rate(drg: DecisionRequirements, rules: int, seconds: float) -> float:
    """Evaluations per CPU second of ``Decision_Risk`` with inputs spread over all rules."""
    inputs = [
        {"score": (i * 10) + 5, "category": _CATEGORIES[i % len(_CATEGORIES)]} for i in range(rules)
    ]
    # Warm up (compiled FEEL caches, branch paths) and check the table answers.
    for variables in inputs:
        outcome = evaluate_decision(drg, "Decision_Risk", variables)
        assert outcome.ok, outcome.failure_message
    count = 0
    started = time.process_time()
    deadline = started + seconds
    while time.process_time() < deadline:
        for variables in inputs:
            evaluate_decision(drg, "Decision_Risk", variables)
        count += len(inputs)
    return count / (time.process_time() - started)


def in_process(seconds: float) -> tuple[float, float]:
    """(10-rule rate, 100-rule rate) in evaluations per second."""
    small = parse_dmn(risk_table(10), "bench-10.dmn")
    large = parse_dmn(risk_table(100), "bench-100.dmn")
    return rate(small, 10, seconds), rate(large, 100, seconds)


def _calls_per_second(call: Callable[[], object], seconds: float) -> float:
    """Sequential unary calls per wall-clock second (the server runs in another thread)."""
    for _ in range(50):  # warm up the channel and the server's caches
        call()
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        call()
        count += 1
    return count / (time.perf_counter() - started)


class _EchoServer:
    """A bare grpc.aio server with one unary method that answers a payload of a given size."""

    def __init__(self, response_size: int) -> None:
        self._response = b"x" * response_size
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.port = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        async def echo(request: bytes, context: object) -> bytes:
            return self._response

        self._server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
        handler = grpc.method_handlers_generic_handler(
            "bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
        )
        self._server.add_generic_rpc_handlers((handler,))
        self.port = self._server.add_insecure_port("127.0.0.1:0")
        await self._server.start()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._server.stop(None), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def grpc_evaluate_decision_ratio(seconds: float) -> tuple[float, float]:
    """(EvaluateDecision calls/s, bare gRPC calls/s with the same request and response sizes).

    Both servers are Python grpc.aio servers in a background thread of this process, called
    sequentially from a synchronous channel, so the ratio isolates what the engine adds.
    """
    from pyzeebe.proto import gateway_pb2, gateway_pb2_grpc

    from engine.api import Resource
    from engine.testing import EngineHarness

    with tempfile.TemporaryDirectory() as tmp, EngineHarness(Path(tmp), enable_rest=False) as h:
        h.call(lambda engine: engine.deploy([Resource("bench-10.dmn", risk_table(10))]))
        request = gateway_pb2.EvaluateDecisionRequest(
            decisionId="Decision_Risk", variables=json.dumps({"score": 35, "category": "其他"})
        )
        with grpc.insecure_channel(h.grpc_address) as channel:
            stub = gateway_pb2_grpc.GatewayStub(channel)
            response = stub.EvaluateDecision(request)
            assert response.decisionOutput, response
            engine_rate = _calls_per_second(lambda: stub.EvaluateDecision(request), seconds)
    payload = request.SerializeToString()
    echo = _EchoServer(len(response.SerializeToString()))
    try:
        with grpc.insecure_channel(f"127.0.0.1:{echo.port}") as channel:
            bare = channel.unary_unary("/bench.Echo/Echo")
            bare_rate = _calls_per_second(lambda: bare(payload), seconds)
    finally:
        echo.stop()
    return engine_rate, bare_rate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dmn")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args(argv)
    ten, hundred = in_process(args.seconds)

    def report(label: str, value: Any) -> None:
        print(f"{label:<38} {value}")

    report("10-rule table, evaluations/s", f"{ten:,.0f}  (target ≥ 50,000)")
    report("100-rule table, evaluations/s", f"{hundred:,.0f}")
    report("ratio 100-rule / 10-rule", f"{hundred / ten:.3f}  (target ≥ 0.12)")
    over_grpc, bare = grpc_evaluate_decision_ratio(args.seconds)
    report("EvaluateDecision over gRPC, calls/s", f"{over_grpc:,.0f}")
    report("bare gRPC call, same payload, calls/s", f"{bare:,.0f}")
    report("ratio EvaluateDecision / bare call", f"{over_grpc / bare:.3f}  (target ≥ 0.3)")


if __name__ == "__main__":
    main()
