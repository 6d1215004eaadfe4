"""DMN 1.5 boxed expressions, decision services and model names FEEL cannot read bare."""

from __future__ import annotations

from typing import Any

import pytest
from dmn_builders import DMN15, definitions, literal

from engine.dmn import evaluate_decision, parse_dmn


def _decision(body: str) -> str:
    return f'<decision id="Decision_X" name="X"><variable name="X"/>{body}</decision>'


def _le(text: str) -> str:
    return f"<literalExpression><text>{text}</text></literalExpression>"


def _evaluate(body: str, variables: dict[str, Any] | None = None) -> Any:
    drg = parse_dmn(definitions(_decision(body), DMN15), "boxed.dmn")
    return evaluate_decision(drg, "Decision_X", variables or {})


@pytest.mark.parametrize(
    ("condition", "expected"),
    [("x > 1", "big"), ("x > 100", "small"), ("null", "small")],
)
def test_conditional_takes_then_only_for_true(condition: str, expected: str) -> None:
    body = (
        f"<conditional><if>{_le(condition)}</if><then>{_le('&quot;big&quot;')}</then>"
        f"<else>{_le('&quot;small&quot;')}</else></conditional>"
    )
    assert _evaluate(body, {"x": 5}).output_json == expected


def test_conditional_with_a_non_boolean_condition_fails() -> None:
    body = (
        f"<conditional><if>{_le('&quot;abc&quot;')}</if><then>{_le('1')}</then>"
        f"<else>{_le('2')}</else></conditional>"
    )
    outcome = _evaluate(body)
    assert not outcome.ok
    assert "not a boolean" in (outcome.failure_message or "")


def test_filter_keeps_items_that_match() -> None:
    body = f"<filter><in>{_le('[1,2,3,4,5]')}</in><match>{_le('item &gt;= 3')}</match></filter>"
    assert _evaluate(body).output_json == [3, 4, 5]


def test_for_some_every_iterate_over_a_list() -> None:
    for_body = (
        f'<for iteratorVariable="n"><in>{_le("[1,2,3]")}</in><return>{_le("n * n")}</return></for>'
    )
    assert _evaluate(for_body).output_json == [1, 4, 9]
    some = (
        f'<some iteratorVariable="n"><in>{_le("[1,2,3]")}</in>'
        f"<satisfies>{_le('n &gt; 2')}</satisfies></some>"
    )
    assert _evaluate(some).output_json is True
    every = some.replace("<some", "<every").replace("</some>", "</every>")
    assert _evaluate(every).output_json is False


def test_iteration_over_a_single_value_fails() -> None:
    body = (
        f'<some iteratorVariable="n"><in>{_le("1")}</in>'
        f"<satisfies>{_le('n &gt; 0')}</satisfies></some>"
    )
    assert not _evaluate(body).ok


def test_decision_service_is_a_function_of_its_inputs() -> None:
    body = """
<decisionService id="Service_Fee" name="fee service">
  <variable name="fee service"/>
  <outputDecision href="#Decision_Fee"/>
  <inputData href="#Input_Amount"/>
</decisionService>
<inputData id="Input_Amount" name="amount"><variable name="amount"/></inputData>
""" + "\n".join(
        [
            literal("Decision_Fee", "amount * 0.1"),
            literal("Decision_Total", "fee service(amount: 300) + 1", knowledge=["Service_Fee"]),
        ]
    )
    body = body.replace(
        '<decision id="Decision_Fee" name="Decision_Fee">',
        '<decision id="Decision_Fee" name="Decision_Fee"><informationRequirement>'
        '<requiredInput href="#Input_Amount"/></informationRequirement>',
    )
    drg = parse_dmn(definitions(body, DMN15), "service.dmn")
    outcome = evaluate_decision(drg, "Decision_Total", {"amount": 5})
    assert outcome.ok, outcome.failure_message
    assert outcome.output_json == 31


def test_names_with_dashes_and_keywords_are_read_whole() -> None:
    body = """
<inputData id="Input_1" name="Pre-bureau Risk"><variable name="Pre-bureau Risk"/></inputData>
<inputData id="Input_2" name="values in a list"><variable name="values in a list"/></inputData>
""" + literal("Decision_N", "Pre-bureau Risk + count(values in a list)")
    drg = parse_dmn(definitions(body, DMN15), "names.dmn")
    outcome = evaluate_decision(
        drg, "Decision_N", {"Pre-bureau Risk": 10, "values in a list": [1, 2]}
    )
    assert outcome.output_json == 12


def test_invoking_something_that_is_not_a_function_fails() -> None:
    binding = f"<binding><parameter name='a'/>{_le('1')}</binding>"
    body = f"<invocation>{_le('missing')}{binding}</invocation>"
    outcome = _evaluate(body)
    assert not outcome.ok
    assert "missing" in (outcome.failure_message or "")
