"""apply's terminal: the plan shown, the yes/no prompt, the progress bar, Ctrl-C wiring.

The core (`workflow.applying`) reaches the person only through this `ApplyUI`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import FrameType

import click

from ..apply.applier import ApplyReport, Outcome
from ..errors import ApplyError
from ..plan.model import Plan
from ..render.report import outcome_line, report_summary
from ..render.text import render_text
from ..secret import redact_all

__all__ = ["TerminalUI"]

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


class TerminalUI:
    """Everything printed is redacted: the plan and outcomes show live values."""

    def __init__(self, *, color: bool) -> None:
        self.color = color

    def show_plan(self, plan: Plan) -> None:
        click.echo(redact_all(render_text(plan, color=self.color)))

    def say(self, text: str) -> None:
        click.echo(redact_all(text))

    def notice(self, text: str) -> None:
        click.echo(redact_all(text), err=True)

    def confirm(self, count: int) -> bool:
        if not sys.stdin.isatty():
            raise ApplyError(
                "not applying: confirmation needs a terminal; review the plan above and "
                "pass --auto-approve to apply without asking (as in CI)"
            )
        answer = click.prompt(
            f"Apply these {count} action{'s' if count != 1 else ''}? Only 'yes' proceeds",
            default="",
            show_default=False,
        )
        return bool(answer.strip() == "yes")

    @contextmanager
    def executing(
        self, total: int, stop_event: threading.Event
    ) -> Iterator[Callable[[Outcome], None]]:
        show_bar = sys.stdout.isatty() and sys.stderr.isatty()
        bar_cm = (
            click.progressbar(length=total, label="Applying", file=sys.stderr) if show_bar else None
        )
        bar = bar_cm.__enter__() if bar_cm is not None else None

        def progress(outcome: Outcome) -> None:
            if bar is not None:
                # the bar has no newline: erase it, or the line would be glued to its end
                sys.stderr.write("\r\033[K")
                sys.stderr.flush()
            click.echo(redact_all(outcome_line(outcome, color=self.color)))
            if bar is not None:
                bar.update(1)

        try:
            with _stop_on_signals(stop_event):
                yield progress
        finally:
            if bar_cm is not None:
                bar_cm.__exit__(None, None, None)

    def show_report(self, report: ApplyReport, api_calls: int) -> None:
        click.echo(redact_all(report_summary(report, api_calls)))


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
