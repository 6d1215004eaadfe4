"""GET /v2/openapi.json describes exactly what the app serves, with the shapes it returns."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.routing import Route

from engine.rest.openapi import RESULTS

_TYPES = {"string": str, "integer": int, "boolean": bool, "object": dict, "array": list}


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _conforms(item: dict[str, Any], schema: dict[str, Any]) -> None:
    """Documented properties only, every required one, and no ``null``: Camunda 8.8's result
    properties are not nullable, absent values are left out."""
    properties = schema["properties"]
    assert set(item) <= set(properties), set(item) - set(properties)
    assert set(schema.get("required", ())) <= set(item), set(schema["required"]) - set(item)
    for name, value in item.items():
        assert isinstance(value, _TYPES[properties[name]["type"]]), name


async def test_every_route_is_documented(client: httpx.AsyncClient) -> None:
    document = (await client.get("/v2/openapi.json")).json()
    app = client._transport.app  # type: ignore[attr-defined]
    served = {
        (method.lower(), route.path)
        for route in app.routes
        if isinstance(route, Route) and route.path != "/v2/openapi.json"
        for method in route.methods or ()
        if method != "HEAD"
    }
    documented = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert served == documented
    schemas = document["components"]["schemas"]
    for ref in _refs(document):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


async def test_issue_4_endpoints_are_all_served(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/v2/openapi.json")).json()["paths"]
    for method, path in [
        ("post", "/v2/user-tasks/search"), ("get", "/v2/user-tasks/{userTaskKey}"),
        ("get", "/v2/user-tasks/{userTaskKey}/form"),
        ("post", "/v2/user-tasks/{userTaskKey}/variables/search"),
        ("post", "/v2/user-tasks/{userTaskKey}/assignment"),
        ("delete", "/v2/user-tasks/{userTaskKey}/assignee"),
        ("patch", "/v2/user-tasks/{userTaskKey}"),
        ("post", "/v2/user-tasks/{userTaskKey}/completion"), ("get", "/v2/topology"),
        ("post", "/v2/deployments"), ("post", "/v2/process-instances"),
        ("post", "/v2/process-instances/search"),
        ("get", "/v2/process-instances/{processInstanceKey}"),
        ("post", "/v2/process-instances/{processInstanceKey}/cancellation"),
        ("post", "/v2/element-instances/search"), ("post", "/v2/incidents/search"),
        ("post", "/v2/incidents/{incidentKey}/resolution"), ("post", "/v2/messages/publication"),
        ("post", "/v2/decision-definitions/evaluation"), ("post", "/v2/variables/search"),
    ]:  # fmt: skip
        assert method in paths.get(path, {}), (method, path)


async def test_responses_match_the_documented_shapes(
    client: httpx.AsyncClient, task_key: str
) -> None:
    schemas = (await client.get("/v2/openapi.json")).json()["components"]["schemas"]
    assert set(RESULTS) <= set(schemas)
    task = (await client.get(f"/v2/user-tasks/{task_key}")).json()
    _conforms(task, schemas["UserTaskResult"])
    pi = task["processInstanceKey"]
    _conforms(
        (await client.get(f"/v2/process-instances/{pi}")).json(), schemas["ProcessInstanceResult"]
    )
    _conforms((await client.get(f"/v2/user-tasks/{task_key}/form")).json(), schemas["FormResult"])
    for path, item in [
        ("/v2/user-tasks/search", "UserTaskResult"),
        ("/v2/process-instances/search", "ProcessInstanceResult"),
        ("/v2/element-instances/search", "ElementInstanceResult"),
        ("/v2/variables/search", "VariableSearchResult"),
        ("/v2/process-definitions/search", "ProcessDefinitionResult"),
        (f"/v2/user-tasks/{task_key}/variables/search", "VariableSearchResult"),
    ]:
        body = (await client.post(path, json={})).json()
        assert body["items"], path
        _conforms(body["page"], schemas["SearchQueryPageResponse"])
        for found in body["items"]:
            _conforms(found, schemas[item])
    variable = (await client.post("/v2/variables/search", json={})).json()["items"][0]
    full = (await client.get(f"/v2/variables/{variable['variableKey']}")).json()
    _conforms(full, schemas["VariableResult"])


async def test_search_filters_in_the_document_are_accepted(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/v2/openapi.json")).json()["components"]["schemas"]
    query = schemas["UserTaskSearchQuery"]["properties"]
    assert {"candidateGroup", "candidateUser", "processInstanceVariables", "dueDate",
            "followUpDate", "state", "assignee", "elementId", "processInstanceKey"} <= set(
        query["filter"]["properties"])  # fmt: skip
    sort_fields = query["sort"]["items"]["properties"]["field"]["enum"]
    for field in sort_fields:
        response = await client.post("/v2/user-tasks/search", json={"sort": [{"field": field}]})
        assert response.status_code == 200, field
