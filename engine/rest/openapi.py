"""The OpenAPI 3 document of what this REST API implements (GET /v2/openapi.json).

Paths come from the same :class:`~engine.rest.context.Endpoint` list that builds the routes;
search requests are derived from the query module's entity definitions (filterable fields, their
filter types, the sort fields), so the document cannot drift from the implementation. Result
shapes are listed here and a test checks real responses against them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.api import JsonDict
from engine.query.definitions import DECISION_DEFINITION, PROCESS_DEFINITION
from engine.query.entities import (
    ELEMENT_INSTANCE,
    INCIDENT,
    PROCESS_INSTANCE,
    USER_TASK,
    USER_TASK_VARIABLE,
    VARIABLE,
)
from engine.query.search import Entity, Kind
from engine.rest.context import Endpoint

_STATUS_TEXT = {
    400: "The provided data is not valid.",
    401: "The request lacks valid authentication credentials.",
    404: "Not found.",
    409: "The resource is in the wrong state for this operation.",
    413: "The request body is too large.",
    415: "Unsupported media type.",
    500: "An internal error occurred while processing the request.",
    503: "The service is currently unavailable (back-pressure); retry after a backoff.",
    504: "The request timed out.",
}

_SHORT: dict[str, JsonDict] = {
    "string": {"type": "string"},
    "key": {"type": "string", "pattern": "^-?[0-9]+$", "description": "A Zeebe key."},
    "date": {"type": "string", "format": "date-time"},
    "int": {"type": "integer", "format": "int32"},
    "long": {"type": "integer", "format": "int64"},
    "bool": {"type": "boolean"},
    "strings": {"type": "array", "items": {"type": "string"}},
    "object": {"type": "object", "additionalProperties": True},
    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
}


def _obj(props: Mapping[str, str | JsonDict], required: Sequence[str] = ()) -> JsonDict:
    out: JsonDict = {
        "type": "object",
        "properties": {k: (_SHORT[v] if isinstance(v, str) else v) for k, v in props.items()},
    }
    if required:
        out["required"] = list(required)
    return out


def _ref(name: str) -> JsonDict:
    return {"$ref": f"#/components/schemas/{name}"}


def _array_of(name: str) -> JsonDict:
    return {"type": "array", "items": _ref(name)}


RESULTS: dict[str, dict[str, str]] = {
    "UserTaskResult": dict.fromkeys(
        ["userTaskKey", "elementInstanceKey", "processDefinitionKey", "processInstanceKey",
         "formKey"], "key") | dict.fromkeys(
        ["name", "state", "assignee", "elementId", "processDefinitionId", "processName",
         "externalFormReference", "tenantId"], "string") | dict.fromkeys(
        ["creationDate", "completionDate", "dueDate", "followUpDate"], "date") | {
        "candidateGroups": "strings", "candidateUsers": "strings", "priority": "int",
        "processDefinitionVersion": "int", "customHeaders": "headers"},
    "ProcessInstanceResult": dict.fromkeys(
        ["processInstanceKey", "processDefinitionKey", "parentProcessInstanceKey",
         "parentElementInstanceKey"], "key") | dict.fromkeys(
        ["processDefinitionId", "processDefinitionName", "processDefinitionVersionTag", "state",
         "tenantId"], "string") | {
        "processDefinitionVersion": "int", "startDate": "date", "endDate": "date",
        "hasIncident": "bool", "tags": "strings"},
    "ElementInstanceResult": dict.fromkeys(
        ["elementInstanceKey", "processInstanceKey", "processDefinitionKey", "incidentKey"],
        "key") | dict.fromkeys(
        ["processDefinitionId", "elementId", "elementName", "type", "state", "tenantId"],
        "string") | {"hasIncident": "bool", "startDate": "date", "endDate": "date"},
    "IncidentResult": dict.fromkeys(
        ["incidentKey", "processDefinitionKey", "processInstanceKey", "elementInstanceKey",
         "jobKey"], "key") | dict.fromkeys(
        ["processDefinitionId", "errorType", "errorMessage", "elementId", "state", "tenantId"],
        "string") | {"creationTime": "date"},
    "VariableSearchResult": dict.fromkeys(
        ["variableKey", "scopeKey", "processInstanceKey"], "key") | {
        "name": "string", "value": "string", "tenantId": "string", "isTruncated": "bool"},
    "VariableResult": dict.fromkeys(["variableKey", "scopeKey", "processInstanceKey"], "key")
    | {"name": "string", "value": "string", "tenantId": "string"},
    "ProcessDefinitionResult": {
        "processDefinitionKey": "key", "processDefinitionId": "string", "name": "string",
        "version": "int", "versionTag": "string", "resourceName": "string",
        "tenantId": "string", "hasStartForm": "bool"},
    "DecisionDefinitionResult": {
        "decisionDefinitionKey": "key", "decisionDefinitionId": "string", "name": "string",
        "version": "int", "decisionRequirementsId": "string", "decisionRequirementsKey": "key",
        "tenantId": "string"},
    "FormResult": {"formKey": "key", "formId": "string", "version": "long",
                   "schema": "string", "tenantId": "string"},
    "CreateProcessInstanceResult": {
        "processDefinitionId": "string", "processDefinitionVersion": "int",
        "processDefinitionKey": "key", "processInstanceKey": "key", "tenantId": "string",
        "variables": "object", "tags": "strings"},
    "MessagePublicationResult": {"messageKey": "key", "tenantId": "string"},
}  # fmt: skip

# The ``required`` lists of Camunda 8.8's result schemas; other properties are left out of a
# result when they have no value (Camunda's results are not nullable).
REQUIRED: dict[str, tuple[str, ...]] = {
    "ProcessInstanceResult": (
        "processDefinitionId", "processDefinitionName", "processDefinitionVersion", "startDate",
        "state", "hasIncident", "tenantId", "processInstanceKey", "processDefinitionKey", "tags"),
    "ElementInstanceResult": (
        "processDefinitionId", "startDate", "elementId", "elementName", "type", "state",
        "hasIncident", "tenantId", "elementInstanceKey", "processInstanceKey",
        "processDefinitionKey"),
    "CreateProcessInstanceResult": (
        "processDefinitionId", "processDefinitionKey", "processDefinitionVersion", "tenantId",
        "variables", "processInstanceKey"),
}  # fmt: skip

SEARCHES: dict[str, tuple[Entity, str]] = {
    "UserTaskSearchQuery": (USER_TASK, "UserTaskResult"),
    "UserTaskVariableSearchQueryRequest": (USER_TASK_VARIABLE, "VariableSearchResult"),
    "ProcessInstanceSearchQuery": (PROCESS_INSTANCE, "ProcessInstanceResult"),
    "ElementInstanceSearchQuery": (ELEMENT_INSTANCE, "ElementInstanceResult"),
    "IncidentSearchQuery": (INCIDENT, "IncidentResult"),
    "VariableSearchQuery": (VARIABLE, "VariableSearchResult"),
    "ProcessDefinitionSearchQuery": (PROCESS_DEFINITION, "ProcessDefinitionResult"),
    "DecisionDefinitionSearchQuery": (DECISION_DEFINITION, "DecisionDefinitionResult"),
}

_RESULT_LISTS = {
    "UserTaskSearchQuery": "UserTaskSearchQueryResult",
    "UserTaskVariableSearchQueryRequest": "VariableSearchQueryResult",
    "ProcessInstanceSearchQuery": "ProcessInstanceSearchQueryResult",
    "ElementInstanceSearchQuery": "ElementInstanceSearchQueryResult",
    "IncidentSearchQuery": "IncidentSearchQueryResult",
    "VariableSearchQuery": "VariableSearchQueryResult",
    "ProcessDefinitionSearchQuery": "ProcessDefinitionSearchQueryResult",
    "DecisionDefinitionSearchQuery": "DecisionDefinitionSearchQueryResult",
}


_KIND_SHORT = {
    Kind.STRING: "string",
    Kind.ENUM: "string",
    Kind.INT: "int",
    Kind.DATE: "date",
    Kind.KEY: "key",
    Kind.BOOL: "bool",
}


def _filter_property(kind: Kind, enum: tuple[str, ...]) -> JsonDict:
    plain: JsonDict = dict(_SHORT[_KIND_SHORT[kind]])
    if enum:
        plain["enum"] = list(enum)
    if kind is Kind.BOOL:
        return plain
    operators: dict[str, JsonDict] = {"$eq": plain, "$neq": plain, "$exists": _SHORT["bool"],
                                      "$in": {"type": "array", "items": plain}}  # fmt: skip
    if kind in (Kind.STRING, Kind.ENUM, Kind.KEY):
        operators["$notIn"] = {"type": "array", "items": plain}
    if kind in (Kind.STRING, Kind.ENUM):
        operators["$like"] = {"type": "string", "description": "* and ? wildcards, \\ escapes"}
    if kind in (Kind.INT, Kind.DATE):
        operators.update({op: plain for op in ("$gt", "$gte", "$lt", "$lte")})
    advanced = {"type": "object", "properties": operators, "additionalProperties": False}
    return {"oneOf": [plain, advanced]}


_VARIABLE_VALUE_FILTERS: JsonDict = {
    "type": "array",
    "items": _obj({"name": "string", "value": _filter_property(Kind.STRING, ())},
                  required=("name", "value")),
}  # fmt: skip

_CUSTOM_FILTERS: dict[str, JsonDict] = {
    "candidateGroup": _filter_property(Kind.STRING, ()),
    "candidateUser": _filter_property(Kind.STRING, ()),
    "processInstanceVariables": _VARIABLE_VALUE_FILTERS,
    "localVariables": _VARIABLE_VALUE_FILTERS,
    "variables": _VARIABLE_VALUE_FILTERS,
    "elementId": _filter_property(Kind.STRING, ()),
    "elementInstanceState": _filter_property(Kind.ENUM, ("ACTIVE", "COMPLETED", "TERMINATED")),
    "hasElementInstanceIncident": _SHORT["bool"],
    "isLatestVersion": _SHORT["bool"],
    "hasStartForm": _SHORT["bool"],
    "tags": _SHORT["strings"],
    "batchOperationId": _filter_property(Kind.STRING, ()),
    "errorMessage": _filter_property(Kind.STRING, ()),
}


def _search_query(entity: Entity) -> JsonDict:
    filters: dict[str, JsonDict] = {
        name: _filter_property(f.kind, f.enum) for name, f in entity.fields.items() if f.filterable
    }
    filters.update({name: _CUSTOM_FILTERS[name] for name in entity.custom})
    filter_schema: JsonDict = {
        "type": "object",
        "properties": filters,
        "additionalProperties": False,
    }
    if entity.allow_or:
        filter_schema["properties"]["$or"] = {"type": "array", "items": {"type": "object"}}
    sort_fields = [name for name, f in entity.fields.items() if f.sortable]
    sort = _obj({"field": {"type": "string", "enum": sort_fields},
                 "order": {"type": "string", "enum": ["ASC", "DESC"], "default": "ASC"}},
                required=("field",))  # fmt: skip
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "filter": filter_schema,
            "sort": {"type": "array", "items": sort},
            "page": _ref("SearchQueryPageRequest"),
        },
    }


_REQUESTS: dict[str, JsonDict] = {
    "UserTaskAssignmentRequest": _obj(
        {"assignee": "string", "allowOverride": "bool", "action": "string"}, ("assignee",)
    ),
    "UserTaskCompletionRequest": _obj({"variables": "object", "action": "string"}),
    "UserTaskUpdateRequest": _obj(
        {
            "changeset": _obj(
                {
                    "dueDate": "string",
                    "followUpDate": "string",
                    "candidateGroups": "strings",
                    "candidateUsers": "strings",
                    "priority": {"type": "integer", "minimum": 0, "maximum": 100},
                }
            ),
            "action": "string",
        }
    ),
    "ProcessInstanceCreationInstruction": _obj(
        {
            "processDefinitionId": "string",
            "processDefinitionVersion": "int",
            "processDefinitionKey": "key",
            "variables": "object",
            "tenantId": "string",
            "startInstructions": {"type": "array", "items": _obj({"elementId": "string"})},
            "awaitCompletion": "bool",
            "fetchVariables": "strings",
            "requestTimeout": "long",
            "operationReference": "long",
        }
    ),
    "CancelProcessInstanceRequest": _obj({"operationReference": "long"}),
    "IncidentResolutionRequest": _obj({"operationReference": "long"}),
    "MessagePublicationRequest": _obj(
        {
            "name": "string",
            "correlationKey": "string",
            "timeToLive": "long",
            "messageId": "string",
            "variables": "object",
            "tenantId": "string",
        },
        ("name",),
    ),
    "DecisionEvaluationInstruction": _obj(
        {
            "decisionDefinitionId": "string",
            "decisionDefinitionKey": "key",
            "variables": "object",
            "tenantId": "string",
        }
    ),
    "DeploymentRequest": _obj(
        {
            "resources": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "tenantId": "string",
        },
        ("resources",),
    ),
}

_COMMON: dict[str, JsonDict] = {
    "ProblemDetail": _obj({"type": "string", "title": "string", "status": "int",
                           "detail": "string", "instance": "string"}),
    "SearchQueryPageRequest": _obj(
        {"from": "int", "limit": {"type": "integer", "minimum": 1, "maximum": 10000,
                                  "default": 100},
         "after": "string", "before": "string"}),
    "SearchQueryPageResponse": _obj(
        {"totalItems": "long", "hasMoreTotalItems": "bool",
         "startCursor": {"type": "string", "format": "base64", "nullable": True},
         "endCursor": {"type": "string", "format": "base64", "nullable": True}},
        ("totalItems",)),
    "TopologyResponse": _obj(
        {"brokers": {"type": "array", "items": _obj(
            {"nodeId": "int", "host": "string", "port": "int", "version": "string",
             "partitions": {"type": "array", "items": _obj(
                 {"partitionId": "int",
                  "role": {"type": "string", "enum": ["leader", "follower", "inactive"]},
                  "health": {"type": "string", "enum": ["healthy", "unhealthy", "dead"]}},
                 ("partitionId", "role", "health"))},
             }, ("nodeId", "host", "port", "partitions", "version"))},
         "clusterSize": "int", "partitionsCount": "int",
         "replicationFactor": "int", "gatewayVersion": "string",
         "lastCompletedChangeId": "string"},
        ("brokers", "clusterSize", "partitionsCount", "replicationFactor", "gatewayVersion",
         "lastCompletedChangeId")),
    "DeploymentResult": _obj(
        {"deploymentKey": "key", "tenantId": "string",
         "deployments": {"type": "array", "items": _obj(
             {kind: {"type": "object"} for kind in (
                 "processDefinition", "decisionDefinition", "decisionRequirements", "form")})}},
        ("tenantId", "deploymentKey", "deployments")),
    "EvaluateDecisionResult": _obj(
        {"decisionDefinitionId": "string", "decisionDefinitionName": "string",
         "decisionDefinitionVersion": "int", "decisionDefinitionKey": "key",
         "decisionRequirementsId": "string", "decisionRequirementsKey": "key",
         "output": "string", "failedDecisionDefinitionId": "string",
         "failureMessage": "string", "tenantId": "string", "decisionEvaluationKey": "key",
         "decisionInstanceKey": {**_SHORT["key"], "deprecated": True},
         "evaluatedDecisions": {"type": "array", "items": {"type": "object"}}}),
}  # fmt: skip


def _schemas() -> JsonDict:
    schemas: JsonDict = dict(_COMMON) | _REQUESTS
    schemas.update({name: _obj(props, REQUIRED.get(name, ())) for name, props in RESULTS.items()})
    for query_name, (entity, item) in SEARCHES.items():
        schemas[query_name] = _search_query(entity)
        schemas[_RESULT_LISTS[query_name]] = _obj(
            {"items": _array_of(item), "page": _ref("SearchQueryPageResponse")}, ("items", "page")
        )
    return schemas


def _operation(e: Endpoint, secured: bool) -> JsonDict:
    op: JsonDict = {"operationId": e.operation_id, "summary": e.summary, "tags": [e.tag]}
    if e.params:
        op["parameters"] = [
            {"name": p, "in": "path", "required": True, "schema": _SHORT["key"]} for p in e.params
        ]
    if e.request:
        media = "multipart/form-data" if e.multipart else "application/json"
        op["requestBody"] = {
            "required": e.multipart,
            "content": {media: {"schema": _ref(e.request)}},
        }
    success: JsonDict = {"description": "Success."}
    if e.response:
        success["content"] = {e.produces: {"schema": _ref(e.response)}}
    elif e.produces != "application/json":
        success["content"] = {e.produces: {"schema": {"type": "string"}}}
    responses: JsonDict = {str(e.status): success}
    if e.operation_id == "getUserTaskForm":
        responses["204"] = {"description": "The user task has no linked form."}
    problem = {"application/problem+json": {"schema": _ref("ProblemDetail")}}
    for status in sorted({*e.errors, *((401,) if secured else ())}):
        responses[str(status)] = {"description": _STATUS_TEXT[status], "content": problem}
    op["responses"] = responses
    return op


def openapi_document(endpoints: Sequence[Endpoint], *, secured: bool) -> dict[str, Any]:
    """The document for ``endpoints``; ``secured`` adds the configured auth schemes."""
    paths: JsonDict = {}
    for e in endpoints:
        paths.setdefault(e.path, {})[e.method.lower()] = _operation(e, secured)
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {
            "title": "Wenping embedded engine: Camunda 8.8 Orchestration Cluster REST API (subset)",
            "version": "8.8.0",
        },
        "paths": paths,
        "components": {"schemas": _schemas()},
    }
    if secured:
        document["components"]["securitySchemes"] = {
            "bearerAuth": {"type": "http", "scheme": "bearer"},
            "basicAuth": {"type": "http", "scheme": "basic"},
        }
        document["security"] = [{"bearerAuth": []}, {"basicAuth": []}]
    return document
