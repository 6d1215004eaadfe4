"""Incidents: a step that cannot go on waits here until an operator resolves it.

Each incident remembers which step to retry: ``activate`` (the element's activation: input
mappings, expressions, subscriptions), ``complete`` (output mappings and leaving the element),
``loop`` (a multi-instance body's completion condition / next iteration) or ``job`` (the job
becomes activatable again, once its retries are above zero).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.api import JsonDict
from engine.errors import FailedPrecondition, NotFound
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import NO_KEY, ElementInstance, ElementState, Incident, Job

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors


class Incidents:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    def value(self, incident: Incident) -> JsonDict:
        return {
            "errorType": incident.error_type,
            "errorMessage": incident.error_message,
            "bpmnProcessId": incident.bpmn_process_id,
            "processDefinitionKey": incident.process_definition_key,
            "processInstanceKey": incident.pi_key,
            "elementId": incident.element_id,
            "elementInstanceKey": incident.element_instance_key,
            "jobKey": incident.job_key,
            "variableScopeKey": incident.variable_scope_key,
            "tenantId": incident.tenant_id,
        }

    def create(
        self,
        instance: ElementInstance,
        raised: IncidentRaised,
        *,
        retry: str,
        job_key: int = NO_KEY,
    ) -> Incident:
        definition = self.ctx.definition(instance.process_definition_key)
        scope = raised.variable_scope_key if raised.variable_scope_key != NO_KEY else instance.key
        incident = Incident(
            key=self.ctx.state.new_key(),
            error_type=raised.error_type,
            error_message=raised.message,
            pi_key=instance.pi_key,
            element_instance_key=instance.key,
            element_id=instance.element_id,
            bpmn_process_id=definition.bpmn_process_id,
            process_definition_key=definition.key,
            job_key=job_key,
            variable_scope_key=scope,
            tenant_id=definition.tenant_id,
            retry=retry,
        )
        self.ctx.state.put(incident)
        self.ctx.write(
            "INCIDENT",
            "CREATED",
            incident.key,
            self.value(incident),
            process_instance_key=incident.pi_key,
        )
        return incident

    def _resolved(self, incident: Incident) -> None:
        self.ctx.state.delete(incident)
        self.ctx.write(
            "INCIDENT",
            "RESOLVED",
            incident.key,
            self.value(incident),
            process_instance_key=incident.pi_key,
        )

    def resolve_for_element(self, element_instance_key: int) -> None:
        """Resolve (without retrying) the incidents of a terminated element."""
        for key in self.ctx.state.index("incident_by_element", element_instance_key):
            incident = self.ctx.state.get(Incident, key)
            if incident is not None:
                self._resolved(incident)

    def resolve(self, key: int) -> None:
        incident = self.ctx.state.get(Incident, key)
        if incident is None:
            raise NotFound(
                f"Expected to resolve incident with key '{key}', but no such incident was found"
            )
        job = self.ctx.state.get(Job, incident.job_key) if incident.job_key != NO_KEY else None
        if job is not None and job.retries <= 0:
            raise FailedPrecondition(
                f"Expected to resolve incident with key '{key}', but job with key '{job.key}' "
                "has no retries left. Please update the job retries and retry resolving the "
                "incident"
            )
        self._resolved(incident)
        instance = self.b.bpmn.get(incident.element_instance_key)
        if instance is None:
            return
        if incident.retry == "job":
            if job is not None:
                self.b.jobs.make_activatable(job)
        elif incident.retry == "activate" and instance.state == ElementState.ACTIVATING:
            # Subscriptions opened before the step failed are opened again by the retry.
            self.b.events.unsubscribe(instance)
            if instance.key == instance.pi_key:
                self.ctx.enqueue(lambda: self.b.bpmn.reactivate_root(instance.key))
            else:
                self.b.bpmn.guard(
                    instance, "activate", lambda: self.b.bpmn.run_activation(instance.key)
                )
        elif incident.retry == "complete" and instance.state == ElementState.COMPLETING:
            self.b.bpmn.guard(
                instance, "complete", lambda: self.b.bpmn.run_completion(instance.key)
            )
        elif incident.retry == "loop" and instance.state == ElementState.ACTIVATED:
            self.b.bpmn.guard(instance, "loop", lambda: self.b.multi.continue_loop(instance.key))
