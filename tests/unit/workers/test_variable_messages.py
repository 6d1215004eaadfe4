"""Invalid variables are explained in Chinese, by field, without their values."""

from __future__ import annotations

import pytest

from workers.items.models import ItemCreate
from workers.tasks.base import InvalidVariables, parse


def test_each_broken_rule_gets_a_chinese_message_naming_its_field() -> None:
    bad = {
        "itemName": "x",
        "itemType": "foo",
        "jurisdiction": "兰州",
        "responsibleUnit": "白银区住建局",
        "contactPhone": "call-me-maybe",
        "affectedHouseholds": -1,
        "sensitive": "maybe",
    }
    with pytest.raises(InvalidVariables) as caught:
        parse(ItemCreate, bad)
    assert {p["field"]: p["message"] for p in caught.value.problems} == {
        "itemName": "至少2个字",
        "itemType": "应为以下之一：decision, project, reform, event",
        "jurisdiction": "应为白银市或其下辖县区之一",
        "contactPhone": "格式不正确",
        "affectedHouseholds": "应不小于0",
        "sensitive": "应为是或否",
    }
    assert "call-me-maybe" not in str(caught.value) and "兰州" not in str(caught.value)


def test_a_head_count_beyond_the_database_limit_is_invalid_input_not_a_database_error() -> None:
    item = {
        "itemName": "城北棚户区改造项目",
        "itemType": "project",
        "jurisdiction": "白银区",
        "responsibleUnit": "白银区住房和城乡建设局",
        "affectedHouseholds": 3_000_000_000,
    }
    with pytest.raises(InvalidVariables) as caught:
        parse(ItemCreate, item)
    assert [p["field"] for p in caught.value.problems] == ["affectedHouseholds"]
    assert "3000000000" not in str(caught.value)


def test_more_households_than_the_form_allows_are_refused_in_chinese() -> None:
    item = {
        "itemName": "城北棚户区改造项目",
        "itemType": "project",
        "jurisdiction": "白银区",
        "responsibleUnit": "白银区住房和城乡建设局",
        "affectedHouseholds": 10_000_001,
    }
    with pytest.raises(InvalidVariables) as caught:
        parse(ItemCreate, item)
    assert {p["field"]: p["message"] for p in caught.value.problems} == {
        "affectedHouseholds": "应不大于10000000"
    }
    assert parse(ItemCreate, item | {"affectedHouseholds": 10_000_000}).affected_households == (
        10_000_000
    )
