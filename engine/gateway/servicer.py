"""The ``gateway_protocol.Gateway`` servicer: each RPC becomes one :class:`EngineApi` call.

Like Zeebe's gateway it validates the request, translates it, and maps the engine's answer or
error (:mod:`engine.errors`, by ``grpc_code``) back. It holds no state of its own beyond the job
dispatcher's waiting requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto import gateway_pb2_grpc as pb_grpc

from engine import api
from engine.errors import InvalidArgument, NotFound, Unimplemented
from engine.gateway import convert
from engine.gateway.jobs import JobDispatcher, JobStream
from engine.gateway.results import result_from_history
from engine.gateway.rpc import rpc as _rpc

GATEWAY_VERSION = "8.8.0"
DEFAULT_REQUEST_TIMEOUT_MS = 15_000
"""Zeebe gateway's default request timeout, used by CreateProcessInstanceWithResult."""


class GatewayServicer(pb_grpc.GatewayServicer):
    """Serves the Zeebe gateway protocol from one :class:`engine.api.EngineApi`."""

    def __init__(
        self,
        engine: api.EngineApi,
        dispatcher: JobDispatcher,
        *,
        host: str,
        port: int,
        request_timeout_ms: int = DEFAULT_REQUEST_TIMEOUT_MS,
    ) -> None:
        self._engine = engine
        self._jobs = dispatcher
        self._host = host
        self._port = port
        self._request_timeout_ms = request_timeout_ms

    async def durable(self) -> None:
        """Wait until everything the engine did so far is committed (see ``rpc``)."""
        await self._engine.durable()

    def set_port(self, port: int) -> None:
        """The port actually bound (Topology reports it; tests bind port 0)."""
        self._port = port

    # --- cluster ----------------------------------------------------------------------------

    @_rpc
    async def Topology(self, request: pb.TopologyRequest, context: Any) -> pb.TopologyResponse:
        partition = pb.Partition(
            partitionId=1, role=pb.Partition.LEADER, health=pb.Partition.HEALTHY
        )
        broker = pb.BrokerInfo(
            nodeId=0,
            host=self._host,
            port=self._port,
            partitions=[partition],
            version=GATEWAY_VERSION,
        )
        return pb.TopologyResponse(
            brokers=[broker],
            clusterSize=1,
            partitionsCount=1,
            replicationFactor=1,
            gatewayVersion=GATEWAY_VERSION,
        )

    # --- resources --------------------------------------------------------------------------

    @_rpc
    async def DeployResource(
        self, request: pb.DeployResourceRequest, context: Any
    ) -> pb.DeployResourceResponse:
        if not request.resources:
            raise InvalidArgument("Expected to deploy at least one resource, but none given")
        resources = [api.Resource(name=r.name, content=r.content) for r in request.resources]
        result = self._engine.deploy(resources, tenant_id=convert.tenant(request.tenantId))
        return convert.deployment(result)

    @_rpc
    async def DeployProcess(
        self, request: pb.DeployProcessRequest, context: Any
    ) -> pb.DeployProcessResponse:
        raise Unimplemented("DeployProcess is deprecated and not supported; use DeployResource")

    @_rpc
    async def DeleteResource(
        self, request: pb.DeleteResourceRequest, context: Any
    ) -> pb.DeleteResourceResponse:
        self._engine.delete_resource(request.resourceKey)
        return pb.DeleteResourceResponse()

    # --- process instances ------------------------------------------------------------------

    def _create(
        self, request: pb.CreateProcessInstanceRequest, field: str = "variables"
    ) -> api.ProcessInstanceCreated:
        variables = convert.parse_variables(request.variables, field)
        common: dict[str, Any] = {
            "variables": variables,
            "start_element_ids": tuple(i.elementId for i in request.startInstructions),
            "tenant_id": convert.tenant(request.tenantId),
        }
        # Zeebe looks the process up by id (and version, -1 = latest) when an id is given,
        # otherwise by key.
        if request.bpmnProcessId:
            return self._engine.create_process_instance(
                bpmn_process_id=request.bpmnProcessId, version=request.version, **common
            )
        if request.processDefinitionKey > 0:
            return self._engine.create_process_instance(
                process_definition_key=request.processDefinitionKey, **common
            )
        raise InvalidArgument(
            "Expected at least a bpmnProcessId or a processDefinitionKey greater than 0, "
            "but none given"
        )

    @_rpc
    async def CreateProcessInstance(
        self, request: pb.CreateProcessInstanceRequest, context: Any
    ) -> pb.CreateProcessInstanceResponse:
        created = self._create(request)
        return pb.CreateProcessInstanceResponse(
            processDefinitionKey=created.process_definition_key,
            bpmnProcessId=created.bpmn_process_id,
            version=created.version,
            processInstanceKey=created.process_instance_key,
            tenantId=created.tenant_id,
        )

    @_rpc
    async def CreateProcessInstanceWithResult(
        self, request: pb.CreateProcessInstanceWithResultRequest, context: Any
    ) -> pb.CreateProcessInstanceWithResultResponse:
        created = self._create(request.request, "request.variables")
        fetch = tuple(request.fetchVariables)
        future = self._engine.instance_result(created.process_instance_key, fetch)
        if future.done() and isinstance(future.exception(), NotFound):
            # The instance may have completed inside the create command itself, before there
            # was anything to wait on; its record log then holds the answer.
            future = result_from_history(self._engine, created, fetch)
        timeout_ms = request.requestTimeout
        if timeout_ms <= 0:
            timeout_ms = self._request_timeout_ms
        # A timer on the (per-request) future itself: asyncio.wait_for would add a task and
        # several loop turns to every answer.
        timer = asyncio.get_running_loop().call_later(timeout_ms / 1000, _expire, future)
        try:
            result = await future
        except TimeoutError:
            await context.abort(
                grpc.StatusCode.DEADLINE_EXCEEDED,
                f"Expected process instance {created.process_instance_key} to complete within "
                f"{timeout_ms} ms, but it did not",
            )
            raise
        finally:
            timer.cancel()
        return pb.CreateProcessInstanceWithResultResponse(
            processDefinitionKey=created.process_definition_key,
            bpmnProcessId=created.bpmn_process_id,
            version=created.version,
            processInstanceKey=created.process_instance_key,
            variables=convert.dump_variables(result.variables),
            tenantId=created.tenant_id,
        )

    @_rpc
    async def CancelProcessInstance(
        self, request: pb.CancelProcessInstanceRequest, context: Any
    ) -> pb.CancelProcessInstanceResponse:
        self._engine.cancel_process_instance(request.processInstanceKey)
        return pb.CancelProcessInstanceResponse()

    @_rpc
    async def SetVariables(
        self, request: pb.SetVariablesRequest, context: Any
    ) -> pb.SetVariablesResponse:
        variables = convert.parse_variables(request.variables, "variables")
        key = self._engine.set_variables(request.elementInstanceKey, variables, request.local)
        return pb.SetVariablesResponse(key=key)

    @_rpc
    async def ResolveIncident(
        self, request: pb.ResolveIncidentRequest, context: Any
    ) -> pb.ResolveIncidentResponse:
        self._engine.resolve_incident(request.incidentKey)
        return pb.ResolveIncidentResponse()

    @_rpc
    async def ModifyProcessInstance(
        self, request: pb.ModifyProcessInstanceRequest, context: Any
    ) -> pb.ModifyProcessInstanceResponse:
        raise Unimplemented("ModifyProcessInstance is not supported by the embedded engine")

    @_rpc
    async def MigrateProcessInstance(
        self, request: pb.MigrateProcessInstanceRequest, context: Any
    ) -> pb.MigrateProcessInstanceResponse:
        raise Unimplemented("MigrateProcessInstance is not supported by the embedded engine")

    # --- jobs -------------------------------------------------------------------------------

    async def ActivateJobs(
        self, request: pb.ActivateJobsRequest, context: Any
    ) -> AsyncIterator[pb.ActivateJobsResponse]:
        jobs = await self._activate(request, context)
        if jobs:
            yield pb.ActivateJobsResponse(jobs=[convert.activated_job(j) for j in jobs])

    @_rpc
    async def _activate(
        self, request: pb.ActivateJobsRequest, context: Any
    ) -> list[api.ActivatedJob]:
        activation = convert.activation_request(request)
        return await self._jobs.activate(activation, request.requestTimeout)

    async def StreamActivatedJobs(
        self, request: pb.StreamActivatedJobsRequest, context: Any
    ) -> AsyncIterator[pb.ActivatedJob]:
        stream = await self._open_stream(request, context)
        try:
            while True:
                job, ack = await stream.queue.get()
                stream.taken = job
                await self._stream_durable(ack, context)
                stream.taken = None
                if not self._engine.job_activated(job.key, job.worker, job.deadline):
                    continue  # timed out (or ended) while it waited: not the client's any more
                yield convert.activated_job(job)
        finally:
            self._jobs.close_stream(stream)

    @_rpc
    async def _stream_durable(self, ack: asyncio.Future[None], context: Any) -> None:
        """The job's activation is committed before the job is pushed (UNAVAILABLE ends the
        stream if it was not)."""
        await asyncio.shield(ack)

    @_rpc
    async def _open_stream(self, request: pb.StreamActivatedJobsRequest, context: Any) -> JobStream:
        return self._jobs.open_stream(convert.stream_request(request))

    @_rpc
    async def CompleteJob(
        self, request: pb.CompleteJobRequest, context: Any
    ) -> pb.CompleteJobResponse:
        variables = convert.parse_variables(request.variables, "variables")
        self._engine.complete_job(request.jobKey, variables)
        return pb.CompleteJobResponse()

    @_rpc
    async def FailJob(self, request: pb.FailJobRequest, context: Any) -> pb.FailJobResponse:
        self._engine.fail_job(
            request.jobKey,
            retries=request.retries,
            error_message=request.errorMessage,
            retry_backoff_ms=request.retryBackOff,
            variables=convert.optional_variables(request.variables, "variables"),
        )
        return pb.FailJobResponse()

    @_rpc
    async def ThrowError(
        self, request: pb.ThrowErrorRequest, context: Any
    ) -> pb.ThrowErrorResponse:
        # Zeebe forwards a blank errorCode (RequestMapper.toThrowErrorRequest): a catch-all
        # error event catches it, otherwise the task gets an UNHANDLED_ERROR_EVENT incident.
        self._engine.throw_error(
            request.jobKey,
            error_code=request.errorCode,
            error_message=request.errorMessage,
            variables=convert.optional_variables(request.variables, "variables"),
        )
        return pb.ThrowErrorResponse()

    @_rpc
    async def UpdateJobRetries(
        self, request: pb.UpdateJobRetriesRequest, context: Any
    ) -> pb.UpdateJobRetriesResponse:
        if request.retries < 1:
            # Zeebe's engine text (JobUpdateBehaviour); Zeebe checks this after looking the job
            # up, so an unknown job with retries < 1 is NOT_FOUND there.
            raise InvalidArgument(
                f"Expected to update retries for job with key '{request.jobKey}' with a positive "
                f"amount of retries, but the amount given was '{request.retries}'"
            )
        self._engine.update_job_retries(request.jobKey, request.retries)
        return pb.UpdateJobRetriesResponse()

    @_rpc
    async def UpdateJobTimeout(
        self, request: pb.UpdateJobTimeoutRequest, context: Any
    ) -> pb.UpdateJobTimeoutResponse:
        self._engine.update_job_timeout(request.jobKey, request.timeout)
        return pb.UpdateJobTimeoutResponse()

    # --- messages, signals, decisions -------------------------------------------------------

    @_rpc
    async def PublishMessage(
        self, request: pb.PublishMessageRequest, context: Any
    ) -> pb.PublishMessageResponse:
        convert.require_not_blank(request.name, "name")
        tenant_id = convert.tenant(request.tenantId)
        key = self._engine.publish_message(
            name=request.name,
            correlation_key=request.correlationKey,
            time_to_live_ms=request.timeToLive,
            message_id=request.messageId,
            variables=convert.optional_variables(request.variables, "variables"),
            tenant_id=tenant_id,
        )
        return pb.PublishMessageResponse(key=key, tenantId=tenant_id)

    @_rpc
    async def BroadcastSignal(
        self, request: pb.BroadcastSignalRequest, context: Any
    ) -> pb.BroadcastSignalResponse:
        convert.require_not_blank(request.signalName, "signalName")
        tenant_id = convert.tenant(request.tenantId)
        key = self._engine.broadcast_signal(
            signal_name=request.signalName,
            variables=convert.optional_variables(request.variables, "variables"),
            tenant_id=tenant_id,
        )
        return pb.BroadcastSignalResponse(key=key, tenantId=tenant_id)

    @_rpc
    async def EvaluateDecision(
        self, request: pb.EvaluateDecisionRequest, context: Any
    ) -> pb.EvaluateDecisionResponse:
        # Zeebe's gateway forwards both fields (RequestMapper.toEvaluateDecisionRequest) and its
        # broker looks the decision up by id first; only neither is refused.
        if not request.decisionId and request.decisionKey <= 0:
            raise InvalidArgument(
                "Expected either a decisionId or a decisionKey, but none was given"
            )
        result = self._engine.evaluate_decision(
            decision_id=request.decisionId or None,
            decision_key=None if request.decisionId else request.decisionKey,
            variables=convert.parse_variables(request.variables, "variables"),
            tenant_id=convert.tenant(request.tenantId),
        )
        return convert.decision_result(result)


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_exception(TimeoutError())
