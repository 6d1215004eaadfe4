"""Camunda user tasks (``<zeebe:userTask/>``): created, assigned, updated, completed, canceled.

Attributes come from zeebe:assignmentDefinition, taskSchedule and priorityDefinition (static or
FEEL, evaluated when the task is created); the form is the latest deployed form with the linked
form id. Completion variables reach the process like a job's (Zeebe's rules).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.api import JsonDict
from engine.errors import FailedPrecondition, InvalidArgument, NotFound
from engine.model.specs import Binding, BindingType, Element, Expression
from engine.runtime import expressions
from engine.runtime.context import IncidentRaised
from engine.runtime.entities import NO_KEY, ElementInstance, UserTask, UserTaskState, evolve

if TYPE_CHECKING:
    from engine.runtime.behaviors import Behaviors

_UPDATABLE = ("candidateGroups", "candidateUsers", "dueDate", "followUpDate", "priority")


def _form_not_found(form_id: str, binding: Binding, deployment_key: int) -> str:
    """Zeebe's incident message for a linked form that the binding does not find."""
    if binding.type is BindingType.DEPLOYMENT:
        return (
            f"Expected to use a form with id '{form_id}' with binding type 'deployment', but no "
            f"such form found in the deployment with key {deployment_key} which contained the "
            "current process. To resolve this incident, migrate the process instance to a "
            "process definition that is deployed together with the intended form to use."
        )
    if binding.type is BindingType.VERSION_TAG:
        return (
            f"Expected to use a form with id '{form_id}' and version tag "
            f"'{binding.version_tag}', but no such form found. To resolve this incident, deploy "
            "a form with the given id and version tag."
        )
    return (
        f"Expected to find a form with id '{form_id}', but no form with this id is found, at "
        "least a form with this id should be available. To resolve the incident, deploy a form "
        "with the same id"
    )


_HEADER = "io.camunda.zeebe:"


class UserTasks:
    def __init__(self, b: Behaviors) -> None:
        self.b = b
        self.ctx = b.ctx

    def value(self, task: UserTask, **extra: Any) -> JsonDict:
        form = self.ctx.repo.forms.get(task.form_key)
        value: JsonDict = {
            "userTaskKey": task.key,
            "assignee": task.assignee,
            "candidateGroupsList": list(task.candidate_groups),
            "candidateUsersList": list(task.candidate_users),
            "dueDate": task.due_date,
            "followUpDate": task.follow_up_date,
            "formKey": task.form_key,
            "formId": form.form_id if form else "",
            "externalFormReference": task.external_form_reference,
            "customHeaders": dict(task.custom_headers),
            "priority": task.priority,
            "action": "",
            "changedAttributes": [],
            "variables": {},
            "elementId": task.element_id,
            "elementInstanceKey": task.element_instance_key,
            "processInstanceKey": task.pi_key,
            "processDefinitionKey": task.process_definition_key,
            "bpmnProcessId": task.bpmn_process_id,
            "processDefinitionVersion": task.process_definition_version,
            "creationTimestamp": task.creation_timestamp,
            "tenantId": task.tenant_id,
        }
        value.update(extra)
        return value

    def _write(self, task: UserTask, intent: str, **extra: Any) -> None:
        self.ctx.write(
            "USER_TASK",
            intent,
            task.key,
            self.value(task, **extra),
            process_instance_key=task.pi_key,
        )

    def get(self, key: int, verb: str) -> UserTask:
        task = self.ctx.state.get(UserTask, key)
        if task is None:
            raise NotFound(
                f"Expected to {verb} user task with key '{key}', but no such user task was found"
            )
        if task.state != UserTaskState.CREATED:
            raise FailedPrecondition(
                f"Expected to {verb} user task with key '{key}', but it is in state '{task.state}'"
            )
        return task

    # --- job-worker user tasks ----------------------------------------------------------------

    def job_headers(self, instance: ElementInstance, element: Element) -> dict[str, str]:
        """Zeebe's ``io.camunda.zeebe:*`` headers of a job-worker user task's job: assignee,
        candidate groups/users (JSON arrays), due and follow-up dates, form key."""
        spec = element.user_task
        assert spec is not None
        view = self.b.vars.view(instance.key)
        definition = self.ctx.definition(instance.process_definition_key)
        headers: dict[str, str] = {}
        try:
            if spec.assignee is not None:
                assignee = expressions.evaluate_optional_str(spec.assignee, view)
                if assignee:
                    headers[_HEADER + "assignee"] = assignee
            for name, expression in (
                ("candidateGroups", spec.candidate_groups),
                ("candidateUsers", spec.candidate_users),
            ):
                if expression is not None:
                    values = expressions.evaluate_str_list(expression, view)
                    headers[_HEADER + name] = json.dumps(
                        values, ensure_ascii=False, separators=(",", ":")
                    )
            for name, expression in (
                ("dueDate", spec.due_date),
                ("followUpDate", spec.follow_up_date),
            ):
                if expression is not None:
                    value = expressions.evaluate_optional_str(expression, view)
                    if value:
                        headers[_HEADER + name] = value
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        if spec.form_key:
            headers[_HEADER + "formKey"] = spec.form_key
        elif spec.form_id:
            form = self.ctx.repo.bound_form(
                spec.form_id, definition.tenant_id, spec.form_binding, definition.deployment_key
            )
            if form is None:
                raise IncidentRaised(
                    "FORM_NOT_FOUND",
                    _form_not_found(spec.form_id, spec.form_binding, definition.deployment_key),
                )
            headers[_HEADER + "formKey"] = str(form.key)
        return headers

    # --- lifecycle ---------------------------------------------------------------------------

    def create(self, instance: ElementInstance, element: Element) -> None:
        spec = element.user_task
        assert spec is not None
        view = self.b.vars.view(instance.key)
        definition = self.ctx.definition(instance.process_definition_key)

        def text(expression: Expression | None) -> str:
            if expression is None:
                return ""
            return expressions.evaluate_optional_str(expression, view) or ""

        try:
            assignee = text(spec.assignee)
            groups = (
                expressions.evaluate_str_list(spec.candidate_groups, view)
                if spec.candidate_groups
                else []
            )
            users = (
                expressions.evaluate_str_list(spec.candidate_users, view)
                if spec.candidate_users
                else []
            )
            due_date = text(spec.due_date)
            follow_up = text(spec.follow_up_date)
            priority = expressions.evaluate_int(spec.priority, view) if spec.priority else 50
            external = text(spec.external_form_reference)
        except expressions.ExpressionError as exc:
            raise IncidentRaised("EXTRACT_VALUE_ERROR", exc.message) from exc
        form_key = NO_KEY
        if spec.form_id:
            binding = spec.form_binding
            form = self.ctx.repo.bound_form(
                spec.form_id, definition.tenant_id, binding, definition.deployment_key
            )
            if form is None:
                raise IncidentRaised(
                    "FORM_NOT_FOUND",
                    _form_not_found(spec.form_id, binding, definition.deployment_key),
                )
            form_key = form.key
        instance = self.b.bpmn.activated(instance)
        task = UserTask(
            key=self.ctx.state.new_key(),
            state=UserTaskState.CREATED,
            element_instance_key=instance.key,
            pi_key=instance.pi_key,
            element_id=element.id,
            bpmn_process_id=definition.bpmn_process_id,
            process_definition_key=definition.key,
            process_definition_version=definition.version,
            creation_timestamp=self.ctx.now,
            candidate_groups=tuple(groups),
            candidate_users=tuple(users),
            due_date=due_date,
            follow_up_date=follow_up,
            form_key=form_key,
            external_form_reference=external,
            custom_headers=dict(element.task_headers),
            priority=priority,
            tenant_id=definition.tenant_id,
        )
        self.ctx.state.put(task)
        self.ctx.state.put(evolve(instance, user_task_key=task.key))
        self._write(task, "CREATING")
        self._write(task, "CREATED")
        if assignee:
            self._assign(task, assignee, "assign")

    def _assign(self, task: UserTask, assignee: str, action: str) -> None:
        self._write(task, "ASSIGNING", action=action, changedAttributes=["assignee"])
        task = evolve(task, assignee=assignee)
        self.ctx.state.put(task)
        self._write(task, "ASSIGNED", action=action, changedAttributes=["assignee"])

    def cancel_for(self, instance: ElementInstance) -> None:
        if instance.user_task_key == NO_KEY:
            return
        task = self.ctx.state.get(UserTask, instance.user_task_key)
        if task is not None:
            self._write(task, "CANCELING")
            self._write(task, "CANCELED")
            self.ctx.state.delete(task)

    # --- commands ----------------------------------------------------------------------------

    def assign(self, key: int, assignee: str, *, allow_override: bool, action: str) -> None:
        task = self.get(key, "assign")
        if not allow_override and task.assignee and task.assignee != assignee:
            raise FailedPrecondition(
                f"Expected to assign user task with key '{key}', but it is already assigned "
                "to another user"
            )
        self._assign(task, assignee, action or "assign")

    def unassign(self, key: int, *, action: str) -> None:
        task = self.get(key, "unassign")
        self._assign(task, "", action or "unassign")

    def update(self, key: int, changeset: JsonDict, *, action: str) -> None:
        task = self.get(key, "update")
        changes: dict[str, Any] = {}
        for name, value in changeset.items():
            if value is None:
                continue
            if name not in _UPDATABLE:
                raise InvalidArgument(
                    f"Expected to update user task with key '{key}', but the attribute "
                    f"'{name}' cannot be changed (changeable: {', '.join(_UPDATABLE)})"
                )
            if name in ("candidateGroups", "candidateUsers"):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise InvalidArgument(f"'{name}' must be a list of strings")
                field = "candidate_groups" if name == "candidateGroups" else "candidate_users"
                changes[field] = tuple(value)
            elif name == "priority":
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                    raise InvalidArgument("'priority' must be an integer from 0 to 100")
                changes["priority"] = value
            else:
                if not isinstance(value, str):
                    raise InvalidArgument(f"'{name}' must be an ISO-8601 date-time string")
                changes["due_date" if name == "dueDate" else "follow_up_date"] = value
        changed = [n for n in changeset if changeset[n] is not None]
        self._write(task, "UPDATING", action=action or "update", changedAttributes=changed)
        task = evolve(task, **changes)
        self.ctx.state.put(task)
        self._write(task, "UPDATED", action=action or "update", changedAttributes=changed)

    def complete(self, key: int, variables: JsonDict, *, action: str) -> None:
        task = self.get(key, "complete")
        self._write(task, "COMPLETING", action=action or "complete", variables=variables)
        self._write(task, "COMPLETED", action=action or "complete", variables=variables)
        self.ctx.state.delete(task)
        instance = self.b.bpmn.get(task.element_instance_key)
        if instance is not None:
            instance = evolve(instance, user_task_key=NO_KEY)
            self.ctx.state.put(instance)
            self.b.bpmn.complete(instance, variables=variables)
