"""Filters, sorting and paging of searches follow Camunda's REST v2 semantics, in SQL."""

from __future__ import annotations

from typing import Any

import pytest

from engine.api import Page, Sort
from engine.errors import InvalidArgument
from engine.query import QueryService
from engine.query.like import glob_pattern, like_pattern


@pytest.fixture
def tasks(log: Any) -> Any:
    """Six tasks in two instances; due dates one day apart; priorities 10..60."""
    log.deploy_process()
    log.start_instance(1)
    log.start_instance(2)
    for i in range(6):
        pi = 1 if i < 3 else 2
        log.user_task(
            10 + i,
            pi,
            100 + i,
            candidateGroupsList=["街道办"] if i % 2 == 0 else ["司法所", "信访办"],
            candidateUsersList=["zhang.san"] if i == 5 else [],
            dueDate=f"2026-03-0{i + 1}T09:00:00Z",
            priority=10 * (i + 1),
            assignee="li.wei" if i == 4 else "",
        )
    log.variable(500, "caseNo", '"WP-2026-001"', scope=1, pi=1)
    log.variable(501, "caseNo", '"WP-2026-002"', scope=2, pi=2)
    log.variable(502, "note", '"local"', scope=103, pi=2)
    return log


def keys(result: Any) -> list[str]:
    return [item["userTaskKey"] for item in result.items]


def test_candidate_group_and_user(tasks: Any, query: QueryService) -> None:
    assert keys(query.search_user_tasks({"candidateGroup": "街道办"})) == ["10", "12", "14"]
    assert keys(query.search_user_tasks({"candidateGroup": {"$in": ["信访办"]}})) == [
        "11",
        "13",
        "15",
    ]
    assert keys(query.search_user_tasks({"candidateUser": "zhang.san"})) == ["15"]


def test_assignee_state_and_exists(tasks: Any, query: QueryService) -> None:
    assert keys(query.search_user_tasks({"assignee": "li.wei"})) == ["14"]
    assert len(keys(query.search_user_tasks({"assignee": {"$exists": False}}))) == 5
    tasks.emit("USER_TASK", "COMPLETED", 12, {"userTaskKey": 12})
    assert keys(query.search_user_tasks({"state": "COMPLETED"})) == ["12"]
    assert "12" not in keys(query.search_user_tasks({"state": {"$neq": "COMPLETED"}}))


def test_due_date_range_and_priority(tasks: Any, query: QueryService) -> None:
    window = {"$gte": "2026-03-02T00:00:00Z", "$lt": "2026-03-04T09:00:00+00:00"}
    assert keys(query.search_user_tasks({"dueDate": window})) == ["11", "12"]
    assert keys(query.search_user_tasks({"priority": {"$gt": 40}})) == ["14", "15"]


def test_process_and_local_variables(tasks: Any, query: QueryService) -> None:
    flt = {"processInstanceVariables": [{"name": "caseNo", "value": '"WP-2026-002"'}]}
    assert keys(query.search_user_tasks(flt)) == ["13", "14", "15"]
    like = {"processInstanceVariables": [{"name": "caseNo", "value": {"$like": "*001*"}}]}
    assert keys(query.search_user_tasks(like)) == ["10", "11", "12"]
    local = {"localVariables": [{"name": "note", "value": '"local"'}]}
    assert keys(query.search_user_tasks(local)) == ["13"]


def test_sort_descending_by_priority(tasks: Any, query: QueryService) -> None:
    result = query.search_user_tasks(sort=[Sort("priority", "DESC")])
    assert keys(result) == ["15", "14", "13", "12", "11", "10"]


def test_offset_paging(tasks: Any, query: QueryService) -> None:
    result = query.search_user_tasks(sort=[Sort("dueDate")], page=Page(limit=2, from_=2))
    assert keys(result) == ["12", "13"]
    assert result.total_items == 6


def test_cursor_paging_walks_forward_and_back(tasks: Any, query: QueryService) -> None:
    sort = [Sort("priority", "DESC")]
    first = query.search_user_tasks(sort=sort, page=Page(limit=4))
    assert keys(first) == ["15", "14", "13", "12"]
    second = query.search_user_tasks(
        sort=sort, page=Page(limit=4, search_after=first.last_sort_values)
    )
    assert keys(second) == ["11", "10"]
    back = query.search_user_tasks(
        sort=sort, page=Page(limit=2, search_before=second.first_sort_values)
    )
    assert keys(back) == ["13", "12"]


def test_cursor_paging_with_absent_values(tasks: Any, query: QueryService) -> None:
    tasks.user_task(30, 1, 130)  # no due date: sorts after the dated ones
    sort = [Sort("dueDate")]
    seen: list[str] = []
    page = Page(limit=3)
    while True:
        result = query.search_user_tasks(sort=sort, page=page)
        if not result.items:
            break
        seen += keys(result)
        page = Page(limit=3, search_after=result.last_sort_values)
    assert seen == ["10", "11", "12", "13", "14", "15", "30"]


def test_user_task_variables_are_those_visible_from_the_task(
    tasks: Any, query: QueryService
) -> None:
    tasks.variable(503, "caseNo", '"shadowed"', scope=103, pi=2)
    result = query.search_user_task_variables(13, sort=[Sort("name")])
    assert [(v["name"], v["value"]) for v in result.items] == [
        ("caseNo", '"shadowed"'),
        ("note", '"local"'),
    ]
    only = query.search_user_task_variables(14, {"name": "caseNo"})
    assert [v["value"] for v in only.items] == ['"WP-2026-002"']


def test_process_instance_or_filter(tasks: Any, query: QueryService) -> None:
    tasks.element("ELEMENT_COMPLETED", 2, 2, "Process_Review", "PROCESS")
    flt = {"$or": [{"state": "COMPLETED"}, {"processInstanceKey": {"$in": ["1"]}}]}
    result = query.search_process_instances(flt, sort=[Sort("processInstanceKey", "DESC")])
    assert [i["processInstanceKey"] for i in result.items] == ["2", "1"]
    flt = {"variables": [{"name": "caseNo", "value": '"WP-2026-001"'}]}
    assert [i["processInstanceKey"] for i in query.search_process_instances(flt).items] == ["1"]


@pytest.mark.parametrize(
    ("flt", "sort", "page", "names"),
    [
        ({"assigne": "x"}, [], None, "filter.assigne"),
        ({"dueDate": {"$gte": "next week"}}, [], None, "filter.dueDate.$gte"),
        ({"dueDate": "2026-03-01T09:00:00"}, [], None, "filter.dueDate"),
        ({"priority": {"$like": "1*"}}, [], None, "filter.priority.$like"),
        ({"state": "DONE"}, [], None, "filter.state"),
        ({"processInstanceKey": "12a"}, [], None, "filter.processInstanceKey"),
        ({"candidateGroup": {"$in": "街道办"}}, [], None, "filter.candidateGroup.$in"),
        ({}, [Sort("assignee")], None, "sort[0].field"),
        ({}, [], Page(limit=0), "page.limit"),
        ({}, [], Page(limit=5, search_after=[1, 2]), "page"),
    ],
)
def test_invalid_queries_name_the_field(
    tasks: Any, query: QueryService, flt: Any, sort: list[Sort], page: Page | None, names: str
) -> None:
    with pytest.raises(InvalidArgument) as exc:
        query.search_user_tasks(flt, sort=sort, page=page)
    assert exc.value.message.startswith(names)


def test_like_pattern_escapes() -> None:
    assert like_pattern("a*b?c") == "a%b_c"
    assert like_pattern(r"100\*") == "100*"
    assert like_pattern("50%_x") == "50\\%\\_x"
    assert like_pattern("a\\\\b") == "a\\\\b"  # an escaped backslash stays one literal backslash


def test_glob_pattern_keeps_literals_literal() -> None:
    assert glob_pattern("a*b?c") == "a*b?c"
    assert glob_pattern(r"100\*") == "100[*]"
    assert glob_pattern("x[1]%_") == "x[[]1]%_"
