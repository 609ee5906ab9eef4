"""One module per command; `reconciler.cli.COMMANDS` lists them.

A command returns None, or a `Verdict` that `cli.main` turns into an exit code; errors are
raised and mapped there too, in that one place."""

from __future__ import annotations

from enum import Enum

__all__ = ["Verdict"]


class Verdict(Enum):
    """What a command found, for the exit code (`plan --detailed-exitcode`)."""

    NO_CHANGES = "no-changes"
    CHANGES_PRESENT = "changes-present"
