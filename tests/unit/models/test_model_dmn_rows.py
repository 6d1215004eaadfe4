"""Every decision table in dmn/, row by row: inputs → the rule that must match → its outputs.

The cases live as data in ``dmn_cases/*.json`` (one file per DMN resource). They are evaluated
through the embedded engine's DMN implementation, the same code that runs business-rule tasks.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from engine.dmn import DecisionRequirements, evaluate_decision, parse_dmn

from .modelfiles import DMN_DIR, parse, q

CASES_DIR = Path(__file__).parent / "dmn_cases"


def _case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.json"))


def _cases() -> Iterator[Any]:
    for path in _case_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        for table in data["tables"]:
            for n, case in enumerate(table["cases"], 1):
                name = case.get("name") or json.dumps(case["inputs"], ensure_ascii=False)
                yield pytest.param(
                    data["resource"],
                    table["decision"],
                    {**table["defaults"], **case["inputs"]},
                    case["rule"],
                    case["output"],
                    id=f"{table['decision']}-{n}-{name}",
                )


@cache
def _drg(resource: str) -> DecisionRequirements:
    return parse_dmn((DMN_DIR / resource).read_bytes(), resource)


def _same(actual: Any, expected: Any) -> bool:
    """Expected values match when equal; numbers within a tolerance; dicts on the keys given."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and _same(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float):
        return isinstance(actual, int | float) and math.isclose(actual, expected, abs_tol=1e-9)
    return bool(actual == expected)


@pytest.mark.parametrize(
    ("resource", "decision_id", "variables", "rule", "expected"), list(_cases())
)
def test_row(
    resource: str, decision_id: str, variables: dict[str, Any], rule: int | None, expected: Any
) -> None:
    outcome = evaluate_decision(_drg(resource), decision_id, variables)
    assert outcome.ok, outcome.failure_message
    evaluated = {d.decision_id: d for d in outcome.evaluated_decisions}[decision_id]
    matched = [m.rule_index for m in evaluated.matched_rules]
    assert matched == ([] if rule is None else [rule]), f"{decision_id}: matched rows {matched}"
    assert _same(outcome.output_json, expected), f"{decision_id}: got {outcome.output_json!r}"


def test_every_row_of_every_table_has_a_case() -> None:
    covered: dict[str, set[int]] = {}
    for path in _case_files():
        for table in json.loads(path.read_text(encoding="utf-8"))["tables"]:
            rules = {c["rule"] for c in table["cases"] if c["rule"] is not None}
            covered.setdefault(table["decision"], set()).update(rules)
    missing: list[str] = []
    for path in sorted(DMN_DIR.glob("*.dmn")):
        for decision in parse(path).iter(q("dmn:decision")):
            rows = len(decision.findall(f".//{q('dmn:rule')}"))
            absent = set(range(1, rows + 1)) - covered.get(decision.get("id", ""), set())
            if absent:
                missing.append(f"{path.name} {decision.get('id')}: rows {sorted(absent)}")
    assert not missing, "rows without a test case:\n" + "\n".join(missing)
