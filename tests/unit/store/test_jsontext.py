"""The store's JSON text: orjson where it can, the standard library where it cannot."""

from __future__ import annotations

import json
from enum import StrEnum

import pytest

from engine.store import jsontext


class Colour(StrEnum):
    RED = "red"


@pytest.mark.parametrize(
    "value",
    [
        {"name": "张三", "n": 1, "x": 1.5, "ok": True, "none": None, "list": [1, "二"]},
        {"tuple": (1, 2), "nested": {"a": {"b": []}}},
        {"colour": Colour.RED},
        {"big": 2**70},  # beyond 64 bits: orjson refuses, the standard library writes it
        {"surrogate": "\ud800"},  # a lone surrogate, as json.loads accepts it
        {1: "int key"},
    ],
)
def test_text_reads_back_as_the_standard_library_writes_it(value: object) -> None:
    text = jsontext.dumps(value)
    assert json.loads(text) == json.loads(
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    )
    assert ", " not in text and ": " not in text


def test_chinese_text_is_written_as_is_not_escaped() -> None:
    assert jsontext.dumps({"name": "白银市"}) == '{"name":"白银市"}'


def test_what_neither_can_write_is_refused() -> None:
    with pytest.raises(TypeError):
        jsontext.dumps({"value": object()})


@pytest.mark.parametrize(
    "text", ['{"a":[1,2.5,"三",null,true]}', '{"big":1180591620717411303424}', '"\\ud800"', "NaN"]
)
def test_loads_reads_what_the_standard_library_reads(text: str) -> None:
    parsed = jsontext.loads(text)
    expected = json.loads(text)
    assert parsed == expected or (parsed != parsed and expected != expected)  # NaN


def test_loads_reports_bad_text_as_the_standard_library_does() -> None:
    with pytest.raises(json.JSONDecodeError) as error:
        jsontext.loads('{"a": 1,}')
    assert (error.value.lineno, error.value.colno) == (1, 9)
