"""Range built-ins of DMN 1.4 (``before``, ``overlaps`` …) and ``range(from)``.

Each accepts points and ranges as the specification lists; a point is treated as the closed
range ``[p..p]``. Unbounded ends (``None``) extend to infinity.
"""

from __future__ import annotations

from typing import Any

from engine.feel import ops
from engine.feel.builtins.registry import builtin, text
from engine.feel.errors import FeelError
from engine.feel.values import Range


def _range(value: Any) -> Range:
    if isinstance(value, Range):
        return value
    if value is None:
        raise TypeError("null is not a point")
    return Range(value, value, True, True)


def _lt(a: Any, b: Any) -> bool:
    result = ops.less(a, b)
    if result is None:
        raise TypeError("not comparable")
    return result


def _eq(a: Any, b: Any) -> bool:
    return ops.equal(a, b) is True


def _before(a: Range, b: Range) -> bool:
    if a.end is None or b.start is None:
        return False
    return _lt(a.end, b.start) or (
        _eq(a.end, b.start) and not (a.end_included and b.start_included)
    )


@builtin("before", "point1, point2")
def before(x: Any, y: Any) -> Any:
    return _before(_range(x), _range(y))


@builtin("after", "point1, point2")
def after(x: Any, y: Any) -> Any:
    return _before(_range(y), _range(x))


def _meets(a: Range, b: Range) -> bool:
    return a.end_included and b.start_included and a.end is not None and _eq(a.end, b.start)


@builtin("meets", "range1, range2")
def meets(x: Any, y: Any) -> Any:
    if not (isinstance(x, Range) and isinstance(y, Range)):
        return None
    return _meets(x, y)


@builtin("met by", "range1, range2")
def met_by(x: Any, y: Any) -> Any:
    if not (isinstance(x, Range) and isinstance(y, Range)):
        return None
    return _meets(y, x)


def _start_le_end(a: Range, b: Range) -> bool:
    """a's start is at or before b's end, allowing for open ends."""
    if a.start is None or b.end is None:
        return True
    if _lt(a.start, b.end):
        return True
    return _eq(a.start, b.end) and a.start_included and b.end_included


def _overlaps(a: Range, b: Range) -> bool:
    return _start_le_end(a, b) and _start_le_end(b, a)


@builtin("overlaps", "range1, range2")
def overlaps(x: Any, y: Any) -> Any:
    if not (isinstance(x, Range) and isinstance(y, Range)):
        return None
    return _overlaps(x, y)


def _start_before(a: Range, b: Range) -> bool:
    """a starts strictly before b (inclusive ends matter when equal)."""
    if a.start is None:
        return b.start is not None
    if b.start is None:
        return False
    return _lt(a.start, b.start) or (
        _eq(a.start, b.start) and a.start_included and not b.start_included
    )


def _end_before(a: Range, b: Range) -> bool:
    """a ends strictly before b ends."""
    if b.end is None:
        return a.end is not None
    if a.end is None:
        return False
    return _lt(a.end, b.end) or (_eq(a.end, b.end) and not a.end_included and b.end_included)


def _end_not_after(a: Range, b: Range) -> bool:
    """a ends before b ends, or at the same point unless only a includes it (DMN 1.4 10.3.4.12:
    ``a.end < b.end or (a.end = b.end and (not a.end included or b.end included))``)."""
    if b.end is None:
        return True
    if a.end is None:
        return False
    return _lt(a.end, b.end) or (_eq(a.end, b.end) and (not a.end_included or b.end_included))


@builtin("overlaps before", "range1, range2")
def overlaps_before(x: Any, y: Any) -> Any:
    if not (isinstance(x, Range) and isinstance(y, Range)):
        return None
    return _start_before(x, y) and _overlaps(x, y) and _end_not_after(x, y)


@builtin("overlaps after", "range1, range2")
def overlaps_after(x: Any, y: Any) -> Any:
    if not (isinstance(x, Range) and isinstance(y, Range)):
        return None
    return _start_before(y, x) and _overlaps(x, y) and _end_not_after(y, x)


def _same_end(a: Range, b: Range) -> bool:
    if a.end is None or b.end is None:
        return a.end is None and b.end is None
    return _eq(a.end, b.end) and a.end_included == b.end_included


def _same_start(a: Range, b: Range) -> bool:
    if a.start is None or b.start is None:
        return a.start is None and b.start is None
    return _eq(a.start, b.start) and a.start_included == b.start_included


def _includes(a: Range, b: Range) -> bool:
    return not _start_before(b, a) and not _end_before(a, b)


@builtin("finishes", "point, range")
def finishes(x: Any, y: Any) -> Any:
    if not isinstance(y, Range):
        return None
    a = _range(x)
    if not isinstance(x, Range):
        return y.end_included and y.end is not None and _eq(x, y.end)
    return _same_end(a, y) and _includes(y, a)


@builtin("finished by", "range, point")
def finished_by(x: Any, y: Any) -> Any:
    if not isinstance(x, Range):
        return None
    if not isinstance(y, Range):
        return x.end_included and x.end is not None and _eq(y, x.end)
    return _same_end(x, y) and _includes(x, y)


@builtin("starts", "point, range")
def starts(x: Any, y: Any) -> Any:
    if not isinstance(y, Range):
        return None
    if not isinstance(x, Range):
        return y.start_included and y.start is not None and _eq(x, y.start)
    return _same_start(x, y) and _includes(y, x)


@builtin("started by", "range, point")
def started_by(x: Any, y: Any) -> Any:
    if not isinstance(x, Range):
        return None
    if not isinstance(y, Range):
        return x.start_included and x.start is not None and _eq(y, x.start)
    return _same_start(x, y) and _includes(x, y)


@builtin("includes", "range, point")
def includes(x: Any, y: Any) -> Any:
    if not isinstance(x, Range):
        return None
    if not isinstance(y, Range):
        return ops.in_range(y, x)
    return _includes(x, y)


@builtin("during", "point, range")
def during(x: Any, y: Any) -> Any:
    return includes(y, x)


@builtin("coincides", "point1, point2")
def coincides(x: Any, y: Any) -> Any:
    if isinstance(x, Range) and isinstance(y, Range):
        return _same_start(x, y) and _same_end(x, y)
    if isinstance(x, Range) or isinstance(y, Range):
        return None
    return ops.equal(x, y)


@builtin("range", "from")
def range_(from_: Any) -> Any:
    from engine.feel.api import evaluate  # late: the API imports the built-ins

    try:
        value = evaluate(text(from_), {})
    except FeelError:
        return None
    return value if isinstance(value, Range) else None


# The DMN 1.4 signatures name the parameters after what is passed (point or range); named
# invocation accepts each spelling (feel-scala BuiltinRangeFunctionTest, `before(point: 11, ...)`).
for _name, _fn, _aliases in (
    # `range, point` has the same names as `point, range`: feel-scala reads them as the latter.
    ("before", before, ("point, range", "range1, range2")),
    ("after", after, ("point, range", "range1, range2")),
    ("finishes", finishes, ("range1, range2",)),
    ("finished by", finished_by, ("range1, range2",)),
    ("starts", starts, ("range1, range2",)),
    ("started by", started_by, ("range1, range2",)),
    ("includes", includes, ("range1, range2",)),
    ("during", during, ("range1, range2",)),
    ("coincides", coincides, ("range1, range2",)),
):
    for _params in _aliases:
        builtin(_name, _params)(_fn)
