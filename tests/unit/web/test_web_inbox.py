"""Inbox filters and sorting, the case list and the dashboard's counts."""

from __future__ import annotations

import re

import httpx
from web_fake_camunda import FakeCamunda
from web_testkit import NOW, PASSWORD, csrf_of, sign_in

from web.app import create_app
from web.settings import WebSettings
from web.users import UserDirectory


def _listed(html: str) -> list[str]:
    return re.findall(r'<td><a href="/tasks/(\d+)">', html)


async def test_overdue_filter(web: httpx.AsyncClient, fake: FakeCamunda) -> None:
    case = fake.add_case(jurisdiction="白银区")
    late = fake.add_task(case, due="2026-11-24T00:00:00.000Z")
    on_time = fake.add_task(case, due="2026-12-24T00:00:00.000Z")
    await sign_in(web, "baiyin-dept")
    everything = (await web.get("/tasks")).text
    assert set(_listed(everything)) == {late, on_time}
    assert "已逾期" in everything
    assert _listed((await web.get("/tasks", params={"overdue": "1"})).text) == [late]
    due = (await web.get("/tasks", params={"due": "2026-12-01"})).text
    assert _listed(due) == [late]


async def test_stage_filter_places_called_processes_in_their_stage(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    case = fake.add_case(jurisdiction="白银区")
    hearing = fake.add_case(jurisdiction="白银区", parent=case, definition="200")
    plan = fake.add_task(case, element="Task_DraftPlan")
    prepare = fake.add_task(hearing, element="Task_PrepareHearing", name="筹备听证会")
    await sign_in(web, "baiyin-dept")
    assert _listed((await web.get("/tasks", params={"stage": "3"})).text) == [prepare]
    assert _listed((await web.get("/tasks", params={"stage": "2"})).text) == [plan]
    html = (await web.get("/tasks")).text
    assert f'href="/cases/{case}"' in html and f'href="/cases/{hearing}"' not in html


async def test_colour_filter(web: httpx.AsyncClient, fake: FakeCamunda) -> None:
    red = fake.add_task(fake.add_case(jurisdiction="白银区", riskLevel="high"))
    fake.add_task(fake.add_case(jurisdiction="白银区", routing={"colour": "green"}))
    await sign_in(web, "baiyin-dept")
    assert _listed((await web.get("/tasks", params={"colour": "red"})).text) == [red]


async def test_views_and_sorting(web: httpx.AsyncClient, fake: FakeCamunda) -> None:
    case = fake.add_case(jurisdiction="白银区")
    mine = fake.add_task(case, assignee="baiyin-dept", due="2026-12-10T00:00:00.000Z")
    open_ = fake.add_task(case, due="2026-12-01T00:00:00.000Z")
    someone = fake.add_task(case, assignee="colleague", due="2026-12-05T00:00:00.000Z")
    undated = fake.add_task(case)
    await sign_in(web, "baiyin-dept")
    assert _listed((await web.get("/tasks", params={"view": "mine"})).text) == [mine]
    unassigned = _listed((await web.get("/tasks", params={"view": "unassigned"})).text)
    assert set(unassigned) == {open_, undated}
    by_due = _listed((await web.get("/tasks", params={"sort": "dueDate"})).text)
    assert by_due == [open_, someone, mine, undated]
    by_due_desc = _listed(
        (await web.get("/tasks", params={"sort": "dueDate", "order": "desc"})).text
    )
    assert by_due_desc == [mine, someone, open_, undated]


async def test_engine_down_is_explained_in_chinese(directory: UserDirectory) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    app = create_app(
        WebSettings(WENPING_ENVIRONMENT="development"),
        transport=httpx.MockTransport(down),
        directory=directory,
        now=lambda: NOW,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        page = await client.get("/login")
        await client.post(
            "/login",
            data={"username": "city-zfw", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        )
        response = await client.get("/tasks")
        assert response.status_code == 503
        assert "流程引擎暂时无法连接" in response.text


async def test_case_list_and_dashboard_count_the_users_cases(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    fake.add_case(jurisdiction="白银区", name="甲事项", riskLevel="high")
    fake.add_case(jurisdiction="白银区", name="乙事项", routing={"colour": "green"})
    fake.add_case(jurisdiction="会宁县", name="丙事项", riskLevel="high")
    await sign_in(web, "baiyin-leader")
    cases = (await web.get("/cases")).text
    assert "甲事项" in cases and "乙事项" in cases and "丙事项" not in cases
    dashboard = (await web.get("/dashboard")).text
    assert "在办事项共 <strong>2</strong> 项" in dashboard
    red_row = re.search(r'class="colour red">红色</span></th><td>(\d+)</td>', dashboard)
    assert red_row and red_row.group(1) == "1"


async def test_dashboard_counts_overdue_tasks_per_unit_within_the_remit(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    late = "2026-11-20T00:00:00.000Z"
    fake.add_task(fake.add_case(jurisdiction="白银区"), groups=("expert",), due=late)
    fake.add_task(fake.add_case(jurisdiction="白银区"), due=late)
    fake.add_task(fake.add_case(jurisdiction="会宁县"), due=late)
    await sign_in(web, "baiyin-leader")
    dashboard = (await web.get("/dashboard")).text
    row = re.search(r'<th scope="row">白银区</th><td>(\d+)</td><td>(\d+)</td>', dashboard)
    assert row and row.group(2) == "2"
    assert "会宁县" not in dashboard
    assert "我的逾期任务（0）" in dashboard  # the leader's groups hold none of them
