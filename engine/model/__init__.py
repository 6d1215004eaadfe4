"""BPMN model: ``parse_bpmn`` turns a ``.bpmn`` resource into immutable specs for the runtime.

Timer texts (durations, dates, cycles) are parsed by :mod:`engine.model.timers`, which the runtime
reuses to schedule timers.
"""

from engine.model.parser import parse_bpmn
from engine.model.problems import BpmnValidationError, Problem
from engine.model.specs import (
    Binding,
    BindingType,
    BpmnResource,
    CalledDecision,
    CalledElement,
    Element,
    ElementType,
    ErrorDefinition,
    EscalationDefinition,
    EventType,
    Expression,
    LoopCharacteristics,
    MessageDefinition,
    Process,
    ScriptDefinition,
    SequenceFlow,
    SignalDefinition,
    TaskDefinition,
    TimerDefinition,
    TimerKind,
    UserTaskDefinition,
    VariableMapping,
)

__all__ = [
    "Binding",
    "BindingType",
    "BpmnResource",
    "BpmnValidationError",
    "CalledDecision",
    "CalledElement",
    "Element",
    "ElementType",
    "ErrorDefinition",
    "EscalationDefinition",
    "EventType",
    "Expression",
    "LoopCharacteristics",
    "MessageDefinition",
    "Problem",
    "Process",
    "ScriptDefinition",
    "SequenceFlow",
    "SignalDefinition",
    "TaskDefinition",
    "TimerDefinition",
    "TimerKind",
    "UserTaskDefinition",
    "VariableMapping",
    "parse_bpmn",
]
