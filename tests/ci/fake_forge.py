"""A fake of the GitHub REST API, served on 127.0.0.1 from a thread: the calls the recipes'
comment tool makes (comments, reviews, pulls of a commit, issues), with the state a test
sets and reads back. Every request must carry `Authorization: Bearer <token>`."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

REPO = "o/r"


@dataclass
class ForgeState:
    token: str
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    commit_pulls: dict[str, list[int]] = field(default_factory=dict)
    issues: list[dict[str, Any]] = field(default_factory=list)
    next_id: int = 1000
    log: list[str] = field(default_factory=list)

    def comment(self, number: int, login: str, body: str, association: str) -> None:
        self.next_id += 1
        self.comments.setdefault(number, []).append(
            {
                "id": self.next_id,
                "body": body,
                "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"},
                "author_association": association,
            }
        )


class FakeForge:
    def __init__(self, token: str) -> None:
        self.state = ForgeState(token)
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, data: Any) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> dict[str, Any]:
                size = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(size) or b"{}")

            def _route(self, method: str) -> None:
                path = urlsplit(self.path).path
                state.log.append(f"{method} {path}")
                if self.headers.get("Authorization") != f"Bearer {state.token}":
                    return self._answer(401, {"message": "Bad credentials"})
                prefix = f"/repos/{REPO}"
                if not path.startswith(prefix):
                    return self._answer(404, {"message": "Not Found"})
                rest = path[len(prefix) :]
                page = "page=1" in self.path or "page=" not in self.path
                if m := re.fullmatch(r"/pulls/(\d+)", rest):
                    return self._answer(200, state.pulls[int(m[1])])
                if m := re.fullmatch(r"/pulls/(\d+)/reviews", rest):
                    return self._answer(200, state.reviews.get(int(m[1]), []) if page else [])
                if m := re.fullmatch(r"/issues/(\d+)/comments", rest):
                    number = int(m[1])
                    if method == "POST":
                        body = self._body()["body"]
                        state.comment(number, "github-actions[bot]", body, "NONE")
                        return self._answer(201, {"id": state.next_id})
                    return self._answer(200, state.comments.get(number, []) if page else [])
                if m := re.fullmatch(r"/issues/comments/(\d+)", rest):
                    cid = int(m[1])
                    for thread in state.comments.values():
                        for c in thread:
                            if c["id"] == cid:
                                if method == "DELETE":
                                    thread.remove(c)
                                    return self._answer(204, {})
                                c["body"] = self._body()["body"]
                                return self._answer(200, c)
                    return self._answer(404, {"message": "Not Found"})
                if m := re.fullmatch(r"/commits/(\w+)/pulls", rest):
                    numbers = state.commit_pulls.get(m[1], [])
                    return self._answer(200, [state.pulls[n] for n in numbers])
                if rest == "/issues":
                    if method == "POST":
                        data = self._body()
                        number = 500 + len(state.issues)
                        issue = {"number": number, "title": data["title"], "state": "open"}
                        state.issues.append(issue)
                        return self._answer(201, issue)
                    open_ = [i for i in state.issues if i["state"] == "open"]
                    return self._answer(200, open_ if page else [])
                if m := re.fullmatch(r"/issues/(\d+)", rest):
                    for issue in state.issues:
                        if issue["number"] == int(m[1]):
                            issue.update(self._body())
                            return self._answer(200, issue)
                return self._answer(404, {"message": "Not Found"})

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def do_PATCH(self) -> None:
                self._route("PATCH")

            def do_DELETE(self) -> None:
                self._route("DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeForge:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def env(self) -> dict[str, str]:
        return {
            "GITHUB_API_URL": self.url,
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_TOKEN": self.state.token,
        }


@dataclass
class GitLabState:
    token: str
    me: int = 99
    author: int = 1
    developers: dict[int, int] = field(default_factory=dict)  # user id → access level
    notes: list[dict[str, Any]] = field(default_factory=list)
    commit_requests: dict[str, list[int]] = field(default_factory=dict)
    issues: list[dict[str, Any]] = field(default_factory=list)
    resource_groups: dict[str, str] = field(default_factory=dict)
    next_id: int = 2000

    def note(self, user: int, body: str) -> None:
        self.next_id += 1
        self.notes.append({"id": self.next_id, "body": body, "author": {"id": user}})


class FakeGitLab:
    """The GitLab REST calls of the comment tool, for project 7 and merge request 4."""

    def __init__(self, token: str) -> None:
        self.state = GitLabState(token)
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, data: Any) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _form(self) -> dict[str, str]:
                from urllib.parse import parse_qsl

                size = int(self.headers.get("Content-Length") or 0)
                return dict(parse_qsl(self.rfile.read(size).decode()))

            def _route(self, method: str) -> None:
                path = urlsplit(self.path).path.removeprefix("/api/v4")
                if self.headers.get("PRIVATE-TOKEN") != state.token:
                    return self._answer(401, {"message": "401 Unauthorized"})
                page = "page=1" in self.path or "page=" not in self.path
                if path == "/user":
                    return self._answer(200, {"id": state.me})
                if path == "/projects/7/merge_requests/4":
                    return self._answer(200, {"iid": 4, "author": {"id": state.author}})
                if path == "/projects/7/merge_requests/4/notes":
                    if method == "POST":
                        state.note(state.me, self._form()["body"])
                        return self._answer(201, {"id": state.next_id})
                    return self._answer(200, state.notes if page else [])
                if m := re.fullmatch(r"/projects/7/merge_requests/4/notes/(\d+)", path):
                    for note in state.notes:
                        if note["id"] == int(m[1]):
                            if method == "DELETE":
                                state.notes.remove(note)
                            else:
                                note["body"] = self._form()["body"]
                            return self._answer(200, note)
                    return self._answer(404, {"message": "404 Not found"})
                if m := re.fullmatch(r"/projects/7/members/all/(\d+)", path):
                    level = state.developers.get(int(m[1]))
                    if level is None:
                        return self._answer(404, {"message": "404 Not found"})
                    return self._answer(200, {"access_level": level})
                if m := re.fullmatch(r"/projects/7/repository/commits/(\w+)/merge_requests", path):
                    iids = state.commit_requests.get(m[1], [])
                    return self._answer(200, [{"iid": i, "state": "merged"} for i in iids])
                if m := re.fullmatch(r"/projects/7/resource_groups/([\w-]+)", path):
                    state.resource_groups[m[1]] = self._form()["process_mode"]
                    return self._answer(200, {"key": m[1]})
                if path == "/projects/7/issues":
                    if method == "POST":
                        data = self._form()
                        issue = {"iid": 300 + len(state.issues), "title": data["title"],
                                 "state": "opened"}  # fmt: skip
                        state.issues.append(issue)
                        return self._answer(201, issue)
                    opened = [i for i in state.issues if i["state"] == "opened"]
                    return self._answer(200, opened if page else [])
                if m := re.fullmatch(r"/projects/7/issues/(\d+)", path):
                    for issue in state.issues:
                        if issue["iid"] == int(m[1]):
                            if self._form().get("state_event") == "close":
                                issue["state"] = "closed"
                            return self._answer(200, issue)
                if m := re.fullmatch(r"/projects/7/issues/(\d+)/notes", path):
                    return self._answer(
                        201 if method == "POST" else 200, {} if method == "POST" else []
                    )
                return self._answer(404, {"message": "404 Not found"})

            def do_GET(self) -> None:
                self._route("GET")

            def do_POST(self) -> None:
                self._route("POST")

            def do_PUT(self) -> None:
                self._route("PUT")

            def do_DELETE(self) -> None:
                self._route("DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v4"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeGitLab:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def env(self) -> dict[str, str]:
        return {
            "CI_API_V4_URL": self.url,
            "CI_PROJECT_ID": "7",
            "PLAN_NOTE_TOKEN": self.state.token,
        }
