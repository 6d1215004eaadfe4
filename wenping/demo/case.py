"""The scripted demo case: who sits at which desk and what each of them types into the forms.

A shantytown renovation in 白银区 that part of the residents oppose. The first risk register
rates the case yellow so that it goes through mitigation and a second round before approval.
"""

from __future__ import annotations

from typing import Any

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
