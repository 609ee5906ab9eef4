"""`plan --markdown`: a pull-request comment, kept under GitHub's comment size limit.

Layout: heading, summary line, scope note, the actions table, errors and warnings, and the
create bodies folded in `<details>`. When the whole does not fit `limit` characters, the
create bodies go first, then table rows (and finally findings) are cut from the end, each
cut announced with an "N more … — see the JSON plan" line.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..plan import Action, ActionKind, Finding, Plan
from .summary import campaign_id_text, scope_note, summary_line

__all__ = ["GITHUB_COMMENT_LIMIT", "render_markdown"]

#: GitHub refuses comments longer than 65,536 characters; keep a margin for wrappers
GITHUB_COMMENT_LIMIT = 65_000


def render_markdown(plan: Plan, *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    findings = [("!", f) for f in plan.errors] + [("?", f) for f in plan.warnings]
    full = _render(plan, len(plan.actions), len(findings), details=True)
    if len(full) <= limit:
        return full
    # without the create bodies; then the most table rows that fit; then the most findings
    if len(_render(plan, len(plan.actions), len(findings), details=False)) <= limit:
        return _render(plan, len(plan.actions), len(findings), details=False)
    rows = _most(lambda n: _render(plan, n, len(findings), details=False), len(plan.actions), limit)
    if rows > 0 or len(_render(plan, 0, len(findings), details=False)) <= limit:
        return _render(plan, rows, len(findings), details=False)
    shown = _most(lambda n: _render(plan, 0, n, details=False), len(findings), limit)
    return _render(plan, 0, shown, details=False)


def _most(render: Callable[[int], str], total: int, limit: int) -> int:
    """The largest n in [0, total] whose rendering fits `limit` (length grows with n)."""
    lo, hi = 0, total
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(render(mid)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _render(plan: Plan, n_actions: int, n_findings: int, *, details: bool) -> str:
    out = ["### wolkvox-reconciler plan", "", f"**{summary_line(plan)}**", ""]
    note = scope_note(plan)
    if note:
        out += [f"> {_cell(note)}", ""]
    if plan.errors:
        out += [f"> **{len(plan.errors)} error(s): apply will refuse this plan.**", ""]

    if plan.actions:
        out += [
            "| | action | campaign | type | id | reason |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        out += [_action_row(a) for a in plan.actions[:n_actions]]
        if n_actions < len(plan.actions):
            out.append(_more_row(len(plan.actions) - n_actions, "actions", 6))
        out.append("")

    findings = [("!", "error", f) for f in plan.errors] + [
        ("?", "warning", f) for f in plan.warnings
    ]
    if findings:
        out += ["| | kind | campaign | message |", "| --- | --- | --- | --- |"]
        out += [_finding_row(s, level, f) for s, level, f in findings[:n_findings]]
        if n_findings < len(findings):
            out.append(_more_row(len(findings) - n_findings, "findings", 4))
        out.append("")

    creates = plan.of_kind(ActionKind.CREATE)
    if details and creates:
        out += ["<details><summary>Create requests (exact bodies apply will send)</summary>", ""]
        for action in creates:
            body = json.dumps(dict(action.params or {}), indent=2, ensure_ascii=False)
            fence = "`" * max(3, _longest_backtick_run(body) + 1)
            out += [f"`{_code(action.campaign)}`", "", f"{fence}json", body, fence, ""]
        out += ["</details>", ""]
    return "\n".join(out)


def _action_row(a: Action) -> str:
    cells = [
        f"`{a.kind.symbol}`",
        a.kind.value,
        _cell(a.campaign),
        a.type.value,
        _cell(campaign_id_text(a)),
        _cell(a.reason),
    ]
    return "| " + " | ".join(cells) + " |"


def _finding_row(symbol: str, level: str, f: Finding) -> str:
    cells = [f"`{symbol}`", f"{level}: {f.kind.value}", _cell(f.campaign or "—"), _cell(f.message)]
    return "| " + " | ".join(cells) + " |"


def _more_row(n: int, what: str, columns: int) -> str:
    return (
        "| "
        + " | ".join([f"**{n} more {what} — see the JSON plan**"] + [""] * (columns - 1))
        + " |"
    )


def _cell(text: str) -> str:
    """Text safe in a table cell: no pipe or newline breaks the row, no HTML is rendered."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def _code(text: str) -> str:
    return text.replace("`", "'").replace("\n", " ")


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest
