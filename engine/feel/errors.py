"""FEEL errors.

Hierarchy::

    InvalidArgument (engine.errors)
    └── FeelError
        ├── FeelSyntaxError      the text does not parse; carries expression, line and column
        └── FeelEvaluationError  an evaluation fails where Camunda fails it (``assert``, ``?``
                                 outside a unary test); everything else evaluates to null

Messages name the position and the construct, never variable values.
"""

from __future__ import annotations

from engine.errors import InvalidArgument


class FeelError(InvalidArgument):
    """Root of the FEEL errors."""


class FeelSyntaxError(FeelError):
    """An expression or unary test that does not parse."""

    def __init__(self, expression: str, line: int, column: int, reason: str) -> None:
        super().__init__(
            f"failed to parse FEEL expression at line {line}, column {column}: {reason}"
        )
        self.expression = expression
        self.line = line
        self.column = column
        self.reason = reason


class FeelEvaluationError(FeelError):
    """An evaluation that Camunda reports as a failure instead of a null result."""

    def __init__(self, message: str, expression: str = "") -> None:
        super().__init__(message)
        self.expression = expression
