"""Unsupported elements and bad tasks, user tasks, call activities and multi-instance."""

from __future__ import annotations

import pytest

from .bpmn_text import END, START, job, straight
from .rejections import Case, assert_rejected, boundary, catch, ext, mi, sub, task, user

CASES: dict[str, Case] = {
    # --- unsupported elements ---------------------------------------------------------------
    "complex gateway": Case(
        f"{START}<bpmn:complexGateway id='Cx' />{END}{straight('Cx')}", "Cx", "Complex gateways"
    ),
    "transaction": Case(
        sub("", element_id="Tx").replace("subProcess", "transaction"), "Tx", "Transaction"
    ),
    "ad-hoc sub-process": Case(
        f"{START}<bpmn:adHocSubProcess id='AdHoc' />{END}{straight('AdHoc')}", "AdHoc", "Ad-hoc"
    ),
    "compensation boundary": Case(
        boundary("<bpmn:compensateEventDefinition />"), "B", "Compensation events", at="compensate"
    ),
    "compensation handler": Case(
        task("serviceTask", "Undo", job()).replace(
            "id='Undo'", "id='Undo' isForCompensation='true'"
        ),
        "Undo",
        "Compensation handlers",
    ),
    "link event without a name": Case(
        catch("<bpmn:linkEventDefinition />"), "Catch", "Link name must be present", at="linkEvent"
    ),
    "link throw without its catch": Case(
        f"{START}<bpmn:intermediateThrowEvent id='Go'><bpmn:linkEventDefinition name='L' />"
        f"</bpmn:intermediateThrowEvent>{END}{straight('Go')}",
        "Go",
        "Can't find an catch link event for the throw link event with the name 'L'.",
    ),
    "conditional event": Case(
        catch("<bpmn:conditionalEventDefinition />"), "Catch", "Conditional", at="conditional"
    ),
    "standard loop": Case(
        task("serviceTask", "Loop", job() + "<bpmn:standardLoopCharacteristics />"),
        "Loop",
        "Standard loops",
    ),
    "execution listener": Case(
        task(
            "serviceTask",
            "T",
            ext("<zeebe:taskDefinition type='a' /><zeebe:executionListeners />"),
        ),
        "T",
        "'zeebe:executionListeners' is not supported",
        at="executionListeners",
    ),
    "job worker user task with two form references": Case(
        task(
            "userTask",
            "Task_U",
            ext("<zeebe:formDefinition formKey='camunda-forms:bpmn:f' formId='f' />"),
        ),
        "Task_U",
        "Exactly one of the attributes 'formId, formKey'",
        at="formDefinition",
    ),
    # --- tasks ---------------------------------------------------------------------------------
    "service task without job type": Case(
        task("serviceTask", "T"), "T", "Must have exactly one 'zeebe:taskDefinition'"
    ),
    "empty job type": Case(
        task("serviceTask", "T", ext("<zeebe:taskDefinition type='' />")),
        "T",
        "Attribute 'type' must be present and not empty",
        at="taskDefinition",
    ),
    "send task without job": Case(
        task("sendTask", "Send"), "Send", "Must have exactly one 'zeebe:taskDefinition'"
    ),
    "business rule task without decision": Case(
        task("businessRuleTask", "Rule"),
        "Rule",
        "either one 'zeebe:calledDecision' or one 'zeebe:taskDefinition'",
    ),
    "script task with both": Case(
        task(
            "scriptTask",
            "Script",
            ext(
                "<zeebe:script expression='=1' resultVariable='r' />"
                "<zeebe:taskDefinition type='x' />"
            ),
        ),
        "Script",
        "either one 'zeebe:script' or one 'zeebe:taskDefinition'",
    ),
    "static script": Case(
        task("scriptTask", "Script", ext("<zeebe:script expression='1 + 1' resultVariable='r' />")),
        "Script",
        "Expected expression but found static value '1 + 1'",
        at="zeebe:script",
    ),
    "decision without result variable": Case(
        task("businessRuleTask", "Rule", ext("<zeebe:calledDecision decisionId='d' />")),
        "Rule",
        "Attribute 'resultVariable' must be present",
        at="calledDecision",
    ),
    "call activity without process id": Case(
        task("callActivity", "Call", ext("<zeebe:calledElement />")),
        "Call",
        "Attribute 'processId' must be present",
        at="calledElement",
    ),
    "call activity without called element": Case(
        task("callActivity", "Call"), "Call", "Must have exactly one 'zeebe:calledElement'"
    ),
    "binding by version tag without a tag": Case(
        task(
            "callActivity",
            "Call",
            ext("<zeebe:calledElement processId='p' bindingType='versionTag' />"),
        ),
        "Call",
        "Attribute 'versionTag' must be present and not empty",
        at="calledElement",
    ),
    "reserved header": Case(
        task(
            "serviceTask",
            "T",
            ext(
                "<zeebe:taskDefinition type='a' /><zeebe:taskHeaders>"
                "<zeebe:header key='io.camunda.zeebe:formKey' value='x' /></zeebe:taskHeaders>"
            ),
        ),
        "T",
        "reserved for internal use",
        at="zeebe:header",
    ),
    "bad mapping target": Case(
        task(
            "serviceTask",
            "T",
            ext(
                "<zeebe:taskDefinition type='a' /><zeebe:ioMapping>"
                "<zeebe:input source='=1' target='a-b' /></zeebe:ioMapping>"
            ),
        ),
        "T",
        "Expected path expression 'a-b'",
        at="zeebe:input",
    ),
    "static output source": Case(
        task(
            "serviceTask",
            "T",
            ext(
                "<zeebe:taskDefinition type='a' /><zeebe:ioMapping>"
                "<zeebe:output source='result' target='r' /></zeebe:ioMapping>"
            ),
        ),
        "T",
        "Expected expression but found static value 'result'",
        at="zeebe:output",
    ),
    # --- user task forms and fields ------------------------------------------------------------
    "form with id and external reference": Case(
        user("<zeebe:formDefinition formId='f' externalReference='https://x' />"),
        "Task_U",
        "Exactly one of the attributes 'formId, externalReference'",
        at="formDefinition",
    ),
    "form key on a camunda user task": Case(
        user("<zeebe:formDefinition formKey='camunda-forms:bpmn:Form_1' />"),
        "Task_U",
        "Exactly one of the attributes 'formId, externalReference'",
        at="formDefinition",
    ),
    "unknown binding type": Case(
        user("<zeebe:formDefinition formId='f' bindingType='newest' />"),
        "Task_U",
        "Attribute 'bindingType' must be one of latest, deployment, versionTag, but was 'newest'",
        at="formDefinition",
    ),
    "candidate groups not a list": Case(
        user("<zeebe:assignmentDefinition candidateGroups='a,,b' />"),
        "Task_U",
        "list of comma-separated values",
        at="assignmentDefinition",
    ),
    "due date not a date": Case(
        user("<zeebe:taskSchedule dueDate='tomorrow' />"),
        "Task_U",
        "valid DateTime String",
        at="taskSchedule",
    ),
    "priority out of range": Case(
        user("<zeebe:priorityDefinition priority='101' />"),
        "Task_U",
        "Priority must be a number between 0 and 100",
        at="priorityDefinition",
    ),
    # --- multi-instance ------------------------------------------------------------------------
    "multi-instance without input collection": Case(
        mi(ext("<zeebe:loopCharacteristics inputElement='x' />")),
        "Each",
        "Attribute 'inputCollection' must be present",
        at="loopCharacteristics inputElement",
    ),
    "multi-instance without zeebe loop": Case(
        mi(""), "Each", "Must have exactly one 'zeebe:loopCharacteristics'", at="multiInstance"
    ),
    "output collection without output element": Case(
        mi(ext("<zeebe:loopCharacteristics inputCollection='=xs' outputCollection='ys' />")),
        "Each",
        "Attribute 'outputElement' must be present",
        at="loopCharacteristics inputCollection",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_rejection_names_element_and_line(case: Case) -> None:
    assert_rejected(case)
