"""The DMN TCK cases Camunda's engine passes, run against engine.dmn (prints the pass count)."""

from __future__ import annotations

import re

from .gaps import GAPS_FILE
from .runner import run_camunda_selection
from .summary import TARGET_RATE, write_summary


def _known_gaps() -> set[str]:
    """``test_file#case_id`` of each failing case listed in FEEL-GAPS.md."""
    text = GAPS_FILE.read_text(encoding="utf-8")
    return set(re.findall(r"^- (\S+#\S+) — ", text, flags=re.MULTILINE))


def test_tck_cases_camunda_passes() -> None:
    summary = run_camunda_selection()
    write_summary(summary)
    assert len(summary.results) == 2854, "Camunda's list names 2,854 cases"
    level_2, total_2 = summary.level("compliance-level-2")
    failing_2 = [
        f"{r.case}: {r.reason}"
        for r in summary.results
        if r.case.level == "compliance-level-2" and not r.passed
    ]
    assert level_2 == total_2, "\n".join(failing_2)
    assert summary.passed / len(summary.results) >= TARGET_RATE, summary.text()
    # The rate alone would let dozens of passing cases break unnoticed: a case may fail only if
    # FEEL-GAPS.md already lists it (``python -m tests.tck.run --gaps`` rewrites the list).
    known = _known_gaps()
    regressed = [
        f"{r.case}: {r.reason}"
        for r in summary.results
        if not r.passed and f"{r.case.test_file}#{r.case.case_id}" not in known
    ]
    assert not regressed, "\n".join(regressed)
