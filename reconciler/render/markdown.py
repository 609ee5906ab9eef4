"""`plan --markdown`: a pull-request comment, kept under GitHub's comment size limit.

Layout: heading, summary line, scope note, the actions table, errors and warnings, and the
create bodies folded in `<details>`. When the whole does not fit `limit` characters, the
create bodies go first, then table rows (and finally findings) are cut from the end, each
cut announced with an "N more … — see the JSON plan" line.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..plan.model import Action, ActionKind, Finding, Plan
from .summary import campaign_id_text, display_order, scope_note, summary_line

__all__ = ["GITHUB_COMMENT_LIMIT", "render_markdown", "render_markdown_parts"]

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


def render_markdown_parts(plan: Plan, *, limit: int = GITHUB_COMMENT_LIMIT) -> list[str]:
    """The whole plan as one or more comments, each at most `limit` characters, nothing
    cut: what `render_markdown` would print when it fits; else, like Atlantis, parts titled
    "part k of n", the summary, errors and warnings first, then the actions, then the
    create bodies. A table split across parts repeats its header."""
    whole = _render(plan, len(plan.actions), _n_findings(plan), details=True)
    if len(whole) <= limit:
        return [whole]
    head = ["", f"**{summary_line(plan)}**", ""]
    note = scope_note(plan)
    if note:
        head += [f"> {_cell(note)}", ""]
    if plan.errors:
        head += [f"> **{len(plan.errors)} error(s): apply will refuse this plan.**", ""]
    width = limit // 2  # no single line may take a part on its own
    findings = [("!", "error", f) for f in plan.errors] + [
        ("?", "warning", f) for f in plan.warnings
    ]
    sections: list[tuple[list[str], list[str]]] = [
        (
            ["| | kind | campaign | message |", "| --- | --- | --- | --- |"],
            [_finding_row(s, level, f) for s, level, f in findings],
        ),
        (
            [
                "| | action | campaign | type | id | reason |",
                "| --- | --- | --- | --- | --- | --- |",
            ],
            [_action_row(a) for a in display_order(plan)],
        ),
    ]
    creates = plan.of_kind(ActionKind.CREATE)
    bodies: list[str] = []
    for action in creates:
        body = json.dumps(dict(action.params or {}), indent=2, ensure_ascii=False)
        fence = "`" * max(3, _longest_backtick_run(body) + 1)
        block = "\n".join([f"`{_code(action.campaign)}`", "", f"{fence}json", body, fence, ""])
        if len(block) > limit // 2:  # cut, a code block would lose its closing fence
            block = f"`{_code(action.campaign)}`: too long to show here, see the JSON plan\n"
        bodies.append(block)
    sections.append(
        (["<details><summary>Create requests (exact bodies apply will send)</summary>", ""], bodies)
    )
    # the title is written last (it needs the number of parts): keep room for the longest
    reserve = len(_part_title(10**6, 10**6)) + 1
    parts: list[list[str]] = [list(head)]
    size = [sum(len(x) + 1 for x in head) + reserve]
    for header, rows in sections:
        open_in = -1
        for row in rows:
            row = row if len(row) <= width else row[: width - 1] + "…"
            cost = len(row) + 1 + (0 if open_in == len(parts) - 1 else _cost(header))
            if size[-1] + cost + _FOOTER > limit:
                size[-1] += _close(parts[-1], header, open_in == len(parts) - 1)
                parts.append([])
                size.append(reserve)
            if open_in != len(parts) - 1:
                parts[-1] += header
                size[-1] += _cost(header)
                open_in = len(parts) - 1
            parts[-1].append(row)
            size[-1] += len(row) + 1
        if open_in == len(parts) - 1:
            size[-1] += _close(parts[-1], header, True)
    parts = [p for i, p in enumerate(parts) if i == 0 or any(line for line in p)]
    n = len(parts)
    return ["\n".join([_part_title(k, n), *lines]) for k, lines in enumerate(parts, 1)]


_FOOTER = len("</details>") + 4


def _cost(lines: list[str]) -> int:
    return sum(len(x) + 1 for x in lines)


def _close(lines: list[str], header: list[str], is_open: bool) -> int:
    """End the open table or `<details>` of a part; the characters it added."""
    if not is_open:
        return 0
    footer = ["</details>", ""] if header[0].startswith("<details>") else [""]
    lines += footer
    return _cost(footer)


def _part_title(k: int, n: int) -> str:
    return "### wolkvox-reconciler plan" + (f" (part {k} of {n})" if n > 1 else "")


def _n_findings(plan: Plan) -> int:
    return len(plan.errors) + len(plan.warnings)


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
        out += [_action_row(a) for a in display_order(plan)[:n_actions]]
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
