"""`plan` on a terminal: Terraform-like, one line per action, then findings and a summary."""

from __future__ import annotations

import re

from ..plan.model import Action, ActionKind, Finding, Plan
from .summary import campaign_id_text, display_order, scope_note, summary_line

__all__ = ["render_text"]

_RESET = "\x1b[0m"
_COLORS = {"+": "\x1b[32m", "~": "\x1b[33m", "-": "\x1b[31m", "!": "\x1b[1;31m", "?": "\x1b[33m"}
_WIDTH = max(len(kind.value) for kind in ActionKind)
#: C0/C1 controls, DEL and the Unicode line separators: a live campaign name (typed in the
#: vendor's console) holding ESC or CR could recolor, erase or forge lines of the plan
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(text: str) -> str:
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def render_text(plan: Plan, *, color: bool = False) -> str:
    def paint(symbol: str, text: str) -> str:
        return f"{_COLORS[symbol]}{text}{_RESET}" if color else text

    lines: list[str] = []
    note = scope_note(plan)
    if note:
        lines += [note, ""]
    for action in display_order(plan):
        lines.append(paint(action.kind.symbol, _action_line(action)))
    if plan.actions:
        lines.append("")
    for title, symbol, findings in (
        ("Warnings", "?", plan.warnings),
        ("Errors", "!", plan.errors),
    ):
        if findings:
            lines.append(f"{title}:")
            lines += [paint(symbol, _finding_line(symbol, f)) for f in findings]
            lines.append("")
    lines.append(summary_line(plan))
    if plan.errors:
        n = len(plan.errors)
        lines.append(paint("!", f"{n} error{'s' if n != 1 else ''}: apply will refuse this plan."))
    return "\n".join(lines) + "\n"


def _action_line(action: Action) -> str:
    return _printable(
        f"  {action.kind.symbol} {action.kind.value:<{_WIDTH}} {action.campaign} "
        f"[{action.type.value}, id {campaign_id_text(action)}]: {action.reason}"
    )


def _finding_line(symbol: str, finding: Finding) -> str:
    where = f"{finding.campaign}: " if finding.campaign else ""
    return _printable(f"  {symbol} {where}{finding.message} [{finding.kind.value}]")
