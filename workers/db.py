"""Database access for the workers: one engine and session factory per process.

SQLite is the default (``WorkerSettings.database_url``), PostgreSQL by URL. The schema is created
with ``create_all`` for now; ``schema_version`` records which version a database holds, so that
migrations can follow without guessing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, Integer, String, create_engine, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

SCHEMA_VERSION = 1
"""Version of the domain schema this code writes; bump it with every migration."""


SCHEMA_ATTEMPTS = 30
"""Attempts of ``create_schema`` while other processes create the same tables."""


class Base(DeclarativeBase):
    """Declarative base of every domain model."""


class SchemaVersion(Base):
    """One row per schema version applied to this database."""

    __tablename__ = "schema_version"

    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(String(200), default="")


def utcnow() -> datetime:
    """The current time in UTC (one place, so tests and rows agree on the time zone)."""
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the web app) run while a worker writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url``; creates the folder of a SQLite file if needed."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(database_url, pool_pre_ping=True)


def _import_models() -> None:
    # Importing registers every table on Base.metadata; done here to avoid import cycles.
    from workers.experts import models as _experts  # noqa: F401
    from workers.filings import models as _filings  # noqa: F401
    from workers.hearings import models as _hearings  # noqa: F401
    from workers.items import models as _items  # noqa: F401
    from workers.ledger import models as _ledger  # noqa: F401
    from workers.opinions import models as _opinions  # noqa: F401
    from workers.reports import models as _reports  # noqa: F401
    from workers.risks import models as _risks  # noqa: F401
    from workers.stakeholders import models as _stakeholders  # noqa: F401


def create_schema(engine: Engine) -> int:
    """Create missing tables and record the schema version; returns the version in the database.

    Several worker processes may start at once: a process that loses the race to create a table
    or the version row reads what the winner wrote.
    """
    _import_models()
    for attempt in range(1, SCHEMA_ATTEMPTS + 1):
        try:
            Base.metadata.create_all(engine)
            with Session(engine) as session, session.begin():
                current = session.scalar(
                    select(SchemaVersion.version).order_by(SchemaVersion.version.desc())
                )
                if current is None:
                    session.add(
                        SchemaVersion(
                            version=SCHEMA_VERSION, applied_at=utcnow(), note="create_all"
                        )
                    )
                    current = SCHEMA_VERSION
                return current
        except DBAPIError:
            # Each failure means another process created something: progress, so try again.
            if attempt == SCHEMA_ATTEMPTS:
                raise
            time.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def connect(database_url: str) -> sessionmaker[Session]:
    """Engine, schema and session factory for ``database_url`` in one call (entry points, tests)."""
    engine = make_engine(database_url)
    create_schema(engine)
    return make_session_factory(engine)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session inside one transaction: committed on success, rolled back on error."""
    with factory() as session, session.begin():
        yield session


def bulk_insert(
    session: Session, table_name: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows through the driver's executemany.

    SQLAlchemy builds a parameter dict per row (~10 µs each); registers of 100,000 households
    make that the dominant cost, so plain tuples go straight to the driver here.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {quote(table_name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([marker] * len(columns))})"
    )
    connection.exec_driver_sql(sql, list(rows))
