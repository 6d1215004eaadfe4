"""The real runtime behind the REST app, and the models the REST engine tests deploy.

The app runs on the test's event loop as the server runs it on the engine's loop, so ``call``
invokes the engine directly; requests go through httpx's ASGI transport.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from starlette.applications import Starlette

from engine.clock import ControlledClock
from engine.query import QueryService, query_exporter
from engine.rest import create_app
from engine.runtime import Engine
from wenping.settings import EngineSettings

T = TypeVar("T")


async def direct_call(fn: Callable[[], T]) -> T:
    return fn()


class Running:
    """The engine, its REST app and the clock tests move."""

    def __init__(self, tmp_path: Path, **settings: Any) -> None:
        self.clock = ControlledClock()
        self.settings = EngineSettings(
            database_url=f"sqlite:///{tmp_path / 'engine.db'}", **settings
        )
        self.engine = Engine(self.settings, clock=self.clock, exporters=[query_exporter()])
        self.engine.open()
        self.app: Starlette = create_app(
            self.engine, QueryService(self.engine.sql_engine), self.settings, call=direct_call
        )

    def client(self, **headers: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1:8080", headers=headers
        )


BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_Review"
    targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Process_Review" name="稳评审核" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Filed" name="收到申请">
      <bpmn:outgoing>Flow_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Filed" targetRef="Task_Review"/>
    <bpmn:userTask id="Task_Review" name="审核材料">
      <bpmn:extensionElements>
        <zeebe:userTask/>
        <zeebe:formDefinition formId="Form_Review"/>
        <zeebe:assignmentDefinition candidateGroups="街道办, 司法所"/>
        <zeebe:taskSchedule dueDate="2026-12-01T09:00:00+08:00"/>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming>
      <bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="Task_Notify"/>
    <bpmn:serviceTask id="Task_Notify" name="通知当事人">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="notify-parties"/>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_2</bpmn:incoming>
      <bpmn:outgoing>Flow_3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Notify" targetRef="EndEvent_Done"/>
    <bpmn:endEvent id="EndEvent_Done" name="完成">
      <bpmn:incoming>Flow_3</bpmn:incoming>
    </bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
""".encode()

FORM = """{
  "id": "Form_Review",
  "type": "default",
  "schemaVersion": 19,
  "components": [
    {"type": "checkbox", "key": "approved", "label": "同意"},
    {"type": "textarea", "key": "opinion", "label": "审核意见"}
  ]
}""".encode()


async def deploy(client: httpx.AsyncClient, *files: tuple[str, bytes]) -> httpx.Response:
    """POST /v2/deployments as Camunda Modeler 5.39+ does: multipart, one ``resources`` per file."""
    parts = [("resources", (name, content, "application/octet-stream")) for name, content in files]
    return await client.post("/v2/deployments", files=parts)


async def start_review(client: httpx.AsyncClient) -> tuple[str, str]:
    """Deploy the review model and start one instance; ``(processInstanceKey, userTaskKey)``."""
    assert (await deploy(client, ("review.bpmn", BPMN), ("review.form", FORM))).status_code == 200
    created = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "Process_Review", "variables": {"caseNo": "WP-2026-001"}},
    )
    assert created.status_code == 200, created.text
    pi = created.json()["processInstanceKey"]
    found = await client.post(
        "/v2/user-tasks/search", json={"filter": {"processInstanceKey": pi, "state": "CREATED"}}
    )
    return pi, found.json()["items"][0]["userTaskKey"]
