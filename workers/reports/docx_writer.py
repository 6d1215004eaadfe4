"""Writes the report on the NDRC 428 outline (发改办投资〔2013〕428号) as a DOCX.

The content is gathered by ``service.py`` into a ``ReportContent``; this module only lays it out,
so the outline can be read top to bottom here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from workers.codes import RiskLevel

FONT = "宋体"
"""Body font; set for East Asian text too, or Word and WPS fall back to a Latin font."""


@dataclass(frozen=True)
class RiskRow:
    """A row of the risk factor table."""

    factor: str
    probability: str
    impact: str
    degree: str
    probability_after: str
    impact_after: str
    degree_after: str
    measure: str
    responsible_unit: str
    deadline: str


@dataclass(frozen=True)
class ReportContent:
    """Everything the report prints, already in Chinese."""

    item_name: str
    item_type: str
    jurisdiction: str
    responsible_unit: str
    description: str
    basis: str
    process_and_method: str
    opinions: str
    dimensions: tuple[tuple[str, str], ...]
    risks: tuple[RiskRow, ...]
    level_before: RiskLevel
    level: RiskLevel
    emergency_plan: str
    expert_opinion: str
    conclusion: str
    demo: bool
    draft: bool = False


def _set_font(document: object) -> None:
    style = document.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _table(document: object, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def write(content: ReportContent, path: Path) -> Path:
    """Write the report to ``path`` (folders created) and return the path."""
    doc = Document()
    _set_font(doc)
    title = f"{content.item_name}社会稳定风险评估报告"
    if content.draft:
        title += "（送审稿）"
    if content.demo:
        title += "（演示）"
    doc.add_heading(title, level=0)

    doc.add_heading("一、基本情况", level=1)
    doc.add_paragraph(f"事项名称：{content.item_name}")
    doc.add_paragraph(f"事项类别：{content.item_type}")
    doc.add_paragraph(f"所属地区：{content.jurisdiction}")
    doc.add_paragraph(f"评估责任主体：{content.responsible_unit}")
    doc.add_paragraph(f"事项概况：{content.description or '（未填写）'}")
    doc.add_paragraph(f"评估依据：{content.basis or '（未填写）'}")
    doc.add_paragraph(f"评估过程和方法：{content.process_and_method}")

    doc.add_heading("二、评估内容", level=1)
    doc.add_heading("（一）意见征求和采纳情况", level=2)
    doc.add_paragraph(content.opinions)
    doc.add_heading("（二）风险识别和估计", level=2)
    level_labels = (content.level_before.label, content.level.label)
    _table(
        doc,
        [
            "序号",
            "风险因素",
            "发生概率",
            "影响程度",
            "风险程度",
            "措施后概率",
            "措施后影响",
            "措施后程度",
        ],
        [
            [
                str(i),
                r.factor,
                r.probability,
                r.impact,
                r.degree,
                r.probability_after,
                r.impact_after,
                r.degree_after,
            ]
            for i, r in enumerate(content.risks, start=1)
        ],
    )
    doc.add_heading("（三）风险防范和化解措施", level=2)
    _table(
        doc,
        ["序号", "风险因素", "防范化解措施", "责任单位", "完成时限"],
        [
            [str(i), r.factor, r.measure, r.responsible_unit, r.deadline]
            for i, r in enumerate(content.risks, start=1)
        ],
    )
    doc.add_heading("（四）落实措施后的风险等级", level=2)
    doc.add_paragraph(
        f"落实措施前风险等级为{level_labels[0]}风险，落实措施后风险等级为{level_labels[1]}风险"
        f"（{ {'green': '绿色', 'yellow': '黄色', 'red': '红色'}[content.level.colour] }预警）。"
    )

    doc.add_heading("三、评估结论", level=1)
    doc.add_heading("（一）合法性、合理性、可行性、可控性分析", level=2)
    for name, text in content.dimensions:
        doc.add_paragraph(f"{name}：{text or '（未填写）'}")
    doc.add_heading("（二）风险等级", level=2)
    doc.add_paragraph(f"综合评定为{content.level.label}风险。")
    doc.add_heading("（三）应急预案", level=2)
    doc.add_paragraph(content.emergency_plan or "（未填写）")
    doc.add_heading("（四）专家论证意见", level=2)
    doc.add_paragraph(content.expert_opinion)
    doc.add_heading("（五）结论和建议", level=2)
    doc.add_paragraph(content.conclusion or "（未填写）")

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
