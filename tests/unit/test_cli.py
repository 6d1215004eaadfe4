"""The console command parses its subcommands and refuses unknown ones."""

import pytest

from wenping.cli import _parser


def test_deploy_takes_paths() -> None:
    args = _parser().parse_args(["deploy", "bpmn/a.bpmn", "dmn/b.dmn"])
    assert args.paths == ["bpmn/a.bpmn", "dmn/b.dmn"]


def test_unknown_subcommand_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        _parser().parse_args(["launch"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_worker_settings_take_field_names_as_well_as_camunda_aliases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wenping.settings import WorkerSettings

    assert WorkerSettings(database_url="sqlite:///x.db").database_url == "sqlite:///x.db"
    monkeypatch.setenv("ZEEBE_ADDRESS", "zeebe.example:26500")
    assert WorkerSettings().zeebe_address == "zeebe.example:26500"
