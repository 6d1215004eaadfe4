"""Parsing: namespaces accepted, the model's shape, and invalid DMN rejected with its location."""

from __future__ import annotations

import pytest
from dmn_builders import DMN11, DMN12, DMN13, DMN14, DMN15, definitions, literal, table

from engine.dmn import HitPolicy, evaluate_decision, parse_dmn
from engine.dmn.model import DecisionTable
from engine.errors import InvalidArgument

SIMPLE_TABLE = table(
    "Decision_Level",
    inputs=[("分数", "score")],
    outputs=["level"],
    rules=[["< 50", '"low"'], [">= 50", '"high"']],
    name="风险等级",
)


@pytest.mark.parametrize("namespace", [DMN11, DMN12, DMN13, DMN14, DMN15])
def test_every_dmn_namespace_from_1_1_to_1_5_is_accepted(namespace: str) -> None:
    drg = parse_dmn(definitions(SIMPLE_TABLE, namespace), "level.dmn")
    assert evaluate_decision(drg, "Decision_Level", {"score": 70}).output_json == "high"


def test_model_exposes_the_drg() -> None:
    body = SIMPLE_TABLE + literal(
        "Decision_Label", '"等级：" + Decision_Level', requires=["Decision_Level"]
    )
    drg = parse_dmn(definitions(body), "level.dmn")
    assert (drg.id, drg.name, drg.namespace) == (
        "Definitions_Risk",
        "风险评估",
        "http://camunda.org/schema/1.0/dmn",
    )
    assert list(drg.decisions) == ["Decision_Level", "Decision_Label"]
    level = drg.decisions["Decision_Level"]
    assert level.name == "风险等级"
    assert isinstance(level.logic, DecisionTable)
    assert level.logic.hit_policy is HitPolicy.UNIQUE
    assert [r.index for r in level.logic.rules] == [1, 2]
    assert drg.decisions["Decision_Label"].required_decisions == ("Decision_Level",)


def _error(content: bytes) -> str:
    with pytest.raises(InvalidArgument) as caught:
        parse_dmn(content, "broken.dmn")
    return caught.value.message


def test_bad_xml_names_resource_and_line() -> None:
    message = _error(b"<definitions>\n<decision id='a'>\n</definitions>")
    assert "broken.dmn" in message and "line 3" in message


def test_not_a_dmn_document_is_rejected() -> None:
    message = _error(b'<definitions xmlns="http://example.com/other"/>')
    assert "broken.dmn" in message and "DMN" in message


def test_unparsable_input_entry_names_decision_rule_column_and_line() -> None:
    body = table(
        "Decision_Bad",
        inputs=[("分数", "score"), ("类型", "kind")],
        outputs=["level"],
        rules=[["< 50", '"a"', '"low"'], [">= 50", '"b" +* ', '"high"']],
    )
    message = _error(definitions(body))
    assert "resource 'broken.dmn'" in message
    assert "decision 'Decision_Bad'" in message
    assert "rule 2" in message
    assert "column 2 (input '类型')" in message
    assert "line " in message


def test_unparsable_output_entry_names_its_column() -> None:
    body = table(
        "Decision_Bad",
        inputs=[("分数", "score")],
        outputs=["level"],
        rules=[["< 50", '"low'], [">= 50", '"high"']],
    )
    message = _error(definitions(body))
    assert "rule 1" in message and "column 2 (output 'level')" in message


def test_unparsable_literal_expression_is_rejected() -> None:
    message = _error(definitions(literal("Decision_Lit", "1 + + ")))
    assert "decision 'Decision_Lit'" in message and "FEEL" in message


def test_unknown_hit_policy_is_rejected() -> None:
    message = _error(definitions(SIMPLE_TABLE.replace('"UNIQUE"', '"SOMETIMES"')))
    assert "hit policy 'SOMETIMES'" in message and "Decision_Level" in message


def test_missing_required_decision_is_rejected() -> None:
    message = _error(definitions(literal("Decision_A", "B + 1", requires=["Decision_B"])))
    assert "Decision_A" in message and "Decision_B" in message


def test_duplicate_decision_id_is_rejected() -> None:
    message = _error(definitions(literal("Decision_A", "1") + literal("Decision_A", "2")))
    assert "duplicate id 'Decision_A'" in message


def test_cyclic_requirements_are_rejected() -> None:
    body = literal("Decision_A", "Decision_B", requires=["Decision_B"]) + literal(
        "Decision_B", "Decision_A", requires=["Decision_A"]
    )
    assert "cyclic" in _error(definitions(body))


def test_rule_with_wrong_number_of_entries_is_rejected() -> None:
    body = table(
        "Decision_Short",
        inputs=[("a", "a"), ("b", "b")],
        outputs=["level"],
        rules=[['"x"', '"low"']],
    )
    message = _error(definitions(body))
    assert "rule 1" in message and "Decision_Short" in message


def test_aggregation_with_several_outputs_is_rejected() -> None:
    body = table(
        "Decision_Agg",
        inputs=[("a", "a")],
        outputs=["x", "y"],
        rules=[["-", "1", "2"]],
        hit_policy="COLLECT",
        aggregation="SUM",
    )
    assert "single output" in _error(definitions(body))


def test_lenient_parse_keeps_the_model_and_fails_only_the_broken_decision() -> None:
    body = literal("Decision_Good", '"ok"') + literal("Decision_Broken", "1 + + ")
    drg = parse_dmn(definitions(body), "mixed.dmn", strict=False)
    assert len(drg.problems) == 1 and "Decision_Broken" in drg.problems[0]
    assert evaluate_decision(drg, "Decision_Good", {}).output_json == "ok"
    broken = evaluate_decision(drg, "Decision_Broken", {})
    assert not broken.ok and broken.failed_decision_id == "Decision_Broken"


def test_parsed_model_is_reusable_across_evaluations() -> None:
    drg = parse_dmn(definitions(SIMPLE_TABLE), "level.dmn")
    results = [
        evaluate_decision(drg, "Decision_Level", {"score": s}).output_json for s in (1, 99, 2)
    ]
    assert results == ["low", "high", "low"]


def test_decision_without_id_is_rejected_naming_it() -> None:
    body = (
        '<decision name="无编号"><literalExpression><text>1</text></literalExpression></decision>'
    )
    message = _error(definitions(body))
    assert "'无编号' has no id" in message


def test_public_surface_is_what_the_runtime_and_models_use() -> None:
    import engine.dmn

    assert set(engine.dmn.__all__) == {
        "Aggregation",
        "BusinessKnowledgeModel",
        "Decision",
        "DecisionOutcome",
        "DecisionRequirements",
        "DecisionService",
        "DecisionType",
        "EvaluatedDecision",
        "EvaluatedInput",
        "EvaluatedOutput",
        "HitPolicy",
        "MatchedRule",
        "evaluate_decision",
        "evaluate_decision_feel",
        "parse_dmn",
    }
    assert all(hasattr(engine.dmn, name) for name in engine.dmn.__all__)
