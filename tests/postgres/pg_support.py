"""Helpers of the PostgreSQL tests: small BPMN documents, an engine on a URL, record queries."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy

from engine.api import ActivatedJob, Exporter, JobActivationRequest, Record, Resource
from engine.clock import ControlledClock
from engine.runtime import Engine
from wenping.settings import EngineSettings

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs" targetNamespace="t">\n'
)


def bpmn(process_id: str, *elements: str, extra: str = "", name: str = "") -> bytes:
    """One executable process whose ``elements`` are joined in order by sequence flows."""
    ids = [re.search(r'id="([^"]+)"', e).group(1) for e in elements]  # type: ignore[union-attr]
    flows = [
        f'<bpmn:sequenceFlow id="f_{a}_{b}" sourceRef="{a}" targetRef="{b}"/>'
        for a, b in itertools.pairwise(ids)
    ]
    body = "\n".join([*elements, *flows, extra])
    return (
        f'{_HEAD}<bpmn:process id="{process_id}" name="{name}" isExecutable="true">\n{body}\n'
        "</bpmn:process>\n</bpmn:definitions>\n"
    ).encode()


def service(task_id: str, job_type: str, name: str = "") -> str:
    return (
        f'<bpmn:serviceTask id="{task_id}" name="{name}"><bpmn:extensionElements>'
        f'<zeebe:taskDefinition type="{job_type}" retries="3"/>'
        "</bpmn:extensionElements></bpmn:serviceTask>"
    )


def user_task(task_id: str, name: str, group: str) -> str:
    return (
        f'<bpmn:userTask id="{task_id}" name="{name}"><bpmn:extensionElements>'
        f'<zeebe:userTask/><zeebe:assignmentDefinition candidateGroups="{group}"/>'
        "</bpmn:extensionElements></bpmn:userTask>"
    )


def timer_boundary(event_id: str, attached_to: str, duration: str) -> str:
    """A non-interrupting timer on ``attached_to`` (it needs no outgoing flow)."""
    return (
        f'<bpmn:boundaryEvent id="{event_id}" attachedToRef="{attached_to}" '
        'cancelActivity="false"><bpmn:timerEventDefinition>'
        f"<bpmn:timeDuration>{duration}</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )


START = '<bpmn:startEvent id="start"/>'
END = '<bpmn:endEvent id="end"/>'
# 审核 (review): a service task named in Chinese, with a one-hour reminder timer on it.
REVIEW = bpmn(
    "Process_Review",
    START,
    service("Task_Review", "review", name="审核材料"),
    END,
    extra=timer_boundary("Timer_Remind", "Task_Review", "PT1H"),
    name="稳评审核",
)


def settings(url: str) -> EngineSettings:
    return EngineSettings(database_url=url, grpc_port=0, rest_port=0)


@contextmanager
def running_engine(
    url: str, clock: ControlledClock, exporters: Sequence[Exporter] = ()
) -> Iterator[Engine]:
    """An open engine on ``url``, closed afterwards."""
    engine = Engine(settings(url), clock=clock, exporters=exporters)
    engine.open()
    try:
        yield engine
    finally:
        engine.close()


def deploy(engine: Engine, name: str, content: bytes) -> int:
    return engine.deploy([Resource(name, content)]).key


def activate(engine: Engine, job_type: str, timeout_ms: int = 60_000) -> list[ActivatedJob]:
    return engine.activate_jobs(JobActivationRequest(job_type, "pg-test", timeout_ms, 10))


def live_rows(engine: Engine) -> list[tuple[str, int, int, str]]:
    """Every live state row, sorted: what a restart must bring back unchanged."""
    with engine.sql_engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text("SELECT kind, key, process_instance_key, payload FROM engine_state")
        )
        return sorted((r.kind, r.key, r.process_instance_key, r.payload) for r in rows)


def intents(records: Sequence[Record], value_type: str) -> list[str]:
    return [r.intent for r in records if r.value_type == value_type]


def root_variables(records: Sequence[Record], pi_key: int) -> dict[str, Any]:
    """Latest value of every variable of the instance's root scope, from the log."""
    values: dict[str, Any] = {}
    for r in records:
        if r.value_type == "VARIABLE" and r.value["scopeKey"] == pi_key:
            values[r.value["name"]] = json.loads(r.value["value"])
    return values


def completed(records: Sequence[Record], pi_key: int) -> bool:
    return any(
        r.value_type == "PROCESS_INSTANCE" and r.intent == "ELEMENT_COMPLETED" and r.key == pi_key
        for r in records
    )
