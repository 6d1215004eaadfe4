"""The staff web app in headless Chromium against the real embedded engine and workers.

Setup: the engine (``EngineHarness``) with every model of bpmn/ dmn/ forms/ deployed, the
workers in a background thread, the web app served by uvicorn on a free loopback port. The
browser is driven by ``drive.cjs`` (playwright-core with Debian's ``chromium``); screenshots of the
inbox, a form and a case page go to ``tests/artifacts/``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from engine.api import Resource
from engine.testing import EngineHarness
from web.app import create_app
from web.domain import DomainReader
from web.settings import WebSettings
from web.users import build_directory
from wenping.settings import WorkerSettings
from workers.db import connect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
DRIVER = Path(__file__).with_name("drive.cjs")
PASSWORD = "browser-demo"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REGISTRATION = {
    "itemName": "白银区纺织路人行天桥建设工程",
    "itemType": "project",
    "jurisdiction": "白银区",
    "responsibleUnit": "白银区住房和城乡建设局",
    "affectedHouseholds": 120,
    "involvesLandTaking": True,
}
"""What a county official enters in the registration form (as the county scenario does)."""

pytestmark = pytest.mark.timeout(300)


def _ensure_front_end() -> None:
    """The front-end packages (and playwright-core) are ``npm ci --prefix web``'s to install."""
    if not (ROOT / "web/node_modules/playwright-core").is_dir():
        subprocess.run(
            ["npm", "ci", "--prefix", str(ROOT / "web"), "--ignore-scripts", "--no-audit"],
            check=True,
            capture_output=True,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Workers:
    """The real workers, on their own event loop in a thread, stopped at the end."""

    def __init__(self, settings: WorkerSettings) -> None:
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._worker: Any = None
        self._thread.start()

    def _run(self) -> None:
        from workers.app import build_worker, context_from, create_channel, seed_demo_data

        async def main() -> None:
            ctx = context_from(self._settings)
            seed_demo_data(ctx)
            self._worker = build_worker(self._settings, create_channel(self._settings), context=ctx)
            await self._worker.work()

        self._loop.run_until_complete(main())

    def stop(self) -> None:
        if self._worker is not None:
            asyncio.run_coroutine_threadsafe(self._worker.stop(), self._loop).result(30)
        self._thread.join(30)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    _ensure_front_end()
    tmp = tmp_path_factory.mktemp("browser")
    harness = EngineHarness(tmp)
    resources = [
        Resource(p.name, p.read_bytes())
        for folder in ("bpmn", "dmn", "forms")
        for p in sorted((ROOT / folder).glob("*.*"))
    ]
    harness.call(lambda engine: engine.deploy(resources))
    database = f"sqlite:///{tmp / 'wenping.db'}"
    reports = tmp / "reports"
    workers = _Workers(
        WorkerSettings(
            ZEEBE_ADDRESS=harness.grpc_address,
            WENPING_DATABASE_URL=database,
            WENPING_REPORTS_DIR=reports,
        )
    )
    settings = WebSettings(CAMUNDA_REST_ADDRESS=harness.rest_url, WENPING_DATABASE_URL=database)
    app = create_app(
        settings,
        domain=DomainReader(connect(database), reports),
        directory=build_directory(demo_password=PASSWORD, users_file=None, n=2**4),
    )
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    with httpx.Client() as client:
        for _ in range(200):  # until uvicorn accepts connections (bounded)
            try:
                client.get(f"{base}/login")
                break
            except httpx.TransportError:
                threading.Event().wait(0.05)
        city = client.post(
            f"{harness.rest_url}/v2/process-instances",
            json={
                "processDefinitionId": "Process_RiskAssessment",
                "variables": {"jurisdiction": "白银市", "itemName": "市级重大决策事项"},
            },
        ).json()["processInstanceKey"]
    try:
        yield {"base": base, "city_case": str(city), "harness": harness}
    finally:
        server.should_exit = True
        thread.join(30)
        workers.stop()
        harness.stop()


def _user_task(harness: EngineHarness, case_key: int, element_id: str) -> str:
    """Wait (on the engine's commit signal, not a timer) for a user task; its key."""
    record = asyncio.run(
        harness.wait_for_record(
            case_key, value_type="USER_TASK", intent="CREATED", element_id=element_id, timeout_s=30
        )
    )
    return str(record.value.get("userTaskKey", record.key))


def _stage_two_reached(harness: EngineHarness, case_key: int) -> None:
    """Wait for the plan task of stage 2."""
    _user_task(harness, case_key, "Task_DraftPlan")


def _case_at_plan(harness: EngineHarness) -> tuple[str, str]:
    """A 白银区 case registered through the REST API, at its plan task: (case key, task key)."""
    rest = harness.rest_url
    created = httpx.post(
        f"{rest}/v2/process-instances",
        json={
            "processDefinitionId": "Process_RiskAssessment",
            "variables": {"jurisdiction": "白银区"},
        },
    )
    case = int(created.json()["processInstanceKey"])
    registration = _user_task(harness, case, "Task_RegisterItem")
    done = httpx.post(
        f"{rest}/v2/user-tasks/{registration}/completion", json={"variables": REGISTRATION}
    )
    assert done.status_code == 204, done.text
    return str(case), _user_task(harness, case, "Task_DraftPlan")


def _variable(harness: EngineHarness, case_key: str, name: str) -> Any:
    """A root-scope variable of the case, as the engine stores it."""
    found = httpx.post(
        f"{harness.rest_url}/v2/variables/search",
        json={"filter": {"processInstanceKey": case_key, "name": name}},
    ).json()["items"]
    own = [item for item in found if str(item["scopeKey"]) == case_key]
    assert len(own) == 1, found
    return json.loads(own[0]["value"])


def _claimed_by_colleague(harness: EngineHarness, task_key: str) -> None:
    response = httpx.post(
        f"{harness.rest_url}/v2/user-tasks/{task_key}/assignment",
        json={"assignee": "colleague", "allowOverride": True},
    )
    assert response.status_code == 204, response.text


def _drive(site: dict[str, Any], scenario: str, **extra: str) -> dict[str, Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **extra,
        "BASE_URL": site["base"],
        "ARTIFACTS": str(ARTIFACTS),
        "PASSWORD": PASSWORD,
        "CITY_CASE": site["city_case"],
        "CHROMIUM": CHROMIUM,
    }
    with subprocess.Popen(
        ["node", str(DRIVER), scenario],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as driver:
        assert driver.stdin is not None and driver.stdout is not None
        for line in driver.stdout:
            if line.startswith("SUBMITTED "):
                _stage_two_reached(site["harness"], int(line.split()[1]))
                driver.stdin.write("go\n")
                driver.stdin.flush()
            elif line.startswith("READY "):
                _claimed_by_colleague(site["harness"], line.split()[1])
                driver.stdin.write("go\n")
                driver.stdin.flush()
            elif line.startswith("{"):
                result: dict[str, Any] = json.loads(line)
        driver.stdin.close()
        assert driver.wait(240) == 0, driver.stderr.read() if driver.stderr else ""
    assert "failure" not in result, result["failure"]
    assert result["consoleErrors"] == []
    return result


def test_county_official_completes_a_form_and_the_case_moves_on(site: dict[str, Any]) -> None:
    seen = _drive(site, "county")
    # The invalid attempt: Chinese messages, input kept, still on the task page.
    assert seen["invalidSummary"].startswith("表单有")
    assert "至少应填写 2 个字符。" in seen["invalidErrors"]
    assert "此项为必填项。" in seen["invalidErrors"]
    assert seen["keptName"] == "桥"
    assert seen["urlAfterInvalid"] == seen["taskUrl"]
    # The valid submission: the case page, stage 1 done and stage 2 under way.
    assert seen["title"] == "白银区北京路道路拓宽工程"
    assert seen["doneStages"] == ["第一环节：确定应评事项，明确评估主体"]
    assert seen["activeStages"] == ["第二环节：开展实地走访，制定评估方案"]
    assert "白银区责任单位（演示）" in seen["history"]
    assert seen["markedDone"] > 0 and seen["markedActive"] > 0
    assert seen["tabletOverflow"] is False
    assert "白银区北京路道路拓宽工程" in seen["ledger"] and "市级重大决策事项" not in seen["ledger"]
    assert seen["firstTab"] == "跳到主要内容"
    for shot in ("inbox.png", "form.png", "form-invalid.png", "case.png"):
        assert (ARTIFACTS / shot).stat().st_size > 10_000, shot


def test_engine_refusal_is_explained_in_chinese_and_the_input_stays(
    site: dict[str, Any],
) -> None:
    seen = _drive(site, "conflict")
    assert "状态已经改变" in seen["error"] and "已填写的内容已保留" in seen["error"]
    assert seen["keptName"] == "平川区供热管网改造"
    assert seen["keptHouseholds"] == "45"
    assert "/tasks/" in seen["url"]


def test_township_user_cannot_open_a_city_case(site: dict[str, Any]) -> None:
    seen = _drive(site, "township")
    assert seen["inboxHasCityCase"] is False
    assert seen["caseStatus"] == 404
    assert "无权查看" in seen["caseText"]
    assert "市级重大决策事项" not in seen["caseText"]
    assert seen["diagramStatus"] == 404


def test_date_picker_speaks_chinese_and_the_date_is_stored_as_iso(site: dict[str, Any]) -> None:
    harness = site["harness"]
    case, plan_task = _case_at_plan(harness)
    # An English browser: form-js alone would show English names and mm/dd/yyyy.
    seen = _drive(site, "datepicker", PLAN_TASK=plan_task, BROWSER_LOCALE="en-US")
    # Names are those of flatpickr's own Chinese locale, and the week starts on Monday.
    assert seen["weekdays"][0] == "周一"
    assert seen["weekdays"] == seen["packageWeekdays"][1:] + seen["packageWeekdays"][:1]
    assert seen["months"] == seen["packageMonths"]
    assert seen["shownMonth"] == "十一月"
    assert seen["firstDay"] == "2027年11月1日"  # a Monday: no October day before it
    assert seen["placeholder"] == "年-月-日"
    for text in (seen["calendarText"], *seen["calendarLabels"]):
        assert re.search("[A-Za-z]", text) is None, text
    # Shown as 年-月-日; submitted and stored as the ISO date form-js always produces.
    assert seen["shownDate"] == "2027-11-20"
    assert seen["submitted"] == ["2027-11-20"]
    assert _variable(harness, case, "planDeadline") == "2027-11-20"
    assert (ARTIFACTS / "datepicker.png").stat().st_size > 10_000
