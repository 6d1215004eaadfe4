"""Domain data of a case (item, risk register, hearing, expert panel, report, filing, ledger).

Read through the workers' domain services and models, never copied: the workers own the schema.
Values leave here as frozen dataclasses with Chinese labels, ready for the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workers.codes import Degree, Impact, ItemType, LabelledEnum, Probability, RiskLevel, Verdict
from workers.experts import service as experts
from workers.filings import service as filings
from workers.hearings.models import Hearing
from workers.items import service as items
from workers.items.models import Item, ItemStatus, ResponsibleSubject, SubjectRole
from workers.ledger import service as ledger
from workers.ledger.reporting import LedgerRow, item_ledger
from workers.reports import service as reports
from workers.risks import service as risks

STATUS_LABELS = {
    ItemStatus.REGISTERED: "已登记",
    ItemStatus.ASSESSING: "评估中",
    ItemStatus.APPROVED: "准予实施",
    ItemStatus.HELD_BACK: "暂缓实施",
    ItemStatus.STOPPED: "不予实施",
}
ROLE_LABELS = {
    "representative": "利益群体代表",
    "official": "部门单位负责人",
    "notable": "社会贤达",
    "officer": "听证员",
    "recorder": "记录员",
    "chair": "主持人",
    "other": "其他",
}


def label(enum: type[LabelledEnum], code: str | None) -> str:
    """The Chinese label of a code, the code itself if unknown, ``—`` if absent."""
    if not code:
        return "—"
    try:
        return enum.parse(code).label
    except ValueError:
        return code


@dataclass(frozen=True)
class RiskPointView:
    factor: str
    probability: str
    impact: str
    degree: str
    measure: str
    responsible_unit: str
    deadline: date
    degree_after: str


@dataclass(frozen=True)
class HearingView:
    venue: str
    hearing_date: date
    announce_date: date
    attendees: tuple[tuple[str, str, str], ...]  # name, role label, affiliation


@dataclass(frozen=True)
class PanelMemberView:
    name: str
    category: str
    affiliated: bool
    verdict: str
    comments: str


@dataclass(frozen=True)
class LedgerLine:
    when: datetime
    stage: int | None
    text: str


@dataclass(frozen=True)
class CaseDomain:
    """Everything the domain database knows about one item."""

    item_id: int
    name: str
    item_type: str
    jurisdiction: str
    responsible_unit: str
    township: str
    status: str
    risk_level: str
    risk_points: tuple[RiskPointView, ...]
    emergency_plan: str
    hearing: HearingView | None
    panel_verdict: str
    panel: tuple[PanelMemberView, ...]
    report_version: int | None
    report_path: str | None
    filing_number: str | None
    ledger: tuple[LedgerLine, ...]


class DomainReader:
    """Read-only access to the workers' domain database."""

    def __init__(self, factory: sessionmaker[Session], reports_dir: Path) -> None:
        self._factory = factory
        self.reports_dir = reports_dir

    def item_for_instance(self, process_instance_key: int) -> int | None:
        """The item registered by this process instance, if any."""
        with self._factory() as session:
            return session.scalar(
                select(Item.id).where(Item.process_instance_key == process_instance_key)
            )

    def case(self, item_id: int) -> CaseDomain | None:
        with self._factory() as session:
            item = items.get(session=session, item_id=item_id)
            if item is None:
                return None
            return _case(session, item)

    def report_file(self, item_id: int) -> Path | None:
        """The newest report's file, only if it lies inside the reports folder."""
        with self._factory() as session:
            report = reports.latest(session=session, item_id=item_id)
        if report is None:
            return None
        base = self.reports_dir.resolve()
        path = Path(report.path)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            return None
        return path

    def ledger_rows(self, *, jurisdiction: str | None, township: str | None) -> list[LedgerRow]:
        """The item ledger of a unit (all units for None); a township sees only its items."""
        with self._factory() as session:
            rows = item_ledger(session=session, jurisdiction=jurisdiction)
            if township:
                mine = set(
                    session.scalars(
                        select(ResponsibleSubject.item_id).where(
                            ResponsibleSubject.role == SubjectRole.TOWNSHIP,
                            ResponsibleSubject.unit == township,
                        )
                    )
                )
                rows = [r for r in rows if r.item_id in mine]
            return rows


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; the workers write UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _case(session: Session, item: Item) -> CaseDomain:
    points = tuple(
        RiskPointView(
            factor=p.factor,
            probability=label(Probability, p.probability),
            impact=label(Impact, p.impact),
            degree=label(Degree, p.degree),
            measure=p.measure,
            responsible_unit=p.responsible_unit,
            deadline=p.deadline,
            degree_after=label(Degree, p.degree_after),
        )
        for p in risks.current_points(session=session, item_id=item.id)
    )
    hearing_row = session.scalar(
        select(Hearing).where(Hearing.item_id == item.id).order_by(Hearing.id.desc()).limit(1)
    )
    hearing = (
        HearingView(
            venue=hearing_row.venue,
            hearing_date=hearing_row.hearing_date,
            announce_date=hearing_row.announce_date,
            attendees=tuple(
                (a.name, ROLE_LABELS.get(a.role, a.role), a.affiliation)
                for a in hearing_row.attendees
            ),
        )
        if hearing_row is not None
        else None
    )
    panel = experts.latest_panel(session=session, item_id=item.id)
    members: tuple[PanelMemberView, ...] = ()
    verdict = "—"
    if panel is not None:
        written = {o.expert_id: o for o in experts.opinions(session=session, panel_id=panel.id)}
        members = tuple(
            PanelMemberView(
                name=m.expert.name,
                category=m.expert.category,
                affiliated=m.affiliated,
                verdict=label(Verdict, written[m.expert_id].verdict)
                if m.expert_id in written
                else "待提交",
                comments=written[m.expert_id].comments if m.expert_id in written else "",
            )
            for m in experts.active_members(panel)
        )
        verdict = label(Verdict, panel.verdict)
    report = reports.latest(session=session, item_id=item.id)
    filing = filings.for_item(session=session, item_id=item.id)
    township = next((s.unit for s in item.subjects if s.role == SubjectRole.TOWNSHIP), "")
    return CaseDomain(
        item_id=item.id,
        name=item.name,
        item_type=label(ItemType, item.item_type),
        jurisdiction=item.jurisdiction,
        responsible_unit=item.responsible_unit,
        township=township,
        status=STATUS_LABELS.get(ItemStatus(item.status), item.status)
        if item.status in set(ItemStatus)
        else item.status,
        risk_level=label(RiskLevel, item.risk_level),
        risk_points=points,
        emergency_plan=risks.emergency_plan(session=session, item_id=item.id),
        hearing=hearing,
        panel_verdict=verdict,
        panel=members,
        report_version=report.version if report else None,
        report_path=report.path if report else None,
        filing_number=filing.number if filing else None,
        ledger=tuple(
            LedgerLine(when=_aware(e.created_at), stage=e.stage, text=e.text)
            for e in ledger.entries(session=session, item_id=item.id)
        ),
    )
