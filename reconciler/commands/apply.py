"""`apply`: execute a plan (made now from manifests, or saved by `plan --out`) safely.

The sequence, each step able to refuse before anything changes: lock the operation →
plan (one list) → show → safety thresholds → confirm → fresh list, refuse if the live state
moved → execute (journaled, progress per action) → summary. Exit 1 if anything failed,
130 when interrupted (in-flight calls finish first).
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from ..desired import Operation
from ..errors import ApplyError, ConfigError, PlanError
from ..plan import Plan, Thresholds
from ..secret import redact_all
from ..vocabulary import Unmanaged

if TYPE_CHECKING:  # the client and applier are imported when apply runs, not for --help
    from ..apply.applier import ApplyReport, Outcome
    from ..client import WolkvoxClient

from .common import (
    color_enabled,
    color_option,
    endpoint_option,
    selection_options,
    setup_logging,
    threshold_options,
    timeout_option,
    verbose_option,
)

__all__ = ["apply", "parse_duration", "state_dir_for"]

STATE_DIR_NAME = ".wolkvox-reconciler"


def parse_duration(text: str) -> float:
    """ "60s", "2m", "1h", "90", "0.5s" → seconds."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", text)
    if not match:
        raise ConfigError(f"invalid duration {text!r} (expected e.g. 30s, 2m, 0)")
    scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[match.group(2)]
    return float(match.group(1)) * scale


def state_dir_for(paths: tuple[str, ...] | list[str]) -> Path:
    """`.wolkvox-reconciler/` beside the first manifest (inside it, if it is a directory)."""
    first = Path(paths[0])
    return (first if first.is_dir() else first.parent) / STATE_DIR_NAME


def _state_dir_for_plan(plan: Plan, plan_file: str) -> Path:
    """Beside the manifest the saved plan was made from, so that `apply --plan` and
    `apply PATH` of one repository share one lock; beside the plan file otherwise."""
    for entry in plan.desired:
        source = str(entry.get("source") or "")
        file_part = re.sub(r":\d+:\d+$", "", source)
        if file_part and Path(file_part).is_file():
            return state_dir_for([file_part])
    return Path(plan_file).parent / STATE_DIR_NAME


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str), metavar="[PATH...]")
@click.option(
    "--plan",
    "plan_file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=str),
    help="Execute a plan saved by `plan --out FILE` (refused if the live state moved since).",
)
@click.option(
    "--auto-approve",
    is_flag=True,
    help="Do not ask for confirmation (required when stdin is not a terminal, as in CI).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="API calls in flight at once (the vendor allows 2 per token).",
)
@click.option(
    "--continue-on-error",
    is_flag=True,
    help="After a failure, go on with the actions that do not depend on it.",
)
@click.option("--force", is_flag=True, help="Apply even past the safety thresholds.")
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=str),
    help=f"Where the lock and journal live (default: {STATE_DIR_NAME}/ beside the first manifest).",
)
@click.option(
    "--lock-timeout",
    default="0",
    show_default=True,
    metavar="DURATION",
    help="How long to wait for another apply of the operation to finish (e.g. 60s, 2m).",
)
@selection_options
@threshold_options
@endpoint_option
@timeout_option
@color_option
@verbose_option
def apply(
    paths: tuple[str, ...],
    plan_file: str | None,
    auto_approve: bool,
    concurrency: int,
    continue_on_error: bool,
    force: bool,
    max_clears: int,
    max_stop_pct: float,
    min_campaigns: int,
    targets: tuple[str, ...],
    excludes: tuple[str, ...],
    state_dir: str | None,
    lock_timeout: str,
    endpoint: str | None,
    timeout: float,
    no_color: bool,
    verbose: int,
) -> None:
    """Bring the live campaigns to the manifests (PATH...), or execute a saved plan."""
    if bool(paths) == bool(plan_file):
        raise click.UsageError("give either manifest PATH... or --plan FILE (not both)")
    if plan_file and (targets or excludes):
        raise click.UsageError("--target/--exclude apply to manifests; a saved plan is as saved")
    setup_logging(verbose)
    try:
        wait = parse_duration(lock_timeout)
    except ConfigError as exc:
        raise click.BadParameter(str(exc), param_hint="'--lock-timeout'") from None
    thresholds = Thresholds(
        max_clears=max_clears, max_stop_pct=max_stop_pct, min_campaigns=min_campaigns
    )
    options = _Options(
        auto_approve=auto_approve,
        concurrency=concurrency,
        continue_on_error=continue_on_error,
        force=force,
        thresholds=thresholds,
        color=color_enabled(no_color),
    )

    from ..apply.lock import OperationLock, lock_key
    from ..client import WolkvoxClient
    from ..planfile import read_plan
    from ..secret import token_from_env

    saved: Plan | None = None
    if plan_file:
        saved = read_plan(plan_file)
        operation = _operation_of(saved)
        endpoint = _endpoint_for_saved(saved, endpoint)
        where = Path(state_dir) if state_dir else _state_dir_for_plan(saved, plan_file)
        desired = None
    else:
        from ..manifest import load

        desired = load(list(paths))
        operation = desired.operation
        where = Path(state_dir) if state_dir else state_dir_for(paths)

    # set on Ctrl-C / SIGTERM while executing: the applier starts nothing new, the client
    # retries nothing more
    stop_event = threading.Event()
    client = WolkvoxClient.for_operation(
        operation,
        endpoint=endpoint,
        max_in_flight=concurrency,
        timeout=timeout,
        interrupted=stop_event,
    )
    token = token_from_env(operation.token_env)
    lock = OperationLock(where, lock_key(client.base_url, token), operation=client.base_url)
    with client, lock.acquire(wait):
        if lock.took_over is not None:
            click.echo(
                f"Took over the lock left by an apply that is gone "
                f"({lock.took_over.describe()}); its journal entries are in "
                f"{where / 'journal.jsonl'}.",
                err=True,
            )
        if saved is not None:
            _run(saved, client, where, options, stop_event, saved=True)
            return
        from ..planner import make_plan

        assert desired is not None
        live = client.list_campaigns()
        fresh = make_plan(
            desired,
            live,
            targets=targets,
            excludes=excludes,
            thresholds=thresholds,
            endpoint=endpoint,
        )
        _run(fresh, client, where, options, stop_event, saved=False)


@dataclass(frozen=True)
class _Options:
    auto_approve: bool
    concurrency: int
    continue_on_error: bool
    force: bool
    thresholds: Thresholds
    color: bool


def _operation_of(plan: Plan) -> Operation:
    op = plan.operation
    try:
        return Operation(
            server=op.get("server"),
            token_env=op.get("token_env") or "WOLKVOX_TOKEN",
            unmanaged=Unmanaged(op.get("unmanaged") or "warn"),
            daily_quota=op.get("daily_quota"),
        )
    except ValueError as exc:
        raise PlanError(f"the saved plan's operation is invalid: {exc}") from None


def _endpoint_for_saved(plan: Plan, endpoint: str | None) -> str | None:
    """The saved plan's endpoint; `--endpoint` may only repeat it (a plan made against
    one operation must not run against another)."""
    from ..client import endpoint_base_url

    recorded = plan.operation.get("endpoint")
    if endpoint and recorded and endpoint_base_url(endpoint) != endpoint_base_url(recorded):
        raise PlanError(
            f"the saved plan was made against {recorded}, not {endpoint}: make the plan again"
        )
    return endpoint or recorded


def _run(
    plan: Plan,
    client: WolkvoxClient,
    where: Path,
    options: _Options,
    stop_event: threading.Event,
    *,
    saved: bool,
) -> None:
    from ..apply.applier import apply_plan
    from ..apply.journal import Journal
    from ..apply.stale import stale_reasons
    from ..render.text import render_text

    color = options.color
    # the plan and outcomes show live values: redacted like every other line printed
    click.echo(redact_all(render_text(plan, color=color)))
    plan.check_safety(options.thresholds, force=options.force)
    if not plan.has_changes:
        click.echo("Nothing to apply.")
        return
    n = len(plan.actions)
    if not options.auto_approve:
        if not sys.stdin.isatty():
            raise ApplyError(
                "not applying: confirmation needs a terminal; review the plan above and "
                "pass --auto-approve to apply without asking (as in CI)"
            )
        answer = click.prompt(
            f"Apply these {n} action{'s' if n != 1 else ''}? Only 'yes' proceeds",
            default="",
            show_default=False,
        )
        if answer.strip() != "yes":
            raise ApplyError("apply cancelled: nothing was changed")

    live = client.list_campaigns()
    changes = stale_reasons(plan, live)
    if changes:
        if saved:
            what, hint = "saved plan is stale", "make the plan again"
        else:
            what = "the live state changed since the plan above was made"
            hint = "run apply again to see the new plan"
        raise PlanError(
            f"{what}; nothing was executed ({hint}):\n" + "\n".join(f"  {c}" for c in changes)
        )

    show_bar = sys.stdout.isatty() and sys.stderr.isatty()
    bar_cm = click.progressbar(length=n, label="Applying", file=sys.stderr) if show_bar else None
    bar = bar_cm.__enter__() if bar_cm is not None else None

    def progress(outcome: Outcome) -> None:
        if bar is not None:
            # the bar has no newline: erase it, or the line would be glued to its end
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
        click.echo(redact_all(_outcome_line(outcome, color)))
        if bar is not None:
            bar.update(1)

    with Journal(where / "journal.jsonl") as journal, _stop_on_signals(stop_event):
        journal.record(
            "run-start",
            mode="saved plan" if saved else "manifests",
            endpoint=client.base_url,
            actions=n,
        )
        try:
            report = apply_plan(
                plan,
                client,
                concurrency=options.concurrency,
                continue_on_error=options.continue_on_error,
                journal=journal,
                on_outcome=progress,
                stop_event=stop_event,
                known_ids=[lc.campaign_id for lc in live],
            )
        finally:
            if bar_cm is not None:
                bar_cm.__exit__(None, None, None)
        journal.record(
            "run-end",
            done=len(report.done),
            failed=len(report.failed),
            skipped=len(report.skipped),
            interrupted=report.interrupted,
            api_calls=client.calls,
        )
    click.echo(redact_all(_summary(report, client.calls)))
    if report.interrupted:
        click.echo("Interrupted: in-flight calls finished; run apply again to finish.", err=True)
        raise click.exceptions.Exit(130)
    if report.failed:
        raise ApplyError(
            f"{len(report.failed)} action{'s' if len(report.failed) != 1 else ''} failed; "
            f"run apply again to finish (journal: {where / 'journal.jsonl'})"
        )


def _outcome_line(outcome: Outcome, color: bool) -> str:
    action = outcome.action
    cid = outcome.campaign_id or "-"
    status = outcome.status
    # pad before styling: ANSI codes would otherwise count toward the width
    styled = f"{status:<8}"
    if color:
        styled = click.style(styled, fg={"done": "green", "failed": "red"}.get(status, "yellow"))
    line = f"{styled} {action.kind.value:<6} {action.campaign} (id {cid})"
    if status != "skipped":  # a skipped action took no time; its reason is in the summary
        line += f"  {outcome.duration:.2f}s"
    if outcome.adopted:
        line += "  (answer lost; adopted the campaign found in the live list)"
    if outcome.error and status == "failed":
        line += f"\n         {outcome.error}"
    return line


def _summary(report: ApplyReport, api_calls: int) -> str:
    lines = [
        f"Apply: {len(report.done)} done, {len(report.failed)} failed, "
        f"{len(report.skipped)} skipped. {api_calls} API call{'s' if api_calls != 1 else ''} "
        "used."
    ]
    for title, outcomes in (("Failed", report.failed), ("Skipped", report.skipped)):
        if outcomes:
            lines.append(f"{title}:")
            lines += [f"  {o.action.kind.value} {o.action.campaign}: {o.error}" for o in outcomes]
    return "\n".join(lines)


#: printed at the first Ctrl-C
_STOPPING = (
    "Interrupted: starting nothing new, waiting for the calls in flight "
    "(interrupt again to exit at once).\n"
)
#: printed when a second Ctrl-C abandons the calls still in flight
_ABANDONED = (
    "Interrupted again: exiting now without waiting for the calls in flight; they may or "
    "may not have taken effect (their `attempt` lines in the journal have no `outcome`). "
    "Run apply again: it re-plans from the live state.\n"
)


@contextmanager
def _stop_on_signals(event: threading.Event) -> Iterator[None]:
    """Ctrl-C (and CI's SIGTERM) set `event` instead of killing the run mid-call: the
    applier starts nothing new, in-flight calls finish, and the journal stays true.

    A second signal exits at once (130), as `kill -9` would: a call stuck on a dead
    server may otherwise hold the run for its timeout times its retries. Every journal
    entry is already on disk, and the kernel releases the lock."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        if event.is_set():
            # os._exit: a normal exit would join the worker threads, i.e. wait anyway
            for stream in (sys.stdout, sys.stderr):
                with suppress(Exception):
                    stream.flush()
            with suppress(OSError):
                os.write(2, _ABANDONED.encode())
            os._exit(130)
        event.set()
        with suppress(OSError):
            os.write(2, _STOPPING.encode())

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
