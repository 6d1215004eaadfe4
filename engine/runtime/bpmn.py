"""Element instance lifecycle: activate → (wait) → complete, or terminate; sequence flows; scopes.

Follows Zeebe's BPMN processors: every element passes ELEMENT_ACTIVATING and ELEMENT_ACTIVATED,
then either waits (jobs, user tasks, catch events, scopes with children) or completes at once
(ELEMENT_COMPLETING, ELEMENT_COMPLETED) and takes its outgoing sequence flows. A step that fails
(an expression, a mapping, no outgoing flow) raises an incident and the element waits in the
state it reached; resolving the incident runs the failed step again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.model.specs import Element, ElementType, EventType
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import NO_KEY, ElementInstance, ElementState, evolve
from engine.runtime.gateways import choose_flows
from engine.runtime.repository import ProcessDefinition

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors

_PASS_THROUGH = {
    ElementType.START_EVENT,
    ElementType.MANUAL_TASK,
    ElementType.TASK,
    ElementType.PARALLEL_GATEWAY,
    ElementType.BOUNDARY_EVENT,
}
_JOB_ELEMENTS = {
    ElementType.SERVICE_TASK,
    ElementType.SEND_TASK,
    ElementType.SCRIPT_TASK,
    ElementType.BUSINESS_RULE_TASK,
    ElementType.USER_TASK,
    ElementType.INTERMEDIATE_THROW_EVENT,
    ElementType.END_EVENT,
}
_SCOPES = {ElementType.PROCESS, ElementType.SUB_PROCESS, ElementType.EVENT_SUB_PROCESS}


class Bpmn:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx
        #: (flow scope key, catch element id) → payload of an event that already happened, for
        #: the catch event after an event-based gateway (it completes without subscribing)
        self.triggered: dict[tuple[int, str], dict[str, Any]] = {}

    # --- helpers -----------------------------------------------------------------------------

    def get(self, key: int) -> ElementInstance | None:
        return self.ctx.state.get(ElementInstance, key)

    def children(self, scope_key: int) -> list[ElementInstance]:
        found = (self.get(k) for k in self.ctx.state.index("children", scope_key))
        return [c for c in found if c is not None]

    def put(self, instance: ElementInstance, **changes: Any) -> ElementInstance:
        updated = evolve(instance, **changes)
        self.ctx.state.put(updated)
        return updated

    def guard(self, instance: ElementInstance, retry: str, step: Any) -> None:
        """Run ``step``; an :class:`IncidentRaised` becomes an incident that retries ``retry``."""
        try:
            step()
        except IncidentRaised as exc:
            current = self.get(instance.key) or instance
            self.b.incidents.create(current, exc, retry=retry)

    # --- process instances -------------------------------------------------------------------

    def create_process_instance(
        self,
        definition: ProcessDefinition,
        variables: dict[str, Any],
        *,
        start_element: Element | None = None,
        start_variables: dict[str, Any] | None = None,
        parent: ElementInstance | None = None,
        start_elements: tuple[Element, ...] = (),
        start_correlation: str = "",
        key: int | None = None,
    ) -> ElementInstance:
        """Create the root scope with ``variables`` and start it (at ``start_element``)."""
        root_element = definition.process.root
        key = key if key is not None else self.ctx.state.new_key()
        root = ElementInstance(
            key=key,
            pi_key=key,
            process_definition_key=definition.key,
            element_id=root_element.id,
            element_type=ElementType.PROCESS,
            event_type=EventType.UNSPECIFIED,
            flow_scope_key=NO_KEY,
            state=ElementState.ACTIVATING,
            parent_process_instance_key=parent.pi_key if parent else NO_KEY,
            parent_element_instance_key=parent.key if parent else NO_KEY,
            start_correlation=start_correlation,
        )
        self.ctx.state.put(root)
        self.b.vars.set_local_document(key, variables)
        self.ctx.write(
            "PROCESS_INSTANCE_CREATION",
            "CREATED",
            key,
            {
                "bpmnProcessId": definition.bpmn_process_id,
                "version": definition.version,
                "processDefinitionKey": definition.key,
                "processInstanceKey": key,
                "variables": variables,
                "startInstructions": [],
                "tenantId": definition.tenant_id,
            },
            process_instance_key=key,
        )
        self.ctx.write_element(root, "ELEMENT_ACTIVATING")
        starts = start_elements or ((start_element,) if start_element is not None else ())
        self.ctx.enqueue(lambda: self._activate_root(key, starts, start_variables))
        return root

    def reactivate_root(self, key: int) -> None:
        """Retry a root scope whose activation raised an incident."""
        self._activate_root(key, (), None)

    def _activate_root(
        self, key: int, starts: tuple[Element, ...], start_variables: dict[str, Any] | None
    ) -> None:
        root = self.get(key)
        if root is None:
            return
        self.guard(root, "activate", lambda: self.b.events.subscribe_scope(root))
        root = self.get(key)
        if root is None or self.ctx.state.index("incident_by_element", key):
            return
        root = self.put(root, state=ElementState.ACTIVATED)
        self.ctx.write_element(root, "ELEMENT_ACTIVATED")
        definition = self.ctx.definition(root.process_definition_key)
        if not starts:
            starts = tuple(
                e
                for e in definition.process.start_events(root.element_id)
                if e.event_type is EventType.NONE
            )[:1]
        for start in starts:
            self.activate(start, root, variables=start_variables)

    # --- activation --------------------------------------------------------------------------

    def activate(
        self,
        element: Element,
        flow_scope: ElementInstance,
        *,
        variables: dict[str, Any] | None = None,
        local_variables: dict[str, Any] | None = None,
    ) -> ElementInstance:
        """Create and activate an element instance in ``flow_scope``.

        ``variables`` are an event's payload, applied when the (catch) element completes;
        ``local_variables`` are set on the new instance first (thrown error variables).
        """
        if element.loop is not None:
            return self.b.multi.activate_body(element, flow_scope)
        return self.activate_instance(
            element,
            flow_scope,
            element_type=element.element_type,
            variables=variables,
            local_variables=local_variables,
        )

    def activate_instance(
        self,
        element: Element,
        flow_scope: ElementInstance,
        *,
        element_type: str,
        variables: dict[str, Any] | None = None,
        local_variables: dict[str, Any] | None = None,
        loop_counter: int = 0,
    ) -> ElementInstance:
        instance = ElementInstance(
            key=self.ctx.state.new_key(),
            pi_key=flow_scope.pi_key,
            process_definition_key=flow_scope.process_definition_key,
            element_id=element.id,
            element_type=element_type,
            event_type=element.event_type,
            flow_scope_key=flow_scope.key,
            state=ElementState.ACTIVATING,
            parent_process_instance_key=flow_scope.parent_process_instance_key,
            parent_element_instance_key=flow_scope.parent_element_instance_key,
            loop_counter=loop_counter,
        )
        self.ctx.state.put(instance)
        self.ctx.write_element(instance, "ELEMENT_ACTIVATING")
        if local_variables:
            self.b.vars.set_local_document(instance.key, local_variables)
        key = instance.key
        self.guard(instance, "activate", lambda: self.run_activation(key, variables))
        return self.get(key) or instance

    def run_activation(self, key: int, variables: dict[str, Any] | None = None) -> None:
        """The retryable activation step: input mappings, subscriptions, element behaviour."""
        instance = self.get(key)
        if instance is None:
            return
        element = self.ctx.element_of(instance)
        if instance.element_type == ElementType.MULTI_INSTANCE_BODY:
            self.b.multi.run_body_activation(instance, element)
            return
        self.b.vars.apply_input_mappings(instance, element.inputs)
        kind = ElementType(instance.element_type)
        if kind in (ElementType.EXCLUSIVE_GATEWAY, ElementType.INCLUSIVE_GATEWAY):
            flows = choose_flows(self.b, instance, element)
            instance = self.activated(instance)
            self.complete(instance, flows=flows)
            return
        if kind in _SCOPES:
            if kind is ElementType.SUB_PROCESS and not self.b.multi.is_inner(instance):
                self.b.events.subscribe_boundaries(instance, element)
            self.b.events.subscribe_scope(instance)
            instance = self.activated(instance)
            starts = self.ctx.definition(instance.process_definition_key).process.start_events(
                element.id
            )
            if kind is ElementType.EVENT_SUB_PROCESS:
                start = starts[0] if starts else None
            else:
                start = next((s for s in starts if s.event_type is EventType.NONE), None)
            if start is not None:
                self.activate(start, instance, variables=variables)
            else:
                self.ctx.enqueue(lambda: self.b.flows.check_scope(key))
            return
        if not self.b.multi.is_inner(instance):  # a multi-instance body holds them
            self.b.events.subscribe_boundaries(instance, element)
        if (
            kind in _PASS_THROUGH
            or (
                kind in (ElementType.INTERMEDIATE_THROW_EVENT, ElementType.END_EVENT)
                and element.task_definition is None
            )
            # a link catch event is reached through its throw event and goes straight on
            or (
                kind is ElementType.INTERMEDIATE_CATCH_EVENT
                and element.event_type is EventType.LINK
            )
        ):
            self._pass_through(instance, element, variables)
            return
        if (
            kind is ElementType.USER_TASK
            and element.user_task is not None
            and not element.user_task.job_worker
        ):
            self.b.user_tasks.create(instance, element)
            return
        if kind is ElementType.SCRIPT_TASK and element.script is not None:
            result = self.b.events.evaluate_script(instance, element)
            self.complete(self.activated(instance), variables=result)
            return
        if kind is ElementType.BUSINESS_RULE_TASK and element.called_decision is not None:
            result = self.b.decisions.evaluate_for_task(instance, element)
            self.complete(self.activated(instance), variables=result)
            return
        if kind in _JOB_ELEMENTS:
            job = self.b.jobs.prepare(instance, element)
            # Zeebe writes JOB CREATED before the element's ELEMENT_ACTIVATED.
            self.b.jobs.create(instance, job)
            self.activated(self.get(instance.key) or instance)
            return
        if kind in (ElementType.INTERMEDIATE_CATCH_EVENT, ElementType.RECEIVE_TASK):
            payload = self.triggered.pop((instance.flow_scope_key, element.id), None)
            if payload is not None:
                self.complete(self.activated(instance), variables=payload)
                return
            self.b.events.subscribe_catch(instance, element)
            self.activated(instance)
            return
        if kind is ElementType.EVENT_BASED_GATEWAY:
            self.b.events.subscribe_event_gateway(instance, element)
            self.activated(instance)
            return
        if kind is ElementType.CALL_ACTIVITY:
            self.b.calls.call(instance, element)
            return
        raise IncidentRaised("UNKNOWN", f"Element '{element.id}' of type {kind} is not supported")

    def _follow_link(self, thrown: ElementInstance, element: Element) -> None:
        """A link throw event completed: the catch link event of its name in the same scope
        is activated (the deployment guarantees there is one)."""
        scope = self.get(thrown.flow_scope_key)
        process = self.ctx.definition(thrown.process_definition_key).process
        catch = next(
            (
                process.elements[child]
                for child in process.elements[element.flow_scope or process.id].children
                if process.elements[child].element_type is ElementType.INTERMEDIATE_CATCH_EVENT
                and process.elements[child].link_name == element.link_name
            ),
            None,
        )
        if scope is not None and catch is not None:
            self.activate(catch, scope)

    def activated(self, instance: ElementInstance) -> ElementInstance:
        instance = self.put(instance, state=ElementState.ACTIVATED)
        self.ctx.write_element(instance, "ELEMENT_ACTIVATED")
        return instance

    def _pass_through(
        self, instance: ElementInstance, element: Element, variables: dict[str, Any] | None
    ) -> None:
        event = element.event_type
        if event is EventType.ERROR and element.element_type is ElementType.END_EVENT:
            self.b.throws.throw_error_from_element(instance, element)
            return
        if (
            event is EventType.ESCALATION
            and element.element_type
            in (
                ElementType.END_EVENT,
                ElementType.INTERMEDIATE_THROW_EVENT,
            )
            and not self.b.throws.throw_escalation(instance, element)
        ):
            return  # caught by an interrupting catch: this instance was terminated
        if event is EventType.SIGNAL and element.element_type in (
            ElementType.END_EVENT,
            ElementType.INTERMEDIATE_THROW_EVENT,
        ):
            self.b.events.throw_signal(instance, element)
        instance = self.activated(instance)
        if event is EventType.TERMINATE:
            self.complete(instance, terminate_scope=True)
            return
        self.complete(instance, variables=variables)

    # --- completion --------------------------------------------------------------------------

    def complete(
        self,
        instance: ElementInstance,
        *,
        variables: dict[str, Any] | None = None,
        flows: list[str] | None = None,
        terminate_scope: bool = False,
    ) -> None:
        """ELEMENT_COMPLETING, apply ``variables`` (an event's or job's), then finish."""
        instance = self.put(instance, state=ElementState.COMPLETING)
        self.ctx.write_element(instance, "ELEMENT_COMPLETING")
        element = self.ctx.element_of(instance)
        if variables:
            if element.outputs and instance.element_type != ElementType.MULTI_INSTANCE_BODY:
                self.b.vars.set_local_document(instance.key, variables)
            else:
                self.b.vars.merge(instance.key, variables)
        key = instance.key
        self.guard(instance, "complete", lambda: self.run_completion(key, flows, terminate_scope))

    def run_completion(
        self, key: int, flows: list[str] | None = None, terminate_scope: bool = False
    ) -> None:
        """The retryable completion step: output mappings, then ELEMENT_COMPLETED and flows."""
        instance = self.get(key)
        if instance is None:
            return
        element = self.ctx.element_of(instance)
        is_body = instance.element_type == ElementType.MULTI_INSTANCE_BODY
        if is_body:
            self.b.multi.before_body_completed(instance, element)
        if element.outputs and not is_body:
            self.b.vars.apply_output_mappings(
                instance, element.outputs, inner=element.loop is not None
            )
        satisfied = False
        if element.loop is not None and not is_body:
            self.b.multi.collect_output(instance, element)
            satisfied = self.b.multi.completion_satisfied(instance, element)
        self.b.events.unsubscribe(instance)
        if terminate_scope:
            for sibling in self.children(instance.flow_scope_key):
                if sibling.key != instance.key:
                    self.terminate(sibling)
            scope = self.get(instance.flow_scope_key)
            if scope is not None and scope.tokens:
                self.put(scope, tokens={})
        result: dict[str, Any] | None = None
        if instance.element_type == ElementType.PROCESS:
            result = self.b.vars.visible_values(instance.key)
        self.ctx.write_element(instance, "ELEMENT_COMPLETED")
        self._remove(instance)
        if instance.element_type == ElementType.PROCESS:
            self.b.calls.process_completed(instance, result or {})
            return
        if flows is None:
            flows = self._outgoing(instance, element)
        if (
            not flows
            and element.event_type is EventType.LINK
            and instance.element_type == ElementType.INTERMEDIATE_THROW_EVENT
        ):
            self._follow_link(instance, element)
            return
        if not flows:
            if self.b.multi.is_inner(instance):
                self.ctx.enqueue(lambda: self.b.multi.child_completed(instance, satisfied))
            else:
                scope_key = instance.flow_scope_key
                self.ctx.enqueue(lambda: self.b.flows.check_scope(scope_key))
            return
        self.b.flows.take(instance, flows)

    def _outgoing(self, instance: ElementInstance, element: Element) -> list[str]:
        if self.b.multi.is_inner(instance):
            return []  # inner instances of a multi-instance body never leave the body
        return list(element.outgoing)

    def _remove(self, instance: ElementInstance) -> None:
        self.ctx.state.delete(instance)
        self.b.vars.remove_scope(instance.key)

    # --- termination -------------------------------------------------------------------------

    def terminate(self, instance: ElementInstance) -> None:
        """Terminate an instance and everything inside it (children first)."""
        instance = self.put(instance, state=ElementState.TERMINATING)
        self.ctx.write_element(instance, "ELEMENT_TERMINATING")
        for child in self.children(instance.key):
            self.terminate(child)
        self.b.jobs.cancel_for(instance)
        self.b.user_tasks.cancel_for(instance)
        self.b.events.unsubscribe(instance)
        self.b.incidents.resolve_for_element(instance.key)
        self.b.calls.terminate_called(instance)
        self.ctx.write_element(instance, "ELEMENT_TERMINATED")
        self._remove(instance)
        if instance.element_type == ElementType.PROCESS:
            self.b.calls.process_terminated(instance)
