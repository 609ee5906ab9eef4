"""The command line: thin. Each command lives in `reconciler/commands/<name>.py`, is
imported only when invoked, parses its options, calls one core function, and lets
`main()` map what went wrong to an exit code, in this one place:

    0  success (with --detailed-exitcode: no changes)
    1  the user's error: bad manifest, API failure, plan error, apply refused or failed
    2  with --detailed-exitcode: changes present (a successful plan), and nothing else;
       without it, click's usage errors (with it, a usage error is 1: a pipeline that
       accepts 2 as "changes" must never pass on a mistyped option)
    3  an unexpected internal error (the traceback goes to a log file, not the terminal)
  130  interrupted (Ctrl-C)
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import Any

import click

from .errors import Interrupted, ManifestError, ReconcilerError, UsageError

__all__ = ["COMMANDS", "cli", "main"]

#: name → ("module:attribute", the line `--help` shows) of every command, in help order. No
#: discovery magic; the line is kept here so that `--help` imports no command module (a
#: test pins it to each command's own docstring).
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "reconciler.commands.validate:validate",
        "Check manifests without calling the API.",
    ),
    "schema": ("reconciler.commands.validate:schema", "Print the manifest JSON Schema (2020-12)."),
    "plan": ("reconciler.commands.plan:plan", "Show what apply would change (one API call)."),
    "apply": ("reconciler.commands.apply:apply", "Bring the live campaigns to the manifests."),
    "show": ("reconciler.commands.show:show", "Print a saved plan, as plan printed it."),
    "export": ("reconciler.commands.export:export", "Write the live campaigns as manifests."),
    "init": ("reconciler.commands.init:init", "Create a GitOps repository of manifests."),
    "state": ("reconciler.commands.state:state", "Read and change the operation's state."),
    "import": ("reconciler.commands.import_:import_", "Bind a manifest campaign to a live id."),
    "history": ("reconciler.commands.history:history", "Show the last applies, from the state."),
    "simulate": ("reconciler.commands.simulate:simulate", "Serve a local wolkvox API simulator."),
    "demo": ("reconciler.commands.demo:demo", "Plan and apply against a simulator, offline."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attr = COMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from `COMMANDS`, without importing a command."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, line) for name, (_, line) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wolkvox-reconciler")
def cli() -> None:
    """Call-center campaigns as code: validate, plan and apply wolkvox dialer campaigns."""


def redact_all(text: str) -> str:
    """The secret module's, imported only when an error is to be printed (cold start)."""
    from .secret import redact_all as redact

    return redact(text)


def _replace_unencodable() -> None:
    """A terminal that cannot show a character gets a replacement, never a crash."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # a closed or exotic stream is left as it is
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> Any:
    from .commands import Verdict

    _replace_unencodable()
    args = sys.argv[1:] if argv is None else argv
    # under --detailed-exitcode, 2 means exactly "a successful plan with changes"
    usage_code = 1 if "--detailed-exitcode" in args else 2
    try:
        result = cli.main(args=argv, prog_name="wolkvox-reconciler", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(usage_code if exc.exit_code == 2 else exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except UsageError as exc:
        click.echo(redact_all(f"Error: {exc}"), err=True)
        sys.exit(usage_code)
    except Interrupted as exc:
        click.echo(redact_all(str(exc)), err=True)
        sys.exit(130)
    except ManifestError as exc:
        for problem in exc.problems:
            click.echo(redact_all(str(problem)), err=True)
        n = len(exc.problems)
        click.echo(f"{n} error{'s' if n != 1 else ''} found.", err=True)
        sys.exit(1)
    except ReconcilerError as exc:
        click.echo(redact_all(f"Error: {exc}"), err=True)
        sys.exit(1)
    except Exception:  # the unexpected: a bug of ours, never a traceback on the terminal
        import tempfile
        import traceback

        with tempfile.NamedTemporaryFile(
            "w", prefix="wolkvox-reconciler-crash-", suffix=".log", delete=False
        ) as log:
            log.write(redact_all(traceback.format_exc()))
        click.echo(f"Internal error (a bug in wolkvox-reconciler); details in {log.name}", err=True)
        sys.exit(3)
    sys.exit(2 if result is Verdict.CHANGES_PRESENT else 0)


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
