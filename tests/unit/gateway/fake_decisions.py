"""The canned answer of the fake engine's only decision, ``Decision_Known``."""

from engine import api

KNOWN_DECISION_RESULT = api.DecisionEvaluationResult(
    decision_id="Decision_Known",
    decision_name="Known",
    decision_key=1,
    decision_version=1,
    decision_requirements_id="Drg",
    decision_requirements_key=2,
    decision_output='"ok"',
    evaluated_decisions=(
        api.EvaluatedDecision(
            decision_id="Decision_Known",
            decision_name="Known",
            decision_key=1,
            decision_version=1,
            decision_type="DECISION_TABLE",
            decision_output='"ok"',
            evaluated_inputs=({"inputId": "i1", "inputName": "x", "inputValue": "1"},),
            matched_rules=(
                api.MatchedRule(
                    "r1", 1, ({"outputId": "o1", "outputName": "y", "outputValue": '"ok"'},)
                ),
            ),
        ),
    ),
)
