"""Commands on process instances and definitions: create, cancel, set variables, delete."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine.api import JsonDict, ProcessInstanceCreated
from engine.errors import FailedPrecondition, InvalidArgument, NotFound
from engine.model.specs import EventType
from engine.runtime.entities import NO_KEY, ElementInstance, Timer
from engine.runtime.repository import ProcessDefinition

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors


class Instances:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    def _definition(
        self,
        bpmn_process_id: str | None,
        version: int,
        process_definition_key: int | None,
        tenant_id: str,
    ) -> ProcessDefinition:
        repo = self.ctx.repo
        if process_definition_key is not None and process_definition_key > 0:
            found = repo.processes.get(process_definition_key)
            if found is None or process_definition_key not in repo.version_keys(
                "process", found.bpmn_process_id, found.tenant_id
            ):
                raise NotFound(
                    f"Expected to find process definition with key '{process_definition_key}', "
                    "but none found"
                )
            return found
        if not bpmn_process_id:
            raise InvalidArgument(
                "Expected either a bpmnProcessId or a processDefinitionKey, but none given"
            )
        if version < 0:
            latest = repo.latest_process(bpmn_process_id, tenant_id)
            if latest is None:
                raise NotFound(
                    f"Expected to find process definition with process ID '{bpmn_process_id}', "
                    "but none found"
                )
            return latest
        versioned = repo.process_version(bpmn_process_id, version, tenant_id)
        if versioned is None:
            raise NotFound(
                f"Expected to find process definition with process ID '{bpmn_process_id}' and "
                f"version '{version}', but none found"
            )
        return versioned

    def create(
        self,
        *,
        bpmn_process_id: str | None,
        version: int,
        process_definition_key: int | None,
        variables: dict[str, Any],
        start_element_ids: Sequence[str],
        tenant_id: str,
    ) -> ProcessInstanceCreated:
        if not isinstance(variables, dict):
            raise InvalidArgument("Expected the variables to be a JSON object")
        definition = self._definition(bpmn_process_id, version, process_definition_key, tenant_id)
        process = definition.process
        starts = []
        for element_id in start_element_ids:
            element = process.elements.get(element_id)
            if element is None:
                raise InvalidArgument(
                    f"Expected to create instance of process with start instructions but no "
                    f"element found with id '{element_id}'."
                )
            if element.flow_scope != process.id:
                raise InvalidArgument(
                    f"Expected to create instance of process with start instructions but the "
                    f"element with id '{element_id}' is not directly in the process (the "
                    "embedded engine starts only at elements of the process level)"
                )
            starts.append(element)
        if not starts and not any(
            s.event_type is EventType.NONE for s in process.start_events(process.id)
        ):
            # Zeebe rejects this with INVALID_STATE, which the gateway maps to FAILED_PRECONDITION.
            raise FailedPrecondition(
                f"Expected to create instance of process with none start event, but there is no "
                f"such event in process '{definition.bpmn_process_id}'"
            )
        # The key is chosen first so that the command shows up in the instance's history.
        pi_key = self.ctx.state.new_key()
        self.ctx.write(
            "PROCESS_INSTANCE_CREATION",
            "CREATE",
            NO_KEY,
            {
                "bpmnProcessId": definition.bpmn_process_id,
                "version": definition.version,
                "processDefinitionKey": definition.key,
                "variables": variables,
                "tenantId": definition.tenant_id,
            },
            process_instance_key=pi_key,
            record_type="COMMAND",
        )
        root = self.b.bpmn.create_process_instance(
            definition, variables, start_elements=tuple(starts), key=pi_key
        )
        return ProcessInstanceCreated(
            process_definition_key=definition.key,
            bpmn_process_id=definition.bpmn_process_id,
            version=definition.version,
            process_instance_key=root.key,
            tenant_id=definition.tenant_id,
        )

    def cancel(self, key: int) -> None:
        root = self.b.bpmn.get(key)
        if root is None or root.key != root.pi_key:
            raise NotFound(
                f"Expected to cancel a process instance with key '{key}', but no such process "
                "was found"
            )
        if root.parent_process_instance_key != NO_KEY:
            raise FailedPrecondition(
                f"Expected to cancel a process instance with key '{key}', but it is created by "
                f"a parent process instance. Cancel the root process instance "
                f"'{root.parent_process_instance_key}' instead."
            )
        self.ctx.write(
            "PROCESS_INSTANCE",
            "CANCEL",
            key,
            self.ctx.pi_value(root),
            process_instance_key=key,
            record_type="COMMAND",
        )
        self.b.bpmn.terminate(root)

    def set_variables(self, key: int, variables: JsonDict, local: bool) -> int:
        instance = self.b.bpmn.get(key)
        if instance is None:
            raise NotFound(
                f"Expected to update variables for element with key '{key}', but no such "
                "element was found"
            )
        if not isinstance(variables, dict):
            raise InvalidArgument("Expected the variables to be a JSON object")
        document_key = self.ctx.state.new_key()
        self.ctx.write(
            "VARIABLE_DOCUMENT",
            "UPDATED",
            document_key,
            {
                "scopeKey": key,
                "updateSemantics": "LOCAL" if local else "PROPAGATE",
                "variables": variables,
                "processInstanceKey": instance.pi_key,
                "tenantId": self.ctx.definition(instance.process_definition_key).tenant_id,
            },
            process_instance_key=instance.pi_key,
        )
        if local:
            self.b.vars.set_local_document(key, variables)
        else:
            self.b.vars.merge(key, variables)
        return document_key

    def delete_resource(self, key: int) -> None:
        repo = self.ctx.repo
        if key in repo.processes:
            definition = repo.processes[key]
            if any(
                e.process_definition_key == key and e.key == e.pi_key
                for e in self.ctx.state.all(ElementInstance)
            ):
                raise FailedPrecondition(
                    f"Expected to delete resource with key `{key}` but there are still running "
                    f"instances of process '{definition.bpmn_process_id}'"
                )
            ids = [("process", definition.bpmn_process_id, definition.tenant_id, key)]
            was_latest = repo.latest_key(*ids[0][:3]) == key
            for timer_key in self.ctx.state.index("timer_by_definition", key):
                timer = self.ctx.state.get(Timer, timer_key)
                if timer is not None:
                    self.b.events.cancel_timer(timer)
            self.ctx.write(
                "PROCESS",
                "DELETED",
                key,
                {
                    "bpmnProcessId": definition.bpmn_process_id,
                    "version": definition.version,
                    "processDefinitionKey": key,
                    "resourceName": definition.resource_name,
                    "tenantId": definition.tenant_id,
                },
            )
            if was_latest:
                previous = [k for k in repo.version_keys(*ids[0][:3]) if k != key]
                if previous:
                    self.b.deployer.open_start_timers(repo.processes[previous[-1]])
        elif key in repo.drgs:
            drg = repo.drgs[key]
            ids = [("drg", drg.drg_id, drg.tenant_id, key)]
            ids += [
                ("decision", d.decision_id, d.tenant_id, d.key)
                for d in repo.decisions.values()
                if d.drg_key == key
            ]
        elif key in repo.forms:
            form = repo.forms[key]
            ids = [("form", form.form_id, form.tenant_id, key)]
        else:
            raise NotFound(f"Expected to delete resource but no resource found with key `{key}`")
        if ids[0][3] not in repo.version_keys(*ids[0][:3]):
            raise NotFound(f"Expected to delete resource but no resource found with key `{key}`")
        self.ctx.write(
            "RESOURCE_DELETION", "DELETED", key, {"resourceKey": key, "tenantId": ids[0][2]}
        )
        for kind, resource_id, tenant, resource_key in ids:
            self.ctx.deleted_resources.append(resource_key)
            self.ctx.defer(self._remover(kind, resource_id, tenant, resource_key))

    def _remover(self, kind: str, resource_id: str, tenant: str, key: int) -> Any:
        return lambda: self.ctx.repo.remove(kind, resource_id, tenant, key)
