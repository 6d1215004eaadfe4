"""Running the demo case: an engine (the one at ``ZEEBE_ADDRESS`` or an embedded one), the real
workers in-process, and the staff completing every user task through the Camunda REST API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from wenping.demo.case import DESKS, answer
from wenping.demo.report import print_summary
from wenping.deploy import deploy_files, model_files
from wenping.settings import Settings, WorkerSettings

log = structlog.get_logger(__name__)

PROCESS_ID = "Process_RiskAssessment"
TIMEOUT_S = 50.0
"""The whole case must finish within this time (embedded defaults take a few seconds)."""
POLL_S = 0.05


class DemoFailed(Exception):
    """The demo case is stuck (an incident) and cannot finish on its own."""


@dataclass
class Run:
    """What happened: the case, and who did which task."""

    process_instance_key: int = 0
    # (element id, task name, person, desk title) per completed task
    done: list[tuple[str, str, str, str]] = field(default_factory=list)


async def _answers(address: str) -> bool:
    """Whether an engine answers Topology at ``address`` within two seconds."""
    from pyzeebe import ZeebeClient, create_insecure_channel

    channel = create_insecure_channel(grpc_address=address)
    try:
        await asyncio.wait_for(ZeebeClient(channel, max_connection_retries=1).topology(), 2.0)
        return True
    except Exception:
        return False
    finally:
        await channel.close()


@contextlib.asynccontextmanager
async def _engine(settings: Settings) -> AsyncIterator[tuple[str, str, WorkerSettings]]:
    """``(grpc address, REST URL, worker settings)`` of a running engine.

    Connects to ``ZEEBE_ADDRESS`` when it answers (REST at the engine settings' host and port);
    otherwise runs the embedded engine here on free ports with a temporary store.
    """
    workers = settings.workers
    if await _answers(workers.zeebe_address):
        rest = f"http://{settings.engine.rest_host}:{settings.engine.rest_port}"
        yield workers.zeebe_address, rest, workers
        return
    from engine.server import EngineHost

    with tempfile.TemporaryDirectory(prefix="wenping-demo-") as tmp:
        engine_settings = settings.engine.model_copy(
            update={"database_url": f"sqlite:///{tmp}/engine.db", "grpc_port": 0, "rest_port": 0}
        )
        host = EngineHost(engine_settings)
        await host.start()
        ticking = asyncio.create_task(host.run())
        try:
            address = f"{engine_settings.grpc_host}:{host.grpc_port}"
            own = workers.model_copy(
                update={"zeebe_address": address, "database_url": f"sqlite:///{tmp}/wenping.db"}
            )
            yield address, f"http://{engine_settings.rest_host}:{host.rest_port}", own
        finally:
            host.request_stop()
            await ticking
            await host.stop()


async def _drive(rest: httpx.AsyncClient, run: Run, experts: dict[int, str]) -> None:
    """Complete the case's open tasks, desk by desk, until the case has ended."""
    tag = uuid.uuid4().hex
    started = await rest.post(
        "/v2/process-instances",
        json={"processDefinitionId": PROCESS_ID, "variables": {"demo": True, "demoRun": tag}},
    )
    started.raise_for_status()
    run.process_instance_key = int(started.json()["processInstanceKey"])
    mine = {"processInstanceVariables": [{"name": "demoRun", "value": json.dumps(tag)}]}
    instances = {run.process_instance_key}  # the case and the processes it called
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        found = await rest.post(
            "/v2/user-tasks/search", json={"filter": {**mine, "state": "CREATED"}}
        )
        found.raise_for_status()
        tasks = sorted(found.json()["items"], key=lambda t: int(t["userTaskKey"]))
        if not tasks:
            case = await rest.get(f"/v2/process-instances/{run.process_instance_key}")
            case.raise_for_status()
            if case.json()["state"] != "ACTIVE":
                return
            await _fail_on_incident(rest, instances)
            await asyncio.sleep(POLL_S)
            continue
        for task in tasks:
            instances.add(int(task["processInstanceKey"]))
            element = task["elementId"]
            desk = (task["candidateUsers"] or task["candidateGroups"])[0]
            if desk.startswith("expert-"):
                name, title = experts.get(int(desk.removeprefix("expert-")), desk), "专家"
            else:
                name, title = DESKS.get(desk, (desk, desk))
            key = task["userTaskKey"]
            claimed = await rest.post(f"/v2/user-tasks/{key}/assignment", json={"assignee": name})
            claimed.raise_for_status()
            round_no = sum(element == done[0] for done in run.done)
            completed = await rest.post(
                f"/v2/user-tasks/{key}/completion",
                json={"variables": answer(element, round_no)},
            )
            completed.raise_for_status()
            run.done.append((element, task["name"], name, title))
            log.info("demo_task_completed", element_id=element, user_task_key=key)
    raise TimeoutError(f"the demo case did not finish within {TIMEOUT_S:.0f} s")


async def _fail_on_incident(rest: httpx.AsyncClient, instances: set[int]) -> None:
    """Stop waiting when the case is stuck on an incident (an operator must resolve it)."""
    found = await rest.post("/v2/incidents/search", json={"filter": {}})
    found.raise_for_status()
    for incident in found.json()["items"]:
        if incident["state"] == "ACTIVE" and int(incident["processInstanceKey"]) in instances:
            raise DemoFailed(
                f"流程在 {incident['elementId']} 出现故障（incident {incident['incidentKey']}）："
                f"{incident.get('errorMessage') or ''}"
            )


def _expert_names(factory: sessionmaker[Session]) -> dict[int, str]:
    from workers.experts.models import Expert

    with factory() as session:
        return {key: name for key, name in session.execute(select(Expert.id, Expert.name))}


async def run_case(settings: Settings) -> int:
    """Run the demo case on an engine with the real workers; print it and return the exit code."""
    from pyzeebe import create_insecure_channel

    from workers.app import build_worker, context_from, seed_demo_data

    async with _engine(settings) as (address, rest_url, worker_settings):
        await deploy_files(address, model_files(settings.models_dir))
        ctx = context_from(worker_settings)
        seed_demo_data(ctx)
        channel = create_insecure_channel(grpc_address=address)
        worker = build_worker(worker_settings, channel, context=ctx)
        working = asyncio.create_task(worker.work())
        run = Run()
        try:
            async with httpx.AsyncClient(base_url=rest_url, timeout=10.0) as rest:
                await _drive(rest, run, _expert_names(ctx.session_factory))
        finally:
            await worker.stop()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(working, 10)
            await channel.close()
        return print_summary(run, ctx.session_factory)
