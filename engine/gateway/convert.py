"""Translation between the gateway proto messages and :mod:`engine.api` values.

Variables travel in the proto as JSON object text; everything else is a field-by-field copy. Any
problem with the input is an :class:`engine.errors.InvalidArgument` naming the field, as Zeebe's
gateway does before a request reaches a broker.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pyzeebe.proto import gateway_pb2 as pb

from engine import api
from engine.api import DEFAULT_TENANT
from engine.errors import InvalidArgument
from engine.store import jsontext


def parse_variables(text: str, field: str) -> api.JsonDict:
    """Parse the JSON object text of ``field``; empty text means no variables."""
    if not text.strip():
        return {}
    try:
        value: Any = jsontext.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidArgument(
            f"Property '{field}' is invalid: expected a JSON document, but it does not parse "
            f"(line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise InvalidArgument(
            f"Property '{field}' is invalid: the JSON is nested too deeply"
        ) from None
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        raise InvalidArgument(
            f"Property '{field}' is invalid: expected document to be a root level object, "
            f"but was '{_json_kind(kind)}'"
        )
    return value


def _json_kind(python_kind: str) -> str:
    return {
        "list": "ARRAY",
        "str": "STRING",
        "int": "INTEGER",
        "float": "FLOAT",
        "bool": "BOOLEAN",
        "null": "NIL",
    }.get(python_kind, python_kind.upper())


def optional_variables(text: str, field: str) -> api.JsonDict | None:
    """Like :func:`parse_variables`, but ``None`` when the field was left empty."""
    return parse_variables(text, field) if text.strip() else None


def tenant(tenant_id: str, field: str = "tenantId") -> str:
    """The embedded engine runs as Zeebe does with multi-tenancy disabled: only ``<default>``.

    A blank id means the default tenant; any other id is refused, as Zeebe's gateway refuses it
    (RequestMapper.ensureTenantIdSet).
    """
    if not tenant_id.strip() or tenant_id == DEFAULT_TENANT:
        return DEFAULT_TENANT
    raise InvalidArgument(
        f"Expected to handle the request with tenant identifier '{tenant_id}' ('{field}'), "
        "but multi-tenancy is disabled"
    )


def tenants(tenant_ids: Sequence[str]) -> tuple[str, ...]:
    return tuple(tenant(t, "tenantIds") for t in tenant_ids) or (DEFAULT_TENANT,)


def require_positive(value: int, field: str, what: str) -> None:
    if value < 1:
        raise InvalidArgument(f"Expected {what} ('{field}') to be at least 1, but was {value}")


def require_not_blank(value: str, field: str) -> None:
    """Refuse a blank ``field`` as Zeebe's gateway does."""
    if not value.strip():
        raise InvalidArgument(f"Expected '{field}' not to be blank, but it was")


def activated_job(job: api.ActivatedJob) -> pb.ActivatedJob:
    return pb.ActivatedJob(
        key=job.key,
        type=job.type,
        processInstanceKey=job.process_instance_key,
        bpmnProcessId=job.bpmn_process_id,
        processDefinitionVersion=job.process_definition_version,
        processDefinitionKey=job.process_definition_key,
        elementId=job.element_id,
        elementInstanceKey=job.element_instance_key,
        customHeaders=jsontext.dumps(dict(job.custom_headers)),
        worker=job.worker,
        retries=job.retries,
        deadline=job.deadline,
        variables=jsontext.dumps(job.variables),
        tenantId=job.tenant_id,
    )


def deployment(result: api.DeploymentResult) -> pb.DeployResourceResponse:
    items: list[pb.Deployment] = []
    for p in result.processes:
        items.append(
            pb.Deployment(
                process=pb.ProcessMetadata(
                    bpmnProcessId=p.bpmn_process_id,
                    version=p.version,
                    processDefinitionKey=p.process_definition_key,
                    resourceName=p.resource_name,
                    tenantId=p.tenant_id,
                )
            )
        )
    # Zeebe's order (gateway-grpc ResponseMapper.toDeployResourceResponse): processes,
    # decisions, decision requirements, forms; clients index ``deployments[0]`` by it.
    for d in result.decisions:
        items.append(
            pb.Deployment(
                decision=pb.DecisionMetadata(
                    dmnDecisionId=d.dmn_decision_id,
                    dmnDecisionName=d.dmn_decision_name,
                    version=d.version,
                    decisionKey=d.decision_key,
                    dmnDecisionRequirementsId=d.dmn_decision_requirements_id,
                    decisionRequirementsKey=d.decision_requirements_key,
                    tenantId=d.tenant_id,
                )
            )
        )
    for r in result.decision_requirements:
        items.append(
            pb.Deployment(
                decisionRequirements=pb.DecisionRequirementsMetadata(
                    dmnDecisionRequirementsId=r.dmn_decision_requirements_id,
                    dmnDecisionRequirementsName=r.dmn_decision_requirements_name,
                    version=r.version,
                    decisionRequirementsKey=r.decision_requirements_key,
                    resourceName=r.resource_name,
                    tenantId=r.tenant_id,
                )
            )
        )
    for f in result.forms:
        items.append(
            pb.Deployment(
                form=pb.FormMetadata(
                    formId=f.form_id,
                    version=f.version,
                    formKey=f.form_key,
                    resourceName=f.resource_name,
                    tenantId=f.tenant_id,
                )
            )
        )
    return pb.DeployResourceResponse(key=result.key, deployments=items, tenantId=result.tenant_id)


def decision_result(result: api.DecisionEvaluationResult) -> pb.EvaluateDecisionResponse:
    return pb.EvaluateDecisionResponse(
        decisionKey=result.decision_key,
        decisionId=result.decision_id,
        decisionName=result.decision_name,
        decisionVersion=result.decision_version,
        decisionRequirementsId=result.decision_requirements_id,
        decisionRequirementsKey=result.decision_requirements_key,
        decisionOutput=result.decision_output,
        evaluatedDecisions=[_evaluated(d) for d in result.evaluated_decisions],
        failedDecisionId=result.failed_decision_id,
        failureMessage=result.failure_message,
        tenantId=result.tenant_id,
    )


def _evaluated(d: api.EvaluatedDecision) -> pb.EvaluatedDecision:
    return pb.EvaluatedDecision(
        decisionKey=d.decision_key,
        decisionId=d.decision_id,
        decisionName=d.decision_name,
        decisionVersion=d.decision_version,
        decisionType=d.decision_type,
        decisionOutput=d.decision_output,
        matchedRules=[
            pb.MatchedDecisionRule(
                ruleId=r.rule_id,
                ruleIndex=r.rule_index,
                evaluatedOutputs=[
                    pb.EvaluatedDecisionOutput(
                        outputId=str(o.get("outputId", "")),
                        outputName=str(o.get("outputName", "")),
                        outputValue=str(o.get("outputValue", "")),
                    )
                    for o in r.evaluated_outputs
                ],
            )
            for r in d.matched_rules
        ],
        evaluatedInputs=[
            pb.EvaluatedDecisionInput(
                inputId=str(i.get("inputId", "")),
                inputName=str(i.get("inputName", "")),
                inputValue=str(i.get("inputValue", "")),
            )
            for i in d.evaluated_inputs
        ],
        tenantId=d.tenant_id,
    )


def dump_variables(variables: api.JsonDict) -> str:
    return jsontext.dumps(variables)


def _fetch(names: Sequence[str]) -> tuple[str, ...] | None:
    return tuple(names) or None


def activation_request(request: pb.ActivateJobsRequest) -> api.JobActivationRequest:
    """Validate an ActivateJobs request the way Zeebe's gateway does and translate it."""
    require_not_blank(request.type, "type")
    require_not_blank(request.worker, "worker")
    require_positive(request.timeout, "timeout", "the job timeout")
    require_positive(request.maxJobsToActivate, "maxJobsToActivate", "the jobs to activate")
    return api.JobActivationRequest(
        job_type=request.type,
        worker=request.worker,
        timeout_ms=request.timeout,
        max_jobs=request.maxJobsToActivate,
        fetch_variables=_fetch(request.fetchVariable),
        tenant_ids=tenants(request.tenantIds),
    )


def stream_request(request: pb.StreamActivatedJobsRequest) -> api.JobActivationRequest:
    """Validate a StreamActivatedJobs request; ``max_jobs`` is set per push by the dispatcher."""
    require_not_blank(request.type, "type")
    require_positive(request.timeout, "timeout", "the job timeout")
    return api.JobActivationRequest(
        job_type=request.type,
        worker=request.worker,
        timeout_ms=request.timeout,
        max_jobs=1,
        fetch_variables=_fetch(request.fetchVariable),
        tenant_ids=tenants(request.tenantIds),
    )
