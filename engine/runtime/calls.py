"""Call activities: start the bound version of the called process and wait for it.

The binding type picks the version: ``latest``, the one deployed together with the calling
process (``deployment``) or the latest with a version tag (``versionTag``).

The child gets the call activity's visible variables (unless propagateAllParentVariables is off)
after the input mappings; when it completes, its variables come back (all of them unless
propagateAllChildVariables is off, then only the output mappings). Terminating the call activity
terminates the child. The engine learns here when a root instance finishes (instance results).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.model.specs import BindingType, CalledElement, Element
from engine.runtime import expressions
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import NO_KEY, ElementInstance, ElementState, evolve
from engine.runtime.repository import ProcessDefinition

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors


def _not_found(process_id: str, called: CalledElement, caller: ProcessDefinition) -> str:
    """Zeebe's incident message for a called process that the binding does not find."""
    if called.binding.type is BindingType.DEPLOYMENT:
        return (
            f"Expected to call process with BPMN process id '{process_id}' with binding type "
            f"'deployment', but no such process found in the deployment with key "
            f"{caller.deployment_key} which contained the current process. To resolve this "
            "incident, migrate the process instance to a process definition that is deployed "
            "together with the intended process definition to call."
        )
    if called.binding.type is BindingType.VERSION_TAG:
        return (
            f"Expected to call process with BPMN process id '{process_id}' and version tag "
            f"'{called.binding.version_tag}', but no such process found. To resolve this "
            "incident, deploy a process with the given process id and version tag."
        )
    return f"Expected process with BPMN process id '{process_id}' to be deployed, but not found."


class Calls:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx
        #: root process instances that finished in this command: key → variables (None when
        #: terminated); the engine resolves instance-result futures from it after the commit
        self.finished: dict[int, dict[str, Any] | None] = {}

    def call(self, instance: ElementInstance, element: Element) -> None:
        called = element.called_element
        assert called is not None
        view = self.b.vars.view(instance.key)
        try:
            process_id = expressions.evaluate_str(called.process_id, view)
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        caller = self.ctx.definition(instance.process_definition_key)
        definition = self.ctx.repo.bound_process(
            process_id, caller.tenant_id, called.binding, caller.deployment_key
        )
        if definition is None:
            raise IncidentRaised("CALLED_ELEMENT_ERROR", _not_found(process_id, called, caller))
        variables = (
            self.b.vars.visible_values(instance.key)
            if called.propagate_all_parent_variables
            else {
                name: value
                for name, value in self.b.vars.visible_values(instance.key).items()
                if self.b.vars.local(instance.key, name) is not None
            }
        )
        instance = self.b.bpmn.activated(instance)
        child = self.b.bpmn.create_process_instance(definition, variables, parent=instance)
        self.ctx.state.put(evolve(instance, called_instance_key=child.key))

    def process_completed(self, root: ElementInstance, variables: dict[str, Any]) -> None:
        self._release_start_correlation(root)
        if root.parent_element_instance_key == NO_KEY:
            self.finished[root.key] = variables
            return
        caller = self.b.bpmn.get(root.parent_element_instance_key)
        if caller is None or caller.state != ElementState.ACTIVATED:
            return
        caller = evolve(caller, called_instance_key=NO_KEY)
        self.ctx.state.put(caller)
        element = self.ctx.element_of(caller)
        called = element.called_element
        if called is None or called.propagate_all_child_variables:
            self.b.bpmn.complete(caller, variables=variables)
            return
        # Only the output mappings may take child variables out of the call activity's scope.
        self.b.vars.set_local_document(caller.key, variables)
        self.b.bpmn.complete(caller)

    def terminate_called(self, instance: ElementInstance) -> None:
        if instance.called_instance_key == NO_KEY:
            return
        child = self.b.bpmn.get(instance.called_instance_key)
        if child is not None:
            self.b.bpmn.terminate(child)

    def _release_start_correlation(self, root: ElementInstance) -> None:
        if root.start_correlation:
            definition = self.ctx.definition(root.process_definition_key)
            key = root.start_correlation.split("\x00", 1)[1]
            self.ctx.enqueue(lambda: self.b.messages.start_from_buffer(definition, key))

    def process_terminated(self, root: ElementInstance) -> None:
        self._release_start_correlation(root)
        if root.parent_element_instance_key == NO_KEY:
            self.finished[root.key] = None
