"""`wolkvox-reconciler simulate`: run the local stand-in for the wolkvox API."""

from __future__ import annotations

import logging
import math
import signal
import sqlite3
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Any

import click

from ..errors import ConfigError
from ..simulator import (
    DEFAULT_TOKEN,
    VENDOR_FAULTS,
    Seed,
    SeedError,
    SimulatorConfig,
    SimulatorServer,
    Store,
    load_seed,
    serve,
)
from .help import epilog, verbose_option
from .simulate_seed import seed_from_manifests

__all__ = ["open_server", "simulate"]

_RATE = click.FloatRange(0.0, 1.0)
#: a day: a longer lag is a typo, and nan/inf would hide every new campaign for ever
_MAX_LAG = 86_400.0


def _lag(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value) or not 0 <= value <= _MAX_LAG:
        raise click.BadParameter(f"must be a number of seconds from 0 to {_MAX_LAG:g}")
    return value


@click.command(epilog=epilog("simulate"))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one (the start-up line tells which).",
)
@click.option(
    "--token",
    "tokens",
    multiple=True,
    metavar="T",
    help=f"A token the simulator accepts (repeatable). Default: {DEFAULT_TOKEN}.",
)
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE",
    help="YAML or JSON `campaigns:` (and `skills:`) to start with (ignored if --state was "
    "seeded before).",
)
@click.option(
    "--seed-from-manifest",
    "manifests",
    multiple=True,
    type=click.Path(exists=True),
    metavar="FILE_OR_DIR",
    help="Start with exactly what these manifests declare (repeatable; not with --seed): "
    "a plan of them is then 'No changes'.",
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="SQLite file keeping the state across restarts (default: in memory).",
)
@click.option(
    "--latency-ms",
    default=0,
    type=click.IntRange(min=0),
    metavar="N",
    help="Delay every answer by N milliseconds.",
)
@click.option(
    "--fail-rate",
    default=0.0,
    type=_RATE,
    metavar="P",
    help="Probability of a 500, a 503 or a dropped connection before any change.",
)
@click.option(
    "--drop-after-commit-rate",
    default=0.0,
    type=_RATE,
    metavar="P",
    help="Probability that a change is made and the connection then dropped.",
)
@click.option(
    "--max-concurrent",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="N",
    help="Simultaneous requests allowed per token (then 403).",
)
@click.option(
    "--daily-quota",
    type=click.IntRange(min=0),
    metavar="N",
    help="Requests allowed per token per UTC day (then 403). Default: no limit.",
)
@click.option(
    "--licenses",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    metavar="N",
    help="Licenses of the operation: token_info reports N × 1000 calls a day when "
    "--daily-quota is not set (nothing is refused then).",
)
@click.option(
    "--list-lag",
    default=0.0,
    show_default=True,
    type=float,
    callback=_lag,
    metavar="SECONDS",
    help="A new campaign shows in the list only SECONDS after its create committed "
    "(changes to listed campaigns show at once).",
)
@click.option(
    "--no-list-skill-id",
    is_flag=True,
    help="List rows without `skill_id`, as the vendor's list page shows them.",
)
@click.option(
    "--random-seed",
    type=int,
    metavar="N",
    help="Seed of the fault draws: the same seed replays the same faults.",
)
@click.option(
    "--string-codes",
    is_flag=True,
    help='Send `code` as a string ("202"), as some vendor answers do.',
)
@click.option(
    "--vendor-fault",
    "vendor_faults",
    multiple=True,
    type=click.Choice(sorted(VENDOR_FAULTS)),
    help="What the vendor is known to do beyond its pages (repeatable): "
    + "; ".join(f"{k}: {v}" for k, v in sorted(VENDOR_FAULTS.items()))
    + ".",
)
@verbose_option("simulate")
def simulate(verbose: int, **options: Any) -> None:
    """Serve a local stand-in for the wolkvox campaign API until SIGTERM or Ctrl-C.

    \b
    Example (then plan and apply examples/campaigns.yaml against it):
      wolkvox-reconciler simulate --seed examples/seed.yaml --port 8765
    """
    server = open_server(**options)
    _log_requests(verbose)

    def stop(signum: int, frame: FrameType | None) -> None:
        server.stop_in_background()

    # Ctrl-C and SIGTERM are the normal way to stop a simulator: exit 0, state saved.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Simulator listening on {server.url}")
    if not options["tokens"]:
        click.echo(f"export WOLKVOX_TOKEN={DEFAULT_TOKEN}")
    sys.stdout.flush()
    serve(server, on_stop=server.store.close)


def open_server(
    *,
    host: str,
    port: int,
    tokens: tuple[str, ...],
    seed: str | None,
    manifests: tuple[str, ...],
    state: str | None,
    latency_ms: int,
    fail_rate: float,
    drop_after_commit_rate: float,
    max_concurrent: int,
    daily_quota: int | None,
    licenses: int,
    list_lag: float,
    no_list_skill_id: bool,
    random_seed: int | None,
    string_codes: bool,
    vendor_faults: tuple[str, ...] = (),
) -> SimulatorServer:
    """The server `simulate`'s options describe, bound and seeded, not yet serving (its
    store is `server.store`). The tests serve it in a thread, with the same options."""
    if any(not t.strip() for t in tokens):
        raise ConfigError("--token must not be empty")
    config = SimulatorConfig(
        tokens=frozenset(t.strip() for t in tokens) or frozenset({DEFAULT_TOKEN}),
        latency_ms=latency_ms,
        fail_rate=fail_rate,
        drop_after_commit_rate=drop_after_commit_rate,
        max_concurrent=max_concurrent,
        daily_quota=daily_quota,
        random_seed=random_seed,
        string_codes=string_codes,
        list_lag=list_lag,
        list_skill_id=not no_list_skill_id,
        licenses=licenses,
        vendor_faults=frozenset(vendor_faults),
    )
    initial = _initial(seed, manifests)
    try:
        store = Store(state)
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot open the state file {state}: {exc}") from None
    try:
        store.seed(initial.campaigns, initial.skills)
        return SimulatorServer(host, port, config, store)
    except OSError as exc:
        store.close()
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _initial(seed: str | None, manifests: Sequence[str]) -> Seed:
    if seed and manifests:
        raise click.UsageError("give --seed or --seed-from-manifest, not both")
    if manifests:
        return seed_from_manifests(manifests)  # a bad manifest: its located errors, exit 1
    try:
        return load_seed(seed) if seed else Seed()
    except SeedError as exc:
        raise ConfigError(f"invalid seed file:\n{exc}") from None


def _log_requests(verbosity: int) -> None:
    logger = logging.getLogger("reconciler.simulator")
    logger.handlers.clear()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    # warnings (internal errors) always; every request with -v
    logger.setLevel(logging.INFO if verbosity > 0 else logging.WARNING)
    logger.propagate = False
