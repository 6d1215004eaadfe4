"""Importing a register from Excel: good rows in, bad rows named by row and column."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from workers.codes import Stance
from workers.stakeholders.importer import read_register


def _book(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_rows_parse_and_problems_name_row_and_column() -> None:
    data = _book(
        [
            ["姓名", "利益群体", "村（社区）", "意见倾向", "在职公务员"],
            ["王某", "被征收户", "东区社区", "反对", "否"],
            ["李某", "商户", None, "support", None],
            [None, None, None, None, None],
            ["", "商户", "", "", ""],
            ["赵某", "周边居民", "", "不好说", "可能"],
            ["钱某", "周边居民", "", "", "是"],
        ]
    )
    result = read_register(data)
    assert [(r.name, r.stance, r.civil_servant) for r in result.rows] == [
        ("王某", Stance.OPPOSE, False),
        ("李某", Stance.SUPPORT, False),
        ("钱某", Stance.NEUTRAL, True),
    ]
    assert result.problems == (
        "第5行“姓名”：不能为空",
        "第6行“意见倾向”：应为支持、中立或反对",
        "第6行“在职公务员”：应为是或否",
    )
    assert "不好说" not in "".join(result.problems)


def test_missing_required_columns_are_reported() -> None:
    result = read_register(_book([["姓名", "住址"], ["王某", "某处"]]))
    assert result.rows == ()
    assert result.problems == ("第1行：缺少列“利益群体”",)
