"""Every command is listed by ``aggregator --help`` and documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.cli import COMMANDS, main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    for name in COMMANDS:
        assert f"  {name} " in listed, name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_is_documented_in_readme(name: str) -> None:
    assert f"aggregator {name}" in README, f"README does not mention 'aggregator {name}'"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"]) == 0
    assert "Usage: aggregator" in capsys.readouterr().out
