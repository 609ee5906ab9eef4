"""Every error the reconciler raises on purpose. One root, a branch per layer::

    ReconcilerError
    ├── ManifestError          bad manifest input; carries every located Problem
    ├── ConfigError            bad command-line / environment configuration (missing token…)
    ├── ApiError               a vendor API call failed; names the call and the campaign
    │   ├── AuthError          401, or 403 "PLEASE VALIDATE TOKEN"             (never retried)
    │   ├── QuotaExhausted     403 "TOKEN LIMIT EXCEEDED"                      (never retried)
    │   ├── ConcurrencyLimited 403 "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS" (retried)
    │   ├── TransientError     5xx, 403 during backups, timeouts, dropped connections (retried)
    │   ├── OutcomeUnknown     a create was sent and its outcome is unknown    (never retried)
    │   ├── NotFound           unknown campaign_id / type mismatch             (never retried)
    │   ├── BadRequest         400 of any other kind                           (never retried)
    │   └── ProtocolError      not JSON, an HTML page, a wrong shape, `error` set on 200
    ├── PlanError              a plan cannot be made, read or trusted (stale, bad file)
    └── ApplyError             apply refused or stopped (lock held, unsafe plan, not approved)
        ├── LockHeld
        └── UnsafePlan

Messages never contain the token: it travels as a `secret.Secret`, which never prints
itself, and the CLI redacts it from anything it prints as a last line of defence.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ApiError",
    "ApplyError",
    "AuthError",
    "BadRequest",
    "ConcurrencyLimited",
    "ConfigError",
    "Location",
    "LockHeld",
    "ManifestError",
    "NotFound",
    "OutcomeUnknown",
    "PlanError",
    "Problem",
    "ProtocolError",
    "QuotaExhausted",
    "ReconcilerError",
    "TransientError",
    "UnsafePlan",
]


@dataclass(frozen=True)
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


class ApplyError(ReconcilerError):
    """An apply was refused or could not run."""


class LockHeld(ApplyError):
    """Another apply holds the operation's lock."""


class UnsafePlan(ApplyError):
    """The plan exceeds a safety threshold; `--force` overrides."""
