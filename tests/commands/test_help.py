"""Every command's --help ends with an example; -v says what it logs for that command."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reconciler.cli import COMMANDS, cli
from reconciler.commands.help import EPILOG, VERBOSE

OWN = ["validate", "schema", "simulate", "demo", "export", "init", "show"]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_has_an_epilog_with_exit_codes_then_an_example(command: str) -> None:
    epilog = EPILOG[command]
    assert "Exit codes:" in epilog
    assert epilog.index("Exit codes:") < epilog.index("Example:")
    assert f"wolkvox-reconciler {command}" in epilog.split("Example:")[1]


@pytest.mark.parametrize("command", OWN)
def test_help_ends_with_the_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    tail = result.output.rstrip().split("Example:")
    assert len(tail) == 2 and f"wolkvox-reconciler {command}" in tail[1]
    assert "Exit codes:" in tail[0]
    assert " ".join(VERBOSE[command].split()[:4]) in " ".join(result.output.split())


def test_validate_says_it_makes_no_api_call_to_log() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert "Log every API call" not in result.output
    assert "makes no API call" in " ".join(result.output.split())
