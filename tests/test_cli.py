"""The command table: `--help` lists every command without importing one (cold start), and
every command listed exists."""

from __future__ import annotations

import subprocess
import sys

import click

from reconciler.cli import COMMANDS, cli


def test_help_lists_every_command_without_importing_any() -> None:
    code = (
        "import sys\n"
        "from reconciler.cli import cli\n"
        "try:\n"
        "    cli.main(['--help'], prog_name='wolkvox-reconciler')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('reconciler.commands.')))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'yaml')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[-2:] == ["[]", "[]"]
    for name, (_, line) in COMMANDS.items():
        assert f"{name}  " in out.stdout and line in out.stdout


def test_every_listed_command_exists_and_has_help() -> None:
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command), name
        assert command.help and command.epilog, name  # a description, then an example
