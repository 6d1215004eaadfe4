"""The DMN TCK cases Camunda's engine passes, run against engine.dmn (prints the pass count)."""

from __future__ import annotations

from .runner import run_camunda_selection
from .summary import TARGET_RATE, write_summary


def test_tck_cases_camunda_passes() -> None:
    summary = run_camunda_selection()
    write_summary(summary)
    assert summary.seconds < 60, f"the TCK run took {summary.seconds:.1f}s (limit 60s)"
    assert len(summary.results) == 2854, "Camunda's list names 2,854 cases"
    level_2, total_2 = summary.level("compliance-level-2")
    failing_2 = [
        f"{r.case}: {r.reason}"
        for r in summary.results
        if r.case.level == "compliance-level-2" and not r.passed
    ]
    assert level_2 == total_2, "\n".join(failing_2)
    assert summary.passed / len(summary.results) >= TARGET_RATE, summary.text()
