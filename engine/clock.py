"""The engine's clock: real time in production, moved by hand in tests.

Tests never sleep: they call :meth:`ControlledClock.advance` and then wait for the engine to be
idle. All engine code reads time through a :class:`Clock`, never ``time.time()``.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int:
        """Milliseconds since the Unix epoch."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class ControlledClock:
    """Wall-clock time plus an offset that tests move forward (Zeebe's ``increaseTime``)."""

    def __init__(self, offset_ms: int = 0) -> None:
        self._offset_ms = offset_ms
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        with self._lock:
            return time.time_ns() // 1_000_000 + self._offset_ms

    def advance(self, ms: int) -> None:
        if ms < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset_ms += ms
