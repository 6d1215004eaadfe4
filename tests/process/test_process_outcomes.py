"""Where an item ends: exempt, approved and filed, held back and re-assessed, stopped.

Each test runs one case on the real models and workers and checks what staff and the
Political-Legal Commission would see: the end the case reached, who took the case, the item and
its filing in the domain database, the report on disk.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import docx
from process_case import Desk
from process_register import import_register, item_of
from process_staff import Story

from workers.experts.models import ExpertOpinion
from workers.filings.models import Filing
from workers.job_types import JobType
from workers.ledger.models import LedgerEntry, LedgerKind, Notification
from workers.ledger.service import STAGE_NAMES
from workers.reports.models import Report

FILING_NUMBER = re.compile(r"^白银区稳评备〔\d{4}〕第\d{4}号$")
STAGES = list(range(1, 9))


def _ledger(desk: Desk, kind: LedgerKind) -> list[LedgerEntry]:
    item = item_of(desk)
    return desk.rows(
        LedgerEntry,
        LedgerEntry.item_id == item.id,
        LedgerEntry.kind == kind,
        order=[LedgerEntry.id],
    )


def _notices(desk: Desk, kind: str) -> list[tuple[str, str | None]]:
    return [(n.group, n.colour) for n in desk.rows(Notification, Notification.kind == kind)]


async def test_exempt_item_ends_without_assessment(desk: Desk) -> None:
    await desk.start()
    story = Story(item_name="白银区人民路沿街店铺招牌统一更换", households=0, land_taking=False)
    assert await desk.play(story.answer) == "EndEvent_Exempt"

    assert [d.element_id for d in desk.done] == ["Task_RegisterItem"]
    item = item_of(desk)
    assert (item.name, item.current_stage, item.status) == (story.item_name, 1, "registered")
    assert any("免于评估" in e.text for e in _ledger(desk, LedgerKind.STAGE))
    assert desk.count(Filing) == 0


async def test_green_item_is_approved_filed_and_reported(desk: Desk) -> None:
    await desk.start()
    assert await desk.play(Story().answer, before=import_register(desk)) == "EndEvent_Approved"

    item = item_of(desk)
    assert (item.status, item.risk_level, item.current_stage) == ("approved", "low", 8)
    stages = _ledger(desk, LedgerKind.STAGE)
    assert [e.stage for e in stages] == STAGES
    # each ledger line names its stage once (no note repeating the name in brackets)
    assert [e.text for e in stages] == [f"进入第{n}环节：{STAGE_NAMES[n]}" for n in STAGES]
    # green: the township where the dispute arises takes the case
    assert desk.who_did("Task_TownshipScreening") == ["township-street"]
    assert ("township-street", "green") in _notices(desk, "colour")
    assert "Task_ReviewMeeting" not in {d.element_id for d in desk.done}
    # the approving body of a project is the Development and Reform Commission
    assert desk.who_did("Task_ApprovalReview") == ["development-reform-commission"]
    # every drawn expert wrote an opinion from their own inbox
    experts = desk.who_did("Task_ExpertOpinion")
    assert len(experts) == 5 and all(e.startswith("expert-") for e in experts)
    opinions = desk.rows(ExpertOpinion)
    assert sorted(f"expert-{o.expert_id}" for o in opinions) == sorted(experts)

    [filing] = desk.rows(Filing, Filing.item_id == item.id)
    assert FILING_NUMBER.match(filing.number), filing.number
    [filed] = _ledger(desk, LedgerKind.FILING)
    assert filing.number in filed.text
    assert desk.passed("Task_FileWithCommission") == 1

    formal = desk.rows(Report, Report.item_id == item.id, Report.kind == "formal")
    assert [(r.risk_level_before, r.risk_level) for r in formal] == [("medium", "low")]
    _assert_report_opens(Path(formal[0].path), item.name)


def _assert_report_opens(path: Path, item_name: str) -> None:
    assert path.is_file() and path.suffix == ".docx"
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert item_name in text
    for dimension in ("合法性", "合理性", "可行性", "可控性"):
        assert dimension in text


async def test_yellow_item_is_held_back_mitigated_reassessed_and_approved(desk: Desk) -> None:
    await desk.start()
    story = Story(rounds=(("high", "high"), ("medium", "low")))
    late: list[str] = []

    async def county_leader_is_late(task: dict[str, Any]) -> None:
        if task["elementId"] == "Task_CountyLeaderTakesCase" and not late:
            late.append(task["userTaskKey"])
            desk.advance_days(7)  # the deadline Decision_ColourRouting gives a yellow warning
            await desk.job_done("Task_CountyLeaderTakesCase_Reminder")
            desk.advance_days(2)
            await desk.job_done("Task_CountyLeaderTakesCase_Escalation")
        else:
            await import_register(desk)(task)

    end = await desk.play(story.answer, before=county_leader_is_late)
    assert end == "EndEvent_Approved"

    # yellow: the county leader takes the case, county departments cooperate
    assert desk.who_did("Task_CountyLeaderTakesCase") == ["county-leader"]
    assert desk.who_did("Task_CountyDepartmentsCooperate") == ["county-departments"]
    assert ("county-leader", "yellow") in _notices(desk, "colour")
    assert ("county-leader", None) in _notices(desk, "reminder")
    assert ("political-legal-commission", None) in _notices(desk, "escalation")
    # held back, mitigated, re-assessed from stage 5, then green and approved
    decisions = [e.details["decision"] for e in _ledger(desk, LedgerKind.DECISION)]
    assert decisions == ["held_back", "approved"]
    assert desk.who_did("Task_Mitigate") == ["responsible-subject"]
    assert len(desk.who_did("Task_RiskRegister")) == 2
    assert desk.who_did("Task_TownshipScreening") == ["township-street"]
    item = item_of(desk)
    assert (item.status, item.risk_level) == ("approved", "low")
    assert desk.count(Filing, Filing.item_id == item.id) == 1


async def test_red_item_goes_to_the_city_and_is_not_approved(desk: Desk) -> None:
    await desk.start()
    story = Story(rounds=(("very_high", "high"),), violates_law=True)
    end = await desk.play(story.answer, before=import_register(desk))
    assert end == "EndEvent_Stopped"

    # red: the city leader takes the case and four responses start in parallel
    assert {
        element: desk.who_did(element)
        for element in (
            "Task_CityLeaderTakesCase",
            "Task_GrandMediation",
            "Task_DetailedEmergencyPlan",
            "Task_PolicyLegalExplanation",
            "Task_CountyPacification",
        )
    } == {
        "Task_CityLeaderTakesCase": ["city-leader"],
        "Task_GrandMediation": ["grand-mediation-centre"],
        "Task_DetailedEmergencyPlan": ["responsible-subject"],
        "Task_PolicyLegalExplanation": ["functional-departments"],
        "Task_CountyPacification": ["county-government"],
    }
    assert ("city-leader", "red") in _notices(desk, "colour")
    assert desk.who_did("Task_DecideHighRisk") == ["development-reform-commission"]
    item = item_of(desk)
    assert (item.status, item.risk_level) == ("stopped", "high")
    assert "Task_ApprovalReview" not in {d.element_id for d in desk.done}
    assert desk.count(Filing) == 0


async def test_especially_major_item_goes_to_the_review_meeting(desk: Desk) -> None:
    await desk.start()
    story = Story(especially_major=True)
    end = await desk.play(story.answer, before=import_register(desk))
    assert end == "EndEvent_Approved"

    assert desk.who_did("Task_ReviewMeeting") == ["political-legal-commission"]
    item = item_of(desk)
    assert (item.especially_major, item.assessment_track, item.status) == (True, "key", "approved")
    stage7 = [e for e in _ledger(desk, LedgerKind.STAGE) if e.stage == 7]
    assert len(stage7) == 1
    assert desk.count(Filing, Filing.item_id == item.id) == 1


async def test_the_workers_take_new_jobs_from_a_stream_of_every_job_type(desk: Desk) -> None:
    # WENPING_STREAM_JOBS is on by default: the engine pushes a new job to a worker at once
    # instead of waiting for its next poll; the cases above ran on these streams.
    for _ in range(500):
        if all(desk.harness.open_job_streams(job_type) == 1 for job_type in JobType):
            return
        await asyncio.sleep(0.01)
    missing = [t.value for t in JobType if desk.harness.open_job_streams(t) != 1]
    raise AssertionError(f"no job stream open for {missing}")
