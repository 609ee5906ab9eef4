"""What every command's `--help` ends with (its exit codes, then an example), and what `-v`
logs for each command, in one place so that the commands cannot drift apart.

Click rewraps help text; a paragraph whose first line is `\\b` is printed as written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

__all__ = ["EPILOG", "VERBOSE", "epilog", "verbose_option"]

F = TypeVar("F", bound=Callable[..., Any])

_PLAIN_CODES = """\b
Exit codes:
  0  success
  1  the user's error (bad manifest, API failure, refused); one line on stderr says why
  2  usage error (unknown option, bad value)
  3  internal error (a bug; details in a log file, never on the terminal)
"""


def _example(*lines: str) -> str:
    return "\b\nExample:\n" + "\n".join(f"  {line}" for line in lines) + "\n"


#: command name → the end of its `--help`: exit codes, then an example
EPILOG: dict[str, str] = {
    "validate": _PLAIN_CODES
    + _example(
        "wolkvox-reconciler validate manifests/",
        "# OK: 1 file, 8 campaigns (4 started, 2 stopped, 2 cleared)",
    ),
    "schema": _PLAIN_CODES + _example("wolkvox-reconciler schema > schemas/campaigns.schema.json"),
    "plan": """\b
Exit codes:
  0  the plan was made (with --detailed-exitcode: and there are no changes)
  1  bad manifest, API failure, or the plan has errors (apply would refuse it)
  2  with --detailed-exitcode: changes present; also a usage error
  3  internal error (a bug; details in a log file)
"""
    + _example(
        "wolkvox-reconciler plan manifests/ --out plan.json",
        "wolkvox-reconciler show plan.json --markdown",
    ),
    "apply": """\b
Exit codes:
  0  applied (or nothing to apply)
  1  refused (plan errors, thresholds, stale plan, lock held, no confirmation) or an
     action failed; the summary says which
  2  usage error
  3  internal error (a bug; details in a log file)
  130  interrupted (Ctrl-C / SIGTERM): calls in flight finished, nothing new started
"""
    + _example(
        "wolkvox-reconciler plan manifests/ --out plan.json",
        "wolkvox-reconciler apply --plan plan.json --auto-approve",
    ),
    "simulate": """\b
Exit codes:
  0  stopped by SIGTERM or Ctrl-C (state saved)
  1  bad seed file, unusable state file, or the port is busy
  2  usage error
"""
    + _example(
        "wolkvox-reconciler simulate --port 8765 &",
        "WOLKVOX_ENDPOINT=http://127.0.0.1:8765 WOLKVOX_TOKEN=simulator-token \\",
        "  wolkvox-reconciler plan manifests/",
    ),
    "demo": """\b
Exit codes:
  0  the second plan had nothing left to do
  1  a step failed (its output says why)
"""
    + _example('cd "$(mktemp -d)" && wolkvox-reconciler demo'),
    "export": _PLAIN_CODES
    + _example(
        "export WOLKVOX_TOKEN=...",
        "wolkvox-reconciler export --endpoint https://wv0002.wolkvox.com -o manifests/live.yaml",
        "wolkvox-reconciler plan manifests/          # No changes.",
    ),
    "init": _PLAIN_CODES
    + _example(
        "wolkvox-reconciler init campaigns-repo --ci github",
        "cd campaigns-repo && git init && wolkvox-reconciler validate manifests/",
    ),
    "state": _PLAIN_CODES
    + _example(
        "wolkvox-reconciler state list manifests/",
        "wolkvox-reconciler state mv old-name new-name manifests/",
        "wolkvox-reconciler state migrate --to postgres manifests/",
    ),
    "import": _PLAIN_CODES
    + _example(
        "wolkvox-reconciler import renewals 5003 manifests/",
        "wolkvox-reconciler plan manifests/   # renewals is campaign 5003, whatever its name",
    ),
    "history": _PLAIN_CODES
    + _example(
        "wolkvox-reconciler history manifests/ -n 5",
        "wolkvox-reconciler history manifests/ --run 3f2a9c1b7e6d",
    ),
    "show": _PLAIN_CODES
    + _example(
        "wolkvox-reconciler plan manifests/ --out plan.json",
        "wolkvox-reconciler show plan.json --markdown --split comments/",
    ),
}

#: command name → what `-v` makes it log
VERBOSE: dict[str, str] = {
    "validate": "Accepted for symmetry: validate makes no API call, so there is nothing to log.",
    "schema": "Accepted for symmetry: schema makes no API call, so there is nothing to log.",
    "show": "Accepted for symmetry: show reads a file and makes no API call.",
    "state": "Accepted for symmetry: the state commands make no API call.",
    "history": "Accepted for symmetry: history reads the state and makes no API call.",
    "import": "Log the one API call (the campaign list that shows the id is live) to "
    "stderr. The token is never logged.",
    "init": "Log the API call of the export (when a token and endpoint are given); "
    "-vv also each retry wait. The token is never logged.",
    "export": "Log the one API call (the campaign list: api, status, duration) to stderr; "
    "-vv also each retry wait. The token is never logged.",
    "plan": "Log the one API call (the campaign list: api, status, duration) to stderr; "
    "-vv also each retry wait. The token is never logged.",
    "apply": "Log every API call (method, api, campaign id, status, duration) to stderr; "
    "-vv also each retry wait. The token is never logged.",
    "demo": "Passed on to each plan and apply the demo runs (their API calls to the "
    "local simulator).",
    "simulate": "Log every request the simulator answers (method, URL, status, duration) "
    "to stderr; never the token.",
}


def epilog(command: str) -> str:
    return EPILOG[command]


def verbose_option(command: str) -> Callable[[F], F]:
    """`-v/--verbose` (counted) with the wording of `command`."""

    def decorate(f: F) -> F:
        return click.option("-v", "--verbose", count=True, help=VERBOSE[command])(f)

    return decorate
