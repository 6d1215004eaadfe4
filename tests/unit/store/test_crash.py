"""Kill the engine process mid-load: every acknowledged command survives, nothing half-done."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from engine.api import JobActivationRequest
from engine.clock import ControlledClock
from engine.runtime import Engine
from wenping.settings import EngineSettings

_WORKER = textwrap.dedent(
    """
    import sys
    from engine.api import JobActivationRequest, Resource
    from engine.runtime import Engine
    from wenping.settings import EngineSettings

    XML = open(sys.argv[2], "rb").read()
    engine = Engine(EngineSettings(database_url=sys.argv[1]))
    engine.open()
    engine.deploy([Resource("p.bpmn", XML)])
    while True:
        created = engine.create_process_instance(bpmn_process_id="p", variables={"n": 1})
        [job] = engine.activate_jobs(JobActivationRequest("work", "w", 60_000, 1))
        engine.complete_job(job.key, {"done": True})
        # acknowledged: the command returned, so it must be durable
        print(created.process_instance_key, flush=True)
    """
)


def test_sigkill_under_load_loses_no_acknowledged_command(tmp_path: Path) -> None:
    from runtime.support import ONE_TASK

    model = tmp_path / "p.bpmn"
    model.write_bytes(ONE_TASK)
    url = f"sqlite:///{tmp_path / 'engine.db'}"
    process = subprocess.Popen(
        [sys.executable, "-c", _WORKER, url, str(model)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    assert process.stdout is not None
    acknowledged: list[int] = []
    while len(acknowledged) < 40:
        line = process.stdout.readline().strip()
        if line.isdigit():  # other lines are the engine's log
            acknowledged.append(int(line))
    process.send_signal(signal.SIGKILL)
    process.wait()
    acknowledged += [int(w) for w in process.stdout.read().split("\n") if w.strip().isdigit()]

    clock = ControlledClock()
    engine = Engine(EngineSettings(database_url=url), clock=clock)
    engine.open()  # the lock died with the process
    try:
        for key in acknowledged:
            intents = [(r.value.get("elementId"), r.intent) for r in engine.history(key)]
            assert ("p", "ELEMENT_COMPLETED") in intents
        # The instance in flight is a consistent wait state: its job (activated or not) can be
        # worked once its timeout has passed, and the instance then completes.
        clock.advance(60_001)
        engine.tick()
        for job in engine.activate_jobs(JobActivationRequest("work", "w", 1_000, 10)):
            engine.complete_job(job.key, {})
            assert engine.history(job.process_instance_key)[-1].intent == "ELEMENT_COMPLETED"
    finally:
        engine.close()
