"""The runtime of the embedded engine: Zeebe's semantics over a durable row store."""

from engine.runtime.engine import Engine

__all__ = ["Engine"]
