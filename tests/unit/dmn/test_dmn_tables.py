"""Decision tables: hit policies, aggregation, defaults, outputs and the audit Zeebe reports."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from dmn_builders import definitions, table

from engine.dmn import DecisionType, evaluate_decision, parse_dmn

# A risk table: score decides the level; rules 2 and 3 overlap for scores 60-70.
RISK_RULES = [
    ["< 40", '"low"', "1"],
    ["[40..70]", '"medium"', "2"],
    ["[60..100]", '"high"', "3"],
    ["> 100", '"extreme"', "4"],
]


def evaluate_table(
    hit_policy: str,
    score: int,
    *,
    aggregation: str | None = None,
    outputs: tuple[str, ...] = ("level",),
    defaults: tuple[str | None, ...] = (),
) -> Any:
    rules = [[r[0], *r[1 : 1 + len(outputs)]] for r in RISK_RULES]
    if outputs == ("points",):
        rules = [[r[0], r[2]] for r in RISK_RULES]
    xml = definitions(
        table(
            "Decision_Risk",
            inputs=[("风险分", "score")],
            outputs=outputs,
            rules=rules,
            hit_policy=hit_policy,
            aggregation=aggregation,
            defaults=defaults,
        )
    )
    return evaluate_decision(parse_dmn(xml, "risk.dmn"), "Decision_Risk", {"score": score})


@pytest.mark.parametrize(
    ("hit_policy", "aggregation", "outputs", "score", "expected"),
    [
        ("UNIQUE", None, ("level",), 10, "low"),
        ("FIRST", None, ("level",), 65, "medium"),
        ("RULE ORDER", None, ("level",), 65, ["medium", "high"]),
        ("COLLECT", None, ("level",), 65, ["medium", "high"]),
        ("COLLECT", "SUM", ("points",), 65, 5),
        ("COLLECT", "MIN", ("points",), 65, 2),
        ("COLLECT", "MAX", ("points",), 65, 3),
        ("COLLECT", "COUNT", ("points",), 65, 2),
        ("COLLECT", "COUNT", ("points",), 10, 1),
        ("UNIQUE", None, ("level", "points"), 120, {"level": "extreme", "points": 4}),
        (
            "RULE ORDER",
            None,
            ("level", "points"),
            65,
            [{"level": "medium", "points": 2}, {"level": "high", "points": 3}],
        ),
    ],
)
def test_hit_policies_give_camunda_results(
    hit_policy: str, aggregation: str | None, outputs: tuple[str, ...], score: int, expected: Any
) -> None:
    outcome = evaluate_table(hit_policy, score, aggregation=aggregation, outputs=outputs)
    assert outcome.ok, outcome.failure_message
    assert outcome.output_json == expected


def test_unique_violation_fails_naming_decision_and_rows() -> None:
    outcome = evaluate_table("UNIQUE", 65)
    assert not outcome.ok
    assert outcome.failed_decision_id == "Decision_Risk"
    assert outcome.output is None
    message = outcome.failure_message or ""
    assert "Decision_Risk" in message and "UNIQUE" in message
    assert "2 ('Rule_2')" in message and "3 ('Rule_3')" in message


def test_any_with_different_outputs_fails_and_with_equal_outputs_succeeds() -> None:
    failing = evaluate_table("ANY", 65)
    assert not failing.ok
    assert "ANY" in (failing.failure_message or "")
    assert "Rule_2" in (failing.failure_message or "")

    xml = definitions(
        table(
            "Decision_Any",
            inputs=[("分数", "score")],
            outputs=["level"],
            rules=[[">= 50", '"pass"'], [">= 60", '"pass"']],
            hit_policy="ANY",
        )
    )
    outcome = evaluate_decision(parse_dmn(xml, "any.dmn"), "Decision_Any", {"score": 70})
    assert outcome.ok
    assert outcome.output_json == "pass"
    assert [r.rule_index for r in outcome.evaluated_decisions[0].matched_rules] == [1, 2]


@pytest.mark.parametrize("hit_policy", ["UNIQUE", "FIRST", "RULE ORDER", "COLLECT"])
def test_no_match_gives_null(hit_policy: str) -> None:
    outcome = evaluate_decision(
        parse_dmn(
            definitions(
                table(
                    "Decision_None",
                    inputs=[("类别", "category")],
                    outputs=["level"],
                    rules=[['"a"', '"low"']],
                    hit_policy=hit_policy,
                )
            ),
            "none.dmn",
        ),
        "Decision_None",
        {"category": "z"},
    )
    assert outcome.ok
    assert outcome.output is None
    assert outcome.evaluated_decisions[0].matched_rules == ()


def test_no_match_gives_default_output_values() -> None:
    xml = definitions(
        table(
            "Decision_Default",
            inputs=[("类别", "category")],
            outputs=["level", "points"],
            rules=[['"a"', '"low"', "1"]],
            defaults=['"未知"', "0"],
        )
    )
    outcome = evaluate_decision(parse_dmn(xml, "d.dmn"), "Decision_Default", {"category": "b"})
    assert outcome.output_json == {"level": "未知", "points": 0}


def test_audit_lists_inputs_and_matched_rules_with_outputs() -> None:
    outcome = evaluate_table("RULE ORDER", 65, outputs=("level", "points"))
    (decision,) = outcome.evaluated_decisions
    assert decision.decision_id == "Decision_Risk"
    assert decision.decision_type is DecisionType.DECISION_TABLE
    assert [(i.input_id, i.input_name, i.value) for i in decision.inputs] == [
        ("Input_1", "风险分", Decimal(65))
    ]
    assert [(r.rule_id, r.rule_index) for r in decision.matched_rules] == [
        ("Rule_2", 2),
        ("Rule_3", 3),
    ]
    outputs = decision.matched_rules[1].outputs
    assert [(o.output_id, o.output_name, o.value) for o in outputs] == [
        ("Output_1", "level", "high"),
        ("Output_2", "points", Decimal(3)),
    ]


def test_first_reports_only_the_first_matching_rule() -> None:
    outcome = evaluate_table("FIRST", 65)
    assert [r.rule_index for r in outcome.evaluated_decisions[0].matched_rules] == [2]


def test_collect_sum_of_a_non_number_fails_naming_the_rule() -> None:
    xml = definitions(
        table(
            "Decision_Sum",
            inputs=[("x", "x")],
            outputs=["points"],
            rules=[["-", "1"], ["-", '"two"']],
            hit_policy="COLLECT",
            aggregation="SUM",
        )
    )
    outcome = evaluate_decision(parse_dmn(xml, "s.dmn"), "Decision_Sum", {"x": 1})
    assert not outcome.ok
    assert "rule 2 ('Rule_2')" in (outcome.failure_message or "")


def test_priority_and_output_order_follow_output_values() -> None:
    xml = definitions(
        """
<decision id="Decision_P" name="P">
  <decisionTable id="DT_P" hitPolicy="PRIORITY">
    <input id="I1" label="x"><inputExpression id="IE1"><text>x</text></inputExpression></input>
    <output id="O1" name="level"><outputValues><text>"high","medium","low"</text></outputValues>
    </output>
    <rule id="R1"><inputEntry><text>&gt; 0</text></inputEntry>
      <outputEntry><text>"low"</text></outputEntry></rule>
    <rule id="R2"><inputEntry><text>&gt; 5</text></inputEntry>
      <outputEntry><text>"high"</text></outputEntry></rule>
    <rule id="R3"><inputEntry><text>&gt; 3</text></inputEntry>
      <outputEntry><text>"medium"</text></outputEntry></rule>
  </decisionTable>
</decision>"""
    )
    drg = parse_dmn(xml, "p.dmn")
    assert evaluate_decision(drg, "Decision_P", {"x": 10}).output_json == "high"
    assert evaluate_decision(drg, "Decision_P", {"x": 4}).output_json == "medium"
    ordered = parse_dmn(xml.replace(b'"PRIORITY"', b'"OUTPUT ORDER"'), "o.dmn")
    assert evaluate_decision(ordered, "Decision_P", {"x": 10}).output_json == [
        "high",
        "medium",
        "low",
    ]


def test_input_entries_use_feel_unary_tests() -> None:
    xml = definitions(
        table(
            "Decision_Track",
            inputs=[("项目类型", "projectType"), ("投资额", "investment")],
            outputs=["track"],
            rules=[
                ['"征地拆迁","重大工程"', ">= 10000", '"key"'],
                ['not("征地拆迁","重大工程")', "-", '"general"'],
                ["-", "< 10000", '"general"'],
            ],
            hit_policy="FIRST",
        )
    )
    drg = parse_dmn(xml, "t.dmn")
    cases = [
        ({"projectType": "征地拆迁", "investment": 20000}, "key"),
        ({"projectType": "重大工程", "investment": 500}, "general"),
        ({"projectType": "其他", "investment": 20000}, "general"),
    ]
    for variables, expected in cases:
        assert evaluate_decision(drg, "Decision_Track", variables).output_json == expected
