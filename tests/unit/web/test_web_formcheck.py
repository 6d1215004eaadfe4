"""Server-side form validation: the deployed form's rules, Chinese messages, field paths."""

from __future__ import annotations

import json
from pathlib import Path

from web.formcheck import check_form, form_keys

ROOT = Path(__file__).resolve().parents[3]


def _form(name: str) -> dict[str, object]:
    schema: dict[str, object] = json.loads((ROOT / "forms" / name).read_text("utf-8"))
    return schema


def _errors(schema: dict[str, object], data: dict[str, object]) -> dict[str, str]:
    return {e.path: e.message for e in check_form(schema, data)}


def test_registration_form_rules() -> None:
    schema = _form("form-item-registration.form")
    errors = _errors(schema, {"itemName": " 桥 ", "contactPhone": "abc", "affectedHouseholds": -1})
    assert errors["itemName"] == "至少应填写 2 个字符。"
    assert errors["itemType"] == "此项为必填项。"
    assert errors["contactPhone"] == "请输入7至20位数字，可含“-”或“+”"
    assert errors["affectedHouseholds"] == "不能小于 0。"
    assert "description" not in errors  # optional and empty


def test_a_complete_registration_passes() -> None:
    data = {
        "itemName": "北京路拓宽",
        "itemType": "project",
        "jurisdiction": "白银区",
        "responsibleUnit": "白银区住建局",
        "affectedHouseholds": 320,
    }
    assert check_form(_form("form-item-registration.form"), data) == []


def test_repeating_list_entries_are_checked_with_their_path() -> None:
    data = {
        "planContent": "走访三个村的被征地农户",
        "visitRatio": 0.333,
        "representativeMethod": "按村民小组推选代表，每组两名",
        "planDeadline": "2026-12-31",
        "teamMembers": [{"name": "王", "duty": "组长"}],
    }
    errors = _errors(_form("form-assessment-plan.form"), data)
    assert errors == {
        "visitRatio": "最多保留 2 位小数。",
        "teamMembers[0].name": "至少应填写 2 个字符。",
    }


def test_required_checkbox_must_be_ticked() -> None:
    errors = _errors(
        _form("form-approval-review.form"),
        {"materialsComplete": False, "approvalComments": "材料齐全，同意"},
    )
    assert errors == {"materialsComplete": "此项为必填项。"}


def test_conditional_fields_are_not_required_by_the_server() -> None:
    schema = {
        "components": [
            {
                "type": "textfield",
                "key": "x",
                "label": "甲",
                "validate": {"required": True},
                "conditional": {"hide": "=true"},
            }
        ]
    }
    assert check_form(schema, {}) == []


def test_form_keys_are_the_variables_a_form_writes() -> None:
    keys = form_keys(_form("form-assessment-plan.form"))
    assert {"planContent", "visitRatio", "teamMembers"} <= keys
    assert "name" not in keys  # inside the repeating list, not a process variable
