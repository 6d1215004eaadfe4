"""One engine per PostgreSQL store: a second one refuses to start and says why (issue 2).

Across processes, and a SIGKILLed engine freeing the store, see test_gateway_on_postgres.py.
"""

from __future__ import annotations

import pytest
import sqlalchemy
from pg_support import REVIEW, deploy, running_engine, settings

from engine.clock import ControlledClock
from engine.errors import FailedPrecondition
from engine.runtime import Engine


def _database_name(url: str) -> str:
    return sqlalchemy.make_url(url).database or ""


def test_second_engine_on_the_same_database_is_refused_until_the_first_stops(
    pg_url: str,
) -> None:
    clock = ControlledClock()
    first = Engine(settings(pg_url), clock=clock)
    first.open()
    second = Engine(settings(pg_url), clock=clock)
    try:
        with pytest.raises(FailedPrecondition) as refused:
            second.open()
        message = refused.value.message
        assert "locked by another engine" in message
        assert _database_name(pg_url) in message  # names the store it refuses
        # The first engine is unaffected by the refusal.
        deploy(first, "review.bpmn", REVIEW)
    finally:
        first.close()
    second.open()  # free as soon as the first one closed, in the same process too
    second.close()


def test_engines_on_two_databases_of_one_server_do_not_block_each_other(
    pg_url: str, pg_server: str
) -> None:
    # A second database on the same server: the advisory lock is per database.
    other = f"{_database_name(pg_url)}_other"
    admin = sqlalchemy.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{other}"'))
    other_url = sqlalchemy.make_url(pg_url).set(database=other).render_as_string(False)
    try:
        clock = ControlledClock()
        with running_engine(pg_url, clock) as a, running_engine(other_url, clock) as b:
            deploy(a, "review.bpmn", REVIEW)
            deploy(b, "review.bpmn", REVIEW)
    finally:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)'))
        admin.dispose()
