"""What Baiyin's staff type into each form, for one item's story.

The item is a shantytown renovation (棚户区改造) in 白银区; a :class:`Story` says what differs
between cases (risk found, opposition, especially major, an expert's conflict, a hearing roll
that breaks the composition rule). Values follow the forms in forms/ (codes from
workers/VARIABLES.md, dates as ``YYYY-MM-DD``), so the workers see what Tasklist would submit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UNIT = "白银区住房和城乡建设局"


@dataclass(frozen=True)
class Story:
    """One item's story: the answers that steer it through the pipeline."""

    item_name: str = "白银区四龙路片区棚户区改造项目"
    households: int = 320
    land_taking: bool = True
    sensitive: bool = False
    especially_major: bool = False
    # (probability before, probability after measures) of the main risk, per assessment round
    rounds: tuple[tuple[str, str], ...] = (("medium", "low"),)
    violates_law: bool = False
    oppose: int = 32  # of 320 surveyed households
    expert_conflict: bool = False  # the first drawn expert declares a conflict of interest
    bad_hearing_roll: bool = False  # the first hearing roll has too few representatives
    high_risk_decision: str = "stop"

    def answer(self, task: dict[str, Any], round_no: int) -> dict[str, Any]:
        """The variables the form of ``task`` submits (``round_no``: earlier tasks of it)."""
        element = task["elementId"]
        if element == "Task_RegisterItem":
            return self.registration()
        if element == "Task_RiskRegister":
            return self.risk_register(round_no)
        if element == "Task_ExpertOpinion":
            if self.expert_conflict and round_no == 0:
                return {"expertResponse": "conflict"}  # hidden fields are not submitted
            return EXPERT_OPINION
        if element == "Task_PrepareHearing":
            return hearing_roll(TOO_FEW if self.bad_hearing_roll and round_no == 0 else 6)
        if element == "Task_RecomposeHearing":
            return hearing_roll(RECOMPOSED)
        if element == "Task_RecordVisits":
            return {**survey(self.households, self.oppose), **VISIT_EXTRAS}
        if element == "Task_DecideHighRisk":
            note = "项目不符合政策规定，决定停止实施。"
            return {"highRiskDecision": self.high_risk_decision, "highRiskNote": note}
        if element in WARNING_TASKS:
            return WARNING_RESPONSE
        return dict(FORMS[element])

    def registration(self, **changes: Any) -> dict[str, Any]:
        """The registration form (form-item-registration)."""
        return {
            "itemName": self.item_name,
            "itemType": "project",
            "jurisdiction": "白银区",
            "responsibleUnit": UNIT,
            "township": "四龙路街道",
            "contactPerson": "李明",
            "contactPhone": "0943-8221234",
            "description": "改造四龙路片区老旧棚户区，涉及房屋征收、安置房建设和配套道路管网。",
            "affectedHouseholds": self.households,
            "involvesLandTaking": self.land_taking,
            "nimbyFacility": False,
            "environmentalProject": False,
            "sensitive": self.sensitive,
            "especiallyMajor": self.especially_major,
            **changes,
        }

    def risk_register(self, round_no: int) -> dict[str, Any]:
        """The risk register (form-risk-register) of assessment round ``round_no``."""
        before, after = self.rounds[min(round_no, len(self.rounds) - 1)]
        return {
            "riskPoints": [
                {
                    "factor": "征收补偿标准与群众预期存在差距",
                    "stage": "implementation",
                    "probability": before,
                    "impact": "major",
                    "measure": "公开补偿安置方案，逐户入户沟通，设立政策咨询点",
                    "responsibleUnit": UNIT,
                    "deadline": "2027-03-31",
                    "probabilityAfter": after,
                    "impactAfter": "moderate",
                },
                {
                    "factor": "施工扬尘噪声影响周边居民",
                    "stage": "implementation",
                    "probability": "low",
                    "impact": "minor",
                    "measure": "围挡作业、洒水降尘，夜间禁止高噪声施工",
                    "responsibleUnit": "白银区生态环境分局",
                    "deadline": "2027-06-30",
                },
            ],
            "violatesLawOrPolicy": self.violates_law,
            "possibleIncidentSize": 30,
            "criminalCasePossible": False,
            "extremeActPossible": False,
        }


def survey(households: int, oppose: int) -> dict[str, Any]:
    """Survey counts and the summary of the visits."""
    neutral = households // 10
    return {
        "surveyCount": households,
        "supportCount": households - neutral - oppose,
        "neutralCount": neutral,
        "opposeCount": oppose,
        "opinionSummary": "多数住户支持改造，部分住户关注补偿标准、安置房位置和过渡期租房补贴。",
    }


VISIT_EXTRAS = {
    "publicNoticeStart": "2026-12-01",
    "visitCount": 320,
    "legallyRequired": False,
    "majorPublicInterest": False,
}


REPRESENTATIVES = ("张桂兰", "王建华", "刘秀英", "陈志强", "杨丽", "赵海燕", "马玉梅")
TOO_FEW = 2  # 2 of 8 attendees: below the 40% the composition rule asks of representatives
RECOMPOSED = 7  # the recomposition keeps the roll and adds five representatives: 7 of 13


def hearing_roll(representatives: int) -> dict[str, Any]:
    """The hearing preparation form: venue and attendees, the first ``representatives``
    stakeholder representatives of :data:`REPRESENTATIVES` and six others."""
    people = [
        {"name": name, "role": "representative", "affiliation": "四龙路片区住户"}
        for name in REPRESENTATIVES[:representatives]
    ]
    others = [
        {"name": "周文斌", "role": "official", "affiliation": UNIT, "civilServant": True},
        {
            "name": "吴国平",
            "role": "official",
            "affiliation": "白银区自然资源局",
            "civilServant": True,
        },
        {"name": "孙明德", "role": "notable", "affiliation": "白银区政协委员"},
        {"name": "郑敏", "role": "officer", "affiliation": "白银市司法局", "thirdParty": True},
        {"name": "冯静", "role": "recorder", "affiliation": "白银市司法局", "thirdParty": True},
        {
            "name": "韩强",
            "role": "chair",
            "affiliation": "白银市法制办",
            "legalAffairsOffice": True,
        },
    ]
    return {
        "venue": "白银区政务服务中心三楼听证室",
        "announceDate": "2026-12-07",
        "preferredDate": "2026-12-21",
        "attendees": people + others,
    }


EXPERT_OPINION = {
    "expertResponse": "accept",
    "siteVisited": True,
    "verdict": "approve",
    "comments": "经实地踏勘，补偿安置方案总体合理，建议加强过渡期安置保障。",
}

WARNING_TASKS = frozenset(
    {
        "Task_CityLeaderTakesCase",
        "Task_GrandMediation",
        "Task_DetailedEmergencyPlan",
        "Task_PolicyLegalExplanation",
        "Task_CountyPacification",
        "Task_CountyLeaderTakesCase",
        "Task_CountyDepartmentsCooperate",
        "Task_TownshipScreening",
    }
)
WARNING_RESPONSE = {
    "actionsTaken": "组织入户走访和政策宣讲，逐户登记诉求并建立化解台账。",
    "demandsResolved": "已解决过渡期租房补贴发放时间问题。",
    "warningOutcome": "resolved",
}

REPORT = {
    "basis": "《重大行政决策程序暂行条例》、发改投资〔2012〕2492号、白银市稳评实施办法。",
    "legalityAnalysis": "项目符合国有土地上房屋征收与补偿条例，征收程序合法。",
    "reasonablenessAnalysis": "补偿标准参照市场评估价格确定，兼顾群众利益与财政承受能力。",
    "feasibilityAnalysis": "安置房源已落实，资金纳入区级财政预算，实施条件成熟。",
    "controllabilityAnalysis": "已识别主要风险点并制定化解措施和应急预案，风险总体可控。",
    "conclusion": "建议在落实各项化解措施的前提下实施，并做好全程跟踪。",
}

FORMS: dict[str, dict[str, Any]] = {
    "Task_DraftPlan": {
        "planContent": "围绕合法性、合理性、可行性、可控性开展评估，入户走访、问卷和座谈相结合。",
        "visitRatio": 0.3,
        "stakeholderGroups": ["拆迁户", "周边居民"],
        "representativeMethod": "按利益群体分层随机抽取，持反对意见者优先推选为群众代表。",
        "planDeadline": "2027-01-31",
        "teamMembers": [
            {"name": "李明", "duty": "组长，统筹评估工作"},
            {"name": "王芳", "duty": "走访调查与意见汇总"},
        ],
    },
    "Task_RecordHearing": {
        **survey(11, 2),
        "opinionSummary": "听证代表对补偿标准提出意见，主持人逐条记录并现场答复。",
        "demandsAnswered": "明确过渡期租房补贴按月发放。",
    },
    "Task_PrepareDemonstration": {
        "meetingDate": "2026-12-15",
        "chair": "白银区住建局局长",
        "participatingUnits": "白银区发改局、自然资源局、财政局、信访局，四龙路街道办事处",
        "materialsPrepared": True,
    },
    "Task_RecordDemonstration": {
        **survey(12, 1),
        "opinionSummary": "与会单位认为项目必要，建议细化安置房分配办法。",
        "demandsAnswered": "安置房分配办法经公示后实施。",
    },
    "Task_SummariseOpinions": {
        "symposiumCount": 2,
        **survey(320, 30),
        "demandsAnswered": "现场答复补偿标准测算方法，承诺安置房优先选房顺序公开抽签。",
    },
    "Task_EmergencyPlan": {
        "emergencyPlan": "针对补偿争议引发聚集上访，成立现场处置组，街道、信访、公安联动，"
        "第一时间到场疏导劝解，依法处置过激行为。",
        "emergencyLeader": "白银区住建局局长",
        "emergencyPhone": "0943-8221000",
    },
    "Task_DraftReport": REPORT,
    "Task_ReviseReport": REPORT,
    "Task_PanelOpinion": {
        "panelOpinion": "专家组一致认为项目风险可控，同意实施，建议加强过渡期安置保障。",
        "allSigned": True,
    },
    "Task_ReviewMeeting": {
        "meetingDate": "2027-01-10",
        "reviewOpinion": "agree",
        "reviewComments": "经市委政法委风险审核会议审核，同意实施，落实包案责任。",
    },
    "Task_CompileLedger": {
        "ledgerMaterials": ["plan", "visits", "risks", "emergency", "experts", "report"],
        "ledgerSummary": "稳评资料齐全，已按台账要求整理归档。",
        "filedOn": "2027-01-15",
    },
    "Task_ApprovalReview": {
        "materialsComplete": True,
        "approvalComments": "稳评报告及相关资料齐全、程序规范，同意实施。",
    },
    "Task_Mitigate": {
        "mitigationMeasures": "提高过渡期租房补贴标准，增加安置房源，逐户签订补偿协议。",
        "mitigationCompleted": True,
    },
    "Task_ResolvePoolShortage": {"poolJurisdiction": "白银市", "panelSize": 5},
}
