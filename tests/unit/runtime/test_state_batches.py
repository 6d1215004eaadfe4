"""What a command's batch writes: only rows the store has or will keep."""

from __future__ import annotations

from engine.runtime.entities import Timer
from engine.runtime.state import KEY_BLOCK, State


def timer(key: int, due: int = 1000) -> Timer:
    return Timer(key=key, due_date=due, element_id="wait", process_definition_key=1)


def test_a_row_created_and_deleted_before_its_batch_writes_nothing() -> None:
    state = State()
    short_lived, kept = timer(state.new_key()), timer(state.new_key())
    state.put(short_lived)
    state.put(kept)
    state.delete(short_lived)
    batch = state.take_batch()
    assert set(batch.upserts) == {(Timer.KIND.value, kept.key)}
    assert not batch.deletes, "the store never had the short-lived row"


def test_a_row_stored_by_an_earlier_batch_is_deleted_by_a_later_one() -> None:
    state = State()
    stored = timer(state.new_key())
    state.put(stored)
    state.seal()
    assert (Timer.KIND.value, stored.key) in state.take_group_batch().upserts
    state.delete(stored)
    state.seal()
    assert state.take_group_batch().deletes == {(Timer.KIND.value, stored.key)}


def test_in_a_group_a_row_made_by_one_command_and_removed_by_the_next_writes_nothing() -> None:
    state = State()
    first = timer(state.new_key())
    state.put(first)
    state.seal()
    updated = timer(first.key, due=2000)
    state.put(updated)  # an update, not a creation
    state.delete(updated)
    state.seal()
    batch = state.take_group_batch()
    assert not batch.upserts and not batch.deletes


def test_keys_are_reserved_in_the_store_a_block_at_a_time() -> None:
    state = State()
    first = state.take_batch()
    assert first.counters == {}, "no key handed out yet: nothing to reserve"
    state.new_key()
    reserved = state.take_batch().counters["next_key"]
    state.committed()
    assert reserved == state.next_key + KEY_BLOCK
    for _ in range(KEY_BLOCK - 1):
        state.new_key()
    assert state.take_batch().counters == {}, "still inside the reserved block"
    state.committed()
    state.new_key()
    state.new_key()
    assert state.take_batch().counters["next_key"] == state.next_key + KEY_BLOCK


def test_a_reservation_whose_commit_failed_is_written_again() -> None:
    state = State()
    state.new_key()
    assert "next_key" in state.take_batch().counters
    state.rollback()  # the commit failed: the store never got the reservation
    state.new_key()
    assert "next_key" in state.take_batch().counters
