"""Job-worker user tasks (no ``zeebe:userTask``): a job of type ``io.camunda.zeebe:userTask``."""

import json

from engine.api import Resource

from .support import END, START, Harness, bpmn, chain

FORM = json.dumps({"id": "Form_Review", "type": "default", "components": []}).encode()


def _task(extensions: str) -> str:
    return (
        f'<bpmn:userTask id="review"><bpmn:extensionElements>{extensions}'
        "</bpmn:extensionElements></bpmn:userTask>"
    )


def test_headers_carry_assignment_dates_and_the_linked_form_key(h: Harness) -> None:
    task = _task(
        '<zeebe:assignmentDefinition assignee="=owner" candidateGroups="a, b" '
        'candidateUsers="=[&quot;li&quot;]"/>'
        '<zeebe:taskSchedule dueDate="2026-12-01T10:00:00+08:00"/>'
        '<zeebe:formDefinition formId="Form_Review"/>'
    )
    deployed = h.engine.deploy(
        [Resource("review.form", FORM), Resource("p.bpmn", bpmn(chain(START, task, END)))]
    )
    pi = h.start(owner="wang")
    [job] = h.jobs("io.camunda.zeebe:userTask")
    assert job.custom_headers == {
        "io.camunda.zeebe:assignee": "wang",
        "io.camunda.zeebe:candidateGroups": '["a","b"]',
        "io.camunda.zeebe:candidateUsers": '["li"]',
        "io.camunda.zeebe:dueDate": "2026-12-01T10:00:00+08:00",
        "io.camunda.zeebe:formKey": str(deployed.forms[0].form_key),
    }
    h.engine.complete_job(job.key, {"approved": True})
    assert h.completed(pi) and h.variables(pi)["approved"] is True


def test_a_static_form_key_is_passed_on_and_no_user_task_is_created(h: Harness) -> None:
    task = _task('<zeebe:formDefinition formKey="camunda-forms:bpmn:UserTaskForm_1"/>')
    h.deploy(bpmn(chain(START, task, END)))
    pi = h.start()
    [job] = h.jobs("io.camunda.zeebe:userTask")
    assert job.custom_headers == {"io.camunda.zeebe:formKey": "camunda-forms:bpmn:UserTaskForm_1"}
    assert not [r for r in h.records(pi) if r.value_type == "USER_TASK"]
