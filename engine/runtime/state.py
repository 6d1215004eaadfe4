"""The in-memory live state with secondary indexes, an undo log and a dirty set.

Commands change state only through :meth:`State.put` / :meth:`State.delete`. Each change is
logged so that :meth:`State.rollback` restores memory exactly if the command fails (or its
commit does), and :meth:`State.take_batch` hands the changed rows to the store.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from itertools import islice
from typing import Any, TypeVar

from engine.runtime.entities import (
    ENTITY_CLASSES,
    NO_KEY,
    Entity,
    JobState,
    Kind,
    entity_from_json,
)
from engine.store import StateRow, WriteBatch

E = TypeVar("E", bound=Entity)

FIRST_KEY = (1 << 51) + 1
"""Zeebe's first key on partition 1."""

KEY_BLOCK = 10_000
"""Keys reserved in the store at a time: ``engine_meta.next_key`` is written once per block, not
with every commit (a restart goes on from the reservation, skipping at most this many keys)."""

IndexFn = Callable[[Any], Hashable | None]

_INDEXES: dict[Kind, tuple[tuple[str, IndexFn], ...]] = {
    Kind.ELEMENT: (
        ("children", lambda e: e.flow_scope_key),
        ("start_correlation", lambda e: e.start_correlation or None),
    ),
    Kind.VARIABLE: (
        ("scope_vars", lambda v: v.scope_key),
        ("var", lambda v: (v.scope_key, v.name)),
    ),
    Kind.JOB: (("activatable", lambda j: j.type if j.state == JobState.ACTIVATABLE else None),),
    Kind.INCIDENT: (
        ("incident_by_element", lambda i: i.element_instance_key),
        ("incident_by_job", lambda i: i.job_key if i.job_key != NO_KEY else None),
    ),
    Kind.TIMER: (
        ("timer_by_element", lambda t: t.element_instance_key),
        ("timer_by_definition", lambda t: t.process_definition_key),
    ),
    Kind.MESSAGE_SUBSCRIPTION: (
        ("msub_by_corr", lambda s: (s.message_name, s.correlation_key, s.tenant_id)),
        ("msub_by_element", lambda s: s.element_instance_key),
    ),
    Kind.MESSAGE: (
        ("msg_by_corr", lambda m: (m.name, m.correlation_key, m.tenant_id)),
        # Zeebe's uniqueness: the same name, correlation key and id among buffered messages.
        (
            "msg_by_id",
            lambda m: (
                (m.name, m.correlation_key, m.message_id, m.tenant_id) if m.message_id else None
            ),
        ),
    ),
    Kind.SIGNAL_SUBSCRIPTION: (
        ("ssub_by_name", lambda s: (s.signal_name, s.tenant_id)),
        ("ssub_by_element", lambda s: s.element_instance_key),
    ),
    Kind.USER_TASK: (),
}

__all__ = ["FIRST_KEY", "State"]


class State:
    """All live entities by kind and key, plus counters (next key, next log position)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget everything (before loading the store again)."""
        self._entities: dict[Kind, dict[int, Entity]] = {kind: {} for kind in Kind}
        self._indexes: dict[str, dict[Hashable, dict[int, None]]] = {
            name: {} for fns in _INDEXES.values() for name, _fn in fns
        }
        self._undo: list[tuple[Kind, int, Entity | None]] = []
        self._dirty: dict[tuple[Kind, int], Entity | None] = {}
        # Changes of sealed commands that are not committed yet (group commit).
        self._group_dirty: dict[tuple[Kind, int], Entity | None] = {}
        # Rows created since the last batch was taken: not in the store, so deleting one of
        # them writes nothing (most elements start and end within one command).
        self._fresh: set[tuple[Kind, int]] = set()
        self.next_key = FIRST_KEY
        self.next_position = 1
        # Every key below it may be in the store: the stored next_key is at least this.
        self._key_reserved = FIRST_KEY
        self._saved_counters = (self.next_key, self.next_position, self._key_reserved)

    # --- reading -----------------------------------------------------------------------------

    def get(self, cls: type[E], key: int) -> E | None:
        found = self._entities[cls.KIND].get(key)
        return found if isinstance(found, cls) else None

    def all(self, cls: type[E]) -> Iterator[E]:
        for entity in list(self._entities[cls.KIND].values()):
            if isinstance(entity, cls):
                yield entity

    def index(self, name: str, value: Hashable) -> list[int]:
        """Keys of the entities whose index ``name`` has ``value``, in insertion order."""
        return list(self._indexes[name].get(value, ()))

    def head(self, name: str, value: Hashable, n: int) -> list[int]:
        """The first ``n`` keys of an index bucket (without copying the whole bucket)."""
        bucket = self._indexes[name].get(value)
        return list(islice(bucket, n)) if bucket else []

    def first(self, name: str, value: Hashable) -> int | None:
        for key in self._indexes[name].get(value, ()):
            return key
        return None

    def count(self, kind: Kind) -> int:
        return len(self._entities[kind])

    # --- writing -----------------------------------------------------------------------------

    def new_key(self) -> int:
        key = self.next_key
        self.next_key += 1
        return key

    def new_position(self) -> int:
        position = self.next_position
        self.next_position += 1
        return position

    def put(self, entity: Entity) -> None:
        kind = entity.KIND
        old = self._entities[kind].get(entity.key)
        self._undo.append((kind, entity.key, old))
        self._set(kind, entity.key, old, entity)
        self._dirty[(kind, entity.key)] = entity
        if old is None:
            self._fresh.add((kind, entity.key))

    def delete(self, entity: Entity) -> None:
        kind = entity.KIND
        old = self._entities[kind].get(entity.key)
        if old is None:
            return
        self._undo.append((kind, entity.key, old))
        self._set(kind, entity.key, old, None)
        self._dirty[(kind, entity.key)] = None

    def _set(self, kind: Kind, key: int, old: Entity | None, new: Entity | None) -> None:
        fns = _INDEXES[kind]
        if old is not None:
            for name, fn in fns:
                value = fn(old)
                if value is not None:
                    bucket = self._indexes[name].get(value)
                    if bucket is not None:
                        bucket.pop(key, None)
                        if not bucket:
                            del self._indexes[name][value]
        if new is None:
            self._entities[kind].pop(key, None)
            return
        self._entities[kind][key] = new
        for name, fn in fns:
            value = fn(new)
            if value is not None:
                self._indexes[name].setdefault(value, {})[key] = None

    # --- transactions ------------------------------------------------------------------------

    def take_batch(self) -> WriteBatch:
        """The rows changed since the last commit/rollback (the undo log is kept until then)."""
        return self._batch_of(self._dirty)

    def seal(self) -> None:
        """End a successful command without committing it: its changes join the pending group
        (:meth:`take_group_batch`) and can no longer be rolled back one by one."""
        self._group_dirty.update(self._dirty)
        self.committed()

    def take_group_batch(self) -> WriteBatch:
        """The rows changed by every command sealed since the last call."""
        batch = self._batch_of(self._group_dirty)
        self._group_dirty = {}
        return batch

    def _batch_of(self, dirty: dict[tuple[Kind, int], Entity | None]) -> WriteBatch:
        batch = WriteBatch()
        fresh, self._fresh = self._fresh, set()
        for (kind, key), entity in dirty.items():
            if entity is None:
                if (kind, key) not in fresh:
                    batch.delete(kind.value, key)
            else:
                batch.put(StateRow(kind.value, key, entity.process_instance_key, entity.to_json()))
        # Positions need no counter (the store's last record gives the next one); keys are
        # reserved a block at a time, so most commits write no engine_meta row at all.
        batch.counters = {}
        if self.next_key > self._key_reserved:
            self._key_reserved = self.next_key + KEY_BLOCK
            batch.counters["next_key"] = self._key_reserved
        return batch

    def keep_keys_from(self, next_key: int) -> None:
        """Never hand out a key below ``next_key`` again (keys of a lost group commit)."""
        self.next_key = max(self.next_key, next_key)
        self._saved_counters = (self.next_key, self.next_position, self._key_reserved)

    def committed(self) -> None:
        self._undo.clear()
        self._dirty.clear()
        self._saved_counters = (self.next_key, self.next_position, self._key_reserved)

    def rollback(self) -> None:
        for kind, key, old in reversed(self._undo):
            current = self._entities[kind].get(key)
            self._set(kind, key, current, old)
        self._undo.clear()
        self._dirty.clear()
        # A batch taken but not committed raised the reservation in memory only: lower it again.
        self.next_key, self.next_position, self._key_reserved = self._saved_counters

    # --- loading -----------------------------------------------------------------------------

    def load(self, rows: list[StateRow], counters: dict[str, int]) -> None:
        """Fill an empty state from stored rows (no undo, nothing dirty)."""
        for row in rows:
            kind = Kind(row.kind)
            entity = entity_from_json(ENTITY_CLASSES[kind], row.payload)
            self._set(kind, entity.key, None, entity)
        self.next_key = max(self.next_key, counters.get("next_key", FIRST_KEY))
        self._key_reserved = self.next_key
        self.next_position = max(self.next_position, counters.get("next_position", 1))
        self._saved_counters = (self.next_key, self.next_position, self._key_reserved)
