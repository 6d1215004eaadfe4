"""The TCK summary file that CI prints (tests/artifacts/tck-summary.txt)."""

from __future__ import annotations

from pathlib import Path

from .runner import Summary

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SUMMARY_FILE = ARTIFACTS / "tck-summary.txt"
TARGET_RATE = 0.95

# True once a summary was written in this process (the pytest hook prints it only then).
written_this_session: list[bool] = []


def write_summary(summary: Summary) -> Path:
    """Write the one-line summary plus failure counts per folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    failing: dict[str, int] = {}
    for result in summary.results:
        if not result.passed:
            failing[result.case.folder] = failing.get(result.case.folder, 0) + 1
    lines = [summary.text()]
    if failing:
        lines.append("failing cases per folder:")
        lines.extend(f"  {folder}: {count}" for folder, count in sorted(failing.items()))
    SUMMARY_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written_this_session.append(True)
    return SUMMARY_FILE
