"""The real bpmn/ dmn/ forms/ run on the embedded engine, every path a case can take.

Workers and staff are stand-ins (:mod:`.stubs`) answering with the documented variables, so these
tests check the models (flows, mappings, decisions, timers), not the workers. The engine's clock is
moved for deadlines; nothing sleeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from engine.api import JobActivationRequest, Record, Resource
from engine.clock import ControlledClock
from engine.runtime import Engine
from wenping.settings import EngineSettings
from workers.job_types import JobType

from .modelfiles import ROOT
from .stubs import ERROR_JOB, ERROR_VARIABLES, Scenario, form_answer, job_output

DAY_MS = 86_400_000
MAX_STEPS = 200


class _Records:
    """Exporter keeping every committed record."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def export(self, connection: Any, records: Sequence[Record]) -> None:
        self.records.extend(records)


@dataclass
class Run:
    """What happened to one case."""

    records: list[Record]
    user_tasks: Counter[str] = field(default_factory=Counter)
    jobs: Counter[str] = field(default_factory=Counter)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (notifyKind, group)

    def ended_at(self, process_instance_key: int) -> list[str]:
        return [
            r.value["elementId"]
            for r in self.records
            if r.value_type == "PROCESS_INSTANCE"
            and r.intent == "ELEMENT_COMPLETED"
            and r.value.get("bpmnElementType") == "END_EVENT"
            and r.value.get("processInstanceKey") == process_instance_key
            and r.value.get("flowScopeKey") == process_instance_key
        ]

    def incidents(self) -> list[str]:
        return [
            f"{r.value.get('elementId')}: {r.value.get('errorMessage')}"
            for r in self.records
            if r.value_type == "INCIDENT" and r.intent == "CREATED"
        ]


def _run(tmp_path: Path, scenario: Scenario) -> tuple[Run, int]:
    recorder = _Records()
    clock = ControlledClock()
    engine = Engine(
        EngineSettings(database_url=f"sqlite:///{tmp_path / 'engine.db'}"),
        clock=clock,
        exporters=[recorder],
    )
    engine.open()
    try:
        engine.deploy(
            [
                Resource(p.name, p.read_bytes())
                for folder in ("bpmn", "dmn", "forms")
                for p in sorted((ROOT / folder).iterdir())
            ]
        )
        created = engine.create_process_instance(bpmn_process_id="Process_RiskAssessment")
        run = Run(recorder.records)
        _drive(engine, clock, run, scenario)
        return run, created.process_instance_key
    finally:
        engine.close()


def _drive(engine: Engine, clock: ControlledClock, run: Run, scenario: Scenario) -> None:
    errors_left = set(scenario.bpmn_errors)
    overdue_done = False
    for _ in range(MAX_STEPS):
        progressed = False
        for job_type in JobType:
            request = JobActivationRequest(job_type, "models-test", 60_000, 100)
            for job in engine.activate_jobs(request):
                progressed = True
                code = next((c for c in errors_left if ERROR_JOB[c] == job_type), None)
                if code:
                    errors_left.discard(code)
                    engine.throw_error(job.key, error_code=code, variables=ERROR_VARIABLES[code])
                    continue
                if job_type == JobType.NOTIFY:
                    group = job.variables.get("notifyGroup") or job.custom_headers["notifyGroup"]
                    run.notices.append((job.custom_headers["notifyKind"], group))
                run.jobs[job.element_id] += 1
                engine.complete_job(job.key, job_output(job_type, job.variables))
        completed = {
            r.key
            for r in run.records
            if r.value_type == "USER_TASK" and r.intent in ("COMPLETED", "CANCELED")
        }
        open_tasks = [
            r for r in run.records if r.value_type == "USER_TASK" and r.intent == "CREATED"
        ]
        for task in (t for t in open_tasks if t.key not in completed):
            element = task.value["elementId"]
            if element == scenario.overdue_task and not overdue_done:
                overdue_done = True  # let the due date and the escalation pass first
                clock.advance(20 * DAY_MS)  # past every due date (≤ 15 days) and its escalation
                engine.tick()
                progressed = True
                break
            answer = form_answer(element, scenario, run.user_tasks[element])
            run.user_tasks[element] += 1
            engine.complete_user_task(task.key, variables=answer)
            progressed = True
        if run.incidents() or not progressed:
            return


def test_exempt_item_ends_without_assessment(tmp_path: Path) -> None:
    run, pi = _run(tmp_path, Scenario(households=0))
    assert run.incidents() == []
    assert run.ended_at(pi) == ["EndEvent_Exempt"]
    assert "Task_DraftPlan" not in run.user_tasks


def test_green_item_is_approved_and_filed(tmp_path: Path) -> None:
    run, pi = _run(tmp_path, Scenario())
    assert run.incidents() == []
    assert run.ended_at(pi) == ["EndEvent_Approved"]
    assert run.jobs["Task_FileWithCommission"] == 1
    assert run.user_tasks["Task_TownshipScreening"] == 1
    assert ("colour", "township-street") in run.notices
    assert run.user_tasks["Task_ExpertOpinion"] == 3, "one opinion per drawn expert"
    assert "Task_ReviewMeeting" not in run.user_tasks


def test_yellow_item_is_held_back_mitigated_reassessed_and_approved(tmp_path: Path) -> None:
    run, pi = _run(tmp_path, Scenario(probabilities=("medium", "low")))
    assert run.incidents() == []
    assert run.ended_at(pi) == ["EndEvent_Approved"]
    assert run.jobs["Task_RecordHeldBack"] == 1
    assert run.user_tasks["Task_Mitigate"] == 1
    assert run.user_tasks["Task_RiskRegister"] == 2
    assert run.user_tasks["Task_CountyLeaderTakesCase"] == 1
    assert run.user_tasks["Task_CountyDepartmentsCooperate"] == 1
    assert run.user_tasks["Task_TownshipScreening"] == 1


def test_red_item_goes_to_the_city_and_is_not_approved(tmp_path: Path) -> None:
    run, pi = _run(tmp_path, Scenario(probabilities=("very_high",), violates_law=True))
    assert run.incidents() == []
    assert run.ended_at(pi) == ["EndEvent_Stopped"]
    for task in (
        "Task_CityLeaderTakesCase",
        "Task_GrandMediation",
        "Task_DetailedEmergencyPlan",
        "Task_PolicyLegalExplanation",
        "Task_CountyPacification",
    ):
        assert run.user_tasks[task] == 1, task
    assert "Task_ApprovalReview" not in run.user_tasks
    assert "Task_FileWithCommission" not in run.jobs


def test_especially_major_item_with_hearing_and_expert_redraw(tmp_path: Path) -> None:
    scenario = Scenario(especially_major=True, sensitive=True, expert_conflict=True)
    run, pi = _run(tmp_path, scenario)
    assert run.incidents() == []
    assert run.ended_at(pi) == ["EndEvent_Approved"]
    assert run.user_tasks["Task_ReviewMeeting"] == 1
    assert run.user_tasks["Task_RecordHearing"] == 1, "sensitive items are heard"
    assert run.jobs["Task_RedrawExpert"] == 1
    assert run.user_tasks["Task_ExpertOpinion"] == 4, "the replacement expert gives an opinion"


def test_model_handled_errors_are_recovered_by_people(tmp_path: Path) -> None:
    codes = frozenset(ERROR_JOB)
    run, pi = _run(tmp_path, Scenario(sensitive=True, bpmn_errors=codes))
    assert run.incidents() == []
    assert run.ended_at(pi) == ["EndEvent_Approved"]
    assert run.user_tasks["Task_RegisterItem"] == 2, "invalid registration is corrected"
    assert run.user_tasks["Task_RecomposeHearing"] == 1
    assert run.user_tasks["Task_PrepareHearing"] == 1, "recomposition returns to scheduling"
    assert run.user_tasks["Task_ResolvePoolShortage"] == 1


@pytest.mark.parametrize(
    ("task", "group"),
    [
        ("Task_RegisterItem", "responsible-subject"),
        ("Task_RiskRegister", "responsible-subject"),
        ("Task_TownshipScreening", "township-street"),  # deadline from Decision_ColourRouting
    ],
)
def test_overdue_task_is_reminded_then_escalated(tmp_path: Path, task: str, group: str) -> None:
    run, pi = _run(tmp_path, Scenario(overdue_task=task))
    assert run.incidents() == []
    assert run.ended_at(pi) == ["EndEvent_Approved"]
    assert ("reminder", group) in run.notices
    assert ("escalation", "political-legal-commission") in run.notices
    assert run.user_tasks[task] == 1, "the reminder does not cancel the task"
