"""What every behaviour shares while one command runs: state, definitions, the record writer,
the follow-up queue, and the hooks that run after the commit (or undo a failed command).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from engine.api import JsonDict, Record
from engine.clock import Clock
from engine.model.specs import Element
from engine.runtime.entities import NO_KEY, ElementInstance
from engine.runtime.repository import ProcessDefinition, Repository
from engine.runtime.state import State
from engine.store import ResourceRow, jsontext


class IncidentRaised(Exception):
    """A step cannot go on: the caller records an incident and the element waits in place."""

    def __init__(self, error_type: str, message: str, *, variable_scope_key: int = NO_KEY) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.variable_scope_key = variable_scope_key


class Context:
    """Per-engine shared state; :meth:`begin` resets the per-command parts."""

    def __init__(self, state: State, repository: Repository, clock: Clock) -> None:
        self.state = state
        self.repo = repository
        self.clock = clock
        self.now = clock.now_ms()
        self.records: list[Record] = []
        self.queue: deque[Callable[[], None]] = deque()
        self.after_commit: list[Callable[[], None]] = []
        self.on_rollback: list[Callable[[], None]] = []
        self.jobs_available: set[str] = set()
        self.scheduled: list[tuple[int, str, int]] = []  # (due, kind, key)
        self.resource_rows: list[ResourceRow] = []
        self.deleted_resources: list[int] = []

    def begin(self) -> None:
        self.now = self.clock.now_ms()
        self.records = []
        self.queue.clear()
        self.after_commit = []
        self.on_rollback = []
        self.jobs_available = set()
        self.scheduled = []
        self.resource_rows = []
        self.deleted_resources = []

    # --- records -----------------------------------------------------------------------------

    def write(
        self,
        value_type: str,
        intent: str,
        key: int,
        value: JsonDict,
        *,
        process_instance_key: int = NO_KEY,
        record_type: str = "EVENT",
        rejection_type: str = "",
        rejection_reason: str = "",
    ) -> Record:
        record = Record(
            position=self.state.new_position(),
            key=key,
            timestamp=self.now,
            record_type=record_type,
            value_type=value_type,
            intent=intent,
            process_instance_key=process_instance_key,
            value=value,
            rejection_type=rejection_type,
            rejection_reason=rejection_reason,
        )
        self.records.append(record)
        return record

    def definition(self, process_definition_key: int) -> ProcessDefinition:
        return self.repo.processes[process_definition_key]

    def element_of(self, instance: ElementInstance) -> Element:
        return self.definition(instance.process_definition_key).element(instance.element_id)

    def pi_value(self, instance: ElementInstance) -> JsonDict:
        """The PROCESS_INSTANCE record value of an element instance."""
        definition = self.definition(instance.process_definition_key)
        return {
            "bpmnProcessId": definition.bpmn_process_id,
            "version": definition.version,
            "processDefinitionKey": definition.key,
            "processInstanceKey": instance.pi_key,
            "elementId": instance.element_id,
            "flowScopeKey": instance.flow_scope_key,
            "bpmnElementType": instance.element_type,
            "bpmnEventType": instance.event_type,
            "parentProcessInstanceKey": instance.parent_process_instance_key,
            "parentElementInstanceKey": instance.parent_element_instance_key,
            "tenantId": definition.tenant_id,
        }

    def write_element(self, instance: ElementInstance, intent: str) -> None:
        self.write(
            "PROCESS_INSTANCE",
            intent,
            instance.key,
            self.pi_value(instance),
            process_instance_key=instance.pi_key,
        )

    def schedule(self, due: int, kind: str, key: int) -> None:
        """Note new due work (timer, job deadline, back-off, message TTL) for the scheduler."""
        self.scheduled.append((due, kind, key))

    def enqueue(self, step: Callable[[], None]) -> None:
        self.queue.append(step)

    def drain(self) -> None:
        while self.queue:
            self.queue.popleft()()

    def defer(self, fn: Callable[[], None]) -> None:
        self.after_commit.append(fn)

    def undo_with(self, fn: Callable[[], None]) -> None:
        self.on_rollback.append(fn)


def json_dumps(value: Any) -> str:
    """Variable values as stored and exported: compact JSON text, non-ASCII kept."""
    return jsontext.dumps(value)
