"""Tables of the engine store (SQLAlchemy Core).

- ``records``: the append-only log, one row per command/event/rejection.
- ``state``: live entities, one row each (``kind`` + ``key``), JSON payload plus indexed keys.
  Writing one entity never rewrites another, so a step costs the same however large the
  instance or the store is.
- ``resources``: deployed BPMN/DMN/form resources and their versions.
- ``meta``: counters (next key, next position) and the schema version.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()

records = Table(
    "engine_records",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("key", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("record_type", String(32), nullable=False),
    Column("value_type", String(64), nullable=False),
    Column("intent", String(64), nullable=False),
    Column("process_instance_key", BigInteger, nullable=False),
    # Set on the records of a child instance (call activity) so history can follow children.
    Column("parent_process_instance_key", BigInteger, nullable=False),
    Column("rejection_type", String(64), nullable=False),
    Column("rejection_reason", Text, nullable=False),
    Column("value", Text, nullable=False),
    Index("ix_engine_records_pi", "process_instance_key"),
    # Only child instances' records (migration 3): top-level records (-1) skip this index.
    Index(
        "ix_engine_records_parent_pi",
        "parent_process_instance_key",
        sqlite_where=text("parent_process_instance_key > 0"),
        postgresql_where=text("parent_process_instance_key > 0"),
    ),
)

state = Table(
    "engine_state",
    metadata,
    Column("kind", String(32), primary_key=True),
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    Column("process_instance_key", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    # (ix_engine_state_pi was dropped by migration 3: nothing reads state by instance.)
)

resources = Table(
    "engine_resources",
    metadata,
    Column("key", BigInteger, primary_key=True, autoincrement=False),
    # process | decision | decision_requirements | form
    Column("kind", String(32), nullable=False),
    Column("resource_id", Text, nullable=False),  # TEXT since migration 2
    Column("version", Integer, nullable=False),
    Column("resource_name", String(512), nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("deployment_key", BigInteger, nullable=False),
    Column("tenant_id", Text, nullable=False),  # TEXT since migration 2
    Column("deleted", Integer, nullable=False, default=0),
    # For decisions: the key of their decision requirements graph (whose content is the DMN).
    Column("parent_key", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Index("ix_engine_resources_id", "kind", "resource_id", "version"),
)

meta = Table(
    "engine_meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
