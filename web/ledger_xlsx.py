"""The ledger (台账) as an XLSX workbook (openpyxl), as the Political-Legal Commission files it."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from web.domain import STATUS_LABELS, label
from web.stages import stage_label
from workers.codes import ItemType, RiskLevel
from workers.items.models import ItemStatus
from workers.ledger.reporting import LedgerRow

HEADERS = ("序号", "事项编号", "事项名称", "事项类别", "所属县区", "评估责任主体", "当前环节",
           "办理状态", "风险等级", "备案编号")  # fmt: skip


def status_label(status: str) -> str:
    return STATUS_LABELS[ItemStatus(status)] if status in set(ItemStatus) else status


def ledger_cells(rows: Sequence[LedgerRow]) -> list[tuple[object, ...]]:
    """The table body, one tuple per item, labels in Chinese."""
    return [
        (
            n,
            row.item_id,
            row.name + ("（演示）" if row.demo and "演示" not in row.name else ""),
            label(ItemType, row.item_type),
            row.jurisdiction,
            row.responsible_unit,
            stage_label(row.current_stage),
            status_label(row.status),
            label(RiskLevel, row.risk_level),
            row.filing_number or "—",
        )
        for n, row in enumerate(rows, start=1)
    ]


def ledger_workbook(rows: Sequence[LedgerRow], *, scope: str, generated: datetime) -> bytes:
    """An XLSX file: a title line naming the unit and time, the header, one row per item."""
    book = Workbook()
    sheet = book.active
    sheet.title = "稳评台账"
    sheet.append((f"{scope}社会稳定风险评估事项台账（导出时间 {generated:%Y-%m-%d %H:%M}）",))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for values in ledger_cells(rows):
        sheet.append(values)
    widths = (6, 10, 40, 12, 10, 28, 36, 12, 10, 30)
    for column, width in zip("ABCDEFGHIJ", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
