"""Tasks, gateways, sub-processes, call activities and multi-instance (issue 2)."""

from __future__ import annotations

import json

from pyzeebe.proto import gateway_pb2 as pb
from zeebe_suite import MODELS, Zeebe


async def test_send_task_is_a_job(zeebe: Zeebe) -> None:
    await zeebe.deploy("send_task.bpmn")
    key = await zeebe.start("Process_SendTask")
    job = await zeebe.complete("send-mail")
    assert job.elementId == "Task_Send"
    await zeebe.completed(key)


async def test_script_task_evaluates_feel_into_its_result_variable(zeebe: Zeebe) -> None:
    await zeebe.deploy("script_task.bpmn")
    key = await zeebe.start("Process_ScriptTask", a=40, b=2)
    await zeebe.completed(key)
    assert zeebe.variables(key)["sum"] == 42


async def test_receive_task_waits_for_its_message(zeebe: Zeebe) -> None:
    await zeebe.deploy("receive_task.bpmn")
    key = await zeebe.start("Process_ReceiveTask", orderId="o-2")
    sub = await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_ACTIVATED", "Task_Receive")
    await zeebe.client.publish_message("paid", "someone-else")
    await zeebe.client.publish_message("paid", "o-2")
    await zeebe.completed(key)
    assert sub.value["bpmnElementType"] == "RECEIVE_TASK"


async def test_user_task_without_its_form_raises_an_incident(zeebe: Zeebe) -> None:
    await zeebe.deploy("user_task.bpmn")
    key = await zeebe.start("Process_UserTask")
    incident = await zeebe.record(key, "INCIDENT", "CREATED")
    assert incident.value["elementId"] == "Task_Review"
    assert "Form_Review" in incident.value["errorMessage"]


async def test_user_task_waits_as_a_camunda_user_task(zeebe: Zeebe) -> None:
    await zeebe.deploy("user_task.bpmn", "review.form")
    key = await zeebe.start("Process_UserTask")
    task = await zeebe.record(key, "USER_TASK", "CREATED")
    assert task.value["candidateGroupsList"] == ["reviewers"]
    assert task.value["elementId"] == "Task_Review"
    assert "Process_UserTask" not in zeebe.elements(key)


async def test_business_rule_task_with_job_worker(zeebe: Zeebe) -> None:
    await zeebe.deploy("business_rule_job.bpmn")
    key = await zeebe.start("Process_BusinessRuleJob")
    await zeebe.complete("rule-job", '{"risk": "high"}')
    await zeebe.completed(key)
    assert zeebe.variables(key)["risk"] == "high"


async def test_exclusive_gateway_condition_and_default(zeebe: Zeebe) -> None:
    await zeebe.deploy("exclusive.bpmn")
    big = await zeebe.start("Process_Exclusive", amount=500)
    small = await zeebe.start("Process_Exclusive", amount=5)
    await zeebe.completed(big)
    await zeebe.completed(small)
    assert "EndEvent_Big" in zeebe.elements(big)
    assert "EndEvent_Small" in zeebe.elements(small)


async def test_exclusive_gateway_without_match_raises_incident(zeebe: Zeebe) -> None:
    await zeebe.deploy("exclusive_no_default.bpmn")
    key = await zeebe.start("Process_ExclusiveNoDefault", amount=1)
    incident = await zeebe.record(key, "INCIDENT", "CREATED")
    assert incident.value["errorType"] == "CONDITION_ERROR"


async def test_parallel_gateway_forks_and_joins(zeebe: Zeebe) -> None:
    await zeebe.deploy("parallel.bpmn")
    key = await zeebe.start("Process_Parallel")
    await zeebe.complete("branch-a")
    await zeebe.record(key, "PROCESS_INSTANCE", "ELEMENT_COMPLETED", "Task_A")
    assert "Gateway_Join" not in zeebe.elements(key)
    await zeebe.complete("branch-b")
    await zeebe.completed(key)
    assert zeebe.elements(key).count("Gateway_Join") == 1


async def test_inclusive_gateway_takes_every_true_flow_and_joins(zeebe: Zeebe) -> None:
    await zeebe.deploy("inclusive.bpmn")
    both = await zeebe.start("Process_Inclusive", a=True, b=True)
    await zeebe.complete("incl-a")
    await zeebe.complete("incl-b")
    await zeebe.completed(both)
    none = await zeebe.start("Process_Inclusive", a=False, b=False)
    await zeebe.complete("incl-c")  # the default flow
    await zeebe.completed(none)
    assert zeebe.elements(both).count("Gateway_Join") == 1


async def test_event_based_gateway_first_event_wins(zeebe: Zeebe) -> None:
    await zeebe.deploy("event_based.bpmn")
    paid = await zeebe.start("Process_EventBased", orderId="o-3")
    timeout = await zeebe.start("Process_EventBased", orderId="o-4")
    await zeebe.record(timeout, "TIMER", "CREATED")
    await zeebe.client.publish_message("paid", "o-3")
    await zeebe.completed(paid)
    zeebe.harness.advance_clock(15 * 60_000)
    await zeebe.completed(timeout)
    assert "EndEvent_Paid" in zeebe.elements(paid)
    assert "EndEvent_Timeout" in zeebe.elements(timeout)


async def test_embedded_sub_process_with_mappings(zeebe: Zeebe) -> None:
    await zeebe.deploy("subprocess.bpmn")
    key = await zeebe.start("Process_SubProcess")
    job = await zeebe.complete("inner")
    assert json.loads(job.variables)["local"] == 10
    await zeebe.completed(key)
    variables = zeebe.variables(key)
    assert variables["fromSub"] == 11 and "local" not in variables


async def test_interrupting_message_event_sub_process(zeebe: Zeebe) -> None:
    await zeebe.deploy("event_subprocess.bpmn")
    key = await zeebe.start("Process_EventSub", orderId="o-6")
    await zeebe.record(key, "JOB", "CREATED")
    await zeebe.client.publish_message("cancel-order", "o-6")
    await zeebe.completed(key)
    assert "Task_Work" in zeebe.elements(key, "ELEMENT_TERMINATED")
    assert "EndEvent_Cancelled" in zeebe.elements(key)


async def test_non_interrupting_message_event_sub_process(zeebe: Zeebe) -> None:
    await zeebe.deploy("event_subprocess.bpmn")
    key = await zeebe.start("Process_EventSub", orderId="o-7")
    await zeebe.record(key, "JOB", "CREATED")
    await zeebe.client.publish_message("note", "o-7")
    await zeebe.complete("note")
    await zeebe.complete("work")
    await zeebe.completed(key)


async def test_interrupting_timer_event_sub_process(zeebe: Zeebe) -> None:
    await zeebe.deploy("event_subprocess_timer.bpmn")
    key = await zeebe.start("Process_EventSubTimer")
    await zeebe.record(key, "TIMER", "CREATED")
    zeebe.harness.advance_clock(2 * 3_600_000)
    await zeebe.completed(key)
    assert "EndEvent_TimedOut" in zeebe.elements(key)


async def test_call_activity_with_mappings(zeebe: Zeebe) -> None:
    await zeebe.deploy("child.bpmn", "parent.bpmn")
    key = await zeebe.start("Process_Parent", orderId="o-8", secret="parent-only")
    job = await zeebe.complete("child-work", '{"childResult": "done", "extra": 1}')
    child_vars = json.loads(job.variables)
    assert child_vars["childOrder"] == "o-8" and "secret" not in child_vars
    assert job.processInstanceKey != key
    await zeebe.completed(key)
    variables = zeebe.variables(key)
    assert variables["result"] == "done" and "extra" not in variables


async def test_call_activity_propagates_all_child_variables(zeebe: Zeebe) -> None:
    await zeebe.deploy("child.bpmn", "parent_propagate.bpmn")
    key = await zeebe.start("Process_ParentAll", orderId="o-9")
    job = await zeebe.complete("child-work", '{"extra": 1}')
    assert json.loads(job.variables)["orderId"] == "o-9"  # all parent variables copied in
    await zeebe.completed(key)
    assert zeebe.variables(key)["extra"] == 1


async def test_call_activity_uses_the_latest_child_version(zeebe: Zeebe) -> None:
    await zeebe.deploy("child.bpmn", "parent.bpmn")
    changed = (MODELS / "child.bpmn").read_bytes().replace(b'"child-work"', b'"child-work-v2"')
    await zeebe.stub.DeployResource(
        pb.DeployResourceRequest(resources=[pb.Resource(name="child.bpmn", content=changed)])
    )
    key = await zeebe.start("Process_Parent", orderId="o-1")
    job = await zeebe.complete("child-work-v2")
    assert job.processDefinitionVersion == 2
    await zeebe.completed(key)


async def test_unknown_called_element_raises_an_incident(zeebe: Zeebe) -> None:
    await zeebe.deploy("parent_missing.bpmn")
    key = await zeebe.start("Process_ParentMissing")
    incident = await zeebe.record(key, "INCIDENT", "CREATED")
    assert incident.value["errorType"] == "CALLED_ELEMENT_ERROR"
    assert incident.value["elementId"] == "Call_Missing"


async def test_parallel_multi_instance_collects_outputs_in_index_order(zeebe: Zeebe) -> None:
    await zeebe.deploy("mi_parallel.bpmn")
    key = await zeebe.start("Process_MiParallel", items=[1, 2, 3])
    jobs = await zeebe.activate("each", request_timeout=10_000)
    assert len(jobs) == 3  # all at once
    for job in reversed(jobs):
        item = json.loads(job.variables)["item"]
        await zeebe.stub.CompleteJob(
            pb.CompleteJobRequest(jobKey=job.key, variables=json.dumps({"out": item * 10}))
        )
    await zeebe.completed(key)
    assert zeebe.variables(key)["results"] == [10, 20, 30]


async def test_sequential_multi_instance_runs_one_after_another(zeebe: Zeebe) -> None:
    await zeebe.deploy("mi_sequential.bpmn")
    key = await zeebe.start("Process_MiSequential", items=["a", "b"])
    first = await zeebe.activate("each", request_timeout=10_000)
    assert [json.loads(j.variables)["item"] for j in first] == ["a"]
    await zeebe.stub.CompleteJob(pb.CompleteJobRequest(jobKey=first[0].key, variables='{"out": 1}'))
    await zeebe.complete("each", '{"out": 2}')
    await zeebe.completed(key)
    assert zeebe.variables(key)["results"] == [1, 2]


async def test_multi_instance_sub_process(zeebe: Zeebe) -> None:
    await zeebe.deploy("mi_subprocess.bpmn")
    key = await zeebe.start("Process_MiSubProcess", items=[1, 2])
    jobs = await zeebe.activate("each", request_timeout=10_000)
    assert sorted(json.loads(j.variables)["item"] for j in jobs) == [1, 2]
    for job in jobs:
        await zeebe.stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key, variables='{"out": 0}'))
    await zeebe.completed(key)


async def test_multi_instance_call_activity(zeebe: Zeebe) -> None:
    await zeebe.deploy("child.bpmn", "mi_call.bpmn")
    key = await zeebe.start("Process_MiCall", items=["x", "y"])
    for _ in range(2):
        await zeebe.complete("child-work", '{"childResult": "ok"}')
    await zeebe.completed(key)
    assert zeebe.variables(key)["results"] == ["ok", "ok"]


async def test_business_rule_task_evaluates_its_called_decision(zeebe: Zeebe) -> None:
    await zeebe.deploy("risk_level.dmn", "business_rule_dmn.bpmn")
    key = await zeebe.start("Process_BusinessRuleDmn", score=75)
    await zeebe.completed(key)
    assert zeebe.variables(key)["risk"] == "high"
