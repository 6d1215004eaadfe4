"""Due work (timers, job deadlines, retry back-offs, message expiry) ordered by due time.

A heap of (due, kind, key) entries. Entries are never removed when their work is cancelled;
instead the owner is asked, when the entry comes due, whether that work is still due then
(lazy deletion), so scheduling costs O(log n) and cancelling costs nothing.
"""

from __future__ import annotations

import heapq


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[tuple[int, str, int]] = []

    def add(self, due: int, kind: str, key: int) -> bool:
        """Schedule; True when this is now the earliest work (a sleeping loop must wake up)."""
        earliest = self._heap[0][0] if self._heap else None
        heapq.heappush(self._heap, (due, kind, key))
        return earliest is None or due < earliest

    def pop_due(self, now: int) -> tuple[int, str, int] | None:
        if self._heap and self._heap[0][0] <= now:
            return heapq.heappop(self._heap)
        return None

    def next_due(self) -> int | None:
        return self._heap[0][0] if self._heap else None

    def clear(self) -> None:
        self._heap.clear()
