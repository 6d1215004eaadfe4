"""The Chinese report ``wenping demo`` prints: where the case went, read back from the ledger."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    # Only for the annotation: runner imports this module to print at the end of its run.
    from wenping.demo.runner import Run

CASE_TASKS = ("Task_CityLeaderTakesCase", "Task_CountyLeaderTakesCase", "Task_TownshipScreening")
COLOURS = {"red": "红色预警", "yellow": "黄色预警", "green": "绿色预警"}


def _stage_line(stage: int | None, text: str) -> str:
    """A ledger stage line without the note when the note only repeats the stage's name."""
    from workers.ledger.service import STAGE_NAMES

    name = STAGE_NAMES.get(stage or 0, "")
    return text.replace(f"（{name}）", "") if name else text


def print_summary(run: Run, factory: sessionmaker[Session]) -> int:
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
