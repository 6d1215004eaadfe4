"""Handlers called as pyzeebe calls them: variables in, only changed variables out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pyzeebe import Job
from pyzeebe.errors import BusinessError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from workers.demo.data import seed_expert_pools
from workers.items.models import Item
from workers.ledger import service as ledger
from workers.ledger.models import Notification
from workers.tasks.base import InvalidVariables, WorkerContext
from workers.tasks.experts import ExpertTasks
from workers.tasks.hearings import HearingTasks
from workers.tasks.items import ItemTasks
from workers.tasks.ledger import LedgerTasks
from workers.tasks.opinions import OpinionTasks
from workers.tasks.stakeholders import StakeholderTasks


async def test_register_item_twice_in_one_instance_stores_one_item(
    ctx: WorkerContext,
    make_job: Callable[..., Job],
    factory: sessionmaker[Session],
    item_variables: dict[str, Any],
) -> None:
    tasks = ItemTasks(ctx)
    out1 = await tasks.register_item(make_job(process_instance_key=77), **item_variables)
    out2 = await tasks.register_item(make_job(process_instance_key=77), **item_variables)
    assert out1 == out2 == {"itemId": out1["itemId"]}
    with factory() as s:
        assert s.scalar(select(func.count(Item.id))) == 1
        lines = ledger.entries(session=s, item_id=out1["itemId"])
        assert [e.kind for e in lines] == ["registered"]


async def test_invalid_registration_is_a_bpmn_error_naming_fields_and_stores_nothing(
    ctx: WorkerContext,
    make_job: Callable[..., Job],
    factory: sessionmaker[Session],
    item_variables: dict[str, Any],
) -> None:
    bad = {**item_variables, "itemName": "x", "jurisdiction": "兰州市", "contactPhone": "秘密号码"}
    del bad["itemType"]
    with pytest.raises(BusinessError) as caught:
        await ItemTasks(ctx).register_item(make_job(), **bad)
    error = caught.value
    assert error.error_code == "ERR_INVALID_ITEM"
    problems = error.variables["validationErrors"]  # type: ignore[attr-defined]
    assert {p["field"] for p in problems} == {
        "itemName",
        "itemType",
        "jurisdiction",
        "contactPhone",
    }
    assert any(p["message"] == "缺少必填变量" for p in problems)
    assert "秘密号码" not in str(problems) and "兰州市" not in str(problems)
    with factory() as s:
        assert s.scalar(select(func.count(Item.id))) == 0


async def test_bad_variable_fails_naming_the_field_not_the_value(
    ctx: WorkerContext, make_job: Callable[..., Job], make_item: Callable[..., Item]
) -> None:
    item = make_item()
    with pytest.raises(InvalidVariables) as caught:
        await ItemTasks(ctx).record_plan(make_job(), itemId=item.id, visitRatio=1.5)
    assert "visitRatio" in str(caught.value) and "1.5" not in str(caught.value)


async def test_unknown_item_fails_the_job(ctx: WorkerContext, make_job: Callable[..., Job]) -> None:
    with pytest.raises(Exception, match="事项 itemId=999 不存在"):
        await OpinionTasks(ctx).record_opinions(
            make_job(),
            itemId=999,
            surveyCount=10,
            supportCount=5,
            neutralCount=3,
            opposeCount=2,
            opinionSummary="总体支持",
        )


async def test_opinions_return_the_oppose_share_once_per_element_instance(
    ctx: WorkerContext, make_job: Callable[..., Job], make_item: Callable[..., Item]
) -> None:
    item = make_item()
    variables: dict[str, Any] = {
        "itemId": item.id,
        "surveyCount": 200,
        "supportCount": 120,
        "neutralCount": 30,
        "opposeCount": 50,
        "opinionSummary": "部分群众对补偿标准有意见",
    }
    tasks = OpinionTasks(ctx)
    first = await tasks.record_opinions(make_job(element_instance_key=5), **variables)
    again = await tasks.record_opinions(make_job(element_instance_key=5), **variables)
    assert first == again and first["opposeShare"] == 0.25
    with pytest.raises(InvalidVariables, match="支持、中立、反对人数之和"):
        await tasks.record_opinions(make_job(), **{**variables, "opposeCount": 100})


async def test_demo_item_gets_a_register_and_a_seeded_sample(
    ctx: WorkerContext, make_job: Callable[..., Job], make_item: Callable[..., Item]
) -> None:
    item = make_item(demo=True, affectedHouseholds=50, sensitive=True)
    tasks = StakeholderTasks(ctx)
    out = await tasks.sample_representatives(
        make_job(), itemId=item.id, visitRatio=0.1, minSampleCount=30, sampleSeed=4
    )
    assert out["registerSize"] == 200  # the demo minimum
    assert out["sampleSize"] == 30 and out["sampleSeed"] == 4
    assert out["opposersPicked"] >= min(30, 1)
    assert set(out) == {"sampleId", "sampleSeed", "sampleSize", "registerSize", "opposersPicked"}


async def test_hearing_violation_is_a_bpmn_error_with_reasons(
    ctx: WorkerContext, make_job: Callable[..., Job], make_item: Callable[..., Item]
) -> None:
    item = make_item()
    attendees = [
        {"name": "代表", "role": "representative", "civilServant": True},
        {"name": "局长", "role": "official"},
        {"name": "主持", "role": "chair", "legalAffairsOffice": True},
    ]
    with pytest.raises(BusinessError) as caught:
        await HearingTasks(ctx).schedule_hearing(
            make_job(), itemId=item.id, venue="会议室", attendees=attendees
        )
    assert caught.value.error_code == "ERR_HEARING_COMPOSITION"
    reasons = caught.value.variables["hearingViolations"]  # type: ignore[attr-defined]
    assert "缺少听证员" in reasons and "缺少记录员" in reasons
    assert any("在职公务员" in r for r in reasons)


async def test_hearing_date_follows_the_injected_today(
    ctx: WorkerContext, make_job: Callable[..., Job], make_item: Callable[..., Item]
) -> None:
    item = make_item()
    attendees = [{"name": f"代表{i}", "role": "representative"} for i in range(3)] + [
        {"name": "听证员", "role": "officer", "thirdParty": True},
        {"name": "记录员", "role": "recorder", "thirdParty": True},
        {"name": "主持", "role": "chair", "legalAffairsOffice": True},
    ]
    out = await HearingTasks(ctx).schedule_hearing(
        make_job(), itemId=item.id, venue="会议室", attendees=attendees, noticeDays=15
    )
    # today is Monday 2026-03-02; +15 days is Tuesday 17 March
    assert out["hearingDate"] == "2026-03-17" and out["materialsDueDate"] == "2026-03-12"


async def test_expert_draw_redraw_and_opinions_through_handlers(
    ctx: WorkerContext,
    make_job: Callable[..., Job],
    make_item: Callable[..., Item],
    factory: sessionmaker[Session],
) -> None:
    with factory() as s, s.begin():
        seed_expert_pools(session=s)
    item = make_item(jurisdiction="景泰县")
    tasks = ExpertTasks(ctx)
    drawn = await tasks.draw_expert_panel(
        make_job(element_instance_key=9), itemId=item.id, categories=["法律"], panelSize=5
    )
    again = await tasks.draw_expert_panel(
        make_job(element_instance_key=9), itemId=item.id, categories=["法律"], panelSize=5
    )
    assert drawn == again
    assert len(drawn["panelExpertIds"]) == 5
    assert any(e["category"] == "legal" for e in drawn["panelExperts"])
    assert all(e["name"].endswith("（演示）") for e in drawn["panelExperts"])
    leaving = drawn["panelExpertIds"][2]
    redrawn = await tasks.redraw_expert(
        make_job(),
        itemId=item.id,
        panelId=drawn["panelId"],
        expertId=leaving,
        redrawReason="refused",
    )
    assert leaving not in redrawn["panelExpertIds"]
    assert redrawn["replacementExpertId"] in redrawn["panelExpertIds"]
    opinions = [
        {"expertId": e, "verdict": "approve_with_changes" if i else "reject"}
        for i, e in enumerate(redrawn["panelExpertIds"])
    ]
    out = await tasks.aggregate_expert_opinions(
        make_job(), itemId=item.id, panelId=drawn["panelId"], expertOpinions=opinions
    )
    assert out == {
        "panelVerdict": "approve_with_changes",
        "panelVotes": {"approve": 0, "approve_with_changes": 4, "reject": 1},
        "dissentCount": 1,
        "panelUnanimous": False,
    }


async def test_pool_too_small_is_a_bpmn_error(
    ctx: WorkerContext, make_job: Callable[..., Job], make_item: Callable[..., Item]
) -> None:
    item = make_item()
    with pytest.raises(BusinessError) as caught:
        await ExpertTasks(ctx).draw_expert_panel(make_job(), itemId=item.id)
    assert caught.value.error_code == "ERR_EXPERT_POOL_TOO_SMALL"
    assert caught.value.variables["expertPoolViolations"]  # type: ignore[attr-defined]


async def test_stage_from_header_decision_and_notification(
    ctx: WorkerContext,
    make_job: Callable[..., Job],
    make_item: Callable[..., Item],
    factory: sessionmaker[Session],
) -> None:
    item = make_item()
    tasks = LedgerTasks(ctx)
    stage_job = make_job(headers={"stage": "5"})
    assert await tasks.record_stage(stage_job, itemId=item.id) == {"currentStage": 5}
    assert await tasks.record_stage(stage_job, itemId=item.id) == {"currentStage": 5}
    out = await tasks.record_decision(
        make_job(), itemId=item.id, decision="held_back", riskLevel="中"
    )
    assert out == {"itemStatus": "held_back"}
    note_job = make_job(headers={"notifyKind": "escalation", "notifyGroup": "county-leaders"})
    first = await tasks.notify(note_job, itemId=item.id, colour="yellow")
    again = await tasks.notify(note_job, itemId=item.id, colour="yellow")
    assert first == again
    with factory() as s:
        lines = ledger.entries(session=s, item_id=item.id)
        assert [e.kind for e in lines] == ["stage", "decision"]
        assert "第5环节：确定风险等级，制定应急预案" in lines[0].text
        assert "暂缓实施（中风险）" in lines[1].text
        stored = s.get(Item, item.id)
        assert stored is not None and (stored.status, stored.risk_level) == ("held_back", "medium")
        assert s.scalar(select(func.count(Notification.id))) == 1
    with pytest.raises(InvalidVariables, match="stage"):
        await tasks.record_stage(make_job(headers={"stage": "12"}), itemId=item.id)


async def test_null_optional_variables_take_their_defaults(
    ctx: WorkerContext, make_job: Callable[..., Job], item_variables: dict[str, Any]
) -> None:
    nulls = {**item_variables, "township": None, "description": None, "sensitive": None}
    out = await ItemTasks(ctx).register_item(make_job(), **nulls)
    assert out["itemId"] > 0
    with pytest.raises(BusinessError) as caught:
        await ItemTasks(ctx).register_item(make_job(), **{**item_variables, "itemName": None})
    assert caught.value.variables["validationErrors"] == [  # type: ignore[attr-defined]
        {"field": "itemName", "message": "缺少必填变量"}
    ]


async def test_draft_report_from_the_header(
    ctx: WorkerContext, make_job: Callable[..., Job], make_item: Callable[..., Item]
) -> None:
    from docx import Document

    from workers.tasks.reports import ReportTasks

    item = make_item()
    out = await ReportTasks(ctx).assemble_report(
        make_job(headers={"reportKind": "draft"}),
        itemId=item.id,
        riskLevelBefore="medium",
        riskLevel="low",
        conclusion=None,
    )
    assert out["reportVersion"] == 1 and out["reportFile"].endswith("-draft.docx")
    assert "（送审稿）" in Document(out["reportFile"]).paragraphs[0].text


async def test_decision_without_a_level_keeps_the_item_unrated(
    ctx: WorkerContext,
    make_job: Callable[..., Job],
    make_item: Callable[..., Item],
    factory: sessionmaker[Session],
) -> None:
    item = make_item()
    out = await LedgerTasks(ctx).record_decision(
        make_job(), itemId=item.id, decision="stopped", riskLevel=None, decisionNote="应评未评"
    )
    assert out == {"itemStatus": "stopped"}
    with factory() as s:
        stored = s.get(Item, item.id)
        assert stored is not None and stored.risk_level is None
        assert (
            ledger.entries(session=s, item_id=item.id)[-1].text
            == "评估结果运用：不予实施，应评未评"
        )


async def test_parallel_jobs_on_one_sqlite_database_all_complete(
    ctx: WorkerContext,
    make_job: Callable[..., Job],
    make_item: Callable[..., Item],
    factory: sessionmaker[Session],
) -> None:
    import asyncio

    items = [make_item(itemName=f"并行事项{i}") for i in range(6)]
    tasks = LedgerTasks(ctx)
    jobs = [
        tasks.record_stage(make_job(headers={"stage": str(stage)}), itemId=item.id)
        for item in items
        for stage in (2, 3, 4)
    ]
    results = await asyncio.gather(*jobs)
    assert len(results) == 18
    with factory() as s:
        for item in items:
            assert sorted(e.stage or 0 for e in ledger.entries(session=s, item_id=item.id)) == [
                2,
                3,
                4,
            ]
