"""``wenping demo``: one realistic item through the whole 3399 pipeline, printed in Chinese.

Uses the engine at ``ZEEBE_ADDRESS`` if one answers there; otherwise starts the embedded engine
in this process on free ports with a temporary store. Deploys bpmn/ dmn/ forms/, runs the real
workers in-process, seeds the demo expert pools, registers a shantytown renovation in 白银区 that
part of the residents oppose (a demo item: its stakeholder register is generated), and completes
every user task through the Camunda REST API as the staff at the right desk would. Then it prints
where the case went: stages, colours, who took the case (包案), decisions, filing number, report.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from wenping.deploy import deploy_files, model_files
from wenping.logging import configure_logging
from wenping.settings import Settings, WorkerSettings

log = structlog.get_logger(__name__)

PROCESS_ID = "Process_RiskAssessment"
TIMEOUT_S = 50.0
"""The whole case must finish within this time (embedded defaults take a few seconds)."""
POLL_S = 0.05
UNIT = "白银区住房和城乡建设局"
ITEM = "白银区四龙路片区棚户区改造项目（演示）"

DESKS: dict[str, tuple[str, str]] = {
    "responsible-subject": ("李明", f"{UNIT}（评估责任主体）"),
    "political-legal-commission": ("赵敏", "白银市委政法委"),
    "development-reform-commission": ("孙强", "白银市发展和改革委员会"),
    "general-office": ("周静", "白银市政府办公室"),
    "city-leader": ("王建国", "白银市分管副市长"),
    "county-leader": ("陈伟", "白银区分管副区长"),
    "township-street": ("刘芳", "四龙路街道办事处"),
    "functional-departments": ("何平", "市直职能部门"),
    "county-departments": ("马超", "白银区信访局等职能部门"),
    "grand-mediation-centre": ("郭燕", "白银市社会矛盾大调解中心"),
    "county-government": ("高磊", "白银区人民政府"),
    "hearing-staff": ("冯静", "白银市司法局（第三方听证机构）"),
}
"""Who sits at each candidate group's desk (names are demo data)."""

CASE_TASKS = ("Task_CityLeaderTakesCase", "Task_CountyLeaderTakesCase", "Task_TownshipScreening")
COLOURS = {"red": "红色预警", "yellow": "黄色预警", "green": "绿色预警"}


def _survey(count: int, oppose: int, summary: str) -> dict[str, Any]:
    neutral = count // 10
    return {
        "surveyCount": count,
        "supportCount": count - neutral - oppose,
        "neutralCount": neutral,
        "opposeCount": oppose,
        "opinionSummary": summary,
    }


def _risk_register(first_round: bool) -> dict[str, Any]:
    # First round: compensation below expectations is likely even after measures → medium
    # (yellow); after mitigation it is unlikely → low (green).
    before, after = ("high", "high") if first_round else ("medium", "low")
    return {
        "riskPoints": [
            {
                "factor": "征收补偿标准与部分住户预期存在差距",
                "stage": "implementation",
                "probability": before,
                "impact": "major",
                "measure": "公开补偿安置方案，逐户入户沟通，设立政策咨询点",
                "responsibleUnit": UNIT,
                "deadline": "2027-03-31",
                "probabilityAfter": after,
                "impactAfter": "moderate",
            },
        ],
        "violatesLawOrPolicy": False,
        "possibleIncidentSize": 40,
        "criminalCasePossible": False,
        "extremeActPossible": False,
    }


_ATTENDEES = [
    *(
        {"name": n, "role": "representative", "affiliation": "四龙路片区住户"}
        for n in ("张桂兰", "王建华", "刘秀英", "陈志强", "杨丽", "赵海燕")
    ),
    {"name": "周文斌", "role": "official", "affiliation": UNIT, "civilServant": True},
    {"name": "孙明德", "role": "notable", "affiliation": "白银区政协委员"},
    {"name": "郑敏", "role": "officer", "affiliation": "白银市司法局", "thirdParty": True},
    {"name": "冯静", "role": "recorder", "affiliation": "白银市司法局", "thirdParty": True},
    {"name": "韩强", "role": "chair", "affiliation": "白银市法制办", "legalAffairsOffice": True},
]
_REPORT = {
    "basis": "《重大行政决策程序暂行条例》、发改投资〔2012〕2492号、白银市稳评实施办法。",
    "legalityAnalysis": "项目符合国有土地上房屋征收与补偿条例，征收程序合法。",
    "reasonablenessAnalysis": "补偿标准参照市场评估价格确定，兼顾群众利益与财政承受能力。",
    "feasibilityAnalysis": "安置房源已落实，资金纳入区级财政预算，实施条件成熟。",
    "controllabilityAnalysis": "已识别主要风险点并制定化解措施和应急预案，风险总体可控。",
    "conclusion": "建议在落实各项化解措施的前提下实施，并做好全程跟踪。",
}
_WARNING = {
    "actionsTaken": "组织入户走访和政策宣讲，逐户登记诉求并建立化解台账。",
    "demandsResolved": "已明确过渡期租房补贴按月发放。",
    "warningOutcome": "resolved",
}
ANSWERS: dict[str, dict[str, Any]] = {
    "Task_RegisterItem": {
        "itemName": ITEM,
        "itemType": "project",
        "jurisdiction": "白银区",
        "responsibleUnit": UNIT,
        "township": "四龙路街道",
        "contactPerson": "李明",
        "contactPhone": "0943-8221234",
        "description": "改造四龙路片区老旧棚户区，涉及房屋征收、安置房建设和配套道路管网。",
        "affectedHouseholds": 320,
        "involvesLandTaking": True,
        "nimbyFacility": False,
        "environmentalProject": False,
        "sensitive": True,
        "especiallyMajor": False,
    },
    "Task_DraftPlan": {
        "planContent": "围绕合法性、合理性、可行性、可控性开展评估，入户走访、问卷和座谈相结合。",
        "visitRatio": 0.3,
        "stakeholderGroups": ["拆迁户", "周边居民"],
        "representativeMethod": "按利益群体分层随机抽取，持反对意见者优先推选为群众代表。",
        "planDeadline": "2027-01-31",
        "teamMembers": [{"name": "李明", "duty": "组长，统筹评估工作"}],
    },
    "Task_RecordVisits": {
        "publicNoticeStart": "2026-12-01",
        "visitCount": 320,
        **_survey(320, 48, "多数住户支持改造，部分住户反对现行补偿标准，关注安置房位置。"),
        "legallyRequired": False,
        "majorPublicInterest": False,
    },
    "Task_PrepareHearing": {
        "venue": "白银区政务服务中心三楼听证室",
        "announceDate": "2026-12-07",
        "preferredDate": "2026-12-21",
        "attendees": _ATTENDEES,
    },
    "Task_RecordHearing": {
        **_survey(11, 3, "反对的住户代表就补偿标准陈述意见，主持人逐条记录并答复。"),
        "demandsAnswered": "明确过渡期租房补贴按月发放。",
    },
    "Task_PrepareDemonstration": {
        "meetingDate": "2026-12-15",
        "chair": "白银区住建局局长",
        "participatingUnits": "白银区发改局、自然资源局、财政局、信访局，四龙路街道办事处",
        "materialsPrepared": True,
    },
    "Task_RecordDemonstration": {
        **_survey(12, 1, "与会单位认为项目必要，建议细化安置房分配办法。"),
        "demandsAnswered": "安置房分配办法经公示后实施。",
    },
    "Task_SummariseOpinions": {
        "symposiumCount": 2,
        **_survey(320, 45, "座谈中反对意见集中在补偿标准，其余诉求已现场答复。"),
        "demandsAnswered": "现场答复补偿标准测算方法，安置房选房顺序公开抽签。",
    },
    "Task_EmergencyPlan": {
        "emergencyPlan": "针对补偿争议引发聚集上访，成立现场处置组，街道、信访、公安联动疏导。",
        "emergencyLeader": "白银区住建局局长",
        "emergencyPhone": "0943-8221000",
    },
    "Task_DraftReport": _REPORT,
    "Task_ReviseReport": _REPORT,
    "Task_ExpertOpinion": {
        "expertResponse": "accept",
        "siteVisited": True,
        "verdict": "approve",
        "comments": "经实地踏勘，补偿安置方案总体合理，建议加强过渡期安置保障。",
    },
    "Task_PanelOpinion": {
        "panelOpinion": "专家组同意实施，建议加强过渡期安置保障。",
        "allSigned": True,
    },
    "Task_Mitigate": {
        "mitigationMeasures": "提高过渡期租房补贴标准，增加安置房源，逐户签订补偿协议。",
        "mitigationCompleted": True,
    },
    "Task_CompileLedger": {
        "ledgerMaterials": ["plan", "visits", "hearing", "risks", "emergency", "experts", "report"],
        "ledgerSummary": "稳评资料齐全，已按台账要求整理归档。",
        "filedOn": "2027-01-15",
    },
    "Task_ApprovalReview": {"materialsComplete": True, "approvalComments": "资料齐全，同意实施。"},
}


def answer(element_id: str, round_no: int) -> dict[str, Any]:
    """What the staff member types into the form of ``element_id`` (round ``round_no``)."""
    if element_id == "Task_RiskRegister":
        return _risk_register(first_round=round_no == 0)
    return ANSWERS.get(element_id, _WARNING)  # every other task is a warning-response form


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


def _stage_line(stage: int | None, text: str) -> str:
    """A ledger stage line without the note when the note only repeats the stage's name."""
    from workers.ledger.service import STAGE_NAMES

    name = STAGE_NAMES.get(stage or 0, "")
    return text.replace(f"（{name}）", "") if name else text


def _print_summary(run: Run, factory: sessionmaker[Session]) -> int:
    """Print where the case went; 0 if it was approved and filed, else 1."""
    from workers.filings.models import Filing
    from workers.items.models import Item
    from workers.ledger.models import LedgerEntry, LedgerKind, Notification
    from workers.reports.models import Report

    with factory() as session:
        item = session.scalars(
            select(Item).where(Item.process_instance_key == run.process_instance_key)
        ).one()
        entries = list(
            session.scalars(
                select(LedgerEntry).where(LedgerEntry.item_id == item.id).order_by(LedgerEntry.id)
            )
        )
        colours = list(
            session.scalars(
                select(Notification)
                .where(Notification.item_id == item.id, Notification.kind == "colour")
                .order_by(Notification.id)
            )
        )
        filing = session.scalars(select(Filing).where(Filing.item_id == item.id)).first()
        report = session.scalars(
            select(Report)
            .where(Report.item_id == item.id, Report.kind == "formal")
            .order_by(Report.version.desc())
        ).first()
    lines = [
        "稳评演示（演示数据）",
        f"事项：{item.name}（重大项目，白银区，涉及{item.affected_households}户，敏感事项）",
        f"流程实例：{run.process_instance_key}",
        "",
        "经过的环节：",
        *(f"  {_stage_line(e.stage, e.text)}" for e in entries if e.kind == LedgerKind.STAGE),
        "",
        "三色预警与包案：",
    ]
    leaders = [(person, title) for e, _, person, title in run.done if e in CASE_TASKS]
    for i, note in enumerate(colours):
        name, title = leaders[i] if i < len(leaders) else ("", note.group)
        lines.append(f"  {COLOURS.get(note.colour or '', note.colour)}：{title} {name} 包案")
    lines += ["", "评估结果：", *(f"  {e.text}" for e in entries if e.kind == LedgerKind.DECISION)]
    lines += ["", "办理经过（经 REST API 认领并办理）："]
    lines += [f"  {title} {person}：{task}" for _, task, person, title in run.done]
    lines.append("")
    lines.append(f"备案号：{filing.number if filing else '（未备案）'}")
    shown = str(Path(report.path).resolve()) if report else "（无）"
    lines.append(f"评估报告：{shown}")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    return 0 if filing is not None and item.status == "approved" else 1


async def _demo(settings: Settings) -> int:
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
        return _print_summary(run, ctx.session_factory)


def run_demo(settings: Settings) -> int:
    """Run the demo case end to end and print where it went; the exit code of ``wenping demo``."""
    if settings.environment != "development":
        # Demo experts would join the real pools and the demo item would take a filing number.
        sys.stderr.write("wenping demo: 仅限开发和演示环境（WENPING_ENVIRONMENT=development）\n")
        return 2
    if settings.log_level.upper() == "INFO":
        # The story goes to stdout; below WARNING, engine and worker logs would bury it.
        configure_logging(level="WARNING", json=settings.log_json)
        logging.getLogger().setLevel(logging.WARNING)
    try:
        return asyncio.run(_demo(settings))
    except (httpx.HTTPError, TimeoutError, DemoFailed) as exc:
        sys.stderr.write(f"wenping demo: 演示未能完成：{exc}\n")
        return 1


def main() -> int:
    """``python -m wenping.demo``: the same as ``wenping demo``, configured from the environment."""
    settings = Settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    return run_demo(settings)


if __name__ == "__main__":
    sys.exit(main())
