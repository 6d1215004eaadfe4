"""Prints the TCK pass count at the end of a pytest run, whether or not ``-s`` is given."""

from __future__ import annotations

from typing import Any

from .summary import SUMMARY_FILE, written_this_session


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if written_this_session and SUMMARY_FILE.exists():
        terminalreporter.write_sep("-", "DMN TCK")
        terminalreporter.write_line(SUMMARY_FILE.read_text(encoding="utf-8").splitlines()[0])
