"""Cost of the query exporter per engine commit; prints figures and ratios, asserts nothing.

    .venv/bin/python bench/query_exporter.py [--rounds 5] [--instances 200] [--stored 0]
        [--profile out.prof]

The same in-process workload runs on the ``Engine`` API twice per round, each on a fresh durable
SQLite store (WAL, synchronous NORMAL, as the engine runs by default): once with no exporter (the
baseline) and once with the query exporter attached. The workload is what staff and workers do:
a one-service-task process (create with variables, activate the job, complete it with a
variable) and a user-task process (create, assign, complete with a variable). Printed: engine
milliseconds per commit with and without the exporter, the exporter's own time per commit
(timed around ``export``), and their ratios. ``--stored N`` first fills both stores with N
completed instances, to show the per-commit cost does not grow with the store.
"""

from __future__ import annotations

import argparse
import cProfile
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import models
from engine.api import Exporter, JobActivationRequest, Record, Resource
from engine.clock import ControlledClock
from engine.query import query_exporter
from engine.runtime import Engine
from wenping.settings import EngineSettings

JOB = "bench-work"
COMMITS_PER_INSTANCE = 6  # create, activate, complete job; create, assign, complete user task

USER_TASK = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_Bench_UT"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Bench_UserTask" name="Bench review" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Review" />
    <bpmn:userTask id="Task_Review" name="Review">
      <bpmn:extensionElements>
        <zeebe:userTask/>
        <zeebe:assignmentDefinition candidateGroups="reviewers, leads"/>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


class TimedExporter:
    """Wraps an exporter and adds up the wall time spent inside ``export``."""

    def __init__(self, inner: Exporter) -> None:
        self.inner = inner
        self.seconds = 0.0

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        started = time.perf_counter()
        self.inner.export(connection, records)
        self.seconds += time.perf_counter() - started


def open_engine(directory: Path, exporters: Sequence[Exporter]) -> Engine:
    settings = EngineSettings(database_url=f"sqlite:///{directory / 'engine.db'}")
    engine = Engine(settings, clock=ControlledClock(), exporters=exporters)
    engine.open()
    engine.deploy(
        [
            Resource("one_task.bpmn", models.one_task("Bench_OneTask", JOB)),
            Resource("user_task.bpmn", USER_TASK),
            Resource("empty.bpmn", models.empty("Bench_Empty")),
        ]
    )
    return engine


def fill(engine: Engine, stored: int) -> None:
    for _ in range(stored):
        engine.create_process_instance(bpmn_process_id="Bench_Empty", variables={"n": 1})


def workload(engine: Engine, instances: int) -> None:
    request = JobActivationRequest(JOB, "bench-worker", 60_000, 1)
    for i in range(instances):
        engine.create_process_instance(
            bpmn_process_id="Bench_OneTask",
            variables={"caseId": f"C-{i}", "amount": i, "tags": ["a", "b"]},
        )
        (job,) = engine.activate_jobs(request)
        engine.complete_job(job.key, {"result": {"ok": True, "score": i}})
        created = engine.create_process_instance(
            bpmn_process_id="Bench_UserTask", variables={"caseId": f"C-{i}"}
        )
        task_key = _user_task_key(engine, created.process_instance_key)
        engine.assign_user_task(task_key, assignee="zhang.san")
        engine.complete_user_task(task_key, variables={"approved": True})


def _user_task_key(engine: Engine, process_instance_key: int) -> int:
    for record in reversed(engine.history(process_instance_key)):
        if record.value_type == "USER_TASK" and record.intent == "CREATED":
            return record.key
    raise RuntimeError(f"no user task in process instance {process_instance_key}")


def run_once(
    instances: int, stored: int, *, with_exporter: bool, profile: cProfile.Profile | None
) -> tuple[float, float]:
    """(seconds of the workload, seconds inside the exporter) on a fresh store."""
    timed = TimedExporter(query_exporter())
    with tempfile.TemporaryDirectory(prefix="wenping-bench-q-") as tmp:
        engine = open_engine(Path(tmp), [timed] if with_exporter else [])
        try:
            fill(engine, stored)
            workload(engine, 5)  # warm caches (statements, names) before measuring
            timed.seconds = 0.0
            # history() reads are part of the workload in both runs; the difference is export.
            if profile is not None:
                profile.enable()
            started = time.perf_counter()
            workload(engine, instances)
            elapsed = time.perf_counter() - started
            if profile is not None:
                profile.disable()
        finally:
            engine.close()
    return elapsed, timed.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--stored", type=int, default=0)
    parser.add_argument("--profile", help="write a cProfile of the exporter runs to this file")
    args = parser.parse_args()

    profile = cProfile.Profile() if args.profile else None
    commits = args.instances * COMMITS_PER_INSTANCE
    base_ms: list[float] = []
    with_ms: list[float] = []
    export_ms: list[float] = []
    for _ in range(args.rounds):
        base, _unused = run_once(args.instances, args.stored, with_exporter=False, profile=None)
        total, inside = run_once(args.instances, args.stored, with_exporter=True, profile=profile)
        base_ms.append(base * 1000 / commits)
        with_ms.append(total * 1000 / commits)
        export_ms.append(inside * 1000 / commits)
    if profile is not None:
        profile.dump_stats(args.profile)

    base = statistics.median(base_ms)
    total = statistics.median(with_ms)
    inside = statistics.median(export_ms)
    print(
        f"workload: {args.instances} service-task + {args.instances} user-task instances, "
        f"{commits} commits per run, {args.stored} stored instances, {args.rounds} rounds "
        "(medians)"
    )
    print(f"  baseline, no exporter      {base:7.3f} ms/commit")
    print(f"  with the query exporter    {total:7.3f} ms/commit")
    print(f"  inside export()            {inside:7.3f} ms/commit")
    print(f"  ratio with/without         {total / base:7.2f}")
    print(f"  ratio export()/baseline    {inside / base:7.2f}")


if __name__ == "__main__":
    main()
