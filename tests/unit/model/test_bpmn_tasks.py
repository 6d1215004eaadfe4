"""Tasks, call activities and multi-instance are read into the specs the runtime executes."""

from __future__ import annotations

from engine.model import (
    CalledDecision,
    CalledElement,
    ElementType,
    Expression,
    LoopCharacteristics,
    ScriptDefinition,
    TaskDefinition,
    UserTaskDefinition,
    VariableMapping,
    parse_bpmn,
)
from engine.model.specs import Element

from .bpmn_text import END, START, document, job, line_of, straight


def parse_one(body: str, element_id: str, definitions: str = "") -> Element:
    text = document(body, definitions=definitions)
    resource = parse_bpmn(text.encode(), "test.bpmn")
    element = resource.processes[0].elements[element_id]
    assert element.line == line_of(text, f'id="{element_id}"')
    return element


def test_service_task_reads_job_headers_mappings_properties_and_flows() -> None:
    body = f"""
    {START}
    <bpmn:serviceTask id="Task_Check" name="核查">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="=&quot;check-&quot; + kind" retries="=2 + 3" />
        <zeebe:taskHeaders>
          <zeebe:header key="level" value="high" />
          <zeebe:header key="unit" value="县" />
        </zeebe:taskHeaders>
        <zeebe:ioMapping>
          <zeebe:input source="=case.id" target="caseId" />
          <zeebe:input source="static" target="mode" />
          <zeebe:output source="=result.score" target="risk.score" />
        </zeebe:ioMapping>
        <zeebe:properties><zeebe:property name="owner" value="team-a" /></zeebe:properties>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    {END}
    {straight("Task_Check")}
    """
    task = parse_one(body, "Task_Check")
    assert task.element_type is ElementType.SERVICE_TASK
    assert task.name == "核查"
    assert task.flow_scope == "Process_1"
    assert task.task_definition == TaskDefinition(
        type=Expression('="check-" + kind'), retries=Expression("=2 + 3")
    )
    assert task.task_headers == (("level", "high"), ("unit", "县"))
    assert task.inputs == (
        VariableMapping(Expression("=case.id"), "caseId"),
        VariableMapping(Expression("static"), "mode"),
    )
    assert task.outputs == (VariableMapping(Expression("=result.score"), "risk.score"),)
    assert task.properties == (("owner", "team-a"),)
    assert task.incoming == ("Flow_0",)
    assert task.outgoing == ("Flow_1",)


def test_job_retries_default_to_three() -> None:
    body = f'{START}<bpmn:serviceTask id="T">{job("x")}</bpmn:serviceTask>{END}{straight("T")}'
    assert parse_one(body, "T").task_definition == TaskDefinition(Expression("x"), Expression("3"))


def test_send_task_and_job_variants_of_script_and_business_rule_tasks() -> None:
    body = f"""
    {START}
    <bpmn:sendTask id="Send">{job("notify")}</bpmn:sendTask>
    <bpmn:scriptTask id="ScriptJob">{job("script-worker")}</bpmn:scriptTask>
    <bpmn:businessRuleTask id="RuleJob">{job("rule-worker")}</bpmn:businessRuleTask>
    {END}
    {straight("Send", "ScriptJob", "RuleJob")}
    """
    for element_id, job_type in (
        ("Send", "notify"),
        ("ScriptJob", "script-worker"),
        ("RuleJob", "rule-worker"),
    ):
        element = parse_one(body, element_id)
        assert element.task_definition is not None
        assert element.task_definition.type == Expression(job_type)
        assert element.script is None and element.called_decision is None


def test_feel_script_task_and_decision_task() -> None:
    body = f"""
    {START}
    <bpmn:scriptTask id="Sum">
      <bpmn:extensionElements>
        <zeebe:script expression="=a + b" resultVariable="total" />
      </bpmn:extensionElements>
    </bpmn:scriptTask>
    <bpmn:businessRuleTask id="Rate">
      <bpmn:extensionElements>
        <zeebe:calledDecision decisionId="Decision_Risk" resultVariable="riskLevel" />
      </bpmn:extensionElements>
    </bpmn:businessRuleTask>
    {END}
    {straight("Sum", "Rate")}
    """
    script = parse_one(body, "Sum")
    assert script.element_type is ElementType.SCRIPT_TASK
    assert script.script == ScriptDefinition(Expression("=a + b"), "total")
    assert script.task_definition is None
    rate = parse_one(body, "Rate")
    assert rate.called_decision == CalledDecision(Expression("Decision_Risk"), "riskLevel")
    assert rate.task_definition is None


def test_receive_task_references_message_with_correlation_key() -> None:
    body = f"""
    {START}
    <bpmn:receiveTask id="Wait" messageRef="Message_Reply" />
    {END}
    {straight("Wait")}
    """
    definitions = """
    <bpmn:message id="Message_Reply" name="reply">
      <bpmn:extensionElements>
        <zeebe:subscription correlationKey="=caseId" />
      </bpmn:extensionElements>
    </bpmn:message>
    """
    wait = parse_one(body, "Wait", definitions)
    assert wait.element_type is ElementType.RECEIVE_TASK
    assert wait.message is not None
    assert wait.message.message_id == "Message_Reply"
    assert wait.message.name == Expression("reply")
    assert wait.message.correlation_key == Expression("=caseId")


def test_manual_and_undefined_tasks_pass_through() -> None:
    body = f"""
    {START}
    <bpmn:manualTask id="Manual" />
    <bpmn:task id="Plain" />
    {END}
    {straight("Manual", "Plain")}
    """
    assert parse_one(body, "Manual").element_type is ElementType.MANUAL_TASK
    assert parse_one(body, "Plain").element_type is ElementType.TASK


def test_camunda_user_task_reads_assignment_schedule_priority_form_headers() -> None:
    body = f"""
    {START}
    <bpmn:userTask id="Task_Review">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:formDefinition formId="review-form" bindingType="latest" />
        <zeebe:assignmentDefinition assignee="=owner" candidateGroups="stability-office, legal"
            candidateUsers="=reviewers" />
        <zeebe:taskSchedule dueDate="=now() + duration(&quot;P3D&quot;)"
            followUpDate="2026-03-02T15:35+08:00" />
        <zeebe:priorityDefinition priority="75" />
        <zeebe:taskHeaders><zeebe:header key="stage" value="review" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
    </bpmn:userTask>
    {END}
    {straight("Task_Review")}
    """
    task = parse_one(body, "Task_Review")
    assert task.element_type is ElementType.USER_TASK
    assert task.user_task == UserTaskDefinition(
        assignee=Expression("=owner"),
        candidate_groups=Expression("stability-office, legal"),
        candidate_users=Expression("=reviewers"),
        due_date=Expression('=now() + duration("P3D")'),
        follow_up_date=Expression("2026-03-02T15:35+08:00"),
        priority=Expression("75"),
        form_id="review-form",
        external_form_reference=None,
    )
    assert task.task_headers == (("stage", "review"),)
    assert task.task_definition is None


def test_user_task_with_external_form_and_no_assignment() -> None:
    body = f"""
    {START}
    <bpmn:userTask id="Task_Ext">
      <bpmn:extensionElements>
        <zeebe:userTask />
        <zeebe:formDefinition externalReference="=&quot;https://forms/&quot; + caseId" />
      </bpmn:extensionElements>
    </bpmn:userTask>
    {END}
    {straight("Task_Ext")}
    """
    task = parse_one(body, "Task_Ext")
    assert task.user_task == UserTaskDefinition(
        external_form_reference=Expression('="https://forms/" + caseId')
    )


def test_call_activity_reads_process_id_and_propagation() -> None:
    body = f"""
    {START}
    <bpmn:callActivity id="Call">
      <bpmn:extensionElements>
        <zeebe:calledElement processId="=childId" propagateAllChildVariables="false" />
        <zeebe:ioMapping><zeebe:input source="=a" target="b" /></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:callActivity>
    {END}
    {straight("Call")}
    """
    call = parse_one(body, "Call")
    assert call.element_type is ElementType.CALL_ACTIVITY
    assert call.called_element == CalledElement(
        Expression("=childId"),
        propagate_all_child_variables=False,
        propagate_all_parent_variables=True,
    )
    assert call.inputs == (VariableMapping(Expression("=a"), "b"),)


def test_multi_instance_parallel_and_sequential() -> None:
    body = f"""
    {START}
    <bpmn:serviceTask id="Each">
      {job("visit")}
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:extensionElements>
          <zeebe:loopCharacteristics inputCollection="=households" inputElement="household"
              outputCollection="visits" outputElement="=visit" />
        </bpmn:extensionElements>
        <bpmn:completionCondition xsi:type="bpmn:tFormalExpression"
          >=count(visits) &gt;= 3</bpmn:completionCondition>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:serviceTask>
    <bpmn:subProcess id="Seq">
      <bpmn:multiInstanceLoopCharacteristics isSequential="true">
        <bpmn:extensionElements>
          <zeebe:loopCharacteristics inputCollection="=[1, 2, 3]" />
        </bpmn:extensionElements>
      </bpmn:multiInstanceLoopCharacteristics>
      <bpmn:startEvent id="Seq_Start" />
      <bpmn:endEvent id="Seq_End" />
      <bpmn:sequenceFlow id="Seq_Flow" sourceRef="Seq_Start" targetRef="Seq_End" />
    </bpmn:subProcess>
    {END}
    {straight("Each", "Seq")}
    """
    each = parse_one(body, "Each")
    assert each.loop == LoopCharacteristics(
        sequential=False,
        input_collection=Expression("=households"),
        input_element="household",
        output_collection="visits",
        output_element=Expression("=visit"),
        completion_condition=Expression("=count(visits) >= 3"),
    )
    seq = parse_one(body, "Seq")
    assert seq.loop == LoopCharacteristics(
        sequential=True, input_collection=Expression("=[1, 2, 3]")
    )
