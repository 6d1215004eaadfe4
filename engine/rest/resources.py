"""Topology, deployments, definitions, messages and decision evaluation."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine.api import (
    DecisionEvaluationResult,
    DeploymentResult,
    EvaluatedDecision,
    JsonDict,
    Resource,
)
from engine.errors import NotFound
from engine.rest.body import tenant_id
from engine.rest.context import (
    Context,
    Endpoint,
    item_response,
    parse_search,
    path_key,
    search_response,
)
from engine.rest.problems import ApiProblem, bad_request

VERSION = "8.8.0"  # the Camunda version whose REST API this implements
MAX_RESOURCES = 100


def topology_json(ctx: Context) -> JsonDict:
    """Camunda's TopologyResponse for the single embedded broker."""
    partition = {"partitionId": 1, "role": "leader", "health": "healthy"}
    broker = {
        "nodeId": 0,
        "host": ctx.settings.grpc_host,
        "port": ctx.settings.grpc_port,
        "partitions": [partition],
        "version": VERSION,
    }
    return {
        "brokers": [broker],
        "clusterSize": 1,
        "partitionsCount": 1,
        "replicationFactor": 1,
        "gatewayVersion": VERSION,
        "lastCompletedChangeId": "-1",
    }


def deployment_json(result: DeploymentResult) -> JsonDict:
    items: list[JsonDict] = []
    for p in result.processes:
        items.append(
            {
                "processDefinition": {
                    "processDefinitionId": p.bpmn_process_id,
                    "processDefinitionVersion": p.version,
                    "resourceName": p.resource_name,
                    "tenantId": p.tenant_id,
                    "processDefinitionKey": str(p.process_definition_key),
                }
            }
        )
    for d in result.decisions:
        items.append(
            {
                "decisionDefinition": {
                    "decisionDefinitionId": d.dmn_decision_id,
                    "version": d.version,
                    "name": d.dmn_decision_name,
                    "tenantId": d.tenant_id,
                    "decisionRequirementsId": d.dmn_decision_requirements_id,
                    "decisionDefinitionKey": str(d.decision_key),
                    "decisionRequirementsKey": str(d.decision_requirements_key),
                }
            }
        )
    for r in result.decision_requirements:
        items.append(
            {
                "decisionRequirements": {
                    "decisionRequirementsId": r.dmn_decision_requirements_id,
                    "decisionRequirementsName": r.dmn_decision_requirements_name,
                    "version": r.version,
                    "resourceName": r.resource_name,
                    "tenantId": r.tenant_id,
                    "decisionRequirementsKey": str(r.decision_requirements_key),
                }
            }
        )
    for f in result.forms:
        items.append(
            {
                "form": {
                    "formId": f.form_id,
                    "version": f.version,
                    "resourceName": f.resource_name,
                    "tenantId": f.tenant_id,
                    "formKey": str(f.form_key),
                }
            }
        )
    return {"deploymentKey": str(result.key), "tenantId": result.tenant_id, "deployments": items}


def _evaluated(d: EvaluatedDecision, instance_key: str | None) -> JsonDict:
    item: JsonDict = {
        "decisionDefinitionId": d.decision_id,
        "decisionDefinitionName": d.decision_name,
        "decisionDefinitionVersion": d.decision_version,
        "decisionDefinitionType": d.decision_type,
        "decisionDefinitionKey": str(d.decision_key),
        "output": d.decision_output,
        "tenantId": d.tenant_id,
        "evaluatedInputs": [dict(i) for i in d.evaluated_inputs],
        "matchedRules": [
            {
                "ruleId": r.rule_id,
                "ruleIndex": r.rule_index,
                "evaluatedOutputs": [dict(o) for o in r.evaluated_outputs],
            }
            for r in d.matched_rules
        ],
    }
    if instance_key is not None:
        item["decisionEvaluationInstanceKey"] = instance_key
    return item


def evaluation_json(r: DecisionEvaluationResult, evaluation_key: int | None) -> JsonDict:
    """Camunda's ``EvaluateDecisionResult``."""
    key = None if evaluation_key is None else str(evaluation_key)
    return {
        "decisionDefinitionId": r.decision_id,
        "decisionDefinitionName": r.decision_name,
        "decisionDefinitionVersion": r.decision_version,
        "decisionDefinitionKey": str(r.decision_key),
        "decisionRequirementsId": r.decision_requirements_id,
        "decisionRequirementsKey": str(r.decision_requirements_key),
        "output": r.decision_output,
        # Empty on success, as Camunda's gateway copies them from the evaluation record.
        "failedDecisionDefinitionId": r.failed_decision_id,
        "failureMessage": r.failure_message,
        "tenantId": r.tenant_id,
        "decisionEvaluationKey": key,
        "decisionInstanceKey": key,  # deprecated alias Camunda still returns
        # Zeebe names the n-th evaluated decision (from 1) "{decisionEvaluationKey}-{n}"
        # (DecisionEvaluationInstanceKeyGenerator).
        "evaluatedDecisions": [
            _evaluated(d, None if key is None else f"{key}-{n}")
            for n, d in enumerate(r.evaluated_decisions, start=1)
        ],
    }


async def _resources(request: Request) -> tuple[list[Resource], str]:
    """The ``resources`` files and optional ``tenantId`` of a Modeler-style multipart deploy."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiProblem(
            415, "UNSUPPORTED_MEDIA_TYPE", "Expected multipart/form-data with resources."
        )
    async with request.form(max_files=MAX_RESOURCES, max_fields=10) as form:
        resources: list[Resource] = []
        for name, value in form.multi_items():
            if name == "resources":
                if not isinstance(value, UploadFile) or not value.filename:
                    raise bad_request("resources: each part must be a file with a file name")
                resources.append(Resource(name=value.filename, content=await value.read()))
            # Other fields are ignored: clients may send more than Camunda reads.
        tenant = form.get("tenantId")
        if tenant is not None and not isinstance(tenant, str):
            raise bad_request("tenantId: expected a text field")
    if not resources:
        raise bad_request("resources: at least one resource file is required")
    return resources, tenant_id(tenant, "Deploy Resources")


def endpoints(ctx: Context) -> list[Endpoint]:
    engine, query, call = ctx.engine, ctx.query, ctx.call

    async def topology(request: Request) -> Response:
        return JSONResponse(topology_json(ctx))

    async def deploy(request: Request) -> Response:
        resources, tenant = await _resources(request)
        result = await call(lambda: engine.deploy(resources, tenant_id=tenant))
        return JSONResponse(deployment_json(result))

    async def publish(request: Request) -> Response:
        body = (await ctx.body(request)).only(
            "name", "correlationKey", "timeToLive", "messageId", "variables", "tenantId"
        )
        name = body.get_str("name", required=True, nonempty=True)
        correlation = body.get_str("correlationKey")
        ttl = body.get_int("timeToLive", default=0, minimum=0, maximum=2**62)
        message_id = body.get_str("messageId")
        variables = body.variables()
        tenant = tenant_id(body.get_str("tenantId"), "Publish Message")
        key = await call(
            lambda: engine.publish_message(
                name=name, correlation_key=correlation, time_to_live_ms=ttl,
                message_id=message_id, variables=variables, tenant_id=tenant,
            )
        )  # fmt: skip
        return JSONResponse({"messageKey": str(key), "tenantId": tenant})

    async def evaluate(request: Request) -> Response:
        body = (await ctx.body(request)).only(
            "decisionDefinitionId", "decisionDefinitionKey", "variables", "tenantId"
        )
        by_id = body.get_str("decisionDefinitionId") or None
        by_key = body.get_key("decisionDefinitionKey")
        if (by_id is None) == (by_key is None):
            raise bad_request("decisionDefinitionId or decisionDefinitionKey: give exactly one")
        variables = body.variables()
        tenant = tenant_id(body.get_str("tenantId"), "Evaluate Decision")

        def run() -> tuple[DecisionEvaluationResult, int | None]:
            result = engine.evaluate_decision(
                decision_id=by_id, decision_key=by_key, variables=variables, tenant_id=tenant
            )
            # The command has committed its DECISION_EVALUATION record on this thread, and
            # nothing else ran since, so the newest evaluation is this one.
            return result, query.latest_decision_evaluation_key()

        result, evaluation_key = await call(run)
        return item_response(evaluation_json(result, evaluation_key))

    async def search_processes(request: Request) -> Response:
        flt, sort, page = parse_search(await ctx.body(request))
        return search_response(
            await call(lambda: query.search_process_definitions(flt, sort, page))
        )

    async def get_process(request: Request) -> Response:
        key = path_key(request, "processDefinitionKey")
        found = await call(lambda: query.get_process_definition(key))
        if found is None:
            raise NotFound(f"process definition {key} not found")
        return item_response(found)

    async def process_xml(request: Request) -> Response:
        key = path_key(request, "processDefinitionKey")
        xml = await call(lambda: query.get_process_definition_xml(key))
        if xml is None:
            raise NotFound(f"process definition {key} not found")
        return Response(xml, media_type="text/xml")

    async def search_decisions(request: Request) -> Response:
        flt, sort, page = parse_search(await ctx.body(request))
        return search_response(
            await call(lambda: query.search_decision_definitions(flt, sort, page))
        )

    async def get_decision(request: Request) -> Response:
        key = path_key(request, "decisionDefinitionKey")
        found = await call(lambda: query.get_decision_definition(key))
        if found is None:
            raise NotFound(f"decision definition {key} not found")
        return item_response(found)

    pd, dd, pk, dk = (
        "Process definition",
        "Decision definition",
        "processDefinitionKey",
        "decisionDefinitionKey",
    )
    return [
        Endpoint("GET", "/v2/topology", "getTopology", "Get cluster topology", topology,
                 "Cluster", response="TopologyResponse", errors=(500,)),
        Endpoint("POST", "/v2/deployments", "createDeployment", "Deploy resources", deploy,
                 "Resource", request="DeploymentRequest", response="DeploymentResult",
                 errors=(400, 413, 415, 500, 503), multipart=True),
        Endpoint("POST", "/v2/messages/publication", "publishMessage", "Publish a message",
                 publish, "Message", request="MessagePublicationRequest",
                 response="MessagePublicationResult", errors=(400, 409, 500, 503)),
        Endpoint("POST", "/v2/decision-definitions/evaluation", "evaluateDecision",
                 "Evaluate decision", evaluate, dd, request="DecisionEvaluationInstruction",
                 response="EvaluateDecisionResult", errors=(400, 404, 500, 503)),
        Endpoint("POST", "/v2/decision-definitions/search", "searchDecisionDefinitions",
                 "Search decision definitions", search_decisions, dd,
                 request="DecisionDefinitionSearchQuery",
                 response="DecisionDefinitionSearchQueryResult"),
        Endpoint("GET", "/v2/decision-definitions/{decisionDefinitionKey}",
                 "getDecisionDefinition", "Get decision definition", get_decision, dd,
                 response="DecisionDefinitionResult", errors=(400, 404, 500), params=(dk,)),
        Endpoint("POST", "/v2/process-definitions/search", "searchProcessDefinitions",
                 "Search process definitions", search_processes, pd,
                 request="ProcessDefinitionSearchQuery",
                 response="ProcessDefinitionSearchQueryResult"),
        Endpoint("GET", "/v2/process-definitions/{processDefinitionKey}",
                 "getProcessDefinition", "Get process definition", get_process, pd,
                 response="ProcessDefinitionResult", errors=(400, 404, 500), params=(pk,)),
        Endpoint("GET", "/v2/process-definitions/{processDefinitionKey}/xml",
                 "getProcessDefinitionXML", "Get process definition XML", process_xml, pd,
                 errors=(400, 404, 500), produces="text/xml", params=(pk,)),
    ]  # fmt: skip
