"""Sign-in, CSRF and the user's remit: what the server lets each user see and do."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from web_fake_camunda import FakeCamunda
from web_testkit import NOW, PASSWORD, csrf_of, sign_in

from web.app import create_app
from web.settings import WebSettings
from web.users import UserDirectory


async def test_pages_require_sign_in(web: httpx.AsyncClient) -> None:
    response = await web.get("/tasks")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_wrong_password_is_refused_in_chinese(web: httpx.AsyncClient) -> None:
    page = await web.get("/login")
    response = await web.post(
        "/login",
        data={"username": "baiyin-dept", "password": "wrong", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert (await web.get("/tasks")).status_code == 303


async def test_sign_in_without_csrf_token_is_refused(web: httpx.AsyncClient) -> None:
    await web.get("/login")
    response = await web.post("/login", data={"username": "baiyin-dept", "password": PASSWORD})
    assert response.status_code == 403
    assert (await web.get("/tasks")).status_code == 303


async def test_claim_without_csrf_token_changes_nothing(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    task = fake.add_task(fake.add_case(jurisdiction="白银区"))
    await sign_in(web, "baiyin-dept")
    response = await web.post(f"/tasks/{task}/claim", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert fake.tasks[task]["assignee"] is None


async def test_open_redirect_after_sign_in_is_refused(web: httpx.AsyncClient) -> None:
    page = await web.get("/login")
    response = await web.post(
        "/login",
        data={
            "username": "city-zfw",
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": "//evil.example/phish",
        },
    )
    assert response.headers["location"] == "/tasks"


async def test_inbox_lists_only_own_groups_and_unit(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    own = fake.add_task(fake.add_case(jurisdiction="白银区", name="白银区道路拓宽"))
    other_county = fake.add_task(fake.add_case(jurisdiction="会宁县", name="会宁县水库移民"))
    other_group = fake.add_task(
        fake.add_case(jurisdiction="白银区"), groups=("expert",), name="专家意见"
    )
    await sign_in(web, "baiyin-dept")
    html = (await web.get("/tasks")).text
    assert f"/tasks/{own}" in html
    assert f"/tasks/{other_county}" not in html and "会宁县水库移民" not in html
    assert f"/tasks/{other_group}" not in html


async def test_city_user_filters_tasks_by_county(web: httpx.AsyncClient, fake: FakeCamunda) -> None:
    baiyin = fake.add_task(
        fake.add_case(jurisdiction="白银区"), groups=("political-legal-commission",)
    )
    huining = fake.add_task(
        fake.add_case(jurisdiction="会宁县"), groups=("political-legal-commission",)
    )
    await sign_in(web, "city-zfw")
    both = (await web.get("/tasks")).text
    assert f"/tasks/{baiyin}" in both and f"/tasks/{huining}" in both
    only = (await web.get("/tasks", params={"county": "会宁县"})).text
    assert f"/tasks/{huining}" in only and f"/tasks/{baiyin}" not in only


async def test_county_user_cannot_widen_the_county_filter(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    huining = fake.add_task(fake.add_case(jurisdiction="会宁县"))
    await sign_in(web, "baiyin-dept")
    html = (await web.get("/tasks", params={"county": "会宁县"})).text
    assert f"/tasks/{huining}" not in html


async def test_township_user_cannot_open_a_city_case_by_url(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    city_case = fake.add_case(jurisdiction="白银市", name="市级重大决策")
    city_task = fake.add_task(city_case, groups=("township-street",))
    own_case = fake.add_case(jurisdiction="白银区", township="四龙镇", name="四龙镇排查")
    await sign_in(web, "baiyin-township")
    for url in (f"/cases/{city_case}", f"/tasks/{city_task}", f"/cases/{city_case}/diagram.xml"):
        response = await web.get(url)
        assert response.status_code == 404, url
        assert "市级重大决策" not in response.text
    assert (await web.get(f"/cases/{own_case}")).status_code == 200


async def test_township_user_does_not_see_another_township(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    other = fake.add_case(jurisdiction="白银区", township="水川镇")
    await sign_in(web, "baiyin-township")
    assert (await web.get(f"/cases/{other}")).status_code == 404


async def test_case_without_jurisdiction_is_the_citys(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    unplaced = fake.add_case(jurisdiction=None)
    await sign_in(web, "baiyin-zfw")
    assert (await web.get(f"/cases/{unplaced}")).status_code == 404
    await sign_in(web, "city-zfw")
    assert (await web.get(f"/cases/{unplaced}")).status_code == 200


async def test_responses_carry_a_strict_content_security_policy(web: httpx.AsyncClient) -> None:
    response = await web.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


async def test_repeated_wrong_passwords_lock_the_name_for_a_while(
    fake: FakeCamunda, directory: UserDirectory
) -> None:
    clock = [NOW]
    app = create_app(WebSettings(WENPING_ENVIRONMENT="development"), transport=fake.transport(),
                     directory=directory, now=lambda: clock[0])  # fmt: skip
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        token = csrf_of((await client.get("/login")).text)

        async def attempt(password: str) -> int:
            data = {"username": "baiyin-dept", "password": password, "csrf_token": token}
            return (await client.post("/login", data=data)).status_code

        assert [await attempt("wrong") for _ in range(5)] == [401] * 5
        assert await attempt(PASSWORD) == 429  # even the right password, for now
        clock[0] = NOW + timedelta(minutes=16)
        assert await attempt(PASSWORD) == 303


async def test_vendor_route_serves_only_the_listed_files(web: httpx.AsyncClient) -> None:
    assert (await web.get("/vendor/bpmn-js.css")).status_code == 200
    assert (await web.get("/vendor/package.json")).status_code == 404
    assert (await web.get("/vendor/..%2F..%2Fsettings.py")).status_code == 404


async def test_case_page_lists_incidents_for_staff_to_report(
    web: httpx.AsyncClient, fake: FakeCamunda
) -> None:
    case = fake.add_case(jurisdiction="白银区", name="北京路拓宽工程")
    fake.incidents.append({"incidentKey": "5", "processInstanceKey": case, "state": "ACTIVE",
                           "elementId": "Task_StoreItem", "errorType": "JOB_NO_RETRIES",
                           "errorMessage": "变量 visitRatio 无效：应大于 0 且不超过 1",
                           "creationTime": "2026-11-25T08:00:00.000Z"})  # fmt: skip
    await sign_in(web, "baiyin-dept")
    html = (await web.get(f"/cases/{case}")).text
    assert "Task_StoreItem" in html and "变量 visitRatio 无效" in html


@pytest.mark.parametrize(("environment", "secure"), [("development", False), ("production", True)])
async def test_session_is_https_only_outside_development(
    fake: FakeCamunda, directory: UserDirectory, environment: str, secure: bool
) -> None:
    settings = WebSettings(WENPING_ENVIRONMENT=environment, session_secret="s" * 40,
                           demo_password="not-the-default")  # fmt: skip
    app = create_app(settings, transport=fake.transport(), directory=directory, now=lambda: NOW)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        cookie = (await client.get("/login")).headers["set-cookie"].lower()
        hsts = (await client.get("/login")).headers.get("strict-transport-security")
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert ("secure" in cookie.split("; ")) is secure
    assert (hsts is not None) is secure


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                    "/\t/evil.example/"])  # fmt: skip
async def test_sign_in_never_redirects_off_the_site(web: httpx.AsyncClient, target: str) -> None:
    token = csrf_of((await web.get("/login")).text)
    data = {"username": "baiyin-dept", "password": PASSWORD, "csrf_token": token, "next": target}
    response = await web.post("/login", data=data)
    assert response.status_code == 303
    assert response.headers["location"] == "/tasks"


async def test_sign_in_returns_to_the_page_asked_for(web: httpx.AsyncClient) -> None:
    token = csrf_of((await web.get("/login")).text)
    data = {"username": "baiyin-dept", "password": PASSWORD, "csrf_token": token,
            "next": "/cases?x=1"}  # fmt: skip
    response = await web.post("/login", data=data)
    assert response.headers["location"] == "/cases?x=1"
