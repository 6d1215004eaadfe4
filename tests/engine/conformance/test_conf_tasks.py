"""Tasks that are not job workers: user tasks, receive tasks, undefined and manual tasks.

Spec: https://docs.camunda.io/docs/8.8/components/modeler/bpmn/user-tasks/, .../receive-tasks/,
.../manual-tasks/
"""

from __future__ import annotations

import json

from conf_bpmn import (
    boundary,
    chain,
    end,
    message,
    model,
    receive,
    service,
    start,
    timer,
)
from conf_support import Conf


async def test_a_receive_task_with_a_timer_boundary(conf: Conf) -> None:
    """receive-tasks: unlike a catch event, a receive task can carry boundary events."""
    await conf.deploy(
        model(
            "P_RecvTimer",
            start(),
            receive("Recv", "Msg"),
            boundary("Late", "Recv", timer(duration="PT1M")),
            end(),
            end("LateEnd"),
            chain("Start", "Recv", "End"),
            chain("Late", "LateEnd"),
            defs=[message("Msg", "paid", "=orderId")],
        )
    )
    key = await conf.start("P_RecvTimer", orderId="o-10")
    await conf.record(key, "TIMER", "CREATED")
    conf.advance(60_000)
    await conf.completed(key)
    assert "LateEnd" in conf.elements(key)
    assert "Recv" in conf.elements(key, "ELEMENT_TERMINATED")


async def test_a_camunda_user_task_waits_and_is_canceled_by_a_boundary(conf: Conf) -> None:
    """user-tasks: a ``zeebe:userTask`` waits as a user task (no job); an interrupting boundary
    cancels it."""
    task = (
        '<bpmn:userTask id="Review"><bpmn:extensionElements><zeebe:userTask/>'
        "</bpmn:extensionElements></bpmn:userTask>"
    )
    await conf.deploy(
        model(
            "P_UserTask",
            start(),
            task,
            boundary("Late", "Review", timer(duration="PT1H")),
            end(),
            end("LateEnd"),
            chain("Start", "Review", "End"),
            chain("Late", "LateEnd"),
        )
    )
    key = await conf.start("P_UserTask")
    await conf.record(key, "USER_TASK", "CREATED")
    assert conf.records(key, "JOB") == []
    conf.advance(3_600_000)
    await conf.completed(key)
    await conf.record(key, "USER_TASK", "CANCELED")


async def test_undefined_and_manual_tasks_pass_through(conf: Conf) -> None:
    """bpmn-coverage + manual-tasks: an undefined task and a manual task complete at once."""
    await conf.deploy(
        model(
            "P_PassThrough",
            start(),
            '<bpmn:task id="Plain"/>',
            '<bpmn:manualTask id="Manual"/>',
            end(),
            chain("Start", "Plain", "Manual", "End"),
        )
    )
    key = await conf.start("P_PassThrough")
    await conf.completed(key)
    assert {"Plain", "Manual"} <= set(conf.elements(key))


async def test_a_script_task_with_a_job_worker_implementation(conf: Conf) -> None:
    """script-tasks#job-worker-implementation: with a task definition instead of an
    expression the script task is a job for a worker."""
    await conf.deploy(
        model(
            "P_ScriptJob",
            start(),
            service("Script", "script-worker", kind="scriptTask"),
            end(),
            chain("Start", "Script", "End"),
        )
    )
    key = await conf.start("P_ScriptJob")
    assert (await conf.work("script-worker", result=1)).elementId == "Script"
    await conf.completed(key)
    assert conf.variables(key)["result"] == 1


async def test_a_job_worker_user_task_is_a_job_of_type_user_task(conf: Conf) -> None:
    """user-tasks#job-worker-implementation (8.8, deprecated but supported): a user task without
    ``zeebe:userTask`` creates a job of type ``io.camunda.zeebe:userTask`` whose custom headers
    carry the assignment (``io.camunda.zeebe:assignee``, ``io.camunda.zeebe:candidateGroups``)."""
    task = (
        '<bpmn:userTask id="Review"><bpmn:extensionElements>'
        '<zeebe:assignmentDefinition assignee="demo" candidateGroups="reviewers"/>'
        "</bpmn:extensionElements></bpmn:userTask>"
    )
    await conf.deploy(model("P_JobUserTask", start(), task, end(), chain("Start", "Review", "End")))
    key = await conf.start("P_JobUserTask")
    job = await conf.job("io.camunda.zeebe:userTask")
    assert json.loads(job.customHeaders)["io.camunda.zeebe:assignee"] == "demo"
    await conf.complete(job, approved=True)
    await conf.completed(key)
