"""Import a stakeholder register from an Excel workbook (the form staff keep registers in).

The first sheet's first row holds the headers below; every problem names its row and column,
never the cell's content (it is about named citizens).
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from workers.codes import Stance
from workers.stakeholders.models import HouseholdRow

COLUMNS: dict[str, str] = {
    "name": "姓名",
    "group": "利益群体",
    "community": "村（社区）",
    "stance": "意见倾向",
    "civil_servant": "在职公务员",
}
"""Header of each column, as staff write it; only 姓名 and 利益群体 are required."""

_YES = {"是", "Y", "y", "yes", "true", "1", "√"}
_NO = {"否", "N", "n", "no", "false", "0", ""}


@dataclass(frozen=True)
class ImportResult:
    """Rows that parsed, and one Chinese sentence per problem (row and column named)."""

    rows: tuple[HouseholdRow, ...]
    problems: tuple[str, ...]


def read_register(source: Path | bytes) -> ImportResult:
    """Parse the workbook; rows with problems are left out and reported."""
    data = BytesIO(source) if isinstance(source, bytes) else source
    book = load_workbook(data, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
    missing = [
        label for key, label in COLUMNS.items() if key in ("name", "group") and label not in header
    ]
    if missing:
        return ImportResult((), tuple(f"第1行：缺少列“{label}”" for label in missing))
    index = {key: header.index(label) for key, label in COLUMNS.items() if label in header}
    rows: list[HouseholdRow] = []
    problems: list[str] = []
    for number, values in enumerate(lines, start=2):
        cells = {key: values[i] if i < len(values) else None for key, i in index.items()}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        text = {key: "" if v is None else str(v).strip() for key, v in cells.items()}
        found: list[str] = []
        for key in ("name", "group"):
            if not text.get(key):
                found.append(f"第{number}行“{COLUMNS[key]}”：不能为空")
            elif len(text[key]) > 50:
                found.append(f"第{number}行“{COLUMNS[key]}”：超过50个字")
        stance = Stance.NEUTRAL
        if text.get("stance"):
            try:
                stance = Stance.parse(text["stance"])
            except ValueError:
                found.append(f"第{number}行“{COLUMNS['stance']}”：应为支持、中立或反对")
        civil = text.get("civil_servant", "")
        if civil not in _YES | _NO:
            found.append(f"第{number}行“{COLUMNS['civil_servant']}”：应为是或否")
        if found:
            problems.extend(found)
            continue
        rows.append(
            HouseholdRow(
                name=text["name"],
                group=text["group"],
                community=text.get("community", "")[:50],
                stance=stance,
                civil_servant=civil in _YES,
                demo=False,
            )
        )
    book.close()
    return ImportResult(tuple(rows), tuple(problems))
