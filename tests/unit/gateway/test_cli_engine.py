"""``wenping engine run`` and ``wenping engine history KEY`` parse as documented."""

import pytest

from wenping.cli import _parser


def test_engine_run_and_history_parse() -> None:
    assert _parser().parse_args(["engine", "run"]).engine_command == "run"
    args = _parser().parse_args(["engine", "history", "2251799813685249"])
    assert args.engine_command == "history" and args.key == 2251799813685249


def test_history_needs_a_numeric_key(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parser().parse_args(["engine", "history", "abc"])
    assert "invalid int value" in capsys.readouterr().err
