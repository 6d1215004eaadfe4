"""Our OpenAPI document against Camunda 8.8's, for the operations both serve.

Camunda's document is under the Camunda License 1.0, so it is not vendored; the expectations
below are transcribed from it (camunda/camunda, zeebe/gateway-protocol/src/main/proto/
rest-api.yaml, paths relative to its server URL ``{schema}://{host}:{port}/v2``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

TASK_COMMAND = ("404", "409", "503")  # statuses of the user task commands

# (method, path, operationId, success status, statuses Camunda documents besides 400/500)
OPERATIONS = [
    ("get", "/topology", "getTopology", "200", ()),
    ("post", "/deployments", "createDeployment", "200", ("503",)),
    ("post", "/process-instances", "createProcessInstance", "200", ("503", "504")),
    ("post", "/process-instances/search", "searchProcessInstances", "200", ()),
    ("get", "/process-instances/{processInstanceKey}", "getProcessInstance", "200", ("404",)),
    ("post", "/process-instances/{processInstanceKey}/cancellation", "cancelProcessInstance",
     "204", ("404", "503")),
    ("post", "/element-instances/search", "searchElementInstances", "200", ()),
    ("get", "/element-instances/{elementInstanceKey}", "getElementInstance", "200", ("404",)),
    ("post", "/incidents/search", "searchIncidents", "200", ()),
    ("get", "/incidents/{incidentKey}", "getIncident", "200", ("404",)),
    ("post", "/incidents/{incidentKey}/resolution", "resolveIncident", "204", ("404", "503")),
    ("post", "/messages/publication", "publishMessage", "200", ("503",)),
    ("post", "/decision-definitions/evaluation", "evaluateDecision", "200", ("404", "503")),
    ("post", "/variables/search", "searchVariables", "200", ()),
    ("get", "/variables/{variableKey}", "getVariable", "200", ("404",)),
    ("post", "/user-tasks/search", "searchUserTasks", "200", ()),
    ("get", "/user-tasks/{userTaskKey}", "getUserTask", "200", ("404",)),
    ("patch", "/user-tasks/{userTaskKey}", "updateUserTask", "204", TASK_COMMAND),
    ("get", "/user-tasks/{userTaskKey}/form", "getUserTaskForm", "200", ("204", "404")),
    ("post", "/user-tasks/{userTaskKey}/variables/search", "searchUserTaskVariables", "200", ()),
    ("post", "/user-tasks/{userTaskKey}/assignment", "assignUserTask", "204", TASK_COMMAND),
    ("delete", "/user-tasks/{userTaskKey}/assignee", "unassignUserTask", "204", TASK_COMMAND),
    ("post", "/user-tasks/{userTaskKey}/completion", "completeUserTask", "204", TASK_COMMAND),
    ("post", "/process-definitions/search", "searchProcessDefinitions", "200", ()),
    ("get", "/process-definitions/{processDefinitionKey}", "getProcessDefinition", "200",
     ("404",)),
    ("get", "/process-definitions/{processDefinitionKey}/xml", "getProcessDefinitionXML", "200",
     ("404",)),
    ("post", "/decision-definitions/search", "searchDecisionDefinitions", "200", ()),
    ("get", "/decision-definitions/{decisionDefinitionKey}", "getDecisionDefinition", "200",
     ("404",)),
]  # fmt: skip

# The request body schema of each operation that takes JSON, by Camunda's name.
REQUESTS = {
    "createProcessInstance": "ProcessInstanceCreationInstruction",
    "searchProcessInstances": "ProcessInstanceSearchQuery",
    "cancelProcessInstance": "CancelProcessInstanceRequest",
    "searchElementInstances": "ElementInstanceSearchQuery",
    "searchIncidents": "IncidentSearchQuery",
    "resolveIncident": "IncidentResolutionRequest",
    "publishMessage": "MessagePublicationRequest",
    "evaluateDecision": "DecisionEvaluationInstruction",
    "searchVariables": "VariableSearchQuery",
    "searchUserTasks": "UserTaskSearchQuery",
    "updateUserTask": "UserTaskUpdateRequest",
    "searchUserTaskVariables": "UserTaskVariableSearchQueryRequest",
    "assignUserTask": "UserTaskAssignmentRequest",
    "completeUserTask": "UserTaskCompletionRequest",
    "searchProcessDefinitions": "ProcessDefinitionSearchQuery",
    "searchDecisionDefinitions": "DecisionDefinitionSearchQuery",
}

# Result schemas: every property Camunda defines, and those it requires.
RESULTS: dict[str, tuple[set[str], set[str]]] = {
    "UserTaskResult": (
        {"name", "state", "assignee", "elementId", "candidateGroups", "candidateUsers",
         "processDefinitionId", "creationDate", "completionDate", "followUpDate", "dueDate",
         "tenantId", "externalFormReference", "processDefinitionVersion", "customHeaders",
         "priority", "userTaskKey", "elementInstanceKey", "processName", "processDefinitionKey",
         "processInstanceKey", "formKey"},
        set(),
    ),
    "ProcessInstanceResult": (
        {"processDefinitionId", "processDefinitionName", "processDefinitionVersion",
         "processDefinitionVersionTag", "startDate", "endDate", "state", "hasIncident",
         "tenantId", "processInstanceKey", "processDefinitionKey", "parentProcessInstanceKey",
         "parentElementInstanceKey", "tags"},
        {"processDefinitionId", "processDefinitionName", "processDefinitionVersion",
         "startDate", "state", "hasIncident", "tenantId", "processInstanceKey",
         "processDefinitionKey", "tags"},
    ),
    "ElementInstanceResult": (
        {"processDefinitionId", "startDate", "endDate", "elementId", "elementName", "type",
         "state", "hasIncident", "tenantId", "elementInstanceKey", "processInstanceKey",
         "processDefinitionKey", "incidentKey"},
        {"processDefinitionId", "startDate", "elementId", "elementName", "type", "state",
         "hasIncident", "tenantId", "elementInstanceKey", "processInstanceKey",
         "processDefinitionKey"},
    ),
    "IncidentResult": (
        {"processDefinitionId", "errorType", "errorMessage", "elementId", "creationTime",
         "state", "tenantId", "incidentKey", "processDefinitionKey", "processInstanceKey",
         "elementInstanceKey", "jobKey"},
        set(),
    ),
    "VariableSearchResult": (
        {"name", "tenantId", "variableKey", "scopeKey", "processInstanceKey", "value",
         "isTruncated"},
        set(),
    ),
    "VariableResult": (
        {"name", "tenantId", "variableKey", "scopeKey", "processInstanceKey", "value"}, set()
    ),
    "CreateProcessInstanceResult": (
        {"processDefinitionId", "processDefinitionVersion", "tenantId", "variables",
         "processDefinitionKey", "processInstanceKey", "tags"},
        {"processDefinitionId", "processDefinitionKey", "processDefinitionVersion", "tenantId",
         "variables", "processInstanceKey"},
    ),
    "TopologyResponse": (
        {"brokers", "clusterSize", "partitionsCount", "replicationFactor", "gatewayVersion",
         "lastCompletedChangeId"},
        {"brokers", "clusterSize", "partitionsCount", "replicationFactor", "gatewayVersion",
         "lastCompletedChangeId"},
    ),
    "DeploymentResult": (
        {"tenantId", "deploymentKey", "deployments"}, {"tenantId", "deploymentKey", "deployments"}
    ),
    "SearchQueryPageResponse": (
        {"totalItems", "hasMoreTotalItems", "startCursor", "endCursor"}, {"totalItems"}
    ),
    "MessagePublicationResult": ({"tenantId", "messageKey"}, set()),
    "FormResult": ({"tenantId", "formId", "schema", "version", "formKey"}, set()),
}  # fmt: skip

# Sort fields Camunda accepts, per search request.
SORT_FIELDS = {
    "UserTaskSearchQuery": {
        "creationDate", "completionDate", "followUpDate", "dueDate", "priority", "name"},
    "ProcessInstanceSearchQuery": {
        "processInstanceKey", "processDefinitionId", "processDefinitionName",
        "processDefinitionVersion", "processDefinitionVersionTag", "processDefinitionKey",
        "parentProcessInstanceKey", "parentElementInstanceKey", "startDate", "endDate", "state",
        "hasIncident", "tenantId"},
    "ElementInstanceSearchQuery": {
        "elementInstanceKey", "processInstanceKey", "processDefinitionKey",
        "processDefinitionId", "startDate", "endDate", "elementId", "elementName", "type",
        "state", "incidentKey", "tenantId"},
    "IncidentSearchQuery": {
        "incidentKey", "processDefinitionKey", "processDefinitionId", "processInstanceKey",
        "errorType", "errorMessage", "elementId", "elementInstanceKey", "creationTime", "state",
        "jobKey", "tenantId"},
    "VariableSearchQuery": {
        "value", "name", "tenantId", "variableKey", "scopeKey", "processInstanceKey"},
    "UserTaskVariableSearchQueryRequest": {
        "value", "name", "tenantId", "variableKey", "scopeKey", "processInstanceKey"},
}  # fmt: skip


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    return dict((await client.get("/v2/openapi.json")).json())


@pytest.mark.parametrize(("method", "path", "operation_id", "status", "statuses"), OPERATIONS)
def test_operation_matches_camunda(
    document: dict[str, Any],
    method: str,
    path: str,
    operation_id: str,
    status: str,
    statuses: tuple[str, ...],
) -> None:
    operation = document["paths"][f"/v2{path}"][method]
    assert operation["operationId"] == operation_id
    responses = operation["responses"]
    assert min(responses) == status  # the success status comes first, as in Camunda
    assert {"400", "500", *statuses} <= set(responses) or (method == "get" and path == "/topology")
    for code in set(responses) - {status, "204"}:
        content = responses[code]["content"]
        assert set(content) == {"application/problem+json"}, code
    if operation_id in REQUESTS:
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{REQUESTS[operation_id]}"}
    else:
        assert "application/json" not in operation.get("requestBody", {}).get("content", {})


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_result_schema_matches_camunda(document: dict[str, Any], name: str) -> None:
    camunda_properties, camunda_required = RESULTS[name]
    schema = document["components"]["schemas"][name]
    assert set(schema["properties"]) == camunda_properties
    assert set(schema.get("required", ())) == camunda_required


@pytest.mark.parametrize("name", sorted(SORT_FIELDS))
def test_sort_fields_match_camunda(document: dict[str, Any], name: str) -> None:
    sort = document["components"]["schemas"][name]["properties"]["sort"]["items"]
    assert set(sort["properties"]["field"]["enum"]) == SORT_FIELDS[name]
    assert sort["properties"]["order"]["enum"] == ["ASC", "DESC"]
