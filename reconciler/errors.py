"""Every error the reconciler raises on purpose. One root, a branch per layer::

    ReconcilerError
    ├── ManifestError          bad manifest input; carries every located Problem
    ├── ConfigError            bad command-line / environment configuration (missing token…)
    │   └── UsageError         options that cannot go together (click's usage exit 2)
    ├── ApiError               a vendor API call failed; names the call and the campaign
    │   ├── AuthError          401, or 403 "PLEASE VALIDATE TOKEN"             (never retried)
    │   ├── QuotaExhausted     403 "TOKEN LIMIT EXCEEDED"                      (never retried)
    │   ├── ConcurrencyLimited 403 "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS" (retried)
    │   ├── TransientError     5xx, 403 during backups, timeouts, dropped connections (retried)
    │   ├── OutcomeUnknown     a create was sent and its outcome is unknown    (never retried)
    │   ├── NotFound           unknown campaign_id / type mismatch             (never retried)
    │   ├── BadRequest         400 of any other kind                           (never retried)
    │   └── ProtocolError      not JSON, an HTML page, a wrong shape, `error` set on 200
    ├── PlanError              a plan cannot be made, read or trusted (bad file)
    │   ├── StalePlan          the live state moved since the plan was made (`changes`)
    │   ├── PlanMismatch       a saved plan is altered, foreign, or no longer what the
    │   │                      manifests and live state produce (`differences`)
    │   └── ApprovalNeeded     past the safety thresholds, and no reviewer approved it
    └── ApplyError             apply refused or stopped (not approved)
        ├── LockHeld           another apply of the operation runs (`holder`)
        ├── UnsafePlan         past a safety threshold (`reasons`)
        ├── ApplyFailed        an action failed (`report`)
        └── Interrupted        Ctrl-C / SIGTERM: in-flight calls finished (`report`)

Messages never contain the token: it travels as a `secret.Secret`, which never prints
itself, and the CLI redacts it from anything it prints as a last line of defence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ApiError",
    "ApplyError",
    "ApplyFailed",
    "ApprovalNeeded",
    "AuthError",
    "BadRequest",
    "ConcurrencyLimited",
    "ConfigError",
    "Interrupted",
    "Location",
    "LockHeld",
    "ManifestError",
    "NotFound",
    "OutcomeUnknown",
    "PlanError",
    "PlanMismatch",
    "Problem",
    "ProtocolError",
    "QuotaExhausted",
    "ReconcilerError",
    "StalePlan",
    "StateError",
    "TransientError",
    "UnsafePlan",
    "UsageError",
]


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was written: 1-based line and column, as editors show them."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, and where."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class ReconcilerError(Exception):
    """Root of every error the reconciler raises on purpose; the CLI maps it to exit 1."""


class ManifestError(ReconcilerError):
    """The manifests are invalid; `problems` lists every reason, each located."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(sorted(problems, key=_problem_order))
        super().__init__("\n".join(str(p) for p in self.problems))


def _problem_order(problem: Problem) -> tuple[str, int, int, str]:
    loc = problem.location
    return (loc.file, loc.line, loc.column, problem.message)


class ConfigError(ReconcilerError):
    """Configuration is missing or wrong (no endpoint, no token, bad option)."""


class UsageError(ConfigError):
    """The command was called wrong (exclusive options, `--out` naming a manifest): exit 2."""


class ApiError(ReconcilerError):
    """A call to the vendor API failed.

    `call` is the vendor's `api=` name (`campaigns`, `create_campaign`, `start`, `stop`,
    `clear_campaign`); `campaign` the campaign name or id concerned, when there is one.
    """

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        call: str,
        campaign: str | None = None,
        status_code: int | None = None,
    ) -> None:
        self.message = message
        self.call = call
        self.campaign = campaign
        self.status_code = status_code
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.call}"
        if self.campaign:
            where += f" of campaign {self.campaign}"
        status = f" (HTTP {self.status_code})" if self.status_code else ""
        return f"{where} failed{status}: {self.message}"


class AuthError(ApiError):
    """The token is missing, wrong or revoked."""


class QuotaExhausted(ApiError):
    """The token's daily quota is used up; nothing will succeed until tomorrow."""


class ConcurrencyLimited(ApiError):
    """Too many simultaneous requests on one token; worth retrying after a pause."""

    retryable = True


class TransientError(ApiError):
    """A failure that may pass: 5xx, backup window, timeout, dropped connection."""

    retryable = True


class OutcomeUnknown(ApiError):
    """A non-idempotent call (create) was sent but its answer never came back.

    The change may or may not have happened: look at the live list before trying again.
    """


class NotFound(ApiError):
    """The campaign does not exist, or exists with another type."""


class BadRequest(ApiError):
    """The vendor refused the request as malformed."""


class ProtocolError(ApiError):
    """The answer was not what the vendor documents (not JSON, HTML, wrong shape)."""


class PlanError(ReconcilerError):
    """A plan cannot be computed, read, or trusted."""


def _listed(items: Sequence[str], most: int = 10) -> str:
    """At most `most` items, one per line, then how many more."""
    lines = [f"  {item}" for item in items[:most]]
    if len(items) > most:
        lines.append(f"  … and {len(items) - most} more")
    return "\n".join(lines)


class StalePlan(PlanError):
    """The campaigns a plan manages changed since it was made; `changes` says how."""

    def __init__(self, changes: Sequence[str], *, saved: bool) -> None:
        self.changes = tuple(changes)
        self.saved = saved
        if saved:
            what, hint = "saved plan is stale", "make the plan again"
        else:
            what = "the live state changed since the plan above was made"
            hint = "run apply again to see the new plan"
        super().__init__(f"{what}; nothing was executed ({hint}):\n{_listed(self.changes)}")


class PlanMismatch(PlanError):
    """A saved plan that apply will not execute: altered, made for another operation, or
    not what the manifests and the live state produce now; `differences` says why."""

    def __init__(self, summary: str, differences: Sequence[str] = ()) -> None:
        self.summary = summary
        self.differences = tuple(differences)
        text = summary if not differences else f"{summary}:\n{_listed(self.differences)}"
        super().__init__(text)


class ApplyError(ReconcilerError):
    """An apply was refused or could not run."""


class LockHeld(ApplyError):
    """Another apply holds the operation's lock; `holder` describes it (or is empty)."""

    def __init__(self, message: str, *, holder: str = "") -> None:
        self.holder = holder
        super().__init__(message)


class UnsafePlan(ApplyError):
    """The plan exceeds a safety threshold; `--force` overrides. `reasons`: which ones."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = tuple(r for r in reasons if r)
        super().__init__("unsafe plan: " + "; ".join(self.reasons))


class ApprovalNeeded(PlanError):
    """The plan goes past apply's safety thresholds and no reviewer approved it."""


class ApplyFailed(ApplyError):
    """Some actions failed; `report` is the applier's `ApplyReport` (done, failed, skipped)."""

    def __init__(self, message: str, *, report: Any) -> None:
        self.report = report
        super().__init__(message)


class Interrupted(ApplyError):
    """Ctrl-C or SIGTERM stopped the apply after the calls in flight; `report` as above."""

    def __init__(self, message: str, *, report: Any) -> None:
        self.report = report
        super().__init__(message)


class StateError(ReconcilerError):
    """The operation's state (bindings, last-applied fields, history) cannot be read or
    written, or is not one this version can use."""
