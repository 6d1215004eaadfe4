"""Helpers shared by the FEEL tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.feel import evaluate, to_feel


def feel(text: str, **variables: Any) -> Any:
    """Evaluate ``text`` with JSON-style keyword variables converted to FEEL values."""
    return evaluate(text, {name.replace("_", " "): to_feel(v) for name, v in variables.items()})


def num(text: str) -> Decimal:
    """A FEEL number."""
    return Decimal(text)
