"""Schema migrations: an ordered list of functions, each taking the store from version N-1 to N.

The applied version lives in ``engine_schema_version``. A store written by a newer engine (a
version above the last migration here) is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Column, Connection, Integer, MetaData, Table, select

from engine.errors import FailedPrecondition
from engine.store import schema

_version_metadata = MetaData()
schema_version = Table(
    "engine_schema_version",
    _version_metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
)


def _v1_initial(connection: Connection) -> None:
    # Creates the tables of schema.py as they are now; every later migration must therefore
    # also be correct on a store that already has its result (IF EXISTS / IF NOT EXISTS), and
    # must be safe to run twice: on SQLite the driver runs DDL outside the migration's
    # transaction, so a crash can leave the DDL done and the version not yet raised.
    schema.metadata.create_all(connection)


def _v2_unbounded_resource_ids(connection: Connection) -> None:
    # Form and decision ids have no length limit in Camunda; VARCHAR(255) made PostgreSQL fail
    # such a deployment inside the database. SQLite never enforced the length.
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "ALTER TABLE engine_resources ALTER COLUMN resource_id TYPE TEXT, "
            "ALTER COLUMN tenant_id TYPE TEXT"
        )


def _v3_fewer_indexes_per_step(connection: Connection) -> None:
    # Every step wrote each of these indexes, for nothing: live state is never read by
    # instance (it is loaded whole), and only call-activity children have a parent instance.
    # IF EXISTS: stores created since this release never had them in this form.
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_engine_state_pi")
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_engine_records_parent_pi")
    connection.exec_driver_sql(
        "CREATE INDEX ix_engine_records_parent_pi ON engine_records "
        "(parent_process_instance_key) WHERE parent_process_instance_key > 0"
    )


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _v1_initial,
    _v2_unbounded_resource_ids,
    _v3_fewer_indexes_per_step,
)
"""Index i migrates from version i to version i + 1."""


def current_version(connection: Connection) -> int:
    """The schema version of the store (0 for an empty store)."""
    _version_metadata.create_all(connection)
    found = connection.execute(select(schema_version.c.version)).scalars().all()
    return max(found, default=0)


def migrate(connection: Connection, *, store_name: str) -> int:
    """Apply every pending migration inside ``connection``'s transaction; return the version."""
    version = current_version(connection)
    if version > len(MIGRATIONS):
        raise FailedPrecondition(
            f"Store '{store_name}' has schema version {version}, newer than this engine "
            f"supports ({len(MIGRATIONS)}); upgrade the engine"
        )
    for index in range(version, len(MIGRATIONS)):
        MIGRATIONS[index](connection)
        connection.execute(schema_version.delete())
        connection.execute(schema_version.insert().values(version=index + 1))
    return len(MIGRATIONS)
