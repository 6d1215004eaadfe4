"""Claim, release and completion through the REST API, with server-side form validation."""

from __future__ import annotations

import json
import re

import httpx
from web_fake_camunda import FakeCamunda
from web_testkit import sign_in

from web.pages_tasks import MAX_BODY


def _valid() -> dict[str, object]:
    return {"planContent": "走访三个村的被征地农户", "visitRatio": 0.3, "jurisdiction": "白银区"}


async def test_claim_then_release(web: httpx.AsyncClient, fake: FakeCamunda) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    csrf = await sign_in(web, "baiyin-dept")
    response = await web.post(f"/tasks/{task}/claim", data={"csrf_token": csrf, "back": "/tasks"})
    assert response.status_code == 303
    assert fake.tasks[task]["assignee"] == "baiyin-dept"
    assert "已认领" in (await web.get(response.headers["location"])).text
    await web.post(f"/tasks/{task}/release", data={"csrf_token": csrf})
    assert fake.tasks[task]["assignee"] is None


async def test_a_link_cannot_put_words_on_the_page(web: httpx.AsyncClient) -> None:
    await sign_in(web, "baiyin-dept")
    html = (await web.get("/tasks", params={"notice": "账户已冻结，请致电解冻"})).text
    assert "账户已冻结" not in html


async def test_a_notice_is_shown_once(web: httpx.AsyncClient, fake: FakeCamunda) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    csrf = await sign_in(web, "baiyin-dept")
    await web.post(f"/tasks/{task}/claim", data={"csrf_token": csrf, "back": "/tasks"})
    assert "已认领" in (await web.get("/tasks")).text
    assert "已认领" not in (await web.get("/tasks")).text


async def test_claim_does_not_take_a_task_from_its_holder(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"), assignee="colleague")
    csrf = await sign_in(web, "baiyin-dept")
    response = await web.post(f"/tasks/{task}/claim", data={"csrf_token": csrf})
    assert fake.tasks[task]["assignee"] == "colleague"
    assert "状态已经改变" in (await web.get(response.headers["location"])).text


async def test_only_the_holder_may_release(web: httpx.AsyncClient, fake: FakeCamunda) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"), assignee="colleague")
    csrf = await sign_in(web, "baiyin-dept")
    response = await web.post(f"/tasks/{task}/release", data={"csrf_token": csrf})
    assert response.status_code == 404
    assert fake.tasks[task]["assignee"] == "colleague"


async def test_task_page_renders_the_form_with_current_values(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    case = fake.add_case(jurisdiction="白银区", visitRatio=0.2)
    task = fake.add_task(case)
    await sign_in(web, "baiyin-dept")
    html = (await web.get(f"/tasks/{task}")).text
    assert 'id="form-schema"' in html and "评估内容与程序" in html
    assert '"visitRatio": 0.2' in html
    assert "第二环节" in html
    assert "/vendor/form-viewer.umd.js" in html


async def test_form_values_cannot_break_out_of_the_page_script(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    typed = '</script><img src=x onerror="alert(1)">&'
    task = fake.add_task(fake.add_case(jurisdiction="白银区", planContent=typed))
    await sign_in(web, "baiyin-dept")
    html = (await web.get(f"/tasks/{task}")).text
    assert "<img" not in html
    match = re.search(r'id="form-data">(.*?)</script>', html)
    assert match is not None
    assert json.loads(match.group(1))["planContent"] == typed


async def test_invalid_form_is_refused_with_chinese_messages(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    csrf = await sign_in(web, "baiyin-dept")
    response = await web.post(
        f"/tasks/{task}/complete",
        json={"variables": {"planContent": "太短", "visitRatio": 3}},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422
    errors = {e["path"]: e["message"] for e in response.json()["errors"]}
    assert errors == {"planContent": "至少应填写 10 个字符。", "visitRatio": "不能大于 1。"}
    assert task not in fake.completed and fake.tasks[task]["state"] == "CREATED"


async def test_completion_claims_and_sends_only_the_forms_variables(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    case = fake.add_case(jurisdiction="白银区")
    task = fake.add_task(case)
    csrf = await sign_in(web, "baiyin-dept")
    response = await web.post(
        f"/tasks/{task}/complete",
        json={"variables": {**_valid(), "itemStatus": "approved"}},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 200
    assert response.json()["redirect"] == f"/cases/{case}"
    assert fake.completed[task] == _valid()  # itemStatus is not on the form: dropped
    assert fake.tasks[task]["assignee"] == "baiyin-dept"


async def test_completion_needs_the_csrf_header(web: httpx.AsyncClient, fake: FakeCamunda) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    await sign_in(web, "baiyin-dept")
    response = await web.post(f"/tasks/{task}/complete", json={"variables": _valid()})
    assert response.status_code == 403
    assert task not in fake.completed


async def test_county_staff_cannot_move_a_case_to_another_county(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    csrf = await sign_in(web, "baiyin-dept")
    response = await web.post(
        f"/tasks/{task}/complete",
        json={"variables": {**_valid(), "jurisdiction": "会宁县"}},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "jurisdiction"
    assert task not in fake.completed


async def test_engine_failure_is_reported_in_plain_chinese(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    fake.refuse_completion = 500
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    csrf = await sign_in(web, "baiyin-dept")
    response = await web.post(
        f"/tasks/{task}/complete", json={"variables": _valid()}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 502
    assert "已填写的内容已保留" in response.json()["message"]
    assert fake.tasks[task]["state"] == "CREATED"


async def test_someone_else_completing_first_is_a_conflict(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    csrf = await sign_in(web, "baiyin-dept")
    fake.tasks[task]["state"] = "COMPLETED"
    response = await web.post(
        f"/tasks/{task}/complete", json={"variables": _valid()}, headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 409
    assert "已办理完毕" in response.json()["message"]


async def test_new_case_starts_in_the_users_unit(web: httpx.AsyncClient, fake: FakeCamunda) -> None:
    csrf = await sign_in(web, "baiyin-township")
    assert (await web.post("/cases/new", data={"csrf_token": csrf})).status_code == 404
    csrf = await sign_in(web, "huining-dept")
    response = await web.post("/cases/new", data={"csrf_token": csrf})
    assert response.status_code == 303
    (started,) = [v for v in fake.variables.values()]
    assert started["jurisdiction"] == "会宁县"


async def test_opening_a_task_done_by_someone_else_says_so(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    fake.tasks[task]["state"] = "COMPLETED"
    await sign_in(web, "baiyin-dept")
    response = await web.get(f"/tasks/{task}")
    assert response.status_code == 409 and "已办理完毕" in response.text
    await sign_in(web, "huining-dept")
    response = await web.get(f"/tasks/{task}")
    assert response.status_code == 404 and "已办理完毕" not in response.text


async def test_expired_session_on_submit_answers_json_the_page_can_show(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    response = await web.post(f"/tasks/{task}/complete", json={"variables": _valid()})
    assert response.status_code == 401
    assert "登录已过期" in response.json()["message"]
    assert task not in fake.completed


async def test_an_oversized_submission_is_refused(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    csrf = await sign_in(web, "baiyin-dept")
    padding = "很" * (MAX_BODY // 3 + 1)  # three bytes each in UTF-8: just over the limit
    response = await web.post(
        f"/tasks/{task}/complete",
        json={"variables": {**_valid(), "planContent": padding}},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 400
    assert task not in fake.completed
