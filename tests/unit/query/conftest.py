"""A record log that feeds synthetic Zeebe-shaped records through the query exporter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from engine.api import Record
from engine.query import QueryService, query_exporter

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="Process_Review" name="稳评审核" isExecutable="true">
    <bpmn:startEvent id="Start" name="开始"/>
    <bpmn:userTask id="Task_Review" name="审核材料"/>
    <bpmn:serviceTask id="Task_Notify"/>
  </bpmn:process>
</bpmn:definitions>
"""

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z


class Log:
    """Appends EVENT records and exports each batch in its own transaction, like the engine."""

    def __init__(self, sql: sqlalchemy.Engine) -> None:
        self.sql = sql
        self.exporter = query_exporter()
        self.position = 0
        self.now = T0
        self.exported: list[Record] = []

    def emit(
        self,
        value_type: str,
        intent: str,
        key: int,
        value: dict[str, Any],
        *,
        record_type: str = "EVENT",
    ) -> Record:
        self.position += 1
        self.now += 1000
        record = Record(
            position=self.position,
            key=key,
            timestamp=self.now,
            record_type=record_type,
            value_type=value_type,
            intent=intent,
            process_instance_key=int(value.get("processInstanceKey", -1)),
            value=value,
        )
        with self.sql.begin() as conn:
            self.exporter.export(conn, [record])
        self.exported.append(record)
        return record

    # --- higher-level helpers ------------------------------------------------------------------

    def deploy_process(self, key: int = 100, version: int = 1) -> None:
        self.emit(
            "PROCESS",
            "CREATED",
            key,
            {
                "bpmnProcessId": "Process_Review",
                "version": version,
                "processDefinitionKey": key,
                "resourceName": "review.bpmn",
                "resource": BPMN,
                "tenantId": "<default>",
            },
        )

    def element(
        self, intent: str, key: int, pi: int, element_id: str, element_type: str, scope: int = -1
    ) -> None:
        self.emit(
            "PROCESS_INSTANCE",
            intent,
            key,
            {
                "bpmnProcessId": "Process_Review",
                "version": 1,
                "processDefinitionKey": 100,
                "processInstanceKey": pi,
                "elementId": element_id,
                "flowScopeKey": scope,
                "bpmnElementType": element_type,
                "bpmnEventType": "UNSPECIFIED",
                "parentProcessInstanceKey": -1,
                "parentElementInstanceKey": -1,
                "tenantId": "<default>",
            },
        )

    def start_instance(self, pi: int) -> None:
        self.element("ELEMENT_ACTIVATING", pi, pi, "Process_Review", "PROCESS")

    def user_task(self, key: int, pi: int, element_key: int, **fields: Any) -> None:
        self.element("ELEMENT_ACTIVATING", element_key, pi, "Task_Review", "USER_TASK", scope=pi)
        value: dict[str, Any] = {
            "userTaskKey": key,
            "assignee": "",
            "candidateGroupsList": [],
            "candidateUsersList": [],
            "dueDate": "",
            "followUpDate": "",
            "formKey": -1,
            "externalFormReference": "",
            "customHeaders": {},
            "priority": 50,
            "action": "",
            "changedAttributes": [],
            "variables": {},
            "elementId": "Task_Review",
            "elementInstanceKey": element_key,
            "processInstanceKey": pi,
            "processDefinitionKey": 100,
            "bpmnProcessId": "Process_Review",
            "processDefinitionVersion": 1,
            "creationTimestamp": self.now,
            "tenantId": "<default>",
        }
        value.update(fields)
        self.emit("USER_TASK", "CREATED", key, value)

    def variable(self, key: int, name: str, json_value: str, scope: int, pi: int) -> None:
        self.emit(
            "VARIABLE",
            "CREATED",
            key,
            {
                "name": name,
                "value": json_value,
                "scopeKey": scope,
                "processInstanceKey": pi,
                "processDefinitionKey": 100,
                "bpmnProcessId": "Process_Review",
                "tenantId": "<default>",
            },
        )


@pytest.fixture
def sql(tmp_path: Path) -> Iterator[sqlalchemy.Engine]:
    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'engine.db'}")

    @sqlalchemy.event.listens_for(engine, "connect")
    def _fast(dbapi_conn: Any, _record: Any) -> None:
        # test data is disposable: skip fsync so the suite stays fast
        dbapi_conn.execute("PRAGMA synchronous=OFF")

    yield engine
    engine.dispose()


@pytest.fixture
def log(sql: sqlalchemy.Engine) -> Log:
    return Log(sql)


@pytest.fixture
def query(sql: sqlalchemy.Engine) -> QueryService:
    return QueryService(sql)
