"""Camunda user tasks (with forms) and business-rule tasks with called decisions."""

import json

import pytest

from engine.api import Resource
from engine.errors import FailedPrecondition, InvalidArgument, NotFound

from .support import END, START, Harness, bpmn, chain

FORM = json.dumps({"id": "Form_Review", "type": "default", "components": [], "schemaVersion": 16})


def _user_task(extra: str = "") -> str:
    return (
        '<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask/>'
        '<zeebe:formDefinition formId="Form_Review"/>'
        '<zeebe:assignmentDefinition candidateGroups="reviewers, =dept" />'
        '<zeebe:taskSchedule dueDate="=due"/><zeebe:priorityDefinition priority="=70"/>'
        f"{extra}</bpmn:extensionElements></bpmn:userTask>"
    )


def _deploy(h: Harness, task: str) -> int:
    result = h.engine.deploy(
        [
            Resource("review.form", FORM.encode()),
            Resource("p.bpmn", bpmn(chain(START, task, END))),
        ]
    )
    return result.forms[0].form_key


def _task(h: Harness, pi: int, intent: str = "CREATED") -> dict[str, object]:
    return next(
        r.value
        for r in reversed(h.records(pi))
        if r.value_type == "USER_TASK" and r.intent == intent
    )


def test_user_task_lifecycle(h: Harness) -> None:
    form_key = _deploy(h, _user_task())
    pi = h.start(due="2026-12-01T10:00:00+08:00")
    created = _task(h, pi)
    key = int(created["userTaskKey"])  # type: ignore[call-overload]
    assert created["formKey"] == form_key
    assert created["dueDate"] == "2026-12-01T10:00:00+08:00"
    assert created["priority"] == 70
    assert h.jobs("io.camunda.zeebe:userTask") == []  # not a job-worker task
    h.engine.assign_user_task(key, assignee="li")
    with pytest.raises(FailedPrecondition, match="already assigned"):
        h.engine.assign_user_task(key, assignee="wang", allow_override=False)
    h.engine.unassign_user_task(key)
    h.engine.update_user_task(key, {"priority": 90, "candidateUsers": ["wang"]})
    assert _task(h, pi, "UPDATED")["changedAttributes"] == ["priority", "candidateUsers"]
    h.engine.complete_user_task(key, variables={"approved": True})
    assert h.completed(pi)
    assert h.variables(pi)["approved"] is True
    with pytest.raises(NotFound):
        h.engine.complete_user_task(key)


def test_candidate_groups_mix_static_and_feel(h: Harness) -> None:
    task = (
        '<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask/>'
        '<zeebe:assignmentDefinition assignee="=owner" '
        'candidateGroups="=[dept, &quot;office&quot;]"/>'
        "</bpmn:extensionElements></bpmn:userTask>"
    )
    h.deploy(bpmn(chain(START, task, END)))
    pi = h.start(owner="zhao", dept="legal")
    assert _task(h, pi)["candidateGroupsList"] == ["legal", "office"]
    assert _task(h, pi, "ASSIGNED")["assignee"] == "zhao"


def test_user_task_is_cancelled_with_its_instance(h: Harness) -> None:
    _deploy(h, _user_task())
    pi = h.start(due="")
    h.engine.cancel_process_instance(pi)
    intents = [r.intent for r in h.records(pi) if r.value_type == "USER_TASK"]
    assert intents[-2:] == ["CANCELING", "CANCELED"]


def test_update_rejects_unknown_attributes(h: Harness) -> None:
    _deploy(h, _user_task())
    pi = h.start(due="")
    key = int(_task(h, pi)["userTaskKey"])  # type: ignore[call-overload]
    with pytest.raises(InvalidArgument, match="'assignee'"):
        h.engine.update_user_task(key, {"assignee": "x"})


DMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="drg_risk" name="Risk"
  namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="Decision_Level" name="Level">
    <decisionTable id="t" hitPolicy="UNIQUE">
      <input id="i1" label="Score">
        <inputExpression id="ie1" typeRef="number"><text>score</text></inputExpression>
      </input>
      <output id="o1" name="level" typeRef="string"/>
      <rule id="r1"><inputEntry id="a1"><text>&lt; 50</text></inputEntry>
        <outputEntry id="b1"><text>"low"</text></outputEntry></rule>
      <rule id="r2"><inputEntry id="a2"><text>&gt;= 50</text></inputEntry>
        <outputEntry id="b2"><text>"high"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""

RULE_TASK = (
    '<bpmn:businessRuleTask id="decide"><bpmn:extensionElements>'
    '<zeebe:calledDecision decisionId="Decision_Level" resultVariable="level"/>'
    "</bpmn:extensionElements></bpmn:businessRuleTask>"
)


def test_business_rule_task_evaluates_the_latest_decision(h: Harness) -> None:
    h.engine.deploy(
        [Resource("risk.dmn", DMN), Resource("p.bpmn", bpmn(chain(START, RULE_TASK, END)))]
    )
    pi = h.start(score=72)
    assert h.completed(pi)
    assert h.variables(pi)["level"] == "high"
    [evaluation] = [r for r in h.records(pi) if r.value_type == "DECISION_EVALUATION"]
    assert evaluation.intent == "EVALUATED"
    assert evaluation.value["evaluatedDecisions"][0]["matchedRules"][0]["ruleId"] == "r2"


def test_failing_decision_is_an_incident_resolvable_after_redeploying(h: Harness) -> None:
    overlapping = DMN.replace(b"&lt; 50", b"&gt;= 0")  # UNIQUE table: two rules match 72
    h.engine.deploy(
        [Resource("risk.dmn", overlapping), Resource("p.bpmn", bpmn(chain(START, RULE_TASK, END)))]
    )
    pi = h.start(score=72)
    [incident] = h.incidents(pi)
    assert incident.value["errorType"] == "DECISION_EVALUATION_ERROR"
    assert "Decision_Level" in incident.value["errorMessage"]
    assert [r.intent for r in h.records(pi) if r.value_type == "DECISION_EVALUATION"] == ["FAILED"]
    h.engine.deploy([Resource("risk.dmn", DMN)])
    h.engine.resolve_incident(incident.key)
    assert h.completed(pi)
    assert h.variables(pi)["level"] == "high"


def test_missing_decision_incident_then_deploy_and_resolve(h: Harness) -> None:
    h.deploy(bpmn(chain(START, RULE_TASK, END)))
    pi = h.start(score=10)
    [incident] = h.incidents(pi)
    assert incident.value["errorType"] == "CALLED_DECISION_ERROR"
    h.engine.deploy([Resource("risk.dmn", DMN)])
    h.engine.resolve_incident(incident.key)
    assert h.variables(pi)["level"] == "low"


def test_evaluate_decision_command(h: Harness) -> None:
    deployed = h.engine.deploy([Resource("risk.dmn", DMN)])
    result = h.engine.evaluate_decision(decision_id="Decision_Level", variables={"score": 10})
    assert json.loads(result.decision_output) == "low"
    assert result.decision_key == deployed.decisions[0].decision_key
    with pytest.raises(NotFound):
        h.engine.evaluate_decision(decision_id="nope")
