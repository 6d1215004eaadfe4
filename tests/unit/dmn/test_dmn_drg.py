"""Decision requirement graphs, boxed expressions, BKMs, failures and the Zeebe result shape."""

from __future__ import annotations

import json

import pytest
from dmn_builders import definitions, literal, table

from engine.clock import ControlledClock
from engine.dmn import DecisionType, evaluate_decision, parse_dmn
from engine.errors import NotFound

BKM = """
<businessKnowledgeModel id="BKM_Fee" name="fee">
  <encapsulatedLogic>
    <formalParameter name="amount" typeRef="number"/>
    <formalParameter name="rate" typeRef="number"/>
    <literalExpression><text>amount * rate</text></literalExpression>
  </encapsulatedLogic>
</businessKnowledgeModel>
"""


def test_required_decisions_are_evaluated_once_and_first() -> None:
    # Diamond: Top requires Left and Right, both require Base.
    body = "\n".join(
        [
            literal("Base", "score * 2"),
            literal("Left", "Base + 1", requires=["Base"]),
            literal("Right", "Base + 2", requires=["Base"]),
            literal("Top", "Left + Right", requires=["Left", "Right"]),
        ]
    )
    outcome = evaluate_decision(parse_dmn(definitions(body), "d.dmn"), "Top", {"score": 10})
    assert outcome.ok
    assert outcome.output_json == 43
    assert [d.decision_id for d in outcome.evaluated_decisions] == ["Base", "Left", "Right", "Top"]
    assert all(
        d.decision_type is DecisionType.LITERAL_EXPRESSION for d in outcome.evaluated_decisions
    )


def test_table_reads_a_required_decision_result() -> None:
    body = literal("Decision_Score", "a + b") + table(
        "Decision_Level",
        inputs=[("score", "Decision_Score")],
        outputs=["level"],
        rules=[["< 10", '"low"'], [">= 10", '"high"']],
        requires=["Decision_Score"],
    )
    drg = parse_dmn(definitions(body), "d.dmn")
    assert evaluate_decision(drg, "Decision_Level", {"a": 4, "b": 7}).output_json == "high"


def test_bkm_invocation_binds_parameters_by_name() -> None:
    body = (
        BKM
        + """
<decision id="Decision_Fee" name="Fee">
  <variable name="Decision_Fee"/>
  <knowledgeRequirement><requiredKnowledge href="#BKM_Fee"/></knowledgeRequirement>
  <invocation>
    <literalExpression><text>fee</text></literalExpression>
    <binding><parameter name="rate"/><literalExpression><text>0.1</text></literalExpression>
    </binding>
    <binding><parameter name="amount"/><literalExpression><text>total</text></literalExpression>
    </binding>
  </invocation>
</decision>"""
    )
    outcome = evaluate_decision(
        parse_dmn(definitions(body), "d.dmn"), "Decision_Fee", {"total": 250}
    )
    assert outcome.output_json == 25
    assert outcome.evaluated_decisions[0].decision_type is DecisionType.INVOCATION


def test_bkm_is_callable_from_feel() -> None:
    body = BKM + literal(
        "Decision_Fee", "fee(100, 0.2) + fee(rate: 0.5, amount: 2)", knowledge=["BKM_Fee"]
    )
    outcome = evaluate_decision(parse_dmn(definitions(body), "d.dmn"), "Decision_Fee", {})
    assert outcome.output_json == 21


def test_context_relation_and_list_decisions() -> None:
    body = """
<decision id="Decision_Ctx" name="Ctx">
  <context>
    <contextEntry><variable name="base"/><literalExpression><text>x * 10</text></literalExpression>
    </contextEntry>
    <contextEntry><variable name="double"/>
      <functionDefinition><formalParameter name="n"/>
        <literalExpression><text>n * 2</text></literalExpression></functionDefinition>
    </contextEntry>
    <contextEntry><variable name="items"/>
      <list><literalExpression><text>base</text></literalExpression>
        <literalExpression><text>double(base)</text></literalExpression></list>
    </contextEntry>
    <contextEntry><variable name="rows"/>
      <relation><column name="k"/><column name="v"/>
        <row><literalExpression><text>"a"</text></literalExpression>
          <literalExpression><text>1</text></literalExpression></row>
        <row><literalExpression><text>"b"</text></literalExpression>
          <literalExpression><text>base</text></literalExpression></row>
      </relation>
    </contextEntry>
  </context>
</decision>"""
    outcome = evaluate_decision(parse_dmn(definitions(body), "d.dmn"), "Decision_Ctx", {"x": 3})
    assert outcome.ok, outcome.failure_message
    output = outcome.output_json
    assert output["base"] == 30
    assert output["items"] == [30, 60]
    assert output["rows"] == [{"k": "a", "v": 1}, {"k": "b", "v": 30}]
    assert outcome.evaluated_decisions[0].decision_type is DecisionType.CONTEXT


def test_context_result_entry_gives_the_value() -> None:
    body = """
<decision id="Decision_R" name="R">
  <context>
    <contextEntry><variable name="a"/><literalExpression><text>2</text></literalExpression>
    </contextEntry>
    <contextEntry><literalExpression><text>a * a</text></literalExpression></contextEntry>
  </context>
</decision>"""
    outcome = evaluate_decision(parse_dmn(definitions(body), "d.dmn"), "Decision_R", {})
    assert outcome.output_json == 4


def test_failing_required_decision_is_named_and_stops_evaluation() -> None:
    body = table(
        "Decision_Inner",
        inputs=[("x", "x")],
        outputs=["v"],
        rules=[["> 0", "1"], ["> 1", "2"]],
    ) + literal("Decision_Outer", "Decision_Inner + 1", requires=["Decision_Inner"])
    outcome = evaluate_decision(parse_dmn(definitions(body), "d.dmn"), "Decision_Outer", {"x": 5})
    assert not outcome.ok
    assert outcome.failed_decision_id == "Decision_Inner"
    assert (outcome.failure_message or "").startswith(
        "Expected to evaluate decision 'Decision_Outer', but"
    )
    assert [d.decision_id for d in outcome.evaluated_decisions] == ["Decision_Inner"]


def test_result_of_the_wrong_type_fails() -> None:
    body = literal("Decision_T", '"text"', type_ref="number")
    outcome = evaluate_decision(parse_dmn(definitions(body), "d.dmn"), "Decision_T", {})
    assert not outcome.ok
    assert "number" in (outcome.failure_message or "")


def test_unknown_decision_is_not_found() -> None:
    drg = parse_dmn(definitions(literal("Decision_A", "1")), "d.dmn")
    with pytest.raises(NotFound):
        evaluate_decision(drg, "Decision_Missing", {})


def test_to_api_fills_zeebe_shapes() -> None:
    body = table(
        "Decision_Level",
        inputs=[("分数", "score")],
        outputs=["level"],
        rules=[["< 50", '"low"'], [">= 50", '"high"']],
    )
    outcome = evaluate_decision(
        parse_dmn(definitions(body), "d.dmn"), "Decision_Level", {"score": 70}
    )
    result = outcome.to_api(
        decision_key=11,
        decision_version=2,
        decision_requirements_id="Definitions_Risk",
        decision_requirements_key=10,
        keys=lambda decision_id: (11, 2),
    )
    assert result.decision_output == '"high"'
    assert result.failed_decision_id == "" and result.failure_message == ""
    (evaluated,) = result.evaluated_decisions
    assert evaluated.decision_type == "DECISION_TABLE"
    assert evaluated.evaluated_inputs == (
        {"inputId": "Input_1", "inputName": "分数", "inputValue": "70"},
    )
    (rule,) = evaluated.matched_rules
    assert (rule.rule_id, rule.rule_index) == ("Rule_2", 2)
    assert json.loads(rule.evaluated_outputs[0]["outputValue"]) == "high"


def test_the_engine_clock_feeds_today_in_tables_and_expressions() -> None:
    body = table(
        "Decision_Era",
        inputs=[("今天", "today()")],
        outputs=["era"],
        rules=[['< date("2200-01-01")', '"now"'], ['>= date("2200-01-01")', '"future"']],
    ) + literal("Decision_Year", "today().year >= 2200")
    drg = parse_dmn(definitions(body), "clock.dmn")
    clock = ControlledClock()
    assert evaluate_decision(drg, "Decision_Era", {}, clock=clock).output_json == "now"
    assert evaluate_decision(drg, "Decision_Year", {}, clock=clock).output_json is False
    clock.advance(300 * 366 * 24 * 3600 * 1000)
    assert evaluate_decision(drg, "Decision_Era", {}, clock=clock).output_json == "future"
    assert evaluate_decision(drg, "Decision_Year", {}, clock=clock).output_json is True


def test_required_table_without_variable_is_read_under_its_id_as_camunda_does() -> None:
    # Camunda Modeler writes no <variable> on a decision table; dmn-scala then binds the
    # result under the decision id, not its (here Chinese) name.
    body = table(
        "Decision_Base",
        name="基础分",
        inputs=[("a", "a")],
        outputs=["score"],
        rules=[["-", "a * 2"]],
    ) + table(
        "Decision_Level",
        inputs=[("score", "Decision_Base")],
        outputs=["level"],
        rules=[["< 10", '"low"'], [">= 10", '"high"']],
        requires=["Decision_Base"],
    )
    drg = parse_dmn(definitions(body), "d.dmn")
    assert evaluate_decision(drg, "Decision_Level", {"a": 6}).output_json == "high"
