"""The minimal slice: deploy → create → service task job → activate → complete → end."""

import json

import pytest

from engine.api import JobActivationRequest, Resource
from engine.errors import FailedPrecondition, InvalidArgument, NotFound

from .support import END, ONE_TASK, START, Harness, bpmn, chain, service


def test_one_task_process_runs_to_the_end_with_records(h: Harness) -> None:
    h.deploy(ONE_TASK)
    pi = h.start(amount=5)
    job = h.job("work")
    assert job.variables == {"amount": 5}
    assert job.element_id == "task" and job.process_instance_key == pi
    h.engine.complete_job(job.key, {"approved": True})

    assert h.completed(pi)
    assert h.elements(pi, "ELEMENT_COMPLETED") == ["start", "task", "end", "p"]
    assert h.elements(pi, "SEQUENCE_FLOW_TAKEN") == ["start_task", "task_end"]
    assert h.variables(pi) == {"amount": 5, "approved": True}
    intents = [(r.value_type, r.intent) for r in h.records(pi) if r.value_type == "JOB"]
    assert intents == [("JOB", "CREATED"), ("JOB", "COMPLETED")]


def test_keys_are_zeebe_style_and_positions_increase(h: Harness) -> None:
    result = h.engine.deploy([Resource("p.bpmn", ONE_TASK)])
    assert result.key >= (1 << 51) + 1
    pi = h.start()
    positions = [r.position for r in h.records(pi)]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_redeploying_identical_resource_keeps_version_and_changes_bump_it(h: Harness) -> None:
    first = h.engine.deploy([Resource("p.bpmn", ONE_TASK)]).processes[0]
    again = h.engine.deploy([Resource("p.bpmn", ONE_TASK)]).processes[0]
    assert (again.version, again.process_definition_key) == (1, first.process_definition_key)
    changed = bpmn(chain(START, service("task", "other"), END))
    second = h.engine.deploy([Resource("p.bpmn", changed)]).processes[0]
    assert second.version == 2
    h.start()
    assert h.jobs("work") == [] and len(h.jobs("other")) == 1


def test_create_by_version_and_by_key(h: Harness) -> None:
    v1 = h.engine.deploy([Resource("p.bpmn", ONE_TASK)]).processes[0]
    h.engine.deploy([Resource("p.bpmn", bpmn(chain(START, service("task", "v2"), END)))])
    h.engine.create_process_instance(bpmn_process_id="p", version=1)
    h.engine.create_process_instance(process_definition_key=v1.process_definition_key)
    assert len(h.jobs("work")) == 2
    with pytest.raises(NotFound, match="'missing'"):
        h.engine.create_process_instance(bpmn_process_id="missing")
    with pytest.raises(NotFound, match="version '7'"):
        h.engine.create_process_instance(bpmn_process_id="p", version=7)


def test_bad_deployment_changes_nothing(h: Harness) -> None:
    h.deploy(ONE_TASK)
    broken = b"<bpmn:definitions"
    with pytest.raises(InvalidArgument, match=r"broken\.bpmn"):
        h.engine.deploy(
            [Resource("q.bpmn", bpmn(chain(START, END), "q")), Resource("broken.bpmn", broken)]
        )
    with pytest.raises(NotFound):
        h.engine.create_process_instance(bpmn_process_id="q")
    with pytest.raises(InvalidArgument, match="extension"):
        h.engine.deploy([Resource("notes.txt", b"hello")])


def test_job_timeout_makes_job_activatable_again(h: Harness) -> None:
    h.deploy(ONE_TASK)
    pi = h.start()
    first = h.jobs("work", timeout_ms=5_000)
    assert len(first) == 1 and h.jobs("work") == []
    h.advance(4_000)
    assert h.jobs("work") == []
    h.advance(1_001)
    again = h.job("work")
    assert again.key == first[0].key
    assert [r.intent for r in h.records(pi) if r.value_type == "JOB"] == [
        "CREATED",
        "TIMED_OUT",
    ]


def test_job_activated_holds_until_the_job_ends_times_out_or_goes_to_another_worker(
    h: Harness,
) -> None:
    # What job streams count as in flight.
    h.deploy(ONE_TASK)
    h.start()
    (job,) = h.jobs("work", timeout_ms=5_000)
    worker = job.worker
    assert h.engine.job_activated(job.key, worker)
    assert h.engine.job_activated(job.key, worker, job.deadline)
    assert not h.engine.job_activated(job.key, "someone-else")
    h.engine.update_job_timeout(job.key, 60_000)
    assert h.engine.job_activated(job.key, worker), "a new deadline is the same activation"
    assert not h.engine.job_activated(job.key, worker, job.deadline), "not until then"
    h.advance(60_001)
    assert not h.engine.job_activated(job.key, worker), "timed out"
    (again,) = h.engine.activate_jobs(JobActivationRequest("work", "other", 60_000, 1))
    assert not h.engine.job_activated(job.key, worker), "activated for another worker"
    assert h.engine.job_activated(again.key, "other", again.deadline)
    h.engine.complete_job(again.key, {})
    assert not h.engine.job_activated(again.key, "other")
    assert not h.engine.job_activated(123, "other"), "unknown key"


def test_a_yielded_job_is_activatable_at_once_and_only_an_activated_one_yields(
    h: Harness,
) -> None:
    h.deploy(ONE_TASK)
    pi = h.start()
    (job,) = h.jobs("work", timeout_ms=600_000)
    h.engine.yield_job(job.key)
    again = h.job("work")  # no timeout had to pass
    assert again.key == job.key
    h.engine.complete_job(again.key, {})
    with pytest.raises(NotFound, match="Expected to yield job with key"):
        h.engine.yield_job(again.key)
    intents = [r.intent for r in h.records(pi) if r.value_type == "JOB"]
    assert intents[:3] == ["CREATED", "YIELDED", "COMPLETED"]


def test_yielding_a_job_that_is_not_activated_is_rejected(h: Harness) -> None:
    h.deploy(ONE_TASK)
    h.start()
    (job,) = h.jobs("work")
    h.engine.fail_job(job.key, retries=0, error_message="boom", retry_backoff_ms=0)
    with pytest.raises(FailedPrecondition, match="but it is in state 'FAILED'"):
        h.engine.yield_job(job.key)


def test_fail_with_retries_and_backoff_then_no_retries_creates_incident(h: Harness) -> None:
    h.deploy(ONE_TASK)
    pi = h.start()
    job = h.job("work")
    h.engine.fail_job(job.key, retries=2, error_message="down", retry_backoff_ms=10_000)
    assert h.jobs("work") == []
    h.advance(10_000)
    job = h.job("work")
    assert job.retries == 2
    h.engine.fail_job(job.key, retries=0, error_message="still down")
    [incident] = h.incidents(pi)
    assert incident.value["errorType"] == "JOB_NO_RETRIES"
    assert incident.value["errorMessage"] == "still down"
    assert incident.value["jobKey"] == job.key
    with pytest.raises(FailedPrecondition, match="no retries"):
        h.engine.resolve_incident(incident.key)
    h.engine.update_job_retries(job.key, 1)
    assert h.jobs("work") == []  # still waiting for the incident to be resolved
    h.engine.resolve_incident(incident.key)
    assert h.incidents(pi) == []
    h.engine.complete_job(h.job("work").key, {})
    assert h.completed(pi)


def test_complete_unknown_or_failed_job_is_rejected_with_record(h: Harness) -> None:
    h.deploy(ONE_TASK)
    pi = h.start()
    with pytest.raises(NotFound, match="'123'"):
        h.engine.complete_job(123, {})
    job = h.job("work")
    h.engine.fail_job(job.key, retries=0)
    with pytest.raises(FailedPrecondition, match="FAILED"):
        h.engine.complete_job(job.key, {})
    assert not h.completed(pi)
    rejections = [r for r in h.engine.history(-1) if r.record_type == "COMMAND_REJECTION"]
    assert [r.rejection_type for r in rejections] == ["NOT_FOUND", "INVALID_STATE"]


def test_fetch_variables_and_custom_headers(h: Harness) -> None:
    headers = '<zeebe:taskHeaders><zeebe:header key="form" value="A-1"/></zeebe:taskHeaders>'
    h.deploy(bpmn(chain(START, service("task", "work", headers), END)))
    h.start(a=1, b={"c": [1, 2]}, d="x")
    from engine.api import JobActivationRequest

    [job] = h.engine.activate_jobs(
        JobActivationRequest("work", "w", 1000, 5, fetch_variables=["b", "missing"])
    )
    assert job.variables == {"b": {"c": [1, 2]}}
    assert dict(job.custom_headers) == {"form": "A-1"}


def test_update_timeout_extends_deadline(h: Harness) -> None:
    h.deploy(ONE_TASK)
    h.start()
    job = h.jobs("work", timeout_ms=1_000)[0]
    h.engine.update_job_timeout(job.key, 60_000)
    h.advance(2_000)
    assert h.jobs("work") == []


def test_jobs_available_listener_hears_new_jobs(h: Harness) -> None:
    heard: list[str] = []
    remove = h.engine.add_jobs_available_listener(heard.append)
    h.deploy(ONE_TASK)
    h.start()
    assert heard == ["work"]
    remove()
    h.start()
    assert heard == ["work"]


def test_cancel_terminates_everything(h: Harness) -> None:
    h.deploy(ONE_TASK)
    pi = h.start()
    h.engine.cancel_process_instance(pi)
    assert h.elements(pi, "ELEMENT_TERMINATED") == ["task", "p"]
    assert [r.intent for r in h.records(pi) if r.value_type == "JOB"] == ["CREATED", "CANCELED"]
    assert h.jobs("work") == []
    with pytest.raises(NotFound):
        h.engine.cancel_process_instance(pi)


async def test_instance_result_resolves_with_variables(h: Harness) -> None:
    h.deploy(ONE_TASK)
    pi = h.start(a=1)
    future = h.engine.instance_result(pi, ["b"])
    h.engine.complete_job(h.job("work").key, {"b": 2, "c": 3})
    result = await future
    assert result.variables == {"b": 2}
    assert result.created.process_instance_key == pi


def test_variable_values_are_json_text_in_records(h: Harness) -> None:
    h.deploy(ONE_TASK)
    pi = h.start(name="张三")
    [created] = [r for r in h.records(pi) if r.value_type == "VARIABLE"]
    assert json.loads(created.value["value"]) == "张三"
    assert created.value["scopeKey"] == pi and created.value["bpmnProcessId"] == "p"


async def test_instance_result_of_an_instance_that_finished_at_creation(h: Harness) -> None:
    h.deploy(bpmn(chain(START, END)))
    pi = h.start(a=1)
    result = await h.engine.instance_result(pi)
    assert result.variables == {"a": 1}


async def test_instance_result_fails_when_the_instance_is_cancelled(h: Harness) -> None:
    h.deploy(ONE_TASK)
    pi = h.start()
    future = h.engine.instance_result(pi)
    h.engine.cancel_process_instance(pi)
    with pytest.raises(FailedPrecondition, match="terminated"):
        await future


def test_delete_resource_removes_the_definition_but_keeps_version_numbers(h: Harness) -> None:
    first = h.engine.deploy([Resource("p.bpmn", ONE_TASK)]).processes[0]
    second = h.engine.deploy(
        [Resource("p.bpmn", bpmn(chain(START, service("task", "v2"), END)))]
    ).processes[0]
    pi = h.start()
    with pytest.raises(FailedPrecondition, match="running instances"):
        h.engine.delete_resource(second.process_definition_key)
    h.engine.cancel_process_instance(pi)
    h.engine.delete_resource(second.process_definition_key)
    h.start()  # the latest version is version 1 again
    assert len(h.jobs("work")) == 1
    third = h.engine.deploy(
        [Resource("p.bpmn", bpmn(chain(START, service("task", "v3"), END)))]
    ).processes[0]
    assert third.version == 3
    with pytest.raises(NotFound):
        h.engine.delete_resource(second.process_definition_key)
    assert first.version == 1
