"""The TCK runner's value conversion and comparison (Camunda's runner rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree

from engine.feel import DaysTimeDuration, YearsMonthsDuration

from .values import convert, equal

_HEAD = (
    '<inputNode xmlns="http://www.omg.org/spec/DMN/20160719/testcase" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema" name="x">'
)


def _value(inner: str) -> object:
    return convert(etree.fromstring(f"{_HEAD}{inner}</inputNode>"))


def test_typed_values_become_feel_values() -> None:
    assert _value('<value xsi:type="xsd:decimal">10.5</value>') == Decimal("10.5")
    assert _value('<value xsi:type="xsd:string">10</value>') == "10"
    assert _value('<value xsi:type="xsd:boolean">true</value>') is True
    assert _value('<value xsi:type="xsd:date">2024-02-29</value>') == dt.date(2024, 2, 29)
    assert _value('<value xsi:type="xsd:duration">P1Y2M</value>') == YearsMonthsDuration(14)
    assert _value('<value xsi:type="xsd:duration">PT1H</value>') == DaysTimeDuration.of(hours=1)
    assert _value('<value xsi:nil="true"/>') is None


def test_untyped_text_is_boolean_number_or_string() -> None:
    assert _value("<value>false</value>") is False
    assert _value("<value>42</value>") == Decimal(42)
    assert _value("<value>forty-two</value>") == "forty-two"


def test_components_and_lists_nest() -> None:
    inner = (
        '<component name="a"><value xsi:type="xsd:decimal">1</value></component>'
        '<component name="b"><list><item><value xsi:type="xsd:string">x</value></item>'
        '<item><value xsi:nil="true"/></item></list></component>'
    )
    assert _value(inner) == {"a": Decimal(1), "b": ["x", None]}


def test_comparison_follows_camundas_runner() -> None:
    assert equal(Decimal("2878.69354943277"), Decimal("2878.693549432766"))
    assert not equal(Decimal("1.0001"), Decimal("1"))
    assert not equal(True, Decimal(1))
    assert equal(None, None) and not equal(None, Decimal(0))
    assert equal([Decimal(1), "a"], [Decimal("1.000000000001"), "a"])
    assert not equal([Decimal(1)], [Decimal(1), Decimal(2)])
    assert equal({"a": Decimal(1)}, {"a": Decimal(1)})
    assert not equal({"a": Decimal(1)}, {"a": Decimal(1), "b": None})
    offset = dt.datetime(2020, 1, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert not equal(offset, offset.astimezone(dt.UTC))
