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


class UserTaskKeys:
    """Remembers the key of each created user task by process instance (in both runs alike)."""

    def __init__(self) -> None:
        self.by_instance: dict[int, int] = {}

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        for record in records:
            if record.value_type == "USER_TASK" and record.intent == "CREATED":
                self.by_instance[record.process_instance_key] = record.key


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


def workload(engine: Engine, keys: UserTaskKeys, instances: int) -> None:
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
        task_key = keys.by_instance.pop(created.process_instance_key)
        engine.assign_user_task(task_key, assignee="zhang.san")
        engine.complete_user_task(task_key, variables={"approved": True})


class Run:
    """One engine on its own fresh store, with the query exporter or without it."""

    def __init__(self, directory: Path, stored: int, *, with_exporter: bool) -> None:
        self.keys = UserTaskKeys()
        self.timed = TimedExporter(query_exporter())
        exporters: list[Exporter] = [self.keys, self.timed] if with_exporter else [self.keys]
        self.engine = open_engine(directory, exporters)
        fill(self.engine, stored)
        workload(self.engine, self.keys, 5)  # warm caches (statements, names) before measuring
        self.timed.seconds = 0.0
        self.wall = 0.0
        self.cpu = 0.0

    def measure(self, instances: int, profile: cProfile.Profile | None) -> None:
        if profile is not None:
            profile.enable()
        wall, cpu = time.perf_counter(), time.process_time()
        workload(self.engine, self.keys, instances)
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu
        if profile is not None:
            profile.disable()


def run_round(
    instances: int, stored: int, chunk: int, profile: cProfile.Profile | None
) -> tuple[Run, Run]:
    """The baseline and the exporter run, alternating in small chunks so that load from other
    processes on the machine falls on both alike."""
    with (
        tempfile.TemporaryDirectory(prefix="wenping-bench-q-") as base_dir,
        tempfile.TemporaryDirectory(prefix="wenping-bench-q-") as export_dir,
    ):
        base = Run(Path(base_dir), stored, with_exporter=False)
        exported = Run(Path(export_dir), stored, with_exporter=True)
        try:
            done = 0
            while done < instances:
                step = min(chunk, instances - done)
                base.measure(step, None)
                exported.measure(step, profile)
                done += step
        finally:
            base.engine.close()
            exported.engine.close()
    return base, exported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--stored", type=int, default=0)
    parser.add_argument("--chunk", type=int, default=10, help="instances per alternation")
    parser.add_argument("--profile", help="write a cProfile of the exporter runs to this file")
    args = parser.parse_args()

    profile = cProfile.Profile() if args.profile else None
    commits = args.instances * COMMITS_PER_INSTANCE
    figures: dict[str, list[float]] = {
        name: [] for name in ("base", "with", "export", "base_cpu", "with_cpu")
    }
    for _ in range(args.rounds):
        base, exported = run_round(args.instances, args.stored, args.chunk, profile)
        for name, seconds in (
            ("base", base.wall),
            ("with", exported.wall),
            ("export", exported.timed.seconds),
            ("base_cpu", base.cpu),
            ("with_cpu", exported.cpu),
        ):
            figures[name].append(seconds * 1000 / commits)
    if profile is not None:
        profile.dump_stats(args.profile)

    ms = {name: statistics.median(values) for name, values in figures.items()}
    print(
        f"workload: {args.instances} service-task + {args.instances} user-task instances, "
        f"{commits} commits per run, {args.stored} stored instances, {args.rounds} rounds "
        "(medians; baseline and exporter runs alternate every "
        f"{args.chunk} instances)"
    )
    print(f"  baseline, no exporter      {ms['base']:7.3f} ms/commit  ({ms['base_cpu']:.3f} CPU)")
    print(f"  with the query exporter    {ms['with']:7.3f} ms/commit  ({ms['with_cpu']:.3f} CPU)")
    print(f"  inside export()            {ms['export']:7.3f} ms/commit")
    print(f"  ratio with/without         {ms['with'] / ms['base']:7.2f}")
    print(f"  ratio with/without, CPU    {ms['with_cpu'] / ms['base_cpu']:7.2f}")
    print(f"  ratio export()/baseline    {ms['export'] / ms['base']:7.2f}")


if __name__ == "__main__":
    main()
