"""Live entities of the runtime: frozen values, replaced (never mutated) on every change.

Each is stored as one row (kind + key + JSON payload). Tuples are written as JSON lists and read
back as tuples; dict fields hold only JSON-compatible values.
"""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from engine.store import jsontext

NO_KEY = -1


class Kind(StrEnum):
    """Row kinds of the ``engine_state`` table."""

    ELEMENT = "element"
    VARIABLE = "variable"
    JOB = "job"
    INCIDENT = "incident"
    TIMER = "timer"
    MESSAGE_SUBSCRIPTION = "message_subscription"
    MESSAGE = "message"
    SIGNAL_SUBSCRIPTION = "signal_subscription"
    USER_TASK = "user_task"


class ElementState(StrEnum):
    ACTIVATING = "ELEMENT_ACTIVATING"
    ACTIVATED = "ELEMENT_ACTIVATED"
    COMPLETING = "ELEMENT_COMPLETING"
    TERMINATING = "ELEMENT_TERMINATING"


class JobState(StrEnum):
    ACTIVATABLE = "ACTIVATABLE"
    ACTIVATED = "ACTIVATED"
    FAILED = "FAILED"  # no retries left: waits for update_job_retries + resolve_incident
    BACKOFF = "BACKOFF"  # failed with a retry back-off: activatable again at recur_at
    ERROR_THROWN = "ERROR_THROWN"  # uncaught BPMN error: waits for resolve_incident


class UserTaskState(StrEnum):
    CREATED = "CREATED"
    ASSIGNING = "ASSIGNING"
    COMPLETING = "COMPLETING"


@dataclasses.dataclass(frozen=True)
class Entity:
    """Base: a key, the process instance it belongs to, and JSON (de)serialisation."""

    KIND: ClassVar[Kind]

    key: int

    @property
    def process_instance_key(self) -> int:
        return NO_KEY

    def to_json(self) -> str:
        # Shallow on purpose: fields hold JSON-compatible values only (tuples become lists),
        # and dataclasses.asdict's deep copy is the costliest part of a step.
        names = _FIELD_NAMES.get(type(self))
        if names is None:
            names = tuple(f.name for f in dataclasses.fields(self))
            _FIELD_NAMES[type(self)] = names
        data = {name: getattr(self, name) for name in names}
        return jsontext.dumps(data)


E = TypeVar("E", bound=Entity)
_FIELD_NAMES: dict[type[Entity], tuple[str, ...]] = {}
_FIELD_SETS: dict[type[Entity], frozenset[str]] = {}


def evolve(entity: E, /, **changes: Any) -> E:
    """``dataclasses.replace`` for entities (which have no ``__post_init__``), at a fifth of
    its cost: it copies the fields instead of calling ``__init__`` with introspected ones."""
    cls = type(entity)
    names = _FIELD_SETS.get(cls)
    if names is None:
        names = _FIELD_SETS[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    if not changes.keys() <= names:
        raise TypeError(f"{cls.__name__} has no field(s) {sorted(changes.keys() - names)}")
    new = object.__new__(cls)
    fields = new.__dict__
    fields.update(entity.__dict__)
    fields.update(changes)
    return new


def entity_from_json(cls: type[E], payload: str) -> E:
    data: dict[str, Any] = json.loads(payload)
    fields = {f.name for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in fields
    }
    return cls(**values)


@dataclasses.dataclass(frozen=True)
class ElementInstance(Entity):
    """An active flow node or scope (the process instance itself is the root scope)."""

    KIND: ClassVar[Kind] = Kind.ELEMENT

    pi_key: int
    process_definition_key: int
    element_id: str
    element_type: str
    event_type: str
    flow_scope_key: int
    state: str
    parent_process_instance_key: int = NO_KEY
    parent_element_instance_key: int = NO_KEY
    #: scopes: sequence flows taken whose target has not been activated yet (join tokens),
    #: by flow id; a scope completes only when it has neither children nor such tokens
    tokens: dict[str, int] = dataclasses.field(default_factory=dict)
    job_key: int = NO_KEY
    user_task_key: int = NO_KEY
    #: multi-instance: loop counter of a child; bodies: number of completed children
    loop_counter: int = 0
    completed_children: int = 0
    #: scope interrupted by an interrupting event sub-process: no new tokens, completes after it
    interrupted: bool = False
    #: the event that triggered an element (boundary/event sub-process start): its variables
    trigger_variables: str = ""
    #: a called process instance (call activities)
    called_instance_key: int = NO_KEY
    #: roots started by a message with a correlation key: "<process id>\x00<key>", so that
    #: only one such instance per process and key is active at a time (Zeebe's rule)
    start_correlation: str = ""

    @property
    def process_instance_key(self) -> int:
        return self.pi_key


@dataclasses.dataclass(frozen=True)
class Variable(Entity):
    KIND: ClassVar[Kind] = Kind.VARIABLE

    scope_key: int
    name: str
    value: str  # JSON text
    pi_key: int
    process_definition_key: int
    bpmn_process_id: str
    tenant_id: str

    @property
    def process_instance_key(self) -> int:
        return self.pi_key


@dataclasses.dataclass(frozen=True)
class Job(Entity):
    KIND: ClassVar[Kind] = Kind.JOB

    type: str
    state: str
    retries: int
    element_instance_key: int
    pi_key: int
    element_id: str
    bpmn_process_id: str
    process_definition_key: int
    process_definition_version: int
    custom_headers: dict[str, str]
    tenant_id: str = "<default>"
    worker: str = ""
    deadline: int = NO_KEY
    recur_at: int = NO_KEY
    error_message: str = ""
    error_code: str = ""
    #: a user task job is never handed to workers (kept for completeness)
    kind: str = "BPMN_ELEMENT"

    @property
    def process_instance_key(self) -> int:
        return self.pi_key


@dataclasses.dataclass(frozen=True)
class Incident(Entity):
    KIND: ClassVar[Kind] = Kind.INCIDENT

    error_type: str
    error_message: str
    pi_key: int
    element_instance_key: int
    element_id: str
    bpmn_process_id: str
    process_definition_key: int
    job_key: int = NO_KEY
    variable_scope_key: int = NO_KEY
    tenant_id: str = "<default>"
    #: what resolving retries: "activate" | "complete" | "job" | "throw" (see runtime.incidents)
    retry: str = ""
    #: data the retry needs (e.g. the error code of an uncaught error)
    retry_data: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def process_instance_key(self) -> int:
        return self.pi_key


@dataclasses.dataclass(frozen=True)
class Timer(Entity):
    KIND: ClassVar[Kind] = Kind.TIMER

    due_date: int
    element_id: str
    process_definition_key: int
    #: the catching element instance (intermediate/boundary), or the scope for event
    #: sub-process starts; NO_KEY for timer start events
    element_instance_key: int = NO_KEY
    pi_key: int = NO_KEY
    #: occurrences left including this one (-1 = forever); ``cycle`` is the timeCycle text
    repetitions: int = 1
    cycle: str = ""
    #: interrupting (boundary/event sub-process start) or not
    interrupting: bool = True
    tenant_id: str = "<default>"

    @property
    def process_instance_key(self) -> int:
        return self.pi_key


@dataclasses.dataclass(frozen=True)
class MessageSubscription(Entity):
    KIND: ClassVar[Kind] = Kind.MESSAGE_SUBSCRIPTION

    message_name: str
    correlation_key: str
    element_id: str
    element_instance_key: int  # catch element, or the scope for boundary/event-subprocess
    pi_key: int
    bpmn_process_id: str
    process_definition_key: int
    interrupting: bool = True
    tenant_id: str = "<default>"

    @property
    def process_instance_key(self) -> int:
        return self.pi_key


@dataclasses.dataclass(frozen=True)
class Message(Entity):
    """A published message buffered until its time to live ends."""

    KIND: ClassVar[Kind] = Kind.MESSAGE

    name: str
    correlation_key: str
    message_id: str
    variables: str  # JSON object text
    deadline: int
    time_to_live: int
    tenant_id: str = "<default>"
    #: bpmn process ids it was correlated to (catch events or start events): Zeebe correlates
    #: a message once per process, across its instances and versions
    correlated_processes: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class SignalSubscription(Entity):
    KIND: ClassVar[Kind] = Kind.SIGNAL_SUBSCRIPTION

    signal_name: str
    element_id: str
    element_instance_key: int  # NO_KEY for signal start events
    pi_key: int
    process_definition_key: int
    bpmn_process_id: str
    interrupting: bool = True
    tenant_id: str = "<default>"

    @property
    def process_instance_key(self) -> int:
        return self.pi_key


@dataclasses.dataclass(frozen=True)
class UserTask(Entity):
    KIND: ClassVar[Kind] = Kind.USER_TASK

    state: str
    element_instance_key: int
    pi_key: int
    element_id: str
    bpmn_process_id: str
    process_definition_key: int
    process_definition_version: int
    creation_timestamp: int
    assignee: str = ""
    candidate_groups: tuple[str, ...] = ()
    candidate_users: tuple[str, ...] = ()
    due_date: str = ""
    follow_up_date: str = ""
    form_key: int = NO_KEY
    external_form_reference: str = ""
    custom_headers: dict[str, str] = dataclasses.field(default_factory=dict)
    priority: int = 50
    tenant_id: str = "<default>"

    @property
    def process_instance_key(self) -> int:
        return self.pi_key


ENTITY_CLASSES: dict[Kind, type[Entity]] = {
    cls.KIND: cls
    for cls in (
        ElementInstance,
        Variable,
        Job,
        Incident,
        Timer,
        MessageSubscription,
        Message,
        SignalSubscription,
        UserTask,
    )
}
