"""The report follows the NDRC 428 outline, opens as a DOCX and is stored with the item."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx import Document
from sqlalchemy.orm import Session

from workers.codes import Verdict
from workers.experts import service as experts
from workers.experts.models import ExpertCreate, ExpertOpinionCreate
from workers.items.models import Item
from workers.reports import service as reports
from workers.reports.models import ReportCreate
from workers.risks import service as risks
from workers.risks.models import RiskPointCreate


def _risk(factor: str) -> RiskPointCreate:
    return RiskPointCreate.model_validate(
        {
            "factor": factor,
            "probability": "较高",
            "impact": "major",
            "degree": "较大",
            "measure": "公开补偿标准并逐户解释",
            "responsibleUnit": "人民路街道办事处",
            "deadline": "2026-05-01",
            "probabilityAfter": "low",
            "impactAfter": "minor",
            "degreeAfter": "较小",
        }
    )


def test_report_has_the_outline_tables_levels_and_dissent(
    session: Session, make_item: Callable[..., Item], tmp_path: Path
) -> None:
    item = make_item(demo=True)
    risks.record_register(
        session=session,
        item_id=item.id,
        points=[_risk("补偿标准争议"), _risk("施工扰民")],
        emergency_plan="成立现场处置组，24小时值守",
        request_key=1,
    )
    for i in range(3):
        experts.add_expert(
            session=session,
            data=ExpertCreate(name=f"专家{i}", category="legal", pool="白银区"),  # type: ignore[arg-type]
        )
    panel = experts.draw(session=session, item_id=item.id, panel_size=3, seed=1)
    ids = [m.expert_id for m in panel.members]
    verdicts = [Verdict.APPROVE, Verdict.APPROVE, Verdict.REJECT]
    experts.record_opinions(
        session=session,
        item_id=item.id,
        panel_id=panel.id,
        opinions=[
            ExpertOpinionCreate(expertId=i, verdict=v, comments="安置房源不足")
            for i, v in zip(ids, verdicts, strict=True)
        ],
    )
    data = ReportCreate.model_validate(
        {"riskLevelBefore": "中", "riskLevel": "low", "legalityAnalysis": "符合征收条例"}
    )
    report = reports.assemble(
        session=session, item_id=item.id, data=data, reports_dir=tmp_path, request_key=7
    )
    assert report.version == 1 and Path(report.path).is_file()

    doc = Document(report.path)
    text = "\n".join(p.text for p in doc.paragraphs)
    for heading in (
        "一、基本情况",
        "二、评估内容",
        "三、评估结论",
        "（三）应急预案",
        "（四）专家论证意见",
    ):
        assert heading in text
    assert "（演示）" in doc.paragraphs[0].text
    assert "合法性：符合征收条例" in text and "可控性：" in text
    assert "落实措施前风险等级为中风险，落实措施后风险等级为低风险（绿色预警）" in text
    assert "成立现场处置组" in text
    assert "同意2票" in text and "不同意见" in text and "安置房源不足" in text
    factor_table, measure_table = doc.tables
    assert [c.text for c in factor_table.rows[1].cells][1:] == [
        "补偿标准争议",
        "较高",
        "较大",
        "较大",
        "较低",
        "较小",
        "较小",
    ]
    assert [c.text for c in measure_table.rows[2].cells][1:] == [
        "施工扰民",
        "公开补偿标准并逐户解释",
        "人民路街道办事处",
        "2026-05-01",
    ]


def test_same_request_writes_one_version_and_a_new_request_the_next(
    session: Session, make_item: Callable[..., Item], tmp_path: Path
) -> None:
    item = make_item()
    data = ReportCreate.model_validate({"riskLevelBefore": "high", "riskLevel": "medium"})
    kw = {"session": session, "item_id": item.id, "data": data, "reports_dir": tmp_path}
    first = reports.assemble(request_key=1, **kw)  # type: ignore[arg-type]
    again = reports.assemble(request_key=1, **kw)  # type: ignore[arg-type]
    second = reports.assemble(request_key=2, **kw)  # type: ignore[arg-type]
    assert first.id == again.id
    assert second.version == 2 and second.path != first.path
    latest = reports.latest(session=session, item_id=item.id)
    assert latest is not None and latest.id == second.id
