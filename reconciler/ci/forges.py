"""The forges the CI recipes post to, GitHub and GitLab: the few REST calls a sticky
comment, an approval or a drift issue needs, each answer checked before it is used (a
forge's answer is input: an HTML page, the wrong shape or a missing field is a
ForgeAnswerError naming the call, never a traceback)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import httpx

from ..plan.approval import parse_approvals

__all__ = ["Forge", "ForgeAnswerError", "GitHub", "GitLab"]


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

    def open_issue(self, title: str) -> str | None:
        """The thread of the one open issue titled `title`, if there is one."""
        raise NotImplementedError

    def close(self, thread: str) -> None:
        raise NotImplementedError

    def approvals(self, thread: str) -> list[str]:
        """The plan digests approved on the request `thread` by a member other than its
        author (`/wolkvox-approve DIGEST` in a comment or a review)."""
        raise NotImplementedError


#: GitHub's author associations of people with write access to the repository
_MEMBERS = ("OWNER", "MEMBER", "COLLABORATOR")


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

    def open_issue(self, title: str) -> str | None:
        for issue in self._pages(f"{self.repo}/issues", {"state": "open"}):
            if "pull_request" not in issue and issue.get("title") == title:
                return f"{self.repo}/issues/{_field(issue, 'number', 'issues')}"
        return None

    def issue_thread(self, title: str, body: str) -> str:
        found = self.open_issue(title)
        if found is not None:
            return found
        answer = self.client.post(f"{self.repo}/issues", json={"title": title, "body": body})
        return f"{self.repo}/issues/{_field(_json(answer, dict), 'number', 'new issue')}"

    def close(self, thread: str) -> None:
        self.client.patch(thread, json={"state": "closed"}).raise_for_status()

    def approvals(self, thread: str) -> list[str]:
        number = thread.rsplit("/", 1)[-1]
        pull = _json(self.client.get(f"{self.repo}/pulls/{number}"), dict)
        author = _object(pull.get("user")).get("login")
        said = self._pages(f"{thread}/comments") + self._pages(
            f"{self.repo}/pulls/{number}/reviews"
        )
        return [
            digest
            for item in said
            if item.get("author_association") in _MEMBERS
            and _object(item.get("user")).get("login") not in (None, author)
            and item.get("state") != "DISMISSED"
            for digest in parse_approvals(_text(item.get("body")))
        ]


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

    def open_issue(self, title: str) -> str | None:
        for issue in self._pages(f"{self.project}/issues", {"state": "opened", "search": title}):
            if issue.get("title") == title:
                return f"{self.project}/issues/{_field(issue, 'iid', 'issues')}"
        return None

    def close(self, thread: str) -> None:
        self.client.put(thread, data={"state_event": "close"}).raise_for_status()

    def approvals(self, thread: str) -> list[str]:
        request = _json(self.client.get(thread), dict)
        author = str(_object(request.get("author")).get("id"))
        digests = []
        for note in self._pages(f"{thread}/notes"):
            who = str(_object(note.get("author")).get("id"))
            found = parse_approvals(_text(note.get("body")))
            if found and who != author and not note.get("system") and self._developer(who):
                digests += found
        return digests

    def oldest_first(self, resource_group: str) -> None:
        """Jobs of `resource_group` run in pipeline order, oldest first (the default,
        `unordered`, lets an older merge apply after a newer one)."""
        path = f"{self.project}/resource_groups/{quote(resource_group, safe='')}"
        self.client.put(path, data={"process_mode": "oldest_first"}).raise_for_status()

    def _developer(self, user_id: str) -> bool:
        """Whether the user may push to the project (Developer, access level 30, or more)."""
        answer = self.client.get(f"{self.project}/members/all/{quote(user_id, safe='')}")
        if answer.status_code == 404:
            return False
        level = _json(answer, dict).get("access_level")
        return isinstance(level, int) and level >= 30

    def issue_thread(self, title: str, body: str) -> str:
        found = self.open_issue(title)
        if found is not None:
            return found
        answer = self.client.post(
            f"{self.project}/issues", data={"title": title, "description": body}
        )
        return f"{self.project}/issues/{_field(_json(answer, dict), 'iid', 'new issue')}"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}
