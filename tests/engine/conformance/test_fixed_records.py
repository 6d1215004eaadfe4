"""Record log order: conformance tests that fail against the embedded engine.

See ../conformance-gaps.md (R1). Zeebe's exporter records are what Operate, Optimize and the
zeebe engine tests read; their order within one command follows the processors.
"""

from __future__ import annotations

from conf_bpmn import chain, end, model, service, start
from conf_support import Conf


async def test_a_job_is_created_before_its_task_is_activated(conf: Conf) -> None:
    """Zeebe's JobWorkerTaskProcessor.regularJobExecution: ``jobBehavior.createNewJob`` then
    ``stateTransitionBehavior.transitionToActivated`` — JOB CREATED precedes the task's
    ELEMENT_ACTIVATED in the log (camunda/camunda zeebe/engine …/task/JobWorkerTaskProcessor)."""
    await conf.deploy(
        model("P_Order", start(), service("Task", "work"), end(), chain("Start", "Task", "End"))
    )
    key = await conf.start("P_Order")
    await conf.record(key, "JOB", "CREATED")
    log = [
        (r.value_type, r.intent)
        for r in conf.zeebe.harness.history(key)
        if r.record_type == "EVENT"
        and (r.value_type == "JOB" or r.value.get("elementId") == "Task")
    ]
    assert log.index(("JOB", "CREATED")) < log.index(("PROCESS_INSTANCE", "ELEMENT_ACTIVATED"))
