"""The rows of the store: live entities, deployed resources, log records, and one commit's batch."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from engine.api import Record
from engine.store import jsontext


@dataclass(frozen=True)
class StateRow:
    """One live entity: ``payload`` is its JSON text."""

    kind: str
    key: int
    process_instance_key: int
    payload: str


@dataclass(frozen=True)
class ResourceRow:
    """One deployed process, decision, decision requirements graph or form."""

    key: int
    kind: str
    resource_id: str
    version: int
    resource_name: str
    checksum: str
    deployment_key: int
    tenant_id: str
    parent_key: int
    payload: str
    content: bytes
    deleted: bool = False


@dataclass
class WriteBatch:
    """Everything one command changes; the unit of :meth:`Store.commit`."""

    upserts: dict[tuple[str, int], StateRow] = field(default_factory=dict)
    deletes: set[tuple[str, int]] = field(default_factory=set)
    records: list[Record] = field(default_factory=list)
    resources: list[ResourceRow] = field(default_factory=list)
    deleted_resources: list[int] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def put(self, row: StateRow) -> None:
        self.deletes.discard((row.kind, row.key))
        self.upserts[(row.kind, row.key)] = row

    def delete(self, kind: str, key: int) -> None:
        self.upserts.pop((kind, key), None)
        self.deletes.add((kind, key))


EXPORTED_POSITION = "exported_position"
"""``engine_meta`` row: the position of the last record the exporters have seen."""


RECORD_COLUMNS = (
    "position",
    "key",
    "timestamp",
    "record_type",
    "value_type",
    "intent",
    "process_instance_key",
    "parent_process_instance_key",
    "rejection_type",
    "rejection_reason",
    "value",
)


def record_tuple(record: Record) -> tuple[Any, ...]:
    """One ``engine_records`` row, in :data:`RECORD_COLUMNS` order."""
    parent = record.value.get("parentProcessInstanceKey", -1)
    return (
        record.position,
        record.key,
        record.timestamp,
        record.record_type,
        record.value_type,
        record.intent,
        record.process_instance_key,
        parent if isinstance(parent, int) else -1,
        record.rejection_type,
        # A reason may quote client input; PostgreSQL text cannot hold U+0000.
        record.rejection_reason.replace("\x00", "\ufffd"),
        jsontext.dumps(record.value),
    )


def record_row(record: Record) -> dict[str, Any]:
    return dict(zip(RECORD_COLUMNS, record_tuple(record), strict=True))


def record_from_row(row: Any) -> Record:
    """A :class:`Record` from a row of ``engine_records``."""
    return Record(
        position=row.position,
        key=row.key,
        timestamp=row.timestamp,
        record_type=row.record_type,
        value_type=row.value_type,
        intent=row.intent,
        process_instance_key=row.process_instance_key,
        value=json.loads(row.value),
        rejection_type=row.rejection_type,
        rejection_reason=row.rejection_reason,
    )
