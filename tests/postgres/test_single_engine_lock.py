"""One engine per PostgreSQL store: a second one refuses to start and says why (issue 2).

Across processes, and a SIGKILLed engine freeing the store, see test_gateway_on_postgres.py.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy
from pg_support import REVIEW, deploy, running_engine, settings

from engine.clock import ControlledClock
from engine.errors import FailedPrecondition
from engine.runtime import Engine


def _database_name(url: str) -> str:
    return sqlalchemy.make_url(url).database or ""


def _end_the_lock_session(pg_url: str, pg_server: str) -> None:
    """End the server session holding this database's advisory lock, as a failover would."""
    admin = sqlalchemy.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(
                sqlalchemy.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = :db)"
                ),
                {"db": _database_name(pg_url)},
            )
    finally:
        admin.dispose()


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


def test_refusal_names_the_holder_of_this_database(pg_url: str, pg_server: str) -> None:
    """The holder named in the refusal is the one of this database, not of another one."""
    other = f"{_database_name(pg_url)}_other"
    admin = sqlalchemy.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{other}"'))
    other_url = sqlalchemy.make_url(pg_url).set(database=other).render_as_string(False)
    clock = ControlledClock()
    try:
        # The engine on the other database takes its lock first, so a holder query that
        # ignores the database finds that one.
        with running_engine(other_url, clock), running_engine(pg_url, clock) as mine:
            with mine.sql_engine.connect() as connection:
                holder_pid = connection.execute(
                    sqlalchemy.text(
                        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' "
                        "AND database = (SELECT oid FROM pg_database "
                        "WHERE datname = current_database())"
                    )
                ).scalar_one()
            with pytest.raises(FailedPrecondition) as refused:
                Engine(settings(pg_url), clock=clock).open()
        found = re.search(r"pid (\d+)", refused.value.message)
        assert found is not None and int(found.group(1)) == holder_pid
    finally:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)'))
        admin.dispose()


def test_an_engine_that_lost_its_lock_session_never_writes_beside_a_second_engine(
    pg_url: str, pg_server: str
) -> None:
    """When the lock's session ends (terminated, idle timeout, network cut, failover), either
    the lock survives or the first engine notices and stops committing."""
    clock = ControlledClock()
    first = Engine(settings(pg_url), clock=clock)
    first.open()
    second = Engine(settings(pg_url), clock=clock)
    try:
        deploy(first, "review.bpmn", REVIEW)
        _end_the_lock_session(pg_url, pg_server)
        try:
            second.open()
        except FailedPrecondition:
            return  # still fenced off: fine
        with pytest.raises(FailedPrecondition, match="lock"):
            first.create_process_instance(bpmn_process_id="Process_Review")
    finally:
        second.close()
        first.close()


def test_close_after_the_lock_session_died_does_not_raise(pg_url: str, pg_server: str) -> None:
    """A lock whose session is gone is already released: closing the engine still succeeds."""
    engine = Engine(settings(pg_url), clock=ControlledClock())
    engine.open()
    _end_the_lock_session(pg_url, pg_server)
    engine.close()
