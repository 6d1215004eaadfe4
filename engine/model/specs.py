"""Immutable specs of a deployed BPMN process: what the parser produces and the runtime executes.

One :class:`Element` class covers every flow node; which optional fields are set depends on its
``element_type`` and ``event_type`` (a service task has ``task_definition``, a timer boundary
event has ``timer`` and ``attached_to`` …). Expressions keep their source text so errors and
incidents can quote them; the runtime compiles FEEL once per expression (engine.feel caches).

Ids are the BPMN element ids; ``line`` is the source line of the element in its resource, for
error messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class ElementType(StrEnum):
    """Zeebe's ``BpmnElementType`` names (they appear in records)."""

    PROCESS = "PROCESS"
    START_EVENT = "START_EVENT"
    END_EVENT = "END_EVENT"
    INTERMEDIATE_CATCH_EVENT = "INTERMEDIATE_CATCH_EVENT"
    INTERMEDIATE_THROW_EVENT = "INTERMEDIATE_THROW_EVENT"
    BOUNDARY_EVENT = "BOUNDARY_EVENT"
    SERVICE_TASK = "SERVICE_TASK"
    SEND_TASK = "SEND_TASK"
    SCRIPT_TASK = "SCRIPT_TASK"
    RECEIVE_TASK = "RECEIVE_TASK"
    USER_TASK = "USER_TASK"
    BUSINESS_RULE_TASK = "BUSINESS_RULE_TASK"
    MANUAL_TASK = "MANUAL_TASK"
    TASK = "TASK"
    SUB_PROCESS = "SUB_PROCESS"
    EVENT_SUB_PROCESS = "EVENT_SUB_PROCESS"
    CALL_ACTIVITY = "CALL_ACTIVITY"
    EXCLUSIVE_GATEWAY = "EXCLUSIVE_GATEWAY"
    PARALLEL_GATEWAY = "PARALLEL_GATEWAY"
    INCLUSIVE_GATEWAY = "INCLUSIVE_GATEWAY"
    EVENT_BASED_GATEWAY = "EVENT_BASED_GATEWAY"
    SEQUENCE_FLOW = "SEQUENCE_FLOW"
    MULTI_INSTANCE_BODY = "MULTI_INSTANCE_BODY"


class EventType(StrEnum):
    """Zeebe's ``BpmnEventType`` names."""

    UNSPECIFIED = "UNSPECIFIED"
    NONE = "NONE"
    TIMER = "TIMER"
    MESSAGE = "MESSAGE"
    SIGNAL = "SIGNAL"
    ERROR = "ERROR"
    ESCALATION = "ESCALATION"
    TERMINATE = "TERMINATE"
    LINK = "LINK"


class TimerKind(StrEnum):
    DATE = "timeDate"
    DURATION = "timeDuration"
    CYCLE = "timeCycle"


@dataclass(frozen=True)
class Expression:
    """A Zeebe attribute value: FEEL when it starts with ``=``, otherwise a static string."""

    source: str

    @property
    def is_feel(self) -> bool:
        return self.source.lstrip().startswith("=")

    @property
    def feel(self) -> str:
        """The FEEL text without the leading ``=`` (only meaningful when :attr:`is_feel`)."""
        return self.source.lstrip()[1:]


@dataclass(frozen=True)
class VariableMapping:
    """One ``zeebe:input`` / ``zeebe:output``: ``source`` is an expression, ``target`` a path."""

    source: Expression
    target: str


@dataclass(frozen=True)
class TaskDefinition:
    type: Expression
    retries: Expression = Expression("3")


@dataclass(frozen=True)
class TimerDefinition:
    kind: TimerKind
    expression: Expression


@dataclass(frozen=True)
class MessageDefinition:
    """A message reference; ``correlation_key`` is None for message start events."""

    message_id: str
    name: Expression
    correlation_key: Expression | None = None


@dataclass(frozen=True)
class SignalDefinition:
    signal_id: str
    name: Expression


@dataclass(frozen=True)
class ErrorDefinition:
    """``error_code`` None on a catch event means "catch every error"."""

    error_id: str | None
    error_code: str | None


@dataclass(frozen=True)
class EscalationDefinition:
    """``code`` None on a catch event means "catch every escalation"."""

    escalation_id: str | None
    code: str | None


class BindingType(StrEnum):
    """Which version of a called process, decision or linked form is used (``bindingType``)."""

    LATEST = "latest"
    DEPLOYMENT = "deployment"
    VERSION_TAG = "versionTag"


@dataclass(frozen=True)
class Binding:
    """``bindingType`` and, for ``versionTag``, the tag (``versionTag`` attribute)."""

    type: BindingType = BindingType.LATEST
    version_tag: str | None = None


@dataclass(frozen=True)
class CalledElement:
    process_id: Expression
    propagate_all_child_variables: bool = True
    propagate_all_parent_variables: bool = True
    binding: Binding = Binding()


@dataclass(frozen=True)
class CalledDecision:
    decision_id: Expression
    result_variable: str
    binding: Binding = Binding()


@dataclass(frozen=True)
class ScriptDefinition:
    """A Zeebe FEEL script task (``zeebe:script expression=… resultVariable=…``)."""

    expression: Expression
    result_variable: str


@dataclass(frozen=True)
class UserTaskDefinition:
    """A Camunda user task (``<zeebe:userTask/>``) and its assignment, schedule, priority, form."""

    assignee: Expression | None = None
    candidate_groups: Expression | None = None
    candidate_users: Expression | None = None
    due_date: Expression | None = None
    follow_up_date: Expression | None = None
    priority: Expression | None = None
    form_id: str | None = None
    external_form_reference: Expression | None = None
    form_binding: Binding = Binding()
    #: a job-worker user task (no ``zeebe:userTask``; deprecated since 8.6): a job of type
    #: ``io.camunda.zeebe:userTask`` whose headers carry the assignment, dates and form key
    job_worker: bool = False
    #: ``zeebe:formDefinition formKey`` of a job-worker user task (passed on as is)
    form_key: str | None = None


@dataclass(frozen=True)
class LoopCharacteristics:
    """``multiInstanceLoopCharacteristics`` with ``zeebe:loopCharacteristics``."""

    sequential: bool
    input_collection: Expression
    input_element: str | None = None
    output_collection: str | None = None
    output_element: Expression | None = None
    completion_condition: Expression | None = None


@dataclass(frozen=True)
class SequenceFlow:
    id: str
    source: str
    target: str
    condition: Expression | None = None
    name: str = ""
    line: int = 0


@dataclass(frozen=True)
class Element:
    """A flow node (or the process itself, as the root scope)."""

    id: str
    element_type: ElementType
    event_type: EventType = EventType.UNSPECIFIED
    name: str = ""
    line: int = 0
    #: id of the enclosing scope (process, sub-process, event sub-process); None for the process
    flow_scope: str | None = None
    incoming: tuple[str, ...] = ()
    outgoing: tuple[str, ...] = ()
    default_flow: str | None = None
    inputs: tuple[VariableMapping, ...] = ()
    outputs: tuple[VariableMapping, ...] = ()
    task_definition: TaskDefinition | None = None
    task_headers: tuple[tuple[str, str], ...] = ()
    properties: tuple[tuple[str, str], ...] = ()
    timer: TimerDefinition | None = None
    message: MessageDefinition | None = None
    signal: SignalDefinition | None = None
    error: ErrorDefinition | None = None
    escalation: EscalationDefinition | None = None
    called_element: CalledElement | None = None
    called_decision: CalledDecision | None = None
    script: ScriptDefinition | None = None
    user_task: UserTaskDefinition | None = None
    loop: LoopCharacteristics | None = None
    #: link throw/catch events: the link name (a throw continues at the catch of that name)
    link_name: str | None = None
    #: boundary events: the activity they are attached to and whether they interrupt it
    attached_to: str | None = None
    cancel_activity: bool = True
    #: start events of event sub-processes: whether they interrupt the enclosing scope
    interrupting: bool = True
    #: scopes (process, sub-processes, event sub-processes): their direct children, in order
    children: tuple[str, ...] = ()
    #: activities: ids of the boundary events attached to them
    boundary_events: tuple[str, ...] = ()
    #: scopes: ids of their event sub-processes
    event_sub_processes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Process:
    """One executable ``bpmn:process``: its elements and flows, indexed by id."""

    id: str
    name: str
    resource_name: str
    elements: Mapping[str, Element]
    flows: Mapping[str, SequenceFlow]
    version_tag: str | None = None
    line: int = 0

    @property
    def root(self) -> Element:
        return self.elements[self.id]

    def start_events(self, scope_id: str) -> tuple[Element, ...]:
        """Start events directly inside ``scope_id`` (event sub-process starts excluded)."""
        scope = self.elements[scope_id]
        return tuple(
            self.elements[c]
            for c in scope.children
            if self.elements[c].element_type is ElementType.START_EVENT
        )


@dataclass(frozen=True)
class BpmnResource:
    """Everything one ``.bpmn`` file defines."""

    resource_name: str
    processes: tuple[Process, ...]
    #: message/signal/error/escalation definitions by id, as referenced from events
    messages: Mapping[str, MessageDefinition] = field(default_factory=dict)
    signals: Mapping[str, SignalDefinition] = field(default_factory=dict)
    errors: Mapping[str, ErrorDefinition] = field(default_factory=dict)
    escalations: Mapping[str, EscalationDefinition] = field(default_factory=dict)
