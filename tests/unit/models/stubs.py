"""Stand-ins for the workers and the staff, to run the real models on the embedded engine.

Each job type answers with the output variables ``workers/VARIABLES.md`` documents; each user task
is completed with what its form collects. A :class:`Scenario` says which answers differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workers.job_types import JobType


@dataclass(frozen=True)
class Scenario:
    """One item's story: the answers that steer it through the models."""

    probabilities: tuple[str, ...] = ("low",)  # risk register answer per assessment round
    households: int = 300
    violates_law: bool = False
    especially_major: bool = False
    sensitive: bool = False
    expert_conflict: bool = False  # the first expert declares a conflict of interest
    bpmn_errors: frozenset[str] = field(default_factory=frozenset)  # thrown once per code
    overdue_task: str = ""  # the clock passes this task's due date and escalation before it is done


OPINION_COUNTS = {
    "surveyCount": 100,
    "supportCount": 80,
    "neutralCount": 10,
    "opposeCount": 10,
    "opinionSummary": "群众总体支持，个别住户关心补偿标准。",
}

ERROR_VARIABLES: dict[str, dict[str, Any]] = {
    "ERR_INVALID_ITEM": {"validationErrors": [{"field": "itemName", "message": "长度不足"}]},
    "ERR_HEARING_COMPOSITION": {"hearingViolations": ["利益群体代表占参会人数 30%，低于 40%"]},
    "ERR_EXPERT_POOL_TOO_SMALL": {"expertPoolViolations": ["会宁县专家库可抽取人数不足"]},
}
ERROR_JOB = {
    "ERR_INVALID_ITEM": JobType.REGISTER_ITEM,
    "ERR_HEARING_COMPOSITION": JobType.SCHEDULE_HEARING,
    "ERR_EXPERT_POOL_TOO_SMALL": JobType.DRAW_EXPERT_PANEL,
}


def job_output(job_type: str, variables: dict[str, Any]) -> dict[str, Any]:
    """What the worker of ``job_type`` returns (names from workers/VARIABLES.md)."""
    outputs: dict[str, dict[str, Any]] = {
        JobType.REGISTER_ITEM: {"itemId": 1},
        JobType.RECORD_PLAN: {"planId": 1, "planVersion": 1},
        JobType.SAMPLE_REPRESENTATIVES: {"sampleId": 1, "sampleSeed": 7, "sampleSize": 90},
        JobType.SCHEDULE_HEARING: {"hearingId": 1, "hearingDate": "2026-12-10"},
        JobType.RECORD_OPINIONS: {"opinionRoundId": 1, "opposeShare": 0.1},
        JobType.RECORD_RISK_REGISTER: {"riskPointCount": 1, "riskPointIds": [1]},
        JobType.DRAW_EXPERT_PANEL: {"panelId": 1, "drawSeed": 7, "panelExpertIds": [11, 12, 13]},
        JobType.REDRAW_EXPERT: {"replacementExpertId": 99, "panelExpertIds": [99, 12, 13]},
        JobType.AGGREGATE_EXPERT_OPINIONS: {"panelVerdict": "approve", "dissentCount": 0},
        JobType.ASSEMBLE_REPORT: {"reportId": 1, "reportVersion": 1, "reportFile": "r.docx"},
        JobType.FILE_WITH_COMMISSION: {"filingId": 1, "filingNumber": "白银稳评备〔2026〕第0001号"},
        JobType.RECORD_STAGE: {"currentStage": 1},
        JobType.RECORD_DECISION: {"itemStatus": variables.get("decision")},
        JobType.NOTIFY: {"notificationId": 1},
    }
    return outputs[job_type]


def form_answer(element_id: str, scenario: Scenario, round_no: int) -> dict[str, Any]:
    """What a staff member enters in the form of ``element_id`` (``round_no`` counts from 0)."""
    if element_id == "Task_RegisterItem":
        return {
            "itemName": "会宁县城区棚户区改造项目",
            "itemType": "project",
            "jurisdiction": "会宁县",
            "responsibleUnit": "会宁县住房和城乡建设局",
            "affectedHouseholds": scenario.households,
            "involvesLandTaking": False,
            "nimbyFacility": False,
            "environmentalProject": False,
            "sensitive": scenario.sensitive,
            "especiallyMajor": scenario.especially_major,
        }
    if element_id == "Task_RiskRegister":
        probability = scenario.probabilities[min(round_no, len(scenario.probabilities) - 1)]
        return {
            "riskPoints": [
                {
                    "factor": "拆迁补偿标准争议",
                    "probability": probability,
                    "impact": "moderate",
                    "measure": "公开补偿标准，逐户沟通",
                    "responsibleUnit": "会宁县住房和城乡建设局",
                    "deadline": "2027-03-31",
                }
            ],
            "violatesLawOrPolicy": scenario.violates_law,
            "possibleIncidentSize": 0,
            "criminalCasePossible": False,
            "extremeActPossible": False,
        }
    if element_id == "Task_ExpertOpinion":
        if scenario.expert_conflict and round_no == 0:
            return {"expertResponse": "conflict"}
        return {"expertResponse": "accept", "verdict": "approve", "comments": "同意实施。"}
    if element_id == "Task_ReviewMeeting":
        return {"reviewOpinion": "agree", "reviewComments": "同意实施。"}
    if element_id == "Task_DecideHighRisk":
        return {"highRiskDecision": "stop", "highRiskNote": "停止实施。"}
    if element_id == "Task_PrepareHearing":
        return {"venue": "会宁县政府第一会议室", "announceDate": "2026-11-25", "attendees": []}
    return dict(OPINION_COUNTS)
