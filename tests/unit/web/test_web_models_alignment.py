"""Stages and candidate groups read from the real models in bpmn/ and dmn/."""

from __future__ import annotations

import re
from pathlib import Path

from web.stages import parse_stage_map, stage_label, stage_of_name
from web.users import GROUP_LABELS, demo_users

ROOT = Path(__file__).resolve().parents[3]


def test_stages_come_from_the_main_process_sub_processes() -> None:
    stages = parse_stage_map((ROOT / "bpmn/risk-assessment.bpmn").read_text(encoding="utf-8"))
    assert stages.elements["Task_RegisterItem"] == 1
    assert stages.elements["Task_DraftPlan"] == 2
    assert stages.elements["Task_RiskRegister"] == 5
    assert stages.called["Process_Hearing"] == 3
    assert stages.called["Process_ExpertReview"] == 6


def test_unreadable_xml_gives_no_stages() -> None:
    assert parse_stage_map("<not-bpmn").elements == {}


def test_stage_names() -> None:
    assert stage_of_name("第三环节：充分听取意见") == 3
    assert stage_of_name("召开听证会") is None
    assert stage_label(9) == "第九环节：强化风险调控，全程跟踪服务"
    assert stage_label(None) == "—"


def _model_groups() -> set[str]:
    groups: set[str] = set()
    for path in (ROOT / "bpmn").glob("*.bpmn"):
        for value in re.findall(r'candidateGroups="([^"=][^"]*)"', path.read_text("utf-8")):
            groups.update(g.strip() for g in value.split(","))
    for path in (ROOT / "dmn").glob("*.dmn"):
        text = path.read_text("utf-8")
        for output in ("approvingGroup", "caseLeaderGroup", "cooperatingGroup"):
            if f'name="{output}"' in text:
                groups.update(re.findall(r'<outputEntry[^>]*><text>"([a-z-]+)"</text>', text))
    return groups


def test_every_candidate_group_of_the_models_has_a_name_and_a_demo_member() -> None:
    groups = {g for g in _model_groups() if g not in ("red", "yellow", "green", "key", "general")}
    groups = {g for g in groups if not g.startswith("P")}
    assert groups, "no candidate groups found in the models"
    missing_label = groups - set(GROUP_LABELS)
    assert not missing_label, f"candidate groups without a Chinese name: {missing_label}"
    held = set().union(*(u.groups for u in demo_users()))
    assert not groups - held, f"no demo user holds {groups - held}"
