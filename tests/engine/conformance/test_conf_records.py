"""Record log order within one command, as Zeebe's processors append the records.

Exporters (Operate, Optimize) and record-stream assertions ported from Zeebe's engine tests read
the log in order. Source: camunda/camunda zeebe/engine …/processing/bpmn/task/
JobWorkerTaskProcessor.java ``finalizeActivation`` (8.8): ``subscribeToEvents`` (boundary
events), then ``jobBehavior.createNewJob`` (BpmnJobBehavior.writeJobCreatedEvent appends JOB
CREATED at once), then ``transitionToActivated``; JobWorkerTaskSupportingProcessor delegates to it
for every job-based send, script, business rule and job-worker user task.
"""

from __future__ import annotations

import pytest
from conf_bpmn import boundary, chain, end, message, model, service, start, timer
from conf_support import Conf

_JOB = '<zeebe:taskDefinition type="work"/>'
_MESSAGE = '<bpmn:messageEventDefinition messageRef="Msg"/>'

JOB_ELEMENTS = {
    "service task": service("Task", "work"),
    "send task": service("Task", "work", kind="sendTask"),
    "business rule task": service("Task", "work", kind="businessRuleTask"),
    "script task": service("Task", "work", kind="scriptTask"),
    "message throw event": (
        f'<bpmn:intermediateThrowEvent id="Task"><bpmn:extensionElements>{_JOB}'
        f"</bpmn:extensionElements>{_MESSAGE}</bpmn:intermediateThrowEvent>"
    ),
}


def _element_log(conf: Conf, key: int) -> list[tuple[str, str]]:
    """The events about element ``Task`` (its own records, its job and its timers) in order."""
    return [
        (r.value_type, r.intent)
        for r in conf.zeebe.harness.history(key)
        if r.record_type == "EVENT"
        and r.value_type in ("JOB", "TIMER", "PROCESS_INSTANCE")
        and (r.value.get("elementId") == "Task" or r.value.get("targetElementId") == "Timeout")
    ]


@pytest.mark.parametrize("element", JOB_ELEMENTS.values(), ids=JOB_ELEMENTS.keys())
async def test_a_job_is_created_between_activating_and_activated(conf: Conf, element: str) -> None:
    """JobWorkerTaskProcessor.finalizeActivation: JOB CREATED precedes the element's
    ELEMENT_ACTIVATED, for every job-based element."""
    await conf.deploy(
        model(
            "P_Order",
            start(),
            element,
            end(),
            chain("Start", "Task", "End"),
            defs=(message("Msg", "sent"),),
        )
    )
    key = await conf.start("P_Order")
    await conf.record(key, "JOB", "CREATED")
    assert _element_log(conf, key)[:3] == [
        ("PROCESS_INSTANCE", "ELEMENT_ACTIVATING"),
        ("JOB", "CREATED"),
        ("PROCESS_INSTANCE", "ELEMENT_ACTIVATED"),
    ]


async def test_a_job_worker_user_task_creates_its_job_before_it_is_activated(conf: Conf) -> None:
    """A user task without zeebe:userTask is job-based (type io.camunda.zeebe:userTask); its
    processor delegates to JobWorkerTaskProcessor, so the same order holds."""
    await conf.deploy(
        model(
            "P_UserJob", start(), '<bpmn:userTask id="Task"/>', end(), chain("Start", "Task", "End")
        )
    )
    key = await conf.start("P_UserJob")
    created = await conf.record(key, "JOB", "CREATED")
    assert created.value["type"] == "io.camunda.zeebe:userTask"
    assert _element_log(conf, key)[:3] == [
        ("PROCESS_INSTANCE", "ELEMENT_ACTIVATING"),
        ("JOB", "CREATED"),
        ("PROCESS_INSTANCE", "ELEMENT_ACTIVATED"),
    ]


async def test_boundary_timers_are_created_before_the_job(conf: Conf) -> None:
    """finalizeActivation subscribes to the boundary events before it creates the job: TIMER
    CREATED, then JOB CREATED, then ELEMENT_ACTIVATED."""
    await conf.deploy(
        model(
            "P_Timed",
            start(),
            service("Task", "work"),
            end(),
            boundary("Timeout", "Task", timer(duration="PT1H")),
            end("Late"),
            chain("Start", "Task", "End"),
            chain("Timeout", "Late"),
        )
    )
    key = await conf.start("P_Timed")
    await conf.record(key, "JOB", "CREATED")
    assert _element_log(conf, key)[:4] == [
        ("PROCESS_INSTANCE", "ELEMENT_ACTIVATING"),
        ("TIMER", "CREATED"),
        ("JOB", "CREATED"),
        ("PROCESS_INSTANCE", "ELEMENT_ACTIVATED"),
    ]
