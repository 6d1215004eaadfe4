"""Camunda 8.8's enumerations that search filters check values against (400 outside them)."""

from __future__ import annotations

# Camunda 8.8's UserTaskStateEnum; the projection only ever stores the three settled states.
USER_TASK_STATES = (
    "CREATING", "CREATED", "ASSIGNING", "UPDATING", "COMPLETING", "COMPLETED", "CANCELING",
    "CANCELED", "FAILED",
)  # fmt: skip
INSTANCE_STATES = ("ACTIVE", "COMPLETED", "TERMINATED")
# Camunda's IncidentStateEnum; the projection never stores UNKNOWN, so it matches nothing.
INCIDENT_STATES = ("ACTIVE", "RESOLVED", "MIGRATED", "PENDING", "UNKNOWN")
# Camunda 8.8's IncidentFilter.errorType and ElementInstanceFilter.type enums: a value outside
# them is refused (400) rather than silently matching nothing.
INCIDENT_ERROR_TYPES = (
    "UNSPECIFIED", "UNKNOWN", "IO_MAPPING_ERROR", "JOB_NO_RETRIES",
    "EXECUTION_LISTENER_NO_RETRIES", "TASK_LISTENER_NO_RETRIES", "AD_HOC_SUB_PROCESS_NO_RETRIES",
    "CONDITION_ERROR", "EXTRACT_VALUE_ERROR", "CALLED_ELEMENT_ERROR", "UNHANDLED_ERROR_EVENT",
    "MESSAGE_SIZE_EXCEEDED", "CALLED_DECISION_ERROR", "DECISION_EVALUATION_ERROR",
    "FORM_NOT_FOUND", "RESOURCE_NOT_FOUND",
)  # fmt: skip
ELEMENT_TYPES = (
    "UNSPECIFIED", "PROCESS", "SUB_PROCESS", "EVENT_SUB_PROCESS", "AD_HOC_SUB_PROCESS",
    "AD_HOC_SUB_PROCESS_INNER_INSTANCE", "START_EVENT", "INTERMEDIATE_CATCH_EVENT",
    "INTERMEDIATE_THROW_EVENT", "BOUNDARY_EVENT", "END_EVENT", "SERVICE_TASK", "RECEIVE_TASK",
    "USER_TASK", "MANUAL_TASK", "TASK", "EXCLUSIVE_GATEWAY", "INCLUSIVE_GATEWAY",
    "PARALLEL_GATEWAY", "EVENT_BASED_GATEWAY", "SEQUENCE_FLOW", "MULTI_INSTANCE_BODY",
    "CALL_ACTIVITY", "BUSINESS_RULE_TASK", "SCRIPT_TASK", "SEND_TASK", "UNKNOWN",
)  # fmt: skip
