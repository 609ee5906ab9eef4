"""Options and small helpers shared by several commands (and nothing else)."""

from __future__ import annotations

import functools
import math
import os
import re
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast

import click

from ..errors import ConfigError
from ..plan.safety import Thresholds

__all__ = [
    "color_enabled",
    "color_option",
    "duration",
    "endpoint_option",
    "lock_timeout_option",
    "parse_duration",
    "paths_argument",
    "selection_options",
    "setup_logging",
    "state_options",
    "threshold_options",
    "timeout_option",
]

F = TypeVar("F", bound=Callable[..., Any])

#: the longest --timeout accepted: an hour per call is already far past the vendor's 60 s
MAX_TIMEOUT = 3600.0


class FiniteFloatRange(click.FloatRange):
    """A FloatRange that refuses nan and ±inf: nan passes every comparison, so a plain
    range would take `--max-stop-pct nan` and disable the threshold it sets."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number{_from_env(param, ctx)}", param, ctx)
        try:
            return super().convert(number, param, ctx)
        except click.BadParameter as exc:
            where = _from_env(param, ctx)
            if not where:
                raise
            self.fail(f"{exc.message.rstrip('.')}{where}", param, ctx)


def _from_env(param: click.Parameter | None, ctx: click.Context | None) -> str:
    """` (from VAR)` when the value came from the parameter's environment variable."""
    if param is None or ctx is None or param.name is None or not param.envvar:
        return ""
    if ctx.get_parameter_source(param.name) is not click.core.ParameterSource.ENVIRONMENT:
        return ""
    names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar)
    return f" (from {' / '.join(names)})"


def color_option(f: F) -> F:
    return click.option(
        "--no-color", is_flag=True, help="No colors (also: the NO_COLOR environment variable)."
    )(f)


def endpoint_option(f: F) -> F:
    return click.option(
        "--endpoint",
        envvar="WOLKVOX_ENDPOINT",
        metavar="URL",
        help="scheme://host[:port] of the API, overriding operation.server "
        "(e.g. http://127.0.0.1:8765 for the simulator). Env: WOLKVOX_ENDPOINT.",
    )(f)


def selection_options(f: F) -> F:
    """--target / --exclude: the same campaign selection for plan and apply."""
    f = click.option(
        "--exclude",
        "excludes",
        multiple=True,
        metavar="GLOB",
        help="Leave out campaigns whose name matches (repeatable; makes the plan partial).",
    )(f)
    return click.option(
        "--target",
        "targets",
        multiple=True,
        metavar="GLOB",
        help="Only campaigns whose name matches (repeatable; makes the plan partial).",
    )(f)


def _digests(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    from ..plan.approval import valid_digest

    digests = tuple(d for item in value for d in item.split())
    wrong = [d for d in digests if not valid_digest(d)]
    if wrong:
        raise click.BadParameter(f"not a plan digest (16 hex digits): {wrong[0]!r}")
    return digests


def approved_option(f: F) -> F:
    """`--approved DIGEST`: plans a reviewer approved past the safety thresholds."""
    return click.option(
        "--approved",
        multiple=True,
        metavar="DIGEST",
        envvar="WOLKVOX_APPROVED",
        callback=_digests,
        help="A plan digest a reviewer approved (repeatable; env WOLKVOX_APPROVED, "
        "space-separated): past the safety thresholds, exactly that plan may be applied.",
    )(f)


def threshold_options(f: F) -> F:
    """The safety thresholds: apply refuses past them (unless --force), plan warns. The
    command receives them as one `thresholds: Thresholds` argument."""
    defaults = Thresholds()

    @functools.wraps(f)
    def combined(*args: Any, **kwargs: Any) -> Any:
        kwargs["thresholds"] = Thresholds(
            max_clears=kwargs.pop("max_clears"),
            max_stop_pct=kwargs.pop("max_stop_pct"),
            min_campaigns=kwargs.pop("min_campaigns"),
            max_deletes=kwargs.pop("max_deletes"),
        )
        return f(*args, **kwargs)

    g: Any = combined
    g = click.option(
        "--max-deletes",
        type=click.IntRange(min=0),
        default=defaults.max_deletes,
        show_default=True,
        help="Safety: no plan that deletes more campaigns than this (deletes are irreversible).",
    )(g)
    g = click.option(
        "--min-campaigns",
        type=click.IntRange(min=0),
        default=defaults.min_campaigns,
        show_default=True,
        help="...once the operation has at least this many campaigns.",
    )(g)
    g = click.option(
        "--max-stop-pct",
        type=FiniteFloatRange(min=0, max=100),
        default=defaults.max_stop_pct,
        show_default=True,
        help="Safety: no plan that stops more than this % of the Started campaigns...",
    )(g)
    g = click.option(
        "--max-clears",
        type=click.IntRange(min=0),
        default=defaults.max_clears,
        show_default=True,
        help="Safety: no plan that clears the records of more campaigns than this.",
    )(g)
    return cast(F, g)


def state_options(f: F) -> F:
    """--state and --state-dir: which backend holds the operation's state, and where the
    local one keeps its files."""
    f = click.option(
        "--state-dir",
        type=click.Path(file_okay=False, path_type=str),
        help="The local state's directory: bindings, last-applied fields, journal "
        "(default: .wolkvox-reconciler/ beside the first manifest).",
    )(f)
    return click.option(
        "--state",
        "state_backend",
        type=click.Choice(["local", "postgres"]),
        envvar="WOLKVOX_STATE",
        help="The state backend, overriding operation.state.backend: local files, or "
        "postgres (its URL in WOLKVOX_STATE_URL or operation.state.url_env). "
        "Env: WOLKVOX_STATE.",
    )(f)


def fields_options(f: F) -> F:
    """--resend-fields, and the state options: where the last-applied record is."""
    f = state_options(f)
    return click.option(
        "--resend-fields",
        is_flag=True,
        help="Send every declared field the list cannot show (window, labels, edition, "
        "AMD, recall, dial order), even where the last-applied record has it.",
    )(f)


def timeout_option(f: F) -> F:
    return click.option(
        "--timeout",
        type=FiniteFloatRange(min=0.1, max=MAX_TIMEOUT),
        default=60.0,
        show_default=True,
        envvar="WOLKVOX_TIMEOUT",
        metavar="SECONDS",
        help="Give up on an API call after this long, 0.1 to 3600 (the vendor's own limit "
        "is 60 s). Env: WOLKVOX_TIMEOUT.",
    )(f)


def paths_argument(f: F) -> F:
    # readable=False: the loader reports an unreadable file or directory as a located
    # error (exit 1), like any other manifest problem, not as a usage error (exit 2)
    return click.argument(
        "paths",
        nargs=-1,
        required=True,
        type=click.Path(path_type=str, readable=False),
        metavar="PATH...",
    )(f)


def color_enabled(no_color: bool, stream: Any = None) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def setup_logging(verbosity: int) -> None:
    """-v: every API call at INFO on stderr; -vv: DEBUG. Each line passes through
    `redact_all`, so even a bug elsewhere cannot print the token."""
    if verbosity <= 0 and "logging" not in sys.modules:
        return  # nothing logs yet, and logging's defaults are ours: a cold start skips it
    import logging

    from ..secret import redact_all

    class _RedactingFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return redact_all(super().format(record))

    logger = logging.getLogger("reconciler")
    logger.handlers.clear()
    if verbosity <= 0:
        logger.setLevel(logging.WARNING)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)
    logger.propagate = False


def parse_duration(text: str) -> float:
    """ "60s", "2m", "1h", "90", "0.5s" → seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", text)
    if not match:
        raise ConfigError(f"invalid duration {text!r} (expected e.g. 30s, 2m, 0)")
    scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[match.group(2)]
    return float(match.group(1)) * scale


def duration(ctx: click.Context, param: click.Parameter, value: str) -> float:
    try:
        return parse_duration(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None


def lock_timeout_option(f: F) -> F:
    return click.option(
        "--lock-timeout",
        default="0",
        show_default=True,
        metavar="DURATION",
        callback=duration,
        help="How long to wait for another apply of the operation to finish (e.g. 60s, 2m).",
    )(f)
