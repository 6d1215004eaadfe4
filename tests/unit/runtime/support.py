"""Helpers for runtime tests: tiny BPMN documents and record queries."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.api import ActivatedJob, JobActivationRequest, Record, Resource
from engine.clock import ControlledClock
from engine.runtime import Engine
from wenping.settings import EngineSettings

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" targetNamespace="t">\n'
)


def bpmn(body: str, process_id: str = "p", extra: str = "") -> bytes:
    """A definitions document with one executable process holding ``body``."""
    return (
        f'{HEAD}<bpmn:process id="{process_id}" isExecutable="true">\n{body}\n</bpmn:process>\n'
        f"{extra}</bpmn:definitions>\n"
    ).encode()


def flow(source: str, target: str, condition: str | None = None, flow_id: str = "") -> str:
    fid = flow_id or f"{source}_{target}"
    if condition is None:
        return f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}">'
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        "</bpmn:conditionExpression></bpmn:sequenceFlow>"
    )


def service(task_id: str, job_type: str, extra: str = "", retries: str = "3") -> str:
    return (
        f'<bpmn:serviceTask id="{task_id}"><bpmn:extensionElements>'
        f'<zeebe:taskDefinition type="{job_type}" retries="{retries}"/>{extra}'
        "</bpmn:extensionElements></bpmn:serviceTask>"
    )


def chain(*elements: str) -> str:
    """Elements given as XML, joined in order by sequence flows (ids read from the XML)."""
    import re

    ids = [re.search(r'id="([^"]+)"', e).group(1) for e in elements]  # type: ignore[union-attr]
    flows = [flow(a, b) for a, b in itertools.pairwise(ids)]
    return "\n".join([*elements, *flows])


START = '<bpmn:startEvent id="start"/>'
END = '<bpmn:endEvent id="end"/>'

ONE_TASK = bpmn(chain(START, service("task", "work"), END))


def _postgres_database() -> str | None:
    """With WENPING_TEST_POSTGRES_URL set (an admin URL), each harness gets a fresh database,
    so the same tests run against PostgreSQL: ``WENPING_TEST_POSTGRES_URL=postgresql+psycopg://
    postgres@/postgres?host=/tmp pytest tests/unit/runtime tests/unit/store``."""
    admin_url = os.environ.get("WENPING_TEST_POSTGRES_URL")
    if not admin_url:
        return None
    import sqlalchemy

    name = f"wenping_test_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    url = sqlalchemy.make_url(admin_url).set(database=name)
    return url.render_as_string(hide_password=False)


class Harness:
    """An engine on a temporary SQLite store with a controlled clock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.clock = ControlledClock()
        # No fsync in unit tests: they test semantics; durability has its own tests.
        self.settings = EngineSettings(
            database_url=_postgres_database() or f"sqlite:///{path / 'engine.db'}",
            sqlite_synchronous="OFF",
        )
        self.engine = Engine(self.settings, clock=self.clock)
        self.engine.open()

    def reopen(self) -> Engine:
        self.engine.close()
        self.engine = Engine(self.settings, clock=self.clock)
        self.engine.open()
        return self.engine

    def deploy(self, content: bytes, name: str = "p.bpmn") -> int:
        result = self.engine.deploy([Resource(name, content)])
        return result.key

    def start(self, process_id: str = "p", **variables: object) -> int:
        created = self.engine.create_process_instance(
            bpmn_process_id=process_id, variables=dict(variables)
        )
        return created.process_instance_key

    def jobs(
        self, job_type: str, max_jobs: int = 10, timeout_ms: int = 60_000
    ) -> list[ActivatedJob]:
        return self.engine.activate_jobs(
            JobActivationRequest(job_type, "test-worker", timeout_ms, max_jobs)
        )

    def job(self, job_type: str) -> ActivatedJob:
        found = self.jobs(job_type, 1)
        assert len(found) == 1, f"expected one activatable job of type {job_type}"
        return found[0]

    def advance(self, ms: int) -> None:
        self.clock.advance(ms)
        self.engine.tick()

    def records(self, pi_key: int) -> list[Record]:
        return self.engine.history(pi_key)

    def elements(self, pi_key: int, intent: str) -> list[str]:
        """Element ids of the instance's PROCESS_INSTANCE records with ``intent``, in order."""
        return [
            r.value["elementId"]
            for r in self.records(pi_key)
            if r.value_type == "PROCESS_INSTANCE" and r.intent == intent
        ]

    def completed(self, pi_key: int) -> bool:
        return any(
            r.value_type == "PROCESS_INSTANCE"
            and r.intent == "ELEMENT_COMPLETED"
            and r.key == pi_key
            for r in self.records(pi_key)
        )

    def variables(self, pi_key: int) -> dict[str, object]:
        """Latest value of every root-scope variable of the instance (from the record log)."""
        import json

        values: dict[str, object] = {}
        for r in self.records(pi_key):
            if r.value_type == "VARIABLE" and r.value["scopeKey"] == pi_key:
                values[r.value["name"]] = json.loads(r.value["value"])
        return values

    def incidents(self, pi_key: int) -> list[Record]:
        resolved = {
            r.key
            for r in self.records(pi_key)
            if r.value_type == "INCIDENT" and r.intent == "RESOLVED"
        }
        return [
            r
            for r in self.records(pi_key)
            if r.value_type == "INCIDENT" and r.intent == "CREATED" and r.key not in resolved
        ]


@contextmanager
def harness(path: Path) -> Iterator[Harness]:
    h = Harness(path)
    try:
        yield h
    finally:
        h.engine.close()
