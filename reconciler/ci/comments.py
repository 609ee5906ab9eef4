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
from urllib.parse import quote

import httpx

from ..secret import Secret, redact_all

__all__ = ["Forge", "GitHub", "GitLab", "main", "marker_line", "sync_comments"]

_MARKER = re.compile(r"<!-- wolkvox-reconciler: (?P<marker>.*) part (?P<k>\d+) -->")


def marker_line(marker: str, k: int) -> str:
    return f"<!-- wolkvox-reconciler: {marker} part {k} -->"


class ForgeAnswerError(Exception):
    """The forge answered something this tool cannot use (not JSON, the wrong shape)."""


def _json(answer: httpx.Response, shape: type[list[Any]] | type[dict[str, Any]]) -> Any:
    """The answer's JSON when it is a `shape` (and every list item an object); a
    ForgeAnswerError naming the call otherwise."""
    answer.raise_for_status()
    call = f"{answer.request.method} {answer.request.url.path}"
    try:
        data = answer.json()
    except ValueError:
        kind = answer.headers.get("content-type", "no content type").split(";")[0]
        raise ForgeAnswerError(
            f"{call} answered {answer.status_code} with {kind}, not JSON"
        ) from None
    if not isinstance(data, shape) or (
        isinstance(data, list) and not all(isinstance(item, dict) for item in data)
    ):
        raise ForgeAnswerError(f"{call} answered JSON that is not a {shape.__name__} of objects")
    return data


def _field(item: Mapping[str, Any], key: str, call: str) -> str:
    """`item[key]` as text (an id, a number): a ForgeAnswerError when it is missing."""
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise ForgeAnswerError(f"{call} answered an object without a usable {key!r}")
    return str(value)


class Forge:
    """The few calls a forge needs; `thread` is the API path of the comments' parent."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def _pages(self, path: str, params: Mapping[str, str] | None = None) -> list[Any]:
        items: list[Any] = []
        for page in range(1, 101):  # bounded: 10,000 comments is more than any thread holds
            answer = self.client.get(
                path, params={**(params or {}), "per_page": "100", "page": str(page)}
            )
            batch = _json(answer, list)
            items += batch
            if len(batch) < 100:
                break
        return items

    def comments(self, thread: str) -> list[tuple[str, str]]:
        """(comment id, body) of the comments this tool may edit."""
        raise NotImplementedError

    def create(self, thread: str, body: str) -> None:
        raise NotImplementedError

    def update(self, thread: str, comment_id: str, body: str) -> None:
        raise NotImplementedError

    def delete(self, thread: str, comment_id: str) -> None:
        raise NotImplementedError

    def pr_thread(self, number: str) -> str:
        raise NotImplementedError

    def commit_thread(self, sha: str) -> str | None:
        raise NotImplementedError

    def issue_thread(self, title: str, body: str) -> str:
        raise NotImplementedError


class GitHub(Forge):
    def __init__(self, client: httpx.Client, repository: str) -> None:
        super().__init__(client)
        self.repo = f"/repos/{repository}"

    def comments(self, thread: str) -> list[tuple[str, str]]:
        return [
            (_field(c, "id", "comments"), _text(c.get("body")))
            for c in self._pages(f"{thread}/comments")
            if _object(c.get("user")).get("type") == "Bot"
        ]

    def create(self, thread: str, body: str) -> None:
        self.client.post(f"{thread}/comments", json={"body": body}).raise_for_status()

    def update(self, thread: str, comment_id: str, body: str) -> None:
        url = f"{self.repo}/issues/comments/{comment_id}"
        self.client.patch(url, json={"body": body}).raise_for_status()

    def delete(self, thread: str, comment_id: str) -> None:
        self.client.delete(f"{self.repo}/issues/comments/{comment_id}").raise_for_status()

    def pr_thread(self, number: str) -> str:
        return f"{self.repo}/issues/{number}"

    def commit_thread(self, sha: str) -> str | None:
        pulls = _json(self.client.get(f"{self.repo}/commits/{sha}/pulls"), list)
        merged = [p for p in pulls if p.get("merged_at")]
        return self.pr_thread(_field(merged[0], "number", "pulls")) if merged else None

    def issue_thread(self, title: str, body: str) -> str:
        for issue in self._pages(f"{self.repo}/issues", {"state": "open"}):
            if "pull_request" not in issue and issue.get("title") == title:
                return f"{self.repo}/issues/{_field(issue, 'number', 'issues')}"
        answer = self.client.post(f"{self.repo}/issues", json={"title": title, "body": body})
        return f"{self.repo}/issues/{_field(_json(answer, dict), 'number', 'new issue')}"


class GitLab(Forge):
    def __init__(self, client: httpx.Client, project: str) -> None:
        super().__init__(client)
        self.project = f"/projects/{quote(project, safe='')}"
        self._me: Any = None

    def comments(self, thread: str) -> list[tuple[str, str]]:
        if self._me is None:
            self._me = _field(_json(self.client.get("/user"), dict), "id", "user")
        return [
            (_field(n, "id", "notes"), _text(n.get("body")))
            for n in self._pages(f"{thread}/notes")
            if str(_object(n.get("author")).get("id")) == self._me and not n.get("system")
        ]

    def create(self, thread: str, body: str) -> None:
        self.client.post(f"{thread}/notes", data={"body": body}).raise_for_status()

    def update(self, thread: str, comment_id: str, body: str) -> None:
        self.client.put(f"{thread}/notes/{comment_id}", data={"body": body}).raise_for_status()

    def delete(self, thread: str, comment_id: str) -> None:
        self.client.delete(f"{thread}/notes/{comment_id}").raise_for_status()

    def pr_thread(self, number: str) -> str:
        return f"{self.project}/merge_requests/{number}"

    def commit_thread(self, sha: str) -> str | None:
        path = f"{self.project}/repository/commits/{sha}/merge_requests"
        merged = [m for m in _json(self.client.get(path), list) if m.get("state") == "merged"]
        return self.pr_thread(_field(merged[0], "iid", "merge_requests")) if merged else None

    def issue_thread(self, title: str, body: str) -> str:
        for issue in self._pages(f"{self.project}/issues", {"state": "opened", "search": title}):
            if issue.get("title") == title:
                return f"{self.project}/issues/{_field(issue, 'iid', 'issues')}"
        answer = self.client.post(
            f"{self.project}/issues", data={"title": title, "description": body}
        )
        return f"{self.project}/issues/{_field(_json(answer, dict), 'iid', 'new issue')}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


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
    parser.add_argument("--marker", required=True, help="names this set of comments")
    parser.add_argument("files", nargs="+", metavar="FILE", help="the parts, in order")
    args = parser.parse_args(argv)
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
            if args.pr:
                thread: str | None = forge.pr_thread(args.pr)
            elif args.commit:
                thread = forge.commit_thread(args.commit)
            else:
                thread = forge.issue_thread(args.issue, "Opened by wolkvox-reconciler.")
            if thread is None:
                _say("no merged request for this commit: nothing posted", error=True)
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
