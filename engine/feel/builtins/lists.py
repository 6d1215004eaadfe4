"""List built-ins."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from engine.feel import ops
from engine.feel.builtins.registry import builtin, items, number
from engine.feel.ops import DECIMAL
from engine.feel.values import FeelFunction


def _spread(values: list[Any]) -> list[Any]:
    """``min(1, 2)`` and ``min([1, 2])`` mean the same."""
    if len(values) == 1 and isinstance(values[0], list):
        return list(values[0])
    return values


def _numbers(values: list[Any]) -> list[Decimal]:
    result = _spread(values)
    return [number(v) for v in result]


@builtin("list contains", "list, element")
def list_contains(values: Any, element: Any) -> Any:
    return ops.contains(items(values), element)


@builtin("count", "list")
def count(values: Any) -> Any:
    return Decimal(len(items(values)))


def _extreme(values: list[Any], pick: Callable[[int], bool]) -> Any:
    candidates = _spread(values)
    if not candidates:
        return None
    best = candidates[0]
    for value in candidates[1:]:
        order = ops.compare(value, best)
        if order is None:
            return None
        if pick(order):
            best = value
    if len(candidates) == 1 and ops.compare(best, best) is None:
        return None
    return best


@builtin("min", "list", varargs=True, required=1)
def min_(values: Any) -> Any:
    return _extreme(values if isinstance(values, list) else [values], lambda o: o < 0)


@builtin("max", "list", varargs=True, required=1)
def max_(values: Any) -> Any:
    return _extreme(values if isinstance(values, list) else [values], lambda o: o > 0)


@builtin("sum", "list", varargs=True, required=1)
def sum_(values: Any) -> Any:
    numbers = _numbers(values if isinstance(values, list) else [values])
    if not numbers:
        return None
    return functools.reduce(DECIMAL.add, numbers)


@builtin("product", "list", varargs=True, required=1)
def product(values: Any) -> Any:
    numbers = _numbers(values if isinstance(values, list) else [values])
    if not numbers:
        return None
    return functools.reduce(DECIMAL.multiply, numbers)


@builtin("mean", "list", varargs=True, required=1)
def mean(values: Any) -> Any:
    numbers = _numbers(values if isinstance(values, list) else [values])
    if not numbers:
        return None
    return DECIMAL.divide(functools.reduce(DECIMAL.add, numbers), Decimal(len(numbers)))


@builtin("median", "list", varargs=True, required=1)
def median(values: Any) -> Any:
    numbers = sorted(_numbers(values if isinstance(values, list) else [values]))
    if not numbers:
        return None
    middle = len(numbers) // 2
    if len(numbers) % 2:
        return numbers[middle]
    return DECIMAL.divide(DECIMAL.add(numbers[middle - 1], numbers[middle]), Decimal(2))


@builtin("stddev", "list", varargs=True, required=1)
def stddev(values: Any) -> Any:
    numbers = _numbers(values if isinstance(values, list) else [values])
    if len(numbers) < 2:
        return None
    average = DECIMAL.divide(functools.reduce(DECIMAL.add, numbers), Decimal(len(numbers)))
    squares = [DECIMAL.power(DECIMAL.subtract(n, average), 2) for n in numbers]
    variance = DECIMAL.divide(functools.reduce(DECIMAL.add, squares), Decimal(len(numbers) - 1))
    return DECIMAL.sqrt(variance)


@builtin("mode", "list", varargs=True, required=1)
def mode(values: Any) -> Any:
    numbers = _numbers(values if isinstance(values, list) else [values])
    counts: dict[Decimal, int] = {}
    for n in numbers:
        counts[n] = counts.get(n, 0) + 1
    if not counts:
        return []
    top = max(counts.values())
    return sorted(n for n, c in counts.items() if c == top)


def _booleans(values: list[Any]) -> list[Any]:
    return _spread(values)


def _all(values: Any) -> Any:
    flags = _booleans(values if isinstance(values, list) else [values])
    if any(flag is False for flag in flags):
        return False
    return True if all(flag is True for flag in flags) else None


def _any(values: Any) -> Any:
    flags = _booleans(values if isinstance(values, list) else [values])
    if any(flag is True for flag in flags):
        return True
    return False if all(flag is False for flag in flags) else None


for _name in ("all", "and"):
    builtin(_name, "list", varargs=True, required=1)(_all)
for _name in ("any", "or"):
    builtin(_name, "list", varargs=True, required=1)(_any)


@builtin("sublist", "list, start position, length", required=2)
def sublist(values: Any, start: Any, length: Any) -> Any:
    source = items(values)
    position = int(number(start))
    if position == 0 or abs(position) > len(source):
        return None
    begin = position - 1 if position > 0 else len(source) + position
    if length is None:
        return source[begin:]
    size = int(number(length))
    if size < 0 or begin + size > len(source):
        return None
    return source[begin : begin + size]


@builtin("append", "list, items", varargs=True, required=1)
def append(values: Any, extra: Any) -> Any:
    return [*items(values), *extra]


@builtin("concatenate", "lists", varargs=True, required=0)
def concatenate(lists: Any) -> Any:
    result: list[Any] = []
    for value in lists:
        # feel-scala takes a non-list argument as a one-item list
        result.extend(value if isinstance(value, list) else [value])
    return result


@builtin("insert before", "list, position, newItem")
def insert_before(values: Any, position: Any, new_item: Any) -> Any:
    source = list(items(values))
    index = int(number(position))
    if index == 0 or abs(index) > len(source):
        return None
    source.insert(index - 1 if index > 0 else len(source) + index, new_item)
    return source


@builtin("remove", "list, position")
def remove(values: Any, position: Any) -> Any:
    source = list(items(values))
    index = int(number(position))
    if index == 0 or abs(index) > len(source):
        return None
    del source[index - 1 if index > 0 else index]
    return source


@builtin("reverse", "list")
def reverse(values: Any) -> Any:
    return list(reversed(items(values)))


@builtin("index of", "list, match")
def index_of(values: Any, match: Any) -> Any:
    return [Decimal(i + 1) for i, v in enumerate(items(values)) if ops.equal(v, match) is True]


def _distinct(values: list[Any]) -> list[Any]:
    result: list[Any] = []
    for value in values:
        if not ops.contains(result, value):
            result.append(value)
    return result


@builtin("union", "lists", varargs=True, required=0)
def union(lists: Any) -> Any:
    return _distinct(
        [v for value in lists for v in (value if isinstance(value, list) else [value])]
    )


@builtin("distinct values", "list")
def distinct_values(values: Any) -> Any:
    return _distinct(items(values))


@builtin("duplicate values", "list")
def duplicate_values(values: Any) -> Any:
    source = items(values)
    return _distinct([v for i, v in enumerate(source) if ops.contains(source[i + 1 :], v)])


def _flat(values: list[Any]) -> list[Any]:
    result: list[Any] = []
    for value in values:
        if isinstance(value, list):
            result.extend(_flat(value))
        else:
            result.append(value)
    return result


@builtin("flatten", "list")
def flatten(values: Any) -> Any:
    return _flat(items(values))


@builtin("sort", "list, precedes")
def sort(values: Any, precedes: Any) -> Any:
    source = items(values)
    if not isinstance(precedes, FeelFunction):
        return None

    def order(a: Any, b: Any) -> int:
        if precedes.invoke_positional([a, b]) is True:
            return -1
        if precedes.invoke_positional([b, a]) is True:
            return 1
        return 0

    return sorted(source, key=functools.cmp_to_key(order))


@builtin("is empty", "list")
def is_empty(values: Any) -> Any:
    return not items(values)


@builtin("partition", "list, size")
def partition(values: Any, size: Any) -> Any:
    source = items(values)
    step = int(number(size))
    if step <= 0:
        return None
    return [source[i : i + step] for i in range(0, len(source), step)]


@builtin("list replace", "list, position, newItem")
def list_replace(values: Any, position: Any, new_item: Any) -> Any:
    source = list(values) if isinstance(values, list) else [values]
    if isinstance(position, FeelFunction):
        return [
            new_item if position.invoke_positional([item, new_item]) is True else item
            for item in source
        ]
    index = int(number(position))
    if index == 0 or abs(index) > len(source):
        return None
    source[index - 1 if index > 0 else index] = new_item
    return source


builtin("list replace", "list, match, newItem")(list_replace)
