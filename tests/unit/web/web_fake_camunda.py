"""An in-memory Camunda 8 REST API v2 for the web app's tests, served via httpx.MockTransport.

Shapes follow Camunda's OpenAPI (keys as strings, ISO dates, variable values as JSON text,
problem+json errors). Only the filters the web app sends are understood; anything else fails the
test loudly rather than being ignored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

CITY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">
<bpmn:process id="Process_RiskAssessment" isExecutable="true">
  <bpmn:subProcess id="SubProcess_DetermineItem" name="第一环节：确定应评事项，明确评估主体">
    <bpmn:userTask id="Task_RegisterItem" name="登记重大事项与评估责任主体"/>
  </bpmn:subProcess>
  <bpmn:subProcess id="SubProcess_AssessmentPlan" name="第二环节：开展实地走访，制定评估方案">
    <bpmn:userTask id="Task_DraftPlan" name="实地走访并制定评估方案"/>
  </bpmn:subProcess>
  <bpmn:subProcess id="SubProcess_SolicitOpinions" name="第三环节：充分听取意见，及时化解矛盾">
    <bpmn:callActivity id="CallActivity_Hearing">
      <bpmn:extensionElements><zeebe:calledElement processId="Process_Hearing"/>
      </bpmn:extensionElements>
    </bpmn:callActivity>
  </bpmn:subProcess>
</bpmn:process>
</bpmn:definitions>"""

HEARING_XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="h">
<bpmn:process id="Process_Hearing" isExecutable="true">
  <bpmn:userTask id="Task_PrepareHearing" name="筹备听证会"/>
</bpmn:process>
</bpmn:definitions>"""

FORM = {
    "type": "default",
    "id": "form-plan",
    "schemaVersion": 18,
    "components": [
        {
            "type": "textarea",
            "key": "planContent",
            "label": "评估内容与程序",
            "validate": {"required": True, "minLength": 10},
        },
        {
            "type": "number",
            "key": "visitRatio",
            "label": "走访比例",
            "validate": {"required": True, "min": 0.01, "max": 1},
            "decimalDigits": 2,
        },
        {"type": "select", "key": "jurisdiction", "label": "所属县区"},
    ],
}


def problem(status: int, title: str, detail: str) -> httpx.Response:
    body = {"type": "about:blank", "status": status, "title": title, "detail": detail}
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


@dataclass
class FakeCamunda:
    """State of the fake engine; tests arrange it, then assert on ``completed`` and tasks."""

    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    instances: dict[str, dict[str, Any]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)  # instance → name → value
    completed: dict[str, dict[str, Any]] = field(default_factory=dict)
    incidents: list[dict[str, Any]] = field(default_factory=list)
    refuse_completion: int | None = None
    calls: list[str] = field(default_factory=list)
    _next: int = 2251799813685300

    def key(self) -> str:
        self._next += 1
        return str(self._next)

    def add_case(
        self,
        *,
        jurisdiction: str | None,
        township: str = "",
        name: str = "事项",
        definition: str = "100",
        parent: str | None = None,
        **more: Any,
    ) -> str:
        key = self.key()
        self.instances[key] = {
            "processInstanceKey": key,
            "processDefinitionId": "Process_Hearing" if parent else "Process_RiskAssessment",
            "processDefinitionKey": definition,
            "parentProcessInstanceKey": parent,
            "state": "ACTIVE",
            "startDate": "2026-11-20T08:00:00.000Z",
            "hasIncident": False,
        }
        values: dict[str, Any] = {"itemName": name, **more}
        if jurisdiction is not None:
            values["jurisdiction"] = jurisdiction
        if township:
            values["township"] = township
        self.variables[key] = values
        return key

    def add_task(
        self,
        instance: str,
        *,
        element: str = "Task_DraftPlan",
        groups: tuple[str, ...] = ("responsible-subject",),
        assignee: str | None = None,
        due: str | None = None,
        name: str = "实地走访并制定评估方案",
    ) -> str:
        key = self.key()
        self.tasks[key] = {
            "userTaskKey": key,
            "name": name,
            "state": "CREATED",
            "assignee": assignee,
            "elementId": element,
            "candidateGroups": list(groups),
            "candidateUsers": [],
            "processInstanceKey": instance,
            "processDefinitionKey": self.instances[instance]["processDefinitionKey"],
            "processDefinitionId": self.instances[instance]["processDefinitionId"],
            "creationDate": f"2026-11-2{len(self.tasks)}T08:00:00.000Z",
            "dueDate": due,
            "priority": 50,
            "formKey": "7",
        }
        return key

    # --- the HTTP side -------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        self.calls.append(f"{method} {path}")
        body = json.loads(request.content) if request.content else {}
        parts = path.strip("/").split("/")
        if path == "/v2/user-tasks/search":
            return self._page(self._match(list(self.tasks.values()), body.get("filter", {})))
        if parts[:2] == ["v2", "user-tasks"] and len(parts) >= 3:
            task = self.tasks.get(parts[2])
            if task is None:
                return problem(404, "NOT_FOUND", f"user task {parts[2]} not found")
            return self._task_call(task, parts[3:], method, body)
        if path == "/v2/process-instances/search":
            return self._page(self._match(list(self.instances.values()), body.get("filter", {})))
        if parts[:2] == ["v2", "process-instances"] and len(parts) == 3 and method == "GET":
            found = self.instances.get(parts[2])
            return httpx.Response(200, json=found) if found else problem(404, "NOT_FOUND", "no")
        if path == "/v2/process-instances":
            given = dict(body.get("variables", {}))
            key = self.add_case(jurisdiction=given.pop("jurisdiction", None), name="", **given)
            return httpx.Response(200, json={"processInstanceKey": key})
        if path == "/v2/variables/search":
            return self._page(self._variables(body.get("filter", {})))
        if path == "/v2/element-instances/search":
            return self._page([])
        if path == "/v2/incidents/search":
            key = body["filter"]["processInstanceKey"]
            return self._page([i for i in self.incidents if i["processInstanceKey"] == key])
        if parts[:2] == ["v2", "process-definitions"] and parts[-1] == "xml":
            return httpx.Response(200, text=CITY_XML if parts[2] == "100" else HEARING_XML)
        return problem(404, "NOT_FOUND", f"No endpoint {path}")

    def _task_call(
        self, task: dict[str, Any], rest: list[str], method: str, body: dict[str, Any]
    ) -> httpx.Response:
        if not rest and method == "GET":
            return httpx.Response(200, json=task)
        if rest == ["form"]:
            return httpx.Response(
                200,
                json={
                    "formKey": "7",
                    "formId": FORM["id"],
                    "version": 1,
                    "schema": json.dumps(FORM),
                    "tenantId": "<default>",
                },
            )
        if rest == ["variables", "search"]:
            values = self.variables[task["processInstanceKey"]]
            return self._page(
                [self._var(task["processInstanceKey"], n, v) for n, v in values.items()]
            )
        if task["state"] != "CREATED":
            return problem(409, "INVALID_STATE", "task is not active")
        if rest == ["assignment"]:
            if task["assignee"] and not body.get("allowOverride", True):
                return problem(409, "INVALID_STATE", "already assigned")
            task["assignee"] = body["assignee"]
            return httpx.Response(204)
        if rest == ["assignee"] and method == "DELETE":
            task["assignee"] = None
            return httpx.Response(204)
        if rest == ["completion"]:
            if self.refuse_completion:
                return problem(self.refuse_completion, "INTERNAL", "engine trouble")
            task["state"] = "COMPLETED"
            self.completed[task["userTaskKey"]] = body.get("variables", {})
            return httpx.Response(204)
        return problem(404, "NOT_FOUND", "no such task call")

    @staticmethod
    def _page(items: list[dict[str, Any]]) -> httpx.Response:
        return httpx.Response(200, json={"items": items, "page": {"totalItems": len(items)}})

    @staticmethod
    def _var(instance: str, name: str, value: Any) -> dict[str, Any]:
        return {
            "variableKey": f"{instance}-{name}",
            "name": name,
            "value": json.dumps(value, ensure_ascii=False),
            "isTruncated": False,
            "scopeKey": instance,
            "processInstanceKey": instance,
        }

    def _variables(self, flt: dict[str, Any]) -> list[dict[str, Any]]:
        keys = flt["processInstanceKey"]["$in"]
        names = flt["name"]["$in"]
        return [
            self._var(k, n, v)
            for k in keys
            for n, v in self.variables.get(k, {}).items()
            if n in names
        ]

    def _match(self, rows: list[dict[str, Any]], flt: dict[str, Any]) -> list[dict[str, Any]]:
        return [row for row in rows if all(self._ok(row, k, v) for k, v in flt.items())]

    def _ok(self, row: dict[str, Any], name: str, cond: Any) -> bool:
        if name in ("processInstanceVariables", "variables"):
            own = self.variables.get(row["processInstanceKey"], {})
            return all(
                json.dumps(own.get(c["name"]), ensure_ascii=False) == c["value"] for c in cond
            )
        if name == "candidateGroup":
            return bool(set(row["candidateGroups"]) & set(cond["$in"]))
        if name == "candidateUser":
            return cond in row["candidateUsers"]
        value = row.get(name)
        if not isinstance(cond, dict):
            return value == cond
        ops = {
            "$exists": lambda c: (value is not None) == c,
            "$in": lambda c: value in c,
            "$lt": lambda c: value is not None and value < c,
            "$lte": lambda c: value is not None and value <= c,
        }
        unknown = set(cond) - set(ops)
        assert not unknown, f"fake does not understand {unknown} on {name}"
        return all(ops[op](arg) for op, arg in cond.items())
