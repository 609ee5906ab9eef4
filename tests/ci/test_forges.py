"""The forges' APIs as the comment tool reads them: pages, bots, malformed answers."""

from __future__ import annotations

import httpx
import pytest
import respx

from reconciler.ci.forges import ForgeAnswerError, GitHub, GitLab

API = "https://api.github.test"


def _github() -> GitHub:
    return GitHub(httpx.Client(base_url=API), "org/repo")


@respx.mock
def test_github_comments_are_the_bots_own_across_pages() -> None:
    full = [{"id": i, "body": f"b{i}", "user": {"type": "Bot" if i % 2 else "User"}}
            for i in range(100)]  # fmt: skip
    route = respx.get(f"{API}/repos/org/repo/issues/5/comments").mock(
        side_effect=[
            httpx.Response(200, json=full),  # a full page: there may be more
            httpx.Response(200, json=[{"id": 100, "body": "last", "user": {"type": "Bot"}}]),
        ]
    )
    forge = _github()
    found = forge.comments(forge.pr_thread("5"))
    assert len(found) == 51 and found[0] == ("1", "b1") and found[-1] == ("100", "last")
    assert [c.request.url.params["page"] for c in route.calls] == ["1", "2"]


@respx.mock
def test_the_merged_pull_request_of_a_commit_or_none() -> None:
    respx.get(f"{API}/repos/org/repo/commits/abc/pulls").mock(
        return_value=httpx.Response(200, json=[{"number": 9, "merged_at": None},
                                               {"number": 12, "merged_at": "2026-12-01"}])
    )  # fmt: skip
    respx.get(f"{API}/repos/org/repo/commits/def/pulls").mock(
        return_value=httpx.Response(200, json=[])
    )
    forge = _github()
    assert forge.commit_thread("abc") == "/repos/org/repo/issues/12"
    assert forge.commit_thread("def") is None


@respx.mock
def test_an_answer_of_the_wrong_shape_is_a_clear_error() -> None:
    respx.get(f"{API}/repos/org/repo/commits/abc/pulls").mock(
        return_value=httpx.Response(200, json={"message": "Not Found"})
    )
    with pytest.raises(ForgeAnswerError):
        _github().commit_thread("abc")


def test_a_gitlab_project_path_is_quoted_into_the_url() -> None:
    forge = GitLab(httpx.Client(base_url="https://gitlab.test/api/v4"), "group/sub/project")
    assert forge.project == "/projects/group%2Fsub%2Fproject"
