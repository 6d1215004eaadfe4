"""Every job type the models use has a worker: a registered pyzeebe task in workers/app.py."""

from __future__ import annotations

from pathlib import Path

from wenping.settings import WorkerSettings
from workers.app import context_from, routers

from .modelfiles import bpmn_files, parse, q


def test_every_job_type_in_bpmn_has_a_registered_worker(tmp_path: Path) -> None:
    # the settings' field names are Camunda's environment variable names (aliases)
    settings = WorkerSettings(
        WENPING_DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}", WENPING_REPORTS_DIR=tmp_path
    )
    registered = {task.type for router in routers(context_from(settings)) for task in router.tasks}
    used = {d.get("type") for p in bpmn_files() for d in parse(p).iter(q("zeebe:taskDefinition"))}
    assert used - registered == set()
