"""Domain data on the pages: the ledger, its XLSX export and the case page's item sections."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker
from web_fake_camunda import FakeCamunda
from web_testkit import NOW, sign_in

from web.app import create_app
from web.domain import DomainReader
from web.settings import WebSettings
from web.users import UserDirectory
from workers.db import connect, transaction
from workers.filings import service as filings
from workers.items import service as items
from workers.items.models import ItemCreate
from workers.risks import service as risks
from workers.risks.models import RiskPointCreate


def _register(
    factory: sessionmaker[Session], key: int, name: str, county: str, township: str = ""
) -> int:
    data = ItemCreate(
        itemName=name,
        itemType="project",
        jurisdiction=county,
        responsibleUnit=f"{county}住建局",
        township=township,
    )
    with transaction(factory) as session:
        return items.register(session=session, data=data, process_instance_key=key).id


@pytest.fixture
def factory(tmp_path: Path) -> sessionmaker[Session]:
    return connect(f"sqlite:///{tmp_path / 'domain.db'}")


@pytest.fixture
async def web_db(
    fake: FakeCamunda, directory: UserDirectory, factory: sessionmaker[Session], tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        WebSettings(WENPING_ENVIRONMENT="development"),
        transport=fake.transport(),
        directory=directory,
        domain=DomainReader(factory, tmp_path / "reports"),
        now=lambda: NOW,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_ledger_shows_the_users_unit_only(
    web_db: httpx.AsyncClient, factory: sessionmaker[Session]
) -> None:
    own = _register(factory, 1, "北京路拓宽工程", "白银区")
    _register(factory, 2, "会宁县水库移民安置", "会宁县")
    with transaction(factory) as session:
        number = filings.file_item(session=session, item_id=own, filed_on=date(2026, 11, 20)).number
    await sign_in(web_db, "baiyin-dept")
    html = (await web_db.get("/ledger")).text
    assert "北京路拓宽工程" in html and number in html
    assert "会宁县水库移民安置" not in html


async def test_ledger_export_is_a_workbook_of_the_same_rows(
    web_db: httpx.AsyncClient, factory: sessionmaker[Session]
) -> None:
    _register(factory, 1, "北京路拓宽工程", "白银区")
    _register(factory, 2, "会宁县水库移民安置", "会宁县")
    await sign_in(web_db, "city-zfw")
    response = await web_db.get("/ledger.xlsx")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "白银市" in str(rows[0][0]) and "2026-11-25" in str(rows[0][0])
    assert rows[1][:3] == ("序号", "事项编号", "事项名称")
    assert [r[2] for r in rows[2:]] == ["北京路拓宽工程", "会宁县水库移民安置"]
    assert rows[2][3] == "重大项目" and rows[2][7] == "已登记"


async def test_township_ledger_lists_its_own_township(
    web_db: httpx.AsyncClient, factory: sessionmaker[Session]
) -> None:
    _register(factory, 1, "四龙镇供水改造", "白银区", township="四龙镇")
    _register(factory, 2, "水川镇土地整理", "白银区", township="水川镇")
    await sign_in(web_db, "baiyin-township")
    html = (await web_db.get("/ledger")).text
    assert "四龙镇供水改造" in html and "水川镇土地整理" not in html


async def test_case_page_shows_the_risk_register_and_filing(
    web_db: httpx.AsyncClient, fake: FakeCamunda, factory: sessionmaker[Session]
) -> None:
    case = fake.add_case(jurisdiction="白银区", name="北京路拓宽工程")
    item = _register(factory, int(case), "北京路拓宽工程", "白银区")
    point = RiskPointCreate(
        factor="征地补偿标准争议",
        probability="较高",
        impact="较大",
        measure="公开补偿标准并逐户解释",
        responsibleUnit="白银区自然资源局",
        deadline=date(2026, 12, 31),
    )
    with transaction(factory) as session:
        risks.record_register(
            session=session,
            item_id=item,
            points=[point],
            emergency_plan="成立现场处置组",
            request_key=None,
        )
        number = filings.file_item(
            session=session, item_id=item, filed_on=date(2026, 11, 20)
        ).number
    await sign_in(web_db, "baiyin-dept")
    html = (await web_db.get(f"/cases/{case}")).text
    assert "征地补偿标准争议" in html and "较高" in html and "成立现场处置组" in html
    assert number in html
    assert "尚未形成评估报告" in html
    assert (await web_db.get(f"/cases/{case}/report")).status_code == 404


async def test_report_download_serves_only_files_in_the_reports_folder(
    web_db: httpx.AsyncClient, fake: FakeCamunda, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    from workers.reports.models import Report

    case = fake.add_case(jurisdiction="白银区", name="北京路拓宽工程")
    item = _register(factory, int(case), "北京路拓宽工程", "白银区")
    inside = tmp_path / "reports" / "item-1-v1.docx"
    inside.parent.mkdir()
    inside.write_bytes(b"PK report")
    outside = tmp_path / "secret.docx"
    outside.write_bytes(b"PK secret")
    with transaction(factory) as session:
        session.add(
            Report(
                item_id=item,
                version=1,
                risk_level_before="medium",
                risk_level="low",
                path=str(inside),
            )
        )
    await sign_in(web_db, "baiyin-dept")
    response = await web_db.get(f"/cases/{case}/report")
    assert response.status_code == 200 and response.content == b"PK report"
    with transaction(factory) as session:
        session.add(
            Report(
                item_id=item,
                version=2,
                risk_level_before="medium",
                risk_level="low",
                path=str(outside),
            )
        )
    assert (await web_db.get(f"/cases/{case}/report")).status_code == 404
    await sign_in(web_db, "huining-dept")
    assert (await web_db.get(f"/cases/{case}/report")).status_code == 404


async def test_case_page_shows_no_item_of_another_unit(
    web_db: httpx.AsyncClient, fake: FakeCamunda, factory: sessionmaker[Session]
) -> None:
    elsewhere = _register(factory, 99, "会宁县水库移民安置", "会宁县")
    case = fake.add_case(jurisdiction="白银区", name="北京路拓宽工程", itemId=elsewhere)
    await sign_in(web_db, "baiyin-dept")
    response = await web_db.get(f"/cases/{case}")
    assert response.status_code == 200 and "北京路拓宽工程" in response.text
    assert "会宁县住建局" not in response.text
    await sign_in(web_db, "city-zfw")
    assert "会宁县住建局" in (await web_db.get(f"/cases/{case}")).text
