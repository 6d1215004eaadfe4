"""Fixtures of the worker tests: a fresh SQLite database per test, jobs, items."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pyzeebe import Job
from sqlalchemy.orm import Session, sessionmaker

from workers.db import connect
from workers.items import service as items
from workers.items.models import Item, ItemCreate
from workers.tasks.base import WorkerContext

TODAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def factory(tmp_path: Path) -> sessionmaker[Session]:
    return connect(f"sqlite:///{tmp_path / 'wenping.db'}")


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as s, s.begin():
        yield s


@pytest.fixture
def ctx(factory: sessionmaker[Session], tmp_path: Path) -> WorkerContext:
    return WorkerContext(
        session_factory=factory, reports_dir=tmp_path / "reports", today=lambda: TODAY
    )


_keys = itertools.count(1_000)


@pytest.fixture
def make_job() -> Callable[..., Job]:
    """A pyzeebe Job as the gateway would deliver it; keys are unique unless given."""

    def make(
        job_type: str = "test",
        *,
        element_instance_key: int | None = None,
        process_instance_key: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Job:
        return Job(
            key=next(_keys),
            type=job_type,
            process_instance_key=process_instance_key or next(_keys),
            bpmn_process_id="Process_RiskAssessment",
            process_definition_version=1,
            process_definition_key=1,
            element_id="Task_Test",
            element_instance_key=element_instance_key or next(_keys),
            custom_headers=headers or {},
            worker="test",
            retries=3,
            deadline=0,
            variables={},
        )

    return make


ITEM_VARIABLES: dict[str, Any] = {
    "itemName": "城北棚户区改造项目",
    "itemType": "project",
    "jurisdiction": "白银区",
    "responsibleUnit": "白银区住房和城乡建设局",
    "township": "人民路街道",
    "affectedHouseholds": 320,
    "sensitive": True,
}


@pytest.fixture
def item_variables() -> dict[str, Any]:
    """Variables of a valid registration, as the form submits them."""
    return dict(ITEM_VARIABLES)


@pytest.fixture
def make_item(factory: sessionmaker[Session]) -> Callable[..., Item]:
    """Store an item (committed) and return it."""

    def make(**overrides: Any) -> Item:
        data = ItemCreate.model_validate({**ITEM_VARIABLES, **overrides})
        with factory() as s, s.begin():
            return items.register(session=s, data=data, process_instance_key=None)

    return make
