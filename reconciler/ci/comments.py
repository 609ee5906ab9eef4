"""Sticky CI comments for the recipes in examples/ci/: one set of comments per marker,
updated in place on every run, on a GitHub pull request or issue, or a GitLab merge
request or issue.

    python -m reconciler.ci.comments github --pr 12 --marker "plan: campaigns" part1.md ...

Each part is posted as one comment whose first line is the hidden marker
`<!-- wolkvox-reconciler: MARKER part K -->`; a later run edits the comments carrying the
same marker (and only those written by a bot on GitHub, or by the token's own user on
GitLab — never a person's comment, never another workflow's), adds the parts that are new,
and deletes the parts it no longer needs. Targets: `--pr N`, `--commit SHA` (the pull
request that commit was merged from), or `--issue TITLE` (the one open issue with that
title, opened when there is none). The API token and addresses come from the environment
the platforms set (GitHub: GITHUB_TOKEN, GITHUB_API_URL, GITHUB_REPOSITORY; GitLab: the
token in PLAN_NOTE_TOKEN, CI_API_V4_URL, CI_PROJECT_ID).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from ..secret import Secret, redact_all
from .forges import Forge, ForgeAnswerError, GitHub, GitLab

__all__ = ["Forge", "GitHub", "GitLab", "main", "marker_line", "sync_comments"]

_MARKER = re.compile(r"<!-- wolkvox-reconciler: (?P<marker>.*) part (?P<k>\d+) -->")


def marker_line(marker: str, k: int) -> str:
    return f"<!-- wolkvox-reconciler: {marker} part {k} -->"


def sync_comments(forge: Forge, thread: str, marker: str, parts: Sequence[str]) -> list[str]:
    """Make the thread's comments with `marker` be exactly `parts`, in order: edit the
    ones there, create the missing ones, delete the extra. Returns what it did."""
    mine: dict[int, str] = {}
    for comment_id, body in forge.comments(thread):
        match = _MARKER.match(body)
        if match and match.group("marker") == marker:
            mine.setdefault(int(match.group("k")), comment_id)
    done = []
    for k, part in enumerate(parts, 1):
        body = f"{marker_line(marker, k)}\n{part}"
        if k in mine:
            forge.update(thread, mine.pop(k), body)
            done.append(f"updated part {k}")
        else:
            forge.create(thread, body)
            done.append(f"created part {k}")
    for k, comment_id in sorted(mine.items()):
        forge.delete(thread, comment_id)
        done.append(f"deleted old part {k}")
    return done


def _natural(path: str) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path)]


def _credential(environ: Mapping[str, str], name: str) -> str:
    """The token in `name`, stripped (a secret pasted with its newline is still the
    secret), and known to `redact_all` from now on; KeyError when unset or blank."""
    value = environ.get(name, "").strip()
    if not value:
        raise KeyError(name)
    Secret(value)
    return value


def _base_url(url: str) -> str:
    """`url`, whose user and password (`https://user:pw@host`), if any, become secrets."""
    parsed = httpx.URL(url)
    for part in (parsed.userinfo.decode("utf-8", "replace"), parsed.password, parsed.username):
        if part and len(part) >= 4:
            Secret(part)
    return url


def _forge(platform: str, environ: Mapping[str, str]) -> Forge:
    if platform == "github":
        token = _credential(environ, "GITHUB_TOKEN")
        client = httpx.Client(
            base_url=_base_url(environ.get("GITHUB_API_URL", "https://api.github.com")),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"},
            timeout=30,
        )
        return GitHub(client, environ["GITHUB_REPOSITORY"])
    token = _credential(environ, "PLAN_NOTE_TOKEN")
    client = httpx.Client(
        base_url=_base_url(environ["CI_API_V4_URL"]),
        headers={"PRIVATE-TOKEN": token},
        timeout=30,
    )
    return GitLab(client, environ["CI_PROJECT_ID"])


def _say(text: str, *, error: bool = False) -> None:
    """Every line this tool prints: no credential it was given, whatever its form."""
    print(redact_all(text), file=sys.stderr if error else sys.stdout)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reconciler.ci.comments")
    parser.add_argument("platform", choices=["github", "gitlab"])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--pr", metavar="N", help="pull / merge request number")
    target.add_argument("--commit", metavar="SHA", help="the request this commit merged")
    target.add_argument("--issue", metavar="TITLE", help="the open issue with this title")
    target.add_argument(
        "--close-issue", metavar="TITLE", help="close the open issue with this title, if any"
    )
    target.add_argument(
        "--oldest-first",
        metavar="GROUP",
        help="GitLab: make the resource group run its jobs oldest first",
    )
    parser.add_argument(
        "--approvals",
        action="store_true",
        help="print the plan digests approved on the request (--pr or --commit), one a line",
    )
    parser.add_argument("--marker", help="names this set of comments")
    parser.add_argument("files", nargs="*", metavar="FILE", help="the parts, in order")
    args = parser.parse_intermixed_args(argv)
    posting = not (args.approvals or args.close_issue or args.oldest_first)
    if args.oldest_first and args.platform != "gitlab":
        parser.error("--oldest-first is for GitLab's resource groups")
    if args.approvals and not (args.pr or args.commit):
        parser.error("--approvals needs --pr or --commit")
    if posting and (not args.marker or not args.files):
        parser.error("--marker and at least one FILE are required to post comments")
    env = os.environ if environ is None else environ
    try:
        parts = [Path(f).read_text("utf-8") for f in sorted(args.files, key=_natural)]
    except (OSError, UnicodeDecodeError) as exc:
        _say(f"error: cannot read a part: {exc}", error=True)
        return 1
    try:
        forge = _forge(args.platform, env)
    except KeyError as exc:
        _say(f"error: the environment variable {exc.args[0]} is not set", error=True)
        return 1
    except (httpx.InvalidURL, ValueError) as exc:
        _say(f"error: the forge's API address is not usable: {exc}", error=True)
        return 1
    with forge.client:
        try:
            if args.oldest_first:
                assert isinstance(forge, GitLab)
                forge.oldest_first(args.oldest_first)
                _say(f"resource group {args.oldest_first}: oldest first")
                return 0
            if args.close_issue:
                found = forge.open_issue(args.close_issue)
                if found is not None:
                    forge.close(found)
                _say("closed the issue" if found else "no open issue: nothing to close")
                return 0
            if args.pr:
                thread: str | None = forge.pr_thread(args.pr)
            elif args.commit:
                thread = forge.commit_thread(args.commit)
            else:
                thread = forge.issue_thread(args.issue, "Opened by wolkvox-reconciler.")
            if thread is None:
                _say("no merged request for this commit: nothing posted", error=True)
                return 0
            if args.approvals:
                for digest in dict.fromkeys(forge.approvals(thread)):
                    _say(digest)
                return 0
            for line in sync_comments(forge, thread, args.marker, parts):
                _say(line)
        except ForgeAnswerError as exc:
            _say(f"error: the forge's answer is not usable: {exc}", error=True)
            return 1
        except httpx.HTTPStatusError as exc:
            answer = exc.response
            call = f"{answer.request.method} {answer.request.url.path}"
            _say(f"error: {call} answered {answer.status_code} {answer.reason_phrase}", error=True)
            return 1
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            first = (str(exc).splitlines() or [""])[0]
            _say(f"error: {type(exc).__name__}: {first}", error=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
