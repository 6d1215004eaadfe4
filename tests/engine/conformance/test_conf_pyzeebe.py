"""pyzeebe's own integration suite (camunda-community-hub/pyzeebe tests/integration, the version
that runs against a Zeebe container: run_process_test, cancel_process_test, publish_message_test,
evaluate_decision_test, topology_test, healthcheck_test) against the embedded engine.

Each test keeps pyzeebe's assertions; only the plumbing differs: pyzeebe's package-scoped
fixtures (one Zeebe, one worker, test.bpmn and test.dmn deployed once) become per-test fixtures
on a fresh engine, and ``wait_for_process`` awaits a condition instead of polling with sleep.
The models in pyzeebe_models/ are pyzeebe's test.bpmn and test.dmn.

Spec: https://docs.camunda.io/docs/8.8/components/concepts/job-workers/ and
https://docs.camunda.io/docs/8.8/apis-tools/zeebe-api/gateway-service/.
"""

# No ``from __future__ import annotations`` here: pyzeebe recognises the ``job: Job`` parameter
# by comparing the live annotation object with ``Job``.
import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from conf_support import Conf
from pyzeebe import Job, JobController
from pyzeebe.errors import (
    DecisionNotFoundError,
    ProcessDefinitionNotFoundError,
    ProcessInstanceNotFoundError,
)

MODELS = Path(__file__).parent / "pyzeebe_models"
PROCESS_NAME = "test"
DECISION_ID = "test"
# run_process_test.PROCESS_TIMEOUT_IN_MS
PROCESS_TIMEOUT_IN_MS = 60_000
WAIT_SECONDS = 10


@dataclass(frozen=True)
class ProcessRun:
    """One execution of the "test" task handler (pyzeebe tests/integration/utils/process_run)."""

    instance_key: int
    variables: dict[str, Any]


@dataclass
class ProcessStats:
    """The handler's runs (pyzeebe utils/process_stats), awaitable instead of polled."""

    runs: list[ProcessRun] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def add_process_run(self, run: ProcessRun) -> None:
        async with self.changed:
            self.runs.append(run)
            self.changed.notify_all()

    def get_process_runs(self) -> int:
        return len(self.runs)

    async def wait(self, predicate: Callable[[ProcessRun], bool]) -> None:
        """pyzeebe utils/wait_for_process: until some run matches ``predicate``."""

        async def matched() -> None:
            async with self.changed:
                await self.changed.wait_for(lambda: any(predicate(r) for r in self.runs))

        await asyncio.wait_for(matched(), WAIT_SECONDS)


@dataclass(frozen=True)
class Suite:
    """What pyzeebe's integration conftest provides: deployed resources and the running worker."""

    conf: Conf
    stats: ProcessStats
    decision_key: int
    # Set while the handler may finish its job. Against a container pyzeebe's cancel test wins
    # the race with the worker by network latency; on loopback the worker can complete the
    # instance first, so that test closes the gate until it has cancelled.
    gate: asyncio.Event

    @property
    def client(self) -> Any:
        return self.conf.client


def process_variables() -> dict[str, Any]:
    """pyzeebe conftest ``process_variables``: a fresh input, no error."""
    return {"input": str(uuid4()), "should_throw": False}


@pytest.fixture
async def suite(conf: Conf) -> AsyncIterator[Suite]:
    """pyzeebe conftest: deploy test.bpmn and test.dmn, run a worker for task type "test" whose
    exception handler reports the failure with ``set_error_status`` (ThrowError without code)."""
    await conf.client.deploy_resource(str(MODELS / "test.bpmn"))
    deployed = await conf.client.deploy_resource(str(MODELS / "test.dmn"))
    stats = ProcessStats()
    gate = asyncio.Event()
    gate.set()
    worker = conf.zeebe.worker()

    async def exception_handler(exc: Exception, job: Job, job_controller: JobController) -> None:
        await job_controller.set_error_status(f"Failed to run task {job.type}. Reason: {exc}")

    # pyzeebe types its decorator with a ParamSpec mypy resolves to Never.
    @worker.task("test", exception_handler)  # type: ignore[arg-type]
    async def task_handler(should_throw: bool, input: str, job: Job) -> dict[str, Any]:
        await gate.wait()
        await stats.add_process_run(ProcessRun(job.process_instance_key, dict(job.variables)))
        if should_throw:
            raise Exception("Error thrown")
        return {"output": input + str(uuid4())}

    async with conf.zeebe.working(worker):
        try:
            yield Suite(conf, stats, int(deployed.deployments[0].decision_key), gate)
        finally:
            gate.set()


# --- run_process_test.py ------------------------------------------------------------------------


async def test_run_process(suite: Suite) -> None:
    """pyzeebe run_process_test.py::test_run_process: the started instance reaches the worker."""
    variables = process_variables()
    initial_amount_of_processes = suite.stats.get_process_runs()

    response = await suite.client.run_process(PROCESS_NAME, variables)
    await suite.stats.wait(lambda run: run.instance_key == response.process_instance_key)

    assert suite.stats.get_process_runs() == initial_amount_of_processes + 1


async def test_non_existent_process(suite: Suite) -> None:
    """pyzeebe run_process_test.py::test_non_existent_process: unknown id → NOT_FOUND."""
    with pytest.raises(ProcessDefinitionNotFoundError):
        await suite.client.run_process(str(uuid4()))


async def test_run_process_with_result(suite: Suite) -> None:
    """pyzeebe run_process_test.py::test_run_process_with_result: the result carries the task's
    mapped output, which starts with the input."""
    variables = process_variables()
    response = await suite.client.run_process_with_result(
        PROCESS_NAME, variables, timeout=PROCESS_TIMEOUT_IN_MS
    )

    assert response.variables["output"].startswith(variables["input"])


async def test_worker_fetches_only_the_handler_variables(suite: Suite) -> None:
    """Beyond pyzeebe: its worker asks (fetchVariable) only for the handler's parameters, so an
    unrelated process variable never reaches the job (docs: job-workers#variables)."""
    variables = {**process_variables(), "unrelated": 1}
    response = await suite.client.run_process_with_result(
        PROCESS_NAME, variables, timeout=PROCESS_TIMEOUT_IN_MS
    )

    (run,) = suite.stats.runs
    assert run.instance_key == response.process_instance_key
    assert run.variables == {"input": variables["input"], "should_throw": False}


# --- cancel_process_test.py ---------------------------------------------------------------------


async def test_cancel_process(suite: Suite) -> None:
    """pyzeebe cancel_process_test.py::test_cancel_process: a started instance can be cancelled."""
    suite.gate.clear()
    response = await suite.client.run_process(PROCESS_NAME, process_variables())

    await suite.client.cancel_process_instance(response.process_instance_key)
    suite.gate.set()


async def test_cancel_twice_is_not_found(suite: Suite) -> None:
    """Beyond pyzeebe: once cancelled the instance is gone, so a second cancel → NOT_FOUND."""
    response = await suite.client.run_process(PROCESS_NAME, {"input": "x", "should_throw": True})
    key = response.process_instance_key
    await suite.conf.active(key, "test-task")
    await suite.client.cancel_process_instance(key)
    with pytest.raises(ProcessInstanceNotFoundError):
        await suite.client.cancel_process_instance(key)


async def test_handler_exception_without_catch_event_is_an_incident(suite: Suite) -> None:
    """Beyond pyzeebe: its exception handler calls ``set_error_status(message)``, a ThrowError
    with an empty errorCode. Zeebe's gateway forwards it unchecked (camunda/camunda
    zeebe/gateway-grpc RequestMapper.toThrowErrorRequest) and the broker
    (JobThrowErrorProcessor → CatchEventAnalyzer.findErrorCatchEvent) finds no catch event, so
    the task gets an "unhandled error event" incident quoting the message
    (docs: error-events#unhandled-errors)."""
    response = await suite.client.run_process(PROCESS_NAME, {"input": "x", "should_throw": True})
    incident = await suite.conf.incident(response.process_instance_key)
    assert incident.value["errorType"] == "UNHANDLED_ERROR_EVENT"
    assert incident.value["elementId"] == "test-task"
    assert incident.value["errorMessage"] == (
        "Expected to throw an error event with the code '' with message 'Failed to run task "
        "test. Reason: Error thrown', but it was not caught. No error events are available in "
        "the scope."
    )


# --- publish_message_test.py --------------------------------------------------------------------


async def test_publish_message(suite: Suite) -> None:
    """pyzeebe publish_message_test.py::test_publish_message: the message start event
    "start_test_process" starts an instance whose job carries exactly the message variables."""
    variables = process_variables()
    initial_amount_of_processes = suite.stats.get_process_runs()

    await suite.client.publish_message(
        "start_test_process", correlation_key="", variables=variables
    )
    await suite.stats.wait(lambda run: run.variables == variables)

    assert suite.stats.get_process_runs() == initial_amount_of_processes + 1


# --- evaluate_decision_test.py ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("input", "output"),
    [pytest.param("1", "One"), pytest.param("2", {"foo": "bar"}), pytest.param("3", 3)],
)
async def test_evaluate_decision_by_id(suite: Suite, input: str, output: object) -> None:
    """pyzeebe evaluate_decision_test.py::test_evaluate_decision_by_id: the matched rule's output
    is the decision output, whatever its FEEL type."""
    response = await suite.client.evaluate_decision(None, DECISION_ID, {"input": input})

    assert response.decision_output == output
    assert response.evaluated_decisions[0].decision_output == output
    matched = response.evaluated_decisions[0].matched_rules[0]
    assert matched.evaluated_outputs[0].output_value == output


async def test_evaluate_decision_by_key(suite: Suite) -> None:
    """pyzeebe evaluate_decision_test.py::test_evaluate_decision_by_key: the key returned by the
    deployment selects the decision."""
    response = await suite.client.evaluate_decision(suite.decision_key, None, {"input": "1"})

    assert response.decision_output == "One"


async def test_dmn_deployment_lists_the_decision_first(conf: Conf) -> None:
    """pyzeebe's conftest reads ``deployments[0].decision_key`` from the test.dmn deployment:
    Zeebe lists processes, then decisions, then decision requirements
    (gateway-grpc ResponseMapper.toDeployResourceResponse)."""
    deployed = await conf.client.deploy_resource(str(MODELS / "test.dmn"))

    decision, drg = deployed.deployments
    assert decision.dmn_decision_id == DECISION_ID
    assert decision.decision_requirements_key == drg.decision_requirements_key
    assert drg.dmn_decision_requirements_id == "test_dmn"


# --- topology_test.py, healthcheck_test.py ------------------------------------------------------


async def test_topology(suite: Suite) -> None:
    """pyzeebe topology_test.py::test_topology: a single-broker cluster."""
    topology = await suite.client.topology()

    assert topology.cluster_size == 1


async def test_ping(suite: Suite) -> None:
    """pyzeebe healthcheck_test.py::test_ping: the gRPC health service reports the gateway
    service as SERVING."""
    healthcheck = await suite.client.healthcheck()

    assert healthcheck.status == healthcheck.ServingStatus.SERVING


async def test_non_existent_decision(suite: Suite) -> None:
    """pyzeebe evaluate_decision_test.py::test_non_existent_decision: key 1 and an unknown id.
    Zeebe's gateway passes both on (RequestMapper.toEvaluateDecisionRequest) and the broker
    looks the decision up by id first (DecisionEvaluationEvaluteProcessor.getDecision), so the
    answer is NOT_FOUND, which pyzeebe 4.7 raises as DecisionNotFoundError."""
    with pytest.raises(DecisionNotFoundError):
        await suite.client.evaluate_decision(1, str(uuid4()))
