"""The worker: every job type registered, tuned for throughput, documented, errors mapped."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import structlog.testing
from pyzeebe import Job, create_insecure_channel
from pyzeebe.errors import BusinessError

from wenping.settings import WorkerSettings
from workers.app import POLL_RETRY_DELAY_S, build_worker
from workers.errors import NotFound
from workers.job_types import JobType
from workers.streaming import FlowControlledWorker
from workers.tasks.base import BpmnError, WorkerContext, on_error

VARIABLES_MD = Path(__file__).resolve().parents[3] / "workers" / "VARIABLES.md"


async def test_every_job_type_has_a_tuned_task(ctx: WorkerContext) -> None:
    channel = create_insecure_channel(grpc_address="127.0.0.1:1")
    try:
        worker = build_worker(WorkerSettings(), channel, context=ctx)
        assert sorted(t.type for t in worker.tasks) == sorted(JobType)
        assert POLL_RETRY_DELAY_S <= 1 and worker.poll_retry_delay == POLL_RETRY_DELAY_S
        assert isinstance(worker, FlowControlledWorker)
        # A long-running worker must not give up after pyzeebe's lifetime count of 10 errors.
        assert worker.zeebe_adapter._max_connection_retries == -1
        for task in worker.tasks:
            assert task.config.max_running_jobs > task.config.max_jobs_to_activate
            assert task.config.variables_to_fetch, task.type
            assert task.config.job_parameter_name == "job", task.type
    finally:
        await channel.close()


async def test_pyzeebe_runs_a_handler_with_only_the_fetched_variables(
    ctx: WorkerContext, make_job: Callable[..., Job], item_variables: dict[str, Any]
) -> None:
    channel = create_insecure_channel(grpc_address="127.0.0.1:1")
    try:
        worker = build_worker(WorkerSettings(), channel, context=ctx)
        task = worker.get_task(JobType.REGISTER_ITEM)
        job = make_job(JobType.REGISTER_ITEM)
        # the gateway sends only fetched variables; an extra one must not break the handler
        object.__setattr__(job, "variables", {**item_variables, "unrelated": 1})
        controller = FakeController()
        await task.job_handler(job, controller)  # type: ignore[arg-type]
        assert controller.calls == [("complete", {"itemId": 1})]
    finally:
        await channel.close()


async def test_variables_md_documents_every_job_type_and_fetched_variable(
    ctx: WorkerContext,
) -> None:
    text = VARIABLES_MD.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## `([a-z-]+)`[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S))
    channel = create_insecure_channel(grpc_address="127.0.0.1:1")
    try:
        worker = build_worker(WorkerSettings(), channel, context=ctx)
        for task in worker.tasks:
            assert task.type in sections, f"{task.type} missing from VARIABLES.md"
            for name in task.config.variables_to_fetch:
                assert f"`{name}`" in sections[task.type], f"{task.type}: {name} undocumented"
    finally:
        await channel.close()


class FakeController:
    """Records what the handler asked the gateway to do."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    async def set_running_after_decorators_status(self) -> None:
        pass

    async def set_success_status(self, variables: Any = None) -> None:
        self.calls.append(("complete", variables))

    async def set_error_status(
        self, message: str, error_code: str = "", variables: Any = None
    ) -> None:
        self.calls.append(("error", (message, error_code, variables)))

    async def set_failure_status(
        self, message: str, retry_back_off_ms: int = 0, variables: Any = None
    ) -> None:
        self.calls.append(("fail", (message, retry_back_off_ms)))


async def test_bpmn_error_carries_its_variables(make_job: Callable[..., Job]) -> None:
    controller = FakeController()
    error = BpmnError("ERR_HEARING_COMPOSITION", "2项", {"hearingViolations": ["缺少记录员"]})
    await on_error(error, make_job(), controller)  # type: ignore[arg-type]
    assert controller.calls == [
        ("error", ("2项", "ERR_HEARING_COMPOSITION", {"hearingViolations": ["缺少记录员"]}))
    ]
    plain = FakeController()
    await on_error(BusinessError("ERR_INVALID_ITEM"), make_job(), plain)  # type: ignore[arg-type]
    assert plain.calls[0][0] == "error" and plain.calls[0][1][1:] == ("ERR_INVALID_ITEM", {})


async def test_other_errors_fail_the_job_without_leaking_payloads(
    make_job: Callable[..., Job],
) -> None:
    controller = FakeController()
    with structlog.testing.capture_logs() as logged:
        await on_error(NotFound("事项", "itemId", 5), make_job(), controller)  # type: ignore[arg-type]
        await on_error(
            RuntimeError("INSERT ... parameters ('张三', '13900000000')"),
            make_job(),
            controller,  # type: ignore[arg-type]
        )
    assert [e["event"] for e in logged] == ["job_failed", "job_failed"]
    assert not any("张三" in str(v) or "13900000000" in str(v) for e in logged for v in e.values())
    (kind1, (msg1, backoff1)), (kind2, (msg2, _)) = controller.calls
    assert (kind1, kind2) == ("fail", "fail")
    assert msg1 == "事项 itemId=5 不存在" and backoff1 >= 1000
    assert msg2 == "内部错误：RuntimeError"


@pytest.mark.parametrize("retries,expected", [(3, 1000), (2, 2000), (1, 4000)])
async def test_backoff_grows_with_each_failure(
    make_job: Callable[..., Job], retries: int, expected: int
) -> None:
    job = make_job()
    object.__setattr__(job, "retries", retries)
    controller = FakeController()
    await on_error(NotFound("事项", "itemId", 1), job, controller)  # type: ignore[arg-type]
    assert controller.calls[0][1][1] == expected
