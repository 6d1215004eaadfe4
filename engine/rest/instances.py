"""Process instances, element instances, incidents and variables."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine.api import JsonDict, ProcessInstanceCreated, ProcessInstanceResult, SearchResult
from engine.errors import NotFound, Unimplemented
from engine.query.filters import check_tags
from engine.rest.body import Fields, tenant_id
from engine.rest.context import (
    Context,
    Endpoint,
    item_response,
    no_content,
    operation_reference,
    parse_search,
    path_key,
    search_response,
    truncate_values,
)
from engine.rest.problems import ApiProblem, bad_request

DEFAULT_AWAIT_TIMEOUT_MS = 10_000  # Camunda's default request timeout
MAX_AWAIT_TIMEOUT_MS = 3_600_000


def _created_json(created: ProcessInstanceCreated, variables: JsonDict) -> JsonDict:
    return {
        "processDefinitionId": created.bpmn_process_id,
        "processDefinitionVersion": created.version,
        "processDefinitionKey": str(created.process_definition_key),
        "processInstanceKey": str(created.process_instance_key),
        "tenantId": created.tenant_id,
        "variables": variables,
        "tags": [],
    }


def _start_elements(body: Fields) -> list[str]:
    out: list[str] = []
    for i, item in enumerate(body.get_list("startInstructions") or []):
        if not isinstance(item, dict):
            raise bad_request(f"startInstructions[{i}]: expected an object")
        out.append(Fields(item, f"startInstructions[{i}]").get_str("elementId", required=True))
    return out


def endpoints(ctx: Context) -> list[Endpoint]:
    engine, query, call = ctx.engine, ctx.query, ctx.call

    async def create(request: Request) -> Response:
        body = (await ctx.body(request)).only(
            "processDefinitionId", "processDefinitionVersion", "processDefinitionKey",
            "variables", "tenantId", "operationReference", "startInstructions",
            "runtimeInstructions", "awaitCompletion", "fetchVariables", "requestTimeout", "tags",
        )  # fmt: skip
        operation_reference(body)
        by_id = body.get_str("processDefinitionId") or None
        by_key = body.get_key("processDefinitionKey")
        if (by_id is None) == (by_key is None):
            raise bad_request("processDefinitionId or processDefinitionKey: give exactly one")
        tags = check_tags(body.get_list("tags") or [], "tags")
        if body.get_list("runtimeInstructions") or tags:
            raise Unimplemented(
                "runtimeInstructions and tags are not supported by the embedded engine"
            )
        version = body.get_int(
            "processDefinitionVersion", default=-1, minimum=-1, maximum=2**31 - 1
        )
        variables = body.variables()
        tenant = tenant_id(body.get_str("tenantId"), "Create Process Instance")
        starts = _start_elements(body)
        wait = body.get_bool("awaitCompletion")
        fetch = body.get_str_list("fetchVariables") or []
        timeout_ms = body.get_int(
            "requestTimeout", default=0, minimum=0, maximum=MAX_AWAIT_TIMEOUT_MS
        )

        def start() -> tuple[ProcessInstanceCreated, asyncio.Future[ProcessInstanceResult] | None]:
            created = engine.create_process_instance(
                bpmn_process_id=by_id, version=version, process_definition_key=by_key,
                variables=variables, start_element_ids=starts, tenant_id=tenant,
            )  # fmt: skip
            # Registered in the same loop turn as the creation, so the end cannot be missed.
            result = engine.instance_result(created.process_instance_key, fetch) if wait else None
            return created, result

        created, future = await call(start)
        if future is None:
            return JSONResponse(_created_json(created, {}))
        try:
            done = await asyncio.wait_for(future, (timeout_ms or DEFAULT_AWAIT_TIMEOUT_MS) / 1000)
        except TimeoutError:
            raise ApiProblem(
                504,
                "DEADLINE_EXCEEDED",
                f"Process instance {created.process_instance_key} did not complete within the "
                "request timeout.",
            ) from None
        return JSONResponse(_created_json(done.created, done.variables))

    async def cancel(request: Request) -> Response:
        key = path_key(request, "processInstanceKey")
        operation_reference((await ctx.body(request)).only("operationReference"))
        await call(lambda: engine.cancel_process_instance(key))
        return no_content()

    async def resolve(request: Request) -> Response:
        key = path_key(request, "incidentKey")
        operation_reference((await ctx.body(request)).only("operationReference"))
        await call(lambda: engine.resolve_incident(key))
        return no_content()

    def searcher(
        fn: Callable[[Any, Any, Any], SearchResult],
    ) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            flt, sort, page = parse_search(await ctx.body(request))
            return search_response(await call(lambda: fn(flt, sort, page)))

        return handler

    def getter(
        fn: Callable[[int], JsonDict | None], param: str, what: str
    ) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            key = path_key(request, param)
            found = await call(lambda: fn(key))
            if found is None:
                raise NotFound(f"{what} {key} not found")
            return item_response(found)

        return handler

    async def search_variables(request: Request) -> Response:
        truncate = truncate_values(request)
        flt, sort, page = parse_search(await ctx.body(request))
        result = await call(lambda: query.search_variables(flt, sort, page, truncate=truncate))
        return search_response(result)

    pi, ei, inc, var = "Process instance", "Element instance", "Incident", "Variable"
    return [
        Endpoint("POST", "/v2/process-instances", "createProcessInstance",
                 "Create process instance", create, pi,
                 request="ProcessInstanceCreationInstruction",
                 response="CreateProcessInstanceResult", errors=(400, 404, 500, 503, 504)),
        Endpoint("POST", "/v2/process-instances/search", "searchProcessInstances",
                 "Search process instances", searcher(query.search_process_instances), pi,
                 request="ProcessInstanceSearchQuery",
                 response="ProcessInstanceSearchQueryResult"),
        Endpoint("GET", "/v2/process-instances/{processInstanceKey}", "getProcessInstance",
                 "Get process instance",
                 getter(query.get_process_instance, "processInstanceKey", "process instance"),
                 pi, response="ProcessInstanceResult", errors=(400, 404, 500),
                 params=("processInstanceKey",)),
        Endpoint("POST", "/v2/process-instances/{processInstanceKey}/cancellation",
                 "cancelProcessInstance", "Cancel process instance", cancel, pi,
                 request="CancelProcessInstanceRequest", status=204, errors=(400, 404, 500, 503),
                 params=("processInstanceKey",)),
        Endpoint("POST", "/v2/element-instances/search", "searchElementInstances",
                 "Search element instances", searcher(query.search_element_instances), ei,
                 request="ElementInstanceSearchQuery",
                 response="ElementInstanceSearchQueryResult"),
        Endpoint("GET", "/v2/element-instances/{elementInstanceKey}", "getElementInstance",
                 "Get element instance",
                 getter(query.get_element_instance, "elementInstanceKey", "element instance"),
                 ei, response="ElementInstanceResult", errors=(400, 404, 500),
                 params=("elementInstanceKey",)),
        Endpoint("POST", "/v2/incidents/search", "searchIncidents", "Search incidents",
                 searcher(query.search_incidents), inc, request="IncidentSearchQuery",
                 response="IncidentSearchQueryResult"),
        Endpoint("GET", "/v2/incidents/{incidentKey}", "getIncident", "Get incident",
                 getter(query.get_incident, "incidentKey", "incident"), inc,
                 response="IncidentResult", errors=(400, 404, 500), params=("incidentKey",)),
        Endpoint("POST", "/v2/incidents/{incidentKey}/resolution", "resolveIncident",
                 "Resolve incident", resolve, inc, request="IncidentResolutionRequest",
                 status=204, errors=(400, 404, 409, 500, 503), params=("incidentKey",)),
        Endpoint("POST", "/v2/variables/search", "searchVariables", "Search variables",
                 search_variables, var, request="VariableSearchQuery",
                 response="VariableSearchQueryResult"),
        Endpoint("GET", "/v2/variables/{variableKey}", "getVariable", "Get variable",
                 getter(query.get_variable, "variableKey", "variable"), var,
                 response="VariableResult", errors=(400, 404, 500), params=("variableKey",)),
    ]  # fmt: skip
