"""The shared options' numbers, in-process through click's CliRunner: a bad number is a
usage error (exit 2) naming the option, never a crash or a threshold quietly disabled."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.errors import ConfigError

MANIFEST = "version: 1\ncampaigns:\n  - {name: solo, type: preview, state: stopped}\n"


@pytest.fixture
def manifest(tmp_path: Path) -> str:
    path = tmp_path / "m.yaml"
    path.write_text(MANIFEST)
    return str(path)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    # no endpoint and no token: a run that gets past the options stops at configuration
    # (a ConfigError, which `cli.main` makes exit 1) before any request
    base = {"WOLKVOX_ENDPOINT": "", "WOLKVOX_TIMEOUT": "", "WOLKVOX_TOKEN": ""}
    return CliRunner().invoke(cli, list(args), env={**base, **(env or {})})


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = invoke(*args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def past_the_options(result: Result) -> bool:
    return isinstance(result.exception, ConfigError) and "no API endpoint" in str(result.exception)


@pytest.mark.parametrize("command", ["plan", "apply"])
@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--timeout", "-inf"),
        ("--timeout", "1e308"),
        ("--timeout", "3600.5"),
        ("--timeout", "0"),
        ("--timeout", "-1"),
        ("--max-stop-pct", "nan"),
        ("--max-stop-pct", "inf"),
        ("--max-stop-pct", "-1"),
        ("--max-stop-pct", "100.5"),
        ("--max-clears", "-1"),
        ("--max-clears", "nan"),
        ("--min-campaigns", "-1"),
    ],
)
def test_a_bad_number_is_a_usage_error_naming_the_option(
    manifest: str, command: str, option: str, value: str
) -> None:
    code, output = run(command, manifest, f"{option}={value}")
    assert code == 2, output
    assert f"Invalid value for '{option}'" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-5", "1e308", "soon"])
def test_a_bad_wolkvox_timeout_is_a_usage_error_naming_the_variable(
    manifest: str, value: str
) -> None:
    code, output = run("plan", manifest, env={"WOLKVOX_TIMEOUT": value})
    assert code == 2, output
    assert "'--timeout'" in output
    if value != "soon":  # click's own "not a valid float" does not name the variable
        assert "WOLKVOX_TIMEOUT" in output


@pytest.mark.parametrize(
    "args",
    [
        ["--timeout", "0.1"],
        ["--timeout", "3600"],
        ["--max-stop-pct", "0"],
        ["--max-stop-pct", "100"],
        ["--max-clears", "0"],
    ],
)
def test_the_bounds_themselves_are_accepted(manifest: str, args: list[str]) -> None:
    result = invoke("plan", manifest, *args)
    assert past_the_options(result), result.output


def test_a_good_wolkvox_timeout_is_accepted(manifest: str) -> None:
    result = invoke("plan", manifest, env={"WOLKVOX_TIMEOUT": "2.5"})
    assert past_the_options(result), result.output
