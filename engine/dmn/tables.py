"""Decision table evaluation: inputs, rule matching, hit policies and aggregation.

Semantics follow the engine Zeebe embeds (dmn-scala): no match gives the default output entries
(null when there are none, also for COLLECT); one output gives its value, several a context;
UNIQUE and ANY violations fail the evaluation, naming the decision and the rule rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Context, Decimal
from typing import Any

from engine.clock import Clock
from engine.dmn.model import (
    Aggregation,
    DecisionTable,
    EvaluationFailure,
    HitPolicy,
    Invalid,
    Literal,
    Rule,
    TableOutput,
)
from engine.dmn.outcome import TableTrace

_SUM_CONTEXT = Context(prec=34)  # DMN's decimal128 precision
_SINGLE_HIT = frozenset({HitPolicy.UNIQUE, HitPolicy.FIRST, HitPolicy.ANY, HitPolicy.PRIORITY})


def evaluate_literal(
    expression: Literal | Invalid, scope: Mapping[str, Any], clock: Clock | None = None
) -> Any:
    """Evaluate a compiled FEEL expression (null for an empty one); ``clock`` feeds now()."""
    if clock is None:
        return expression.run(scope)
    return expression.evaluate_at(scope, clock)


def evaluate_table(
    table: DecisionTable, scope: Mapping[str, Any], decision_id: str, clock: Clock | None = None
) -> tuple[Any, TableTrace]:
    """Evaluate ``table`` in ``scope``: (value, trace); raises :class:`EvaluationFailure`."""
    values = [evaluate_literal(i.expression, scope, clock) for i in table.inputs]
    first_only = table.hit_policy is HitPolicy.FIRST
    matched: list[Rule] = []
    if clock is None:
        for rule in table.rules:
            for column, matches in rule.checks:
                if not matches(values[column], scope):
                    break
            else:
                matched.append(rule)
                if first_only:
                    break
    else:
        for rule in table.rules:
            if all(
                entry is None or entry.matches(value, scope, clock=clock)
                for entry, value in zip(rule.input_entries, values, strict=False)
            ):
                matched.append(rule)
                if first_only:
                    break
    if not matched:
        return _defaults(table.outputs, scope, clock), TableTrace(table, values, (), ())
    rows = [
        tuple([evaluate_literal(entry, scope, clock) for entry in rule.output_entries])
        for rule in matched
    ]
    if len(rows) == 1 and table.hit_policy in _SINGLE_HIT:
        # The common case (one rule of a UNIQUE/FIRST/ANY table) without the general path.
        row = rows[0]
        value = row[0] if len(row) == 1 else _row_value(table, row)
        return value, TableTrace(table, values, matched, rows)
    value = _apply_hit_policy(table, matched, rows, decision_id)
    if first_only:
        del rows[1:]
    return value, TableTrace(table, values, matched, rows)


def _defaults(
    outputs: tuple[TableOutput, ...], scope: Mapping[str, Any], clock: Clock | None
) -> Any:
    values = {
        o.name or o.id: evaluate_literal(o.default, scope, clock)
        for o in outputs
        if o.default is not None
    }
    if not values:
        return None
    if len(values) == 1:
        # dmn-scala: a single default value is returned bare, even in a multi-output table.
        return next(iter(values.values()))
    return values


def _row_value(table: DecisionTable, row: tuple[Any, ...]) -> Any:
    if len(table.outputs) == 1:
        return row[0]
    return {(o.name or o.id): v for o, v in zip(table.outputs, row, strict=True)}


def _rows_text(rules: list[Rule]) -> str:
    return ", ".join(f"{r.index} ('{r.id}')" for r in rules)


def _apply_hit_policy(
    table: DecisionTable, matched: list[Rule], rows: list[tuple[Any, ...]], decision_id: str
) -> Any:
    policy = table.hit_policy
    if policy is HitPolicy.FIRST:
        return _row_value(table, rows[0])
    if policy is HitPolicy.UNIQUE:
        if len(rows) > 1:
            raise EvaluationFailure(
                f"hit policy UNIQUE of decision '{decision_id}' allows one matching rule, but "
                f"rules {_rows_text(matched)} matched"
            )
        return _row_value(table, rows[0])
    if policy is HitPolicy.ANY:
        distinct: list[tuple[Any, ...]] = []
        for row in rows:
            if row not in distinct:
                distinct.append(row)
        if len(distinct) > 1:
            raise EvaluationFailure(
                f"hit policy ANY of decision '{decision_id}' needs equal outputs, but rules "
                f"{_rows_text(matched)} matched with different outputs"
            )
        return _row_value(table, rows[0])
    if policy is HitPolicy.PRIORITY:
        return _row_value(table, _by_priority(table, rows)[0])
    if policy is HitPolicy.OUTPUT_ORDER:
        return [_row_value(table, row) for row in _by_priority(table, rows)]
    if policy is HitPolicy.RULE_ORDER or table.aggregation is None:
        return [_row_value(table, row) for row in rows]
    if table.aggregation is Aggregation.COUNT:
        return Decimal(len(rows))
    numbers: list[Decimal] = []
    for rule, row in zip(matched, rows, strict=True):
        value = row[0]
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise EvaluationFailure(
                f"COLLECT {table.aggregation} of decision '{decision_id}' needs numbers, but "
                f"rule {rule.index} ('{rule.id}') gave a non-number"
            )
        numbers.append(Decimal(value))
    if table.aggregation is Aggregation.SUM:
        total = Decimal(0)
        for number in numbers:
            total = _SUM_CONTEXT.add(total, number)
        return total
    if table.aggregation is Aggregation.MIN:
        return min(numbers)
    return max(numbers)


def _by_priority(table: DecisionTable, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows sorted by the position of their outputs in the outputs' value lists."""

    def key(row: tuple[Any, ...]) -> tuple[int, ...]:
        ranks = []
        for output, value in zip(table.outputs, row, strict=True):
            text = value if isinstance(value, str) else str(value)
            try:
                ranks.append(output.priorities.index(text))
            except ValueError:
                ranks.append(len(output.priorities))
        return tuple(ranks)

    return sorted(rows, key=key)
