"""What apply prints as it goes: one line per outcome, then the summary."""

from __future__ import annotations

import click

from ..apply.applier import ApplyReport, Outcome

__all__ = ["outcome_line", "report_summary"]


def outcome_line(outcome: Outcome, *, color: bool = False) -> str:
    """ "done     start  brand-new (id 4703)  0.05s" (and the error under a failure)."""
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


def report_summary(report: ApplyReport, api_calls: int) -> str:
    """ "Apply: 6 done, 1 failed, 2 skipped. 11 API calls used." and each failure and skip."""
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
