"""pyzeebe's own integration scenarios (camunda-community-hub/pyzeebe tests/integration) against
the embedded engine: a worker with input/output mappings, results, errors, cancel.

Spec: https://docs.camunda.io/docs/8.8/components/concepts/job-workers/ and pyzeebe's
tests/integration/{integration_test,run_process_test,cancel_process_test}.py with its test.bpmn.
"""

# No ``from __future__ import annotations`` here: pyzeebe recognises the ``job: Job`` parameter
# by comparing the live annotation object with ``Job``.
from typing import Any
from uuid import uuid4

import pytest
from conf_bpmn import chain, end, inp, io, model, out, service, start
from conf_support import Conf
from pyzeebe import Job, JobController
from pyzeebe.errors import ProcessDefinitionNotFoundError, ProcessInstanceNotFoundError

# pyzeebe's tests/integration/test.bpmn: one task "test" mapping input/should_throw in, output out.
PYZEEBE_TEST_BPMN = model(
    "test",
    start("StartEvent_1"),
    service(
        "test-task",
        "test",
        io(
            inp("=input", "input"),
            inp("=should_throw", "should_throw"),
            out("=output", "output"),
        ),
    ),
    end("Event_1bh2p7v"),
    chain("StartEvent_1", "test-task", "Event_1bh2p7v"),
)


@pytest.fixture
async def worker_running(conf: Conf) -> Any:
    """Deploy test.bpmn and run pyzeebe's integration worker (a custom exception handler that
    reports a business error without a code, as pyzeebe's conftest does)."""
    await conf.deploy(PYZEEBE_TEST_BPMN)
    worker = conf.zeebe.worker()
    seen: list[dict[str, Any]] = []

    async def exception_handler(exc: Exception, job: Job, controller: JobController) -> None:
        await controller.set_error_status(f"Failed to run task {job.type}. Reason: {exc}")

    # pyzeebe types its decorator with a ParamSpec mypy resolves to Never.
    @worker.task("test", exception_handler)  # type: ignore[arg-type]
    async def task_handler(should_throw: bool, input: str, job: Job) -> dict[str, Any]:
        seen.append(dict(job.variables))
        if should_throw:
            raise Exception("Error thrown")
        return {"output": input + str(uuid4())}

    async with conf.zeebe.working(worker):
        yield seen


async def test_run_process_with_result_returns_the_mapped_output(
    conf: Conf, worker_running: list[dict[str, Any]]
) -> None:
    """pyzeebe run_process_test: the output starts with the input; the worker fetched only the
    variables its handler names (plus the mapped locals), as pyzeebe asks via fetchVariable."""
    value = str(uuid4())
    result = await conf.client.run_process_with_result(
        "test", {"input": value, "should_throw": False, "unrelated": 1}, timeout=10_000
    )
    assert result.variables["output"].startswith(value)
    assert "unrelated" not in worker_running[0]


async def test_run_unknown_process_is_not_found(conf: Conf, worker_running: object) -> None:
    """pyzeebe run_process_test: a process id that was never deployed → NOT_FOUND."""
    with pytest.raises(ProcessDefinitionNotFoundError):
        await conf.client.run_process(str(uuid4()))


async def test_cancel_a_running_process(conf: Conf, worker_running: object) -> None:
    """pyzeebe cancel_process_test: cancel an instance; a second cancel is NOT_FOUND."""
    created = await conf.client.run_process("test", {"input": "x", "should_throw": True})
    key = created.process_instance_key
    await conf.active(key, "test-task")
    await conf.client.cancel_process_instance(key)
    with pytest.raises(ProcessInstanceNotFoundError):
        await conf.client.cancel_process_instance(key)


async def test_an_error_without_code_and_no_catch_event_is_an_incident(
    conf: Conf, worker_running: object
) -> None:
    """pyzeebe's integration conftest reports a handler exception with
    ``set_error_status(message)``: ThrowError with an empty errorCode. Zeebe's gateway forwards it
    unchecked (camunda/camunda zeebe/gateway-grpc RequestMapper.toThrowErrorRequest) and the
    broker (zeebe/engine JobThrowErrorProcessor.throwError → CatchEventAnalyzer
    .findErrorCatchEvent) finds no catch event, so the task gets an "unhandled error event"
    incident quoting the message (docs: error-events#unhandled-errors)."""
    created = await conf.client.run_process("test", {"input": "x", "should_throw": True})
    incident = await conf.incident(created.process_instance_key)
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"
    assert incident.value["elementId"] == "test-task"
    assert incident.value["errorMessage"] == (
        "Expected to throw an error event with the code '' with message 'Failed to run task "
        "test. Reason: Error thrown', but it was not caught. No error events are available in "
        "the scope."
    )
