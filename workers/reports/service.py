"""Assemble an item's report from what the pipeline stored, write the DOCX, record it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workers.codes import Degree, ExpertCategory, Impact, ItemType, Probability, Verdict
from workers.experts import service as experts
from workers.items import service as items
from workers.items.models import Item
from workers.opinions import service as opinions
from workers.reports.docx_writer import ReportContent, RiskRow, write
from workers.reports.models import Report, ReportCreate, ReportKind
from workers.risks import service as risks


def _label(enum: type[Probability] | type[Impact] | type[Degree], code: str | None) -> str:
    return enum.parse(code).label if code else "—"


def _opinions_text(session: Session, item: Item) -> str:
    latest = opinions.latest(session=session, item_id=item.id)
    if latest is None:
        return "（尚未记录意见征求情况）"
    return (
        f"共调查{latest.survey_count}人，其中支持{latest.support_count}人、中立"
        f"{latest.neutral_count}人、反对{latest.oppose_count}人（反对占"
        f"{latest.oppose_share:.0%}）；走访{latest.visit_count}次，召开座谈会"
        f"{latest.symposium_count}次。意见摘要：{latest.summary}"
        + (f" 现场答复诉求：{latest.demands_answered}" if latest.demands_answered else "")
    )


def _expert_text(session: Session, item: Item) -> str:
    panel = experts.latest_panel(session=session, item_id=item.id)
    if panel is None:
        return "（尚未组织专家论证）"
    members = experts.members_read(panel)
    names = "、".join(f"{m.name}（{ExpertCategory.parse(m.category).label}）" for m in members)
    if panel.verdict is None:
        return f"专家组成员：{names}。专家意见尚未汇总。"
    votes = "，".join(f"{Verdict(v).label}{n}票" for v, n in panel.votes.items() if n)
    text = f"专家组成员：{names}。专家组意见：{Verdict(panel.verdict).label}（{votes}）。"
    by_id = {m.expert_id: m.name for m in members}
    for opinion in experts.opinions(session=session, panel_id=panel.id):
        if opinion.dissent:
            text += (
                f" 不同意见（{by_id.get(opinion.expert_id, opinion.expert_id)}）："
                f"{Verdict(opinion.verdict).label}，{opinion.comments or '未附说明'}。"
            )
    return text


def content_for(*, session: Session, item_id: int, data: ReportCreate) -> ReportContent:
    """The report's content, from the stored item and what the process passed."""
    item = items.require(session=session, item_id=item_id)
    plan = items.current_plan(session=session, item_id=item_id)
    method = "通过公示公告、走访调查、座谈会、听证会和专家论证等方式开展评估"
    if plan is not None:
        method += f"，走访比例{plan.visit_ratio:.0%}"
        if plan.representative_method:
            method += f"，代表产生办法：{plan.representative_method}"
    rows = tuple(
        RiskRow(
            factor=p.factor,
            probability=_label(Probability, p.probability),
            impact=_label(Impact, p.impact),
            degree=_label(Degree, p.degree),
            probability_after=_label(Probability, p.probability_after),
            impact_after=_label(Impact, p.impact_after),
            degree_after=_label(Degree, p.degree_after),
            measure=p.measure,
            responsible_unit=p.responsible_unit,
            deadline=p.deadline.isoformat(),
        )
        for p in risks.current_points(session=session, item_id=item_id)
    )
    plan_text = data.emergency_plan
    if plan_text is None:
        plan_text = risks.emergency_plan(session=session, item_id=item_id)
    return ReportContent(
        item_name=item.name,
        item_type=ItemType(item.item_type).label,
        jurisdiction=item.jurisdiction,
        responsible_unit=item.responsible_unit,
        description=item.description,
        basis=data.basis,
        process_and_method=method,
        opinions=_opinions_text(session, item),
        dimensions=(
            ("合法性", data.legality),
            ("合理性", data.reasonableness),
            ("可行性", data.feasibility),
            ("可控性", data.controllability),
        ),
        risks=rows,
        level_before=data.risk_level_before,
        level=data.risk_level,
        emergency_plan=plan_text,
        expert_opinion=_expert_text(session, item),
        conclusion=data.conclusion,
        demo=item.demo,
        draft=data.kind == ReportKind.DRAFT,
    )


def assemble(
    *,
    session: Session,
    item_id: int,
    data: ReportCreate,
    reports_dir: Path,
    request_key: int | None,
) -> Report:
    """Write a new report version for the item and record it; once per request key."""
    if request_key is not None:
        existing = session.scalar(select(Report).where(Report.request_key == request_key))
        if existing is not None:
            return existing
    content = content_for(session=session, item_id=item_id, data=data)
    version = (
        session.scalar(select(func.max(Report.version)).where(Report.item_id == item_id)) or 0
    ) + 1
    # Written before the row is committed: a crash in between leaves a file that the retry
    # (same version, the row was never committed) overwrites.
    name = f"report-v{version}-{data.kind.value}.docx"
    path = write(content, reports_dir / f"item-{item_id}" / name)
    report = Report(
        item_id=item_id,
        version=version,
        kind=data.kind.value,
        request_key=request_key,
        risk_level_before=data.risk_level_before.value,
        risk_level=data.risk_level.value,
        path=str(path),
    )
    session.add(report)
    session.flush()
    return report


def latest(*, session: Session, item_id: int) -> Report | None:
    """The item's newest report, or None."""
    return session.scalar(
        select(Report).where(Report.item_id == item_id).order_by(Report.version.desc()).limit(1)
    )
