"""The contract between the engine core and its front doors (gRPC gateway, REST API, CLI, tests).

The gateway and the REST API only translate a request into one call on :class:`EngineApi` and
the answer back, exactly as Zeebe's gateway turns each RPC into a broker command. The runtime
implements the protocol. All calls happen on the engine's event-loop thread; every command is
committed to the store before it returns (nothing is acknowledged before it is durable).

Variables cross this boundary as JSON-compatible Python values (``dict`` / ``list`` / ``str`` /
``int`` / ``float`` / ``bool`` / ``None``). Keys are Zeebe-style 64-bit integers.

Errors are the classes in :mod:`engine.errors`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

JsonDict = dict[str, Any]

DEFAULT_TENANT = "<default>"
"""The one tenant of an engine without multi-tenancy (Zeebe's default tenant id)."""


# --- deployment --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """One file of a deployment: ``*.bpmn``, ``*.dmn`` or ``*.form``."""

    name: str
    content: bytes


@dataclass(frozen=True)
class DeployedProcess:
    bpmn_process_id: str
    version: int
    process_definition_key: int
    resource_name: str
    tenant_id: str = "<default>"


@dataclass(frozen=True)
class DeployedDecision:
    dmn_decision_id: str
    dmn_decision_name: str
    version: int
    decision_key: int
    dmn_decision_requirements_id: str
    decision_requirements_key: int
    tenant_id: str = "<default>"


@dataclass(frozen=True)
class DeployedDecisionRequirements:
    dmn_decision_requirements_id: str
    dmn_decision_requirements_name: str
    version: int
    decision_requirements_key: int
    resource_name: str
    tenant_id: str = "<default>"


@dataclass(frozen=True)
class DeployedForm:
    form_id: str
    version: int
    form_key: int
    resource_name: str
    tenant_id: str = "<default>"


@dataclass(frozen=True)
class DeploymentResult:
    key: int
    processes: tuple[DeployedProcess, ...] = ()
    decisions: tuple[DeployedDecision, ...] = ()
    decision_requirements: tuple[DeployedDecisionRequirements, ...] = ()
    forms: tuple[DeployedForm, ...] = ()
    tenant_id: str = "<default>"


# --- process instances -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessInstanceCreated:
    process_definition_key: int
    bpmn_process_id: str
    version: int
    process_instance_key: int
    tenant_id: str = "<default>"


@dataclass(frozen=True)
class ProcessInstanceResult:
    """Answer of CreateProcessInstanceWithResult: the instance and its final variables."""

    created: ProcessInstanceCreated
    variables: JsonDict


# --- jobs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivatedJob:
    key: int
    type: str
    process_instance_key: int
    bpmn_process_id: str
    process_definition_version: int
    process_definition_key: int
    element_id: str
    element_instance_key: int
    custom_headers: Mapping[str, str]
    worker: str
    retries: int
    deadline: int
    variables: JsonDict
    tenant_id: str = "<default>"


@dataclass(frozen=True)
class JobActivationRequest:
    job_type: str
    worker: str
    timeout_ms: int
    max_jobs: int
    fetch_variables: Sequence[str] | None = None  # None or empty: all variables
    tenant_ids: Sequence[str] = ()


# --- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchedRule:
    rule_id: str
    rule_index: int  # 1-based, as Zeebe reports it
    evaluated_outputs: tuple[JsonDict, ...]  # {outputId, outputName, outputValue(JSON str)}


@dataclass(frozen=True)
class EvaluatedDecision:
    decision_id: str
    decision_name: str
    decision_key: int
    decision_version: int
    decision_type: str  # DECISION_TABLE | LITERAL_EXPRESSION | ...
    decision_output: str  # JSON text
    evaluated_inputs: tuple[JsonDict, ...] = ()  # {inputId, inputName, inputValue(JSON str)}
    matched_rules: tuple[MatchedRule, ...] = ()
    tenant_id: str = "<default>"


@dataclass(frozen=True)
class DecisionEvaluationResult:
    decision_id: str
    decision_name: str
    decision_key: int
    decision_version: int
    decision_requirements_id: str
    decision_requirements_key: int
    decision_output: str  # JSON text; "null" on failure
    evaluated_decisions: tuple[EvaluatedDecision, ...] = ()
    failed_decision_id: str = ""
    failure_message: str = ""
    tenant_id: str = "<default>"


# --- user tasks and searches (REST API) --------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """Camunda REST v2 page: ``from``/``limit`` or cursors ``searchAfter``/``searchBefore``."""

    limit: int = 100
    from_: int = 0
    search_after: Sequence[Any] | None = None
    search_before: Sequence[Any] | None = None


@dataclass(frozen=True)
class Sort:
    field: str
    order: str = "ASC"  # ASC | DESC


@dataclass(frozen=True)
class SearchResult:
    items: list[JsonDict]
    total_items: int
    first_sort_values: list[Any] = field(default_factory=list)
    last_sort_values: list[Any] = field(default_factory=list)


# --- records (the append-only log) -------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One entry of the append-only log, shaped like a Zeebe exporter record.

    ``value_type`` and ``intent`` use Zeebe's names (``PROCESS_INSTANCE`` / ``ELEMENT_ACTIVATED``,
    ``JOB`` / ``CREATED``, ``VARIABLE`` / ``UPDATED``, ``USER_TASK`` / ``ASSIGNED``, ``INCIDENT`` /
    ``CREATED`` …); ``value`` holds the record value with Zeebe's camelCase field names.
    """

    position: int
    key: int
    timestamp: int
    record_type: str  # COMMAND | EVENT | COMMAND_REJECTION
    value_type: str
    intent: str
    process_instance_key: int
    value: JsonDict
    rejection_type: str = ""
    rejection_reason: str = ""


JobsAvailableListener = Callable[[str], None]
"""Called with a job type whenever jobs of that type may have become activatable."""


class EngineApi(Protocol):
    """What the front doors may call. Implemented by :class:`engine.runtime.Engine`."""

    # deployment
    def deploy(
        self, resources: Sequence[Resource], tenant_id: str = "<default>"
    ) -> DeploymentResult: ...
    def delete_resource(self, resource_key: int) -> None: ...

    # process instances
    def create_process_instance(
        self,
        *,
        bpmn_process_id: str | None = None,
        version: int = -1,
        process_definition_key: int | None = None,
        variables: JsonDict | None = None,
        start_element_ids: Sequence[str] = (),
        tenant_id: str = "<default>",
    ) -> ProcessInstanceCreated: ...

    def instance_result(
        self, process_instance_key: int, fetch_variables: Sequence[str] = ()
    ) -> asyncio.Future[ProcessInstanceResult]:
        """A future resolved when the instance completes (CreateProcessInstanceWithResult)."""
        ...

    def cancel_process_instance(self, process_instance_key: int) -> None: ...
    def set_variables(self, element_instance_key: int, variables: JsonDict, local: bool) -> int: ...
    def resolve_incident(self, incident_key: int) -> None: ...

    # jobs
    def activate_jobs(self, request: JobActivationRequest) -> list[ActivatedJob]: ...
    def add_jobs_available_listener(self, listener: JobsAvailableListener) -> Callable[[], None]:
        """Register a listener (long polling, job streams); returns a function that removes it."""
        ...

    def yield_job(self, job_key: int) -> None:
        """An activated job a stream could not deliver is activatable again (Zeebe's JOB YIELD)."""
        ...

    def job_activated(self, job_key: int, worker: str, deadline: int | None = None) -> bool:
        """Whether the job is activated for ``worker`` (and, given a ``deadline``, still until
        then); job streams count their jobs in flight with it."""
        ...

    def complete_job(self, job_key: int, variables: JsonDict) -> None: ...
    def fail_job(
        self,
        job_key: int,
        *,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: JsonDict | None = None,
    ) -> None: ...
    def throw_error(
        self,
        job_key: int,
        *,
        error_code: str,
        error_message: str = "",
        variables: JsonDict | None = None,
    ) -> None: ...
    def update_job_retries(self, job_key: int, retries: int) -> None: ...
    def update_job_timeout(self, job_key: int, timeout_ms: int) -> None: ...

    # messages and signals
    def publish_message(
        self,
        *,
        name: str,
        correlation_key: str,
        time_to_live_ms: int,
        message_id: str = "",
        variables: JsonDict | None = None,
        tenant_id: str = "<default>",
    ) -> int: ...
    def broadcast_signal(
        self, *, signal_name: str, variables: JsonDict | None = None, tenant_id: str = "<default>"
    ) -> int: ...

    # decisions
    def evaluate_decision(
        self,
        *,
        decision_id: str | None = None,
        decision_key: int | None = None,
        variables: JsonDict | None = None,
        tenant_id: str = "<default>",
    ) -> DecisionEvaluationResult: ...

    # user tasks (REST only; there is no gRPC call for them)
    def assign_user_task(
        self, user_task_key: int, *, assignee: str, allow_override: bool = True, action: str = ""
    ) -> None: ...
    def unassign_user_task(self, user_task_key: int, *, action: str = "") -> None: ...
    def update_user_task(
        self, user_task_key: int, changeset: JsonDict, *, action: str = ""
    ) -> None: ...
    def complete_user_task(
        self, user_task_key: int, *, variables: JsonDict | None = None, action: str = ""
    ) -> None: ...

    # acknowledgement
    def durable(self) -> Awaitable[None]:
        """Completes once every command run so far is committed to the store; a front door
        awaits it before it answers (group commit). Raises :class:`engine.errors.Unavailable`
        when that commit failed (the command was not kept)."""
        ...

    # reads
    def history(self, process_instance_key: int) -> list[Record]:
        """Every record of the instance (and its child instances), in log order."""
        ...

    def topology(self) -> JsonDict: ...


class Exporter(Protocol):
    """Receives every record inside the transaction that commits it (Zeebe's exporter idea).

    The query module uses this to keep the search tables of the REST API in step with the log,
    atomically: a record is either committed together with its projections or not at all.
    """

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        """``connection`` is the open ``sqlalchemy.Connection`` of the committing transaction."""
        ...
