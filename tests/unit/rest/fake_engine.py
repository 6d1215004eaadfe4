"""A small in-memory EngineApi for the REST tests: it keeps user-task state and writes Zeebe-shaped
records through the real query exporter, so searches see what the commands did."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import sqlalchemy
from lxml import etree
from starlette.applications import Starlette

from engine.api import (
    DecisionEvaluationResult,
    DeployedForm,
    DeployedProcess,
    DeploymentResult,
    ProcessInstanceCreated,
    ProcessInstanceResult,
    Record,
    Resource,
)
from engine.errors import FailedPrecondition, InvalidArgument, NotFound, Unimplemented
from engine.query import QueryService, query_exporter
from engine.rest import create_app
from wenping.settings import EngineSettings

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="Process_Review" name="稳评审核" isExecutable="true">
    <bpmn:userTask id="Task_Review" name="审核材料"/>
  </bpmn:process>
</bpmn:definitions>
""".encode()

FORM = b'{"id": "Form_Review", "type": "default", "schemaVersion": 19, "components": []}'

T = TypeVar("T")
T0 = 1_767_225_600_000
BPMN_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


@dataclass
class Task:
    key: int
    pi: int
    element: int
    state: str = "CREATED"
    assignee: str = ""


@dataclass
class FakeEngine:
    sql: sqlalchemy.Engine
    candidate_groups: list[str] = field(default_factory=lambda: ["街道办"])
    exporter: Any = field(default_factory=query_exporter)
    next_key: int = 2251799813685249
    position: int = 0
    now: int = T0
    processes: dict[str, DeployedProcess] = field(default_factory=dict)
    forms: dict[str, DeployedForm] = field(default_factory=dict)
    tasks: dict[int, Task] = field(default_factory=dict)
    instances: dict[int, str] = field(default_factory=dict)
    published: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    # --- plumbing ------------------------------------------------------------------------------

    def key(self) -> int:
        self.next_key += 1
        return self.next_key

    def emit(self, value_type: str, intent: str, key: int, value: dict[str, Any]) -> None:
        self.position += 1
        self.now += 1000
        record = Record(
            self.position,
            key,
            self.now,
            "EVENT",
            value_type,
            intent,
            int(value.get("processInstanceKey", -1)),
            value,
        )
        with self.sql.begin() as conn:
            self.exporter.export(conn, [record])

    def _element(
        self, intent: str, key: int, pi: int, element_id: str, kind: str, scope: int
    ) -> None:
        process = self.processes[self.instances[pi]]
        self.emit(
            "PROCESS_INSTANCE",
            intent,
            key,
            {
                "bpmnProcessId": process.bpmn_process_id,
                "version": process.version,
                "processDefinitionKey": process.process_definition_key,
                "processInstanceKey": pi,
                "elementId": element_id,
                "flowScopeKey": scope,
                "bpmnElementType": kind,
                "parentProcessInstanceKey": -1,
                "parentElementInstanceKey": -1,
                "tenantId": "<default>",
            },
        )

    def _variables(self, variables: dict[str, Any] | None, scope: int, pi: int) -> None:
        for name, value in (variables or {}).items():
            self.emit(
                "VARIABLE",
                "CREATED",
                self.key(),
                {
                    "name": name,
                    "value": json.dumps(value, ensure_ascii=False),
                    "scopeKey": scope,
                    "processInstanceKey": pi,
                    "tenantId": "<default>",
                },
            )

    def _task(self, key: int) -> Task:
        task = self.tasks.get(key)
        # Like Zeebe, a completed or canceled task is forgotten: NOT_FOUND.
        if task is None or task.state != "CREATED":
            raise NotFound(
                f"Expected to act on user task with key '{key}', but no such task was found"
            )
        return task

    # --- EngineApi -----------------------------------------------------------------------------

    def deploy(
        self, resources: Sequence[Resource], tenant_id: str = "<default>"
    ) -> DeploymentResult:
        processes: list[DeployedProcess] = []
        forms: list[DeployedForm] = []
        for res in resources:
            if res.name.endswith(".bpmn"):
                try:
                    root = etree.fromstring(res.content)
                except etree.XMLSyntaxError as exc:
                    raise InvalidArgument(
                        f"'{res.name}': invalid XML at line {exc.lineno}"
                    ) from None
                for proc in root.iter(f"{BPMN_NS}process"):
                    pid = proc.get("id", "")
                    old = self.processes.get(pid)
                    deployed = DeployedProcess(
                        pid, old.version + 1 if old else 1, self.key(), res.name
                    )
                    self.processes[pid] = deployed
                    processes.append(deployed)
                    self.emit(
                        "PROCESS",
                        "CREATED",
                        deployed.process_definition_key,
                        {
                            "bpmnProcessId": pid,
                            "version": deployed.version,
                            "processDefinitionKey": deployed.process_definition_key,
                            "resourceName": res.name,
                            "resource": res.content.decode(),
                            "tenantId": tenant_id,
                        },
                    )
            elif res.name.endswith(".form"):
                form_id = json.loads(res.content)["id"]
                old_form = self.forms.get(form_id)
                form = DeployedForm(
                    form_id, old_form.version + 1 if old_form else 1, self.key(), res.name
                )
                self.forms[form_id] = form
                forms.append(form)
                self.emit(
                    "FORM",
                    "CREATED",
                    form.form_key,
                    {
                        "formId": form_id,
                        "version": form.version,
                        "formKey": form.form_key,
                        "resourceName": res.name,
                        "resource": res.content.decode(),
                        "tenantId": tenant_id,
                    },
                )
            else:
                raise InvalidArgument(f"'{res.name}': unsupported resource type")
        return DeploymentResult(
            self.key(), tuple(processes), forms=tuple(forms), tenant_id=tenant_id
        )

    def delete_resource(self, resource_key: int) -> None:
        raise Unimplemented("delete_resource")

    def create_process_instance(
        self,
        *,
        bpmn_process_id: str | None = None,
        version: int = -1,
        process_definition_key: int | None = None,
        variables: dict[str, Any] | None = None,
        start_element_ids: Sequence[str] = (),
        tenant_id: str = "<default>",
    ) -> ProcessInstanceCreated:
        self.calls.append("create_process_instance")
        process = next(
            (
                p
                for p in self.processes.values()
                if p.bpmn_process_id == bpmn_process_id
                or p.process_definition_key == process_definition_key
            ),
            None,
        )
        if process is None:
            raise NotFound(
                f"Expected to find process definition '{bpmn_process_id}', but none found"
            )
        pi = self.key()
        self.instances[pi] = process.bpmn_process_id
        self._element("ELEMENT_ACTIVATING", pi, pi, process.bpmn_process_id, "PROCESS", -1)
        self._variables(variables, pi, pi)
        element = self.key()
        self._element("ELEMENT_ACTIVATING", element, pi, "Task_Review", "USER_TASK", pi)
        task = Task(self.key(), pi, element)
        self.tasks[task.key] = task
        form = self.forms.get("Form_Review")
        self.emit(
            "USER_TASK",
            "CREATED",
            task.key,
            {
                "userTaskKey": task.key,
                "assignee": "",
                "candidateGroupsList": self.candidate_groups,
                "candidateUsersList": [],
                "dueDate": "",
                "followUpDate": "",
                "formKey": form.form_key if form else -1,
                "customHeaders": {},
                "priority": 50,
                "elementId": "Task_Review",
                "elementInstanceKey": element,
                "processInstanceKey": pi,
                "processDefinitionKey": process.process_definition_key,
                "bpmnProcessId": process.bpmn_process_id,
                "processDefinitionVersion": process.version,
                "tenantId": tenant_id,
            },
        )
        return ProcessInstanceCreated(
            process.process_definition_key, process.bpmn_process_id, process.version, pi
        )

    def instance_result(
        self, process_instance_key: int, fetch_variables: Sequence[str] = ()
    ) -> asyncio.Future[ProcessInstanceResult]:
        future: asyncio.Future[ProcessInstanceResult] = asyncio.get_running_loop().create_future()
        process = self.processes[self.instances[process_instance_key]]
        created = ProcessInstanceCreated(
            process.process_definition_key,
            process.bpmn_process_id,
            process.version,
            process_instance_key,
        )
        future.set_result(ProcessInstanceResult(created, {"done": True}))
        return future

    def cancel_process_instance(self, process_instance_key: int) -> None:
        if self.instances.get(process_instance_key) is None:
            raise NotFound(
                f"Expected to cancel a process instance with key '{process_instance_key}', "
                "but no such process was found"
            )
        for task in self.tasks.values():
            if task.pi == process_instance_key and task.state == "CREATED":
                task.state = "CANCELED"
                self.emit("USER_TASK", "CANCELED", task.key, {"userTaskKey": task.key})
        pk = process_instance_key
        self._element("ELEMENT_TERMINATED", pk, pk, self.instances[pk], "PROCESS", -1)

    def resolve_incident(self, incident_key: int) -> None:
        raise NotFound(f"Expected to resolve incident with key '{incident_key}', but none found")

    def publish_message(self, **kwargs: Any) -> int:
        self.published.append(kwargs)
        return self.key()

    def evaluate_decision(self, **kwargs: Any) -> DecisionEvaluationResult:
        if kwargs.get("decision_id") != "Decision_RiskLevel":
            raise NotFound(f"no decision with id '{kwargs.get('decision_id')}'")
        value = {"decisionKey": 7, "decisionId": "Decision_RiskLevel", "tenantId": "<default>"}
        self.emit("DECISION_EVALUATION", "EVALUATED", self.key(), value)
        return DecisionEvaluationResult("Decision_RiskLevel", "风险等级", 7, 1, "Drg", 6, '"高"')

    def assign_user_task(
        self, user_task_key: int, *, assignee: str, allow_override: bool = True, action: str = ""
    ) -> None:
        task = self._task(user_task_key)
        if task.assignee and task.assignee != assignee and not allow_override:
            raise FailedPrecondition(f"user task '{user_task_key}' is already assigned")
        task.assignee = assignee
        self.emit(
            "USER_TASK", "ASSIGNED", task.key, {"userTaskKey": task.key, "assignee": assignee}
        )

    def unassign_user_task(self, user_task_key: int, *, action: str = "") -> None:
        task = self._task(user_task_key)
        task.assignee = ""
        self.emit("USER_TASK", "ASSIGNED", task.key, {"userTaskKey": task.key, "assignee": ""})

    def update_user_task(
        self, user_task_key: int, changeset: dict[str, Any], *, action: str = ""
    ) -> None:
        task = self._task(user_task_key)
        value: dict[str, Any] = {"userTaskKey": task.key, "changedAttributes": []}
        for name, attr in (
            ("candidateGroups", "candidateGroupsList"),
            ("candidateUsers", "candidateUsersList"),
            ("dueDate", "dueDate"),
            ("followUpDate", "followUpDate"),
            ("priority", "priority"),
        ):
            if name in changeset:
                value[attr] = changeset[name]
                value["changedAttributes"].append(attr)
        self.emit("USER_TASK", "UPDATED", task.key, value)

    def complete_user_task(
        self, user_task_key: int, *, variables: dict[str, Any] | None = None, action: str = ""
    ) -> None:
        task = self._task(user_task_key)
        task.state = "COMPLETED"
        self.emit(
            "USER_TASK",
            "COMPLETED",
            task.key,
            {"userTaskKey": task.key, "variables": variables or {}},
        )
        self._variables(variables, task.pi, task.pi)  # Zeebe: propagated to the process scope
        self._element(
            "ELEMENT_COMPLETED", task.element, task.pi, "Task_Review", "USER_TASK", task.pi
        )

    def topology(self) -> dict[str, Any]:
        return {}


async def deploy(client: httpx.AsyncClient, *files: tuple[str, bytes]) -> httpx.Response:
    """POST /v2/deployments as Camunda Modeler 5.39+ does: multipart, one ``resources`` per file."""
    parts = [("resources", (name, content, "application/octet-stream")) for name, content in files]
    return await client.post("/v2/deployments", files=parts, data={"tenantId": "<default>"})


async def direct_call(fn: Callable[[], T]) -> T:
    return fn()


def make_app(fake: FakeEngine, sql: sqlalchemy.Engine, **settings: Any) -> Starlette:
    values = {"rest_host": "127.0.0.1", "rest_max_body_bytes": 64 * 1024} | settings
    return create_app(fake, QueryService(sql), EngineSettings(**values), call=direct_call)
