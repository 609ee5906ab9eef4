"""The sticky comments of the CI recipes: one set per marker, edited in place, never a
person's comment nor another workflow's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.ci.comments import main, marker_line

API = "https://api.github.test"
ENV = {"GITHUB_API_URL": API, "GITHUB_REPOSITORY": "o/r", "GITHUB_TOKEN": "gh-secret"}
GL = "https://gitlab.test/api/v4"
GL_ENV = {"CI_API_V4_URL": GL, "CI_PROJECT_ID": "7", "PLAN_NOTE_TOKEN": "gl-secret"}


def parts(tmp_path: Path, *texts: str) -> list[str]:
    paths = []
    for k, text in enumerate(texts, 1):
        path = tmp_path / f"plan-{k}.md"
        path.write_text(text)
        paths.append(str(path))
    return paths


def comment(cid: int, body: str, kind: str = "Bot") -> dict[str, Any]:
    return {"id": cid, "body": body, "user": {"type": kind, "login": "x"}}


def test_first_run_creates_one_comment_per_part_in_order(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as api:
        api.get(f"{API}/repos/o/r/issues/5/comments").respond(json=[])
        created = api.post(f"{API}/repos/o/r/issues/5/comments").respond(201, json={})
        code = main(
            ["github", "--pr", "5", "--marker", "plan: c", *parts(tmp_path, "one", "two")], ENV
        )
    assert code == 0
    bodies = [json.loads(call.request.content)["body"] for call in created.calls]
    assert bodies == [f"{marker_line('plan: c', 1)}\none", f"{marker_line('plan: c', 2)}\ntwo"]
    assert created.calls[0].request.headers["Authorization"] == "Bearer gh-secret"


def test_a_later_run_edits_its_own_parts_deletes_extra_and_leaves_others(tmp_path: Path) -> None:
    existing = [
        comment(1, f"{marker_line('plan: c', 1)}\nold one"),
        comment(2, f"{marker_line('plan: c', 2)}\nold two"),
        comment(3, f"{marker_line('plan: other-workflow', 1)}\ntheirs"),
        comment(4, f"{marker_line('plan: c', 1)}\nquoted by a person", kind="User"),
    ]
    with respx.mock(assert_all_called=False) as api:
        api.get(f"{API}/repos/o/r/issues/5/comments").respond(json=existing)
        edited = api.patch(url__regex=rf"{API}/repos/o/r/issues/comments/\d+").respond(json={})
        deleted = api.delete(url__regex=rf"{API}/repos/o/r/issues/comments/\d+").respond(204)
        created = api.post(f"{API}/repos/o/r/issues/5/comments").respond(201, json={})
        assert (
            main(["github", "--pr", "5", "--marker", "plan: c", *parts(tmp_path, "new")], ENV) == 0
        )
    assert [str(c.request.url).rsplit("/", 1)[1] for c in edited.calls] == ["1"]
    assert json.loads(edited.calls[0].request.content)["body"].endswith("\nnew")
    assert [str(c.request.url).rsplit("/", 1)[1] for c in deleted.calls] == ["2"]
    assert not created.called


def test_parts_are_taken_in_numeric_order(tmp_path: Path) -> None:
    files = parts(tmp_path, *[f"p{k}" for k in range(1, 12)])
    with respx.mock(assert_all_called=False) as api:
        api.get(f"{API}/repos/o/r/issues/5/comments").respond(json=[])
        created = api.post(f"{API}/repos/o/r/issues/5/comments").respond(201, json={})
        main(["github", "--pr", "5", "--marker", "m", *reversed(files)], ENV)
    bodies = [json.loads(c.request.content)["body"].split("\n")[1] for c in created.calls]
    assert bodies == [f"p{k}" for k in range(1, 12)]


def test_the_apply_summary_goes_to_the_pull_request_the_commit_merged(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as api:
        api.get(f"{API}/repos/o/r/commits/abc/pulls").respond(
            json=[{"number": 8, "merged_at": None}, {"number": 9, "merged_at": "2026-01-01"}]
        )
        api.get(f"{API}/repos/o/r/issues/9/comments").respond(json=[])
        created = api.post(f"{API}/repos/o/r/issues/9/comments").respond(201, json={})
        assert (
            main(["github", "--commit", "abc", "--marker", "apply", *parts(tmp_path, "s")], ENV)
            == 0
        )
    assert created.called


def test_drift_opens_one_issue_then_reuses_it(tmp_path: Path) -> None:
    title = "Campaigns drifted from the manifests"
    with respx.mock(assert_all_called=False) as api:
        listing = api.get(f"{API}/repos/o/r/issues")
        listing.respond(json=[{"number": 2, "title": title, "pull_request": {}}])
        opened = api.post(f"{API}/repos/o/r/issues").respond(201, json={"number": 3})
        api.get(f"{API}/repos/o/r/issues/3/comments").respond(json=[])
        api.post(f"{API}/repos/o/r/issues/3/comments").respond(201, json={})
        main(["github", "--issue", title, "--marker", "drift", *parts(tmp_path, "d")], ENV)
        assert opened.call_count == 1  # a pull request with that title is not the issue
        listing.respond(json=[{"number": 3, "title": title}])
        main(["github", "--issue", title, "--marker", "drift", *parts(tmp_path, "d")], ENV)
        assert opened.call_count == 1


def test_gitlab_edits_only_the_notes_of_the_token_user(tmp_path: Path) -> None:
    mr = f"{GL}/projects/7/merge_requests/4/notes"
    notes = [
        {"id": 10, "body": f"{marker_line('plan', 1)}\nold", "author": {"id": 99}},
        {"id": 11, "body": f"{marker_line('plan', 1)}\nold", "author": {"id": 1}},
    ]
    with respx.mock(assert_all_called=False) as api:
        api.get(f"{GL}/user").respond(json={"id": 99})
        api.get(mr).respond(json=notes)
        edited = api.put(f"{mr}/10").respond(json={})
        other = api.put(f"{mr}/11").respond(json={})
        assert (
            main(["gitlab", "--pr", "4", "--marker", "plan", *parts(tmp_path, "new")], GL_ENV) == 0
        )
    assert edited.called and not other.called
    assert edited.calls[0].request.headers["PRIVATE-TOKEN"] == "gl-secret"


def test_an_api_failure_is_one_line_without_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with respx.mock(assert_all_called=False) as api:
        api.get(f"{API}/repos/o/r/issues/5/comments").mock(side_effect=httpx.ConnectError("down"))
        assert main(["github", "--pr", "5", "--marker", "m", *parts(tmp_path, "x")], ENV) == 1
    err = capsys.readouterr().err
    assert "ConnectError" in err and "gh-secret" not in err


def test_a_missing_variable_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["github", "--pr", "5", "--marker", "m", *parts(tmp_path, "x")], {}) == 1
    assert "the environment variable GITHUB_TOKEN is not set" in capsys.readouterr().err


def test_a_token_pasted_with_its_newline_works_and_is_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {**ENV, "GITHUB_TOKEN": "gh-secret-token\n"}
    with respx.mock(assert_all_called=False) as api:
        listed = api.get(f"{API}/repos/o/r/issues/5/comments").mock(
            return_value=httpx.Response(302, headers={"Location": f"{API}/x?t=gh-secret-token"})
        )
        assert main(["github", "--pr", "5", "--marker", "m", *parts(tmp_path, "x")], env) == 1
    assert listed.calls[0].request.headers["Authorization"] == "Bearer gh-secret-token"
    out = capsys.readouterr()
    assert "gh-secret-token" not in out.out + out.err
    assert len(out.err.strip().splitlines()) == 1


def test_credentials_in_the_api_address_are_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {**ENV, "GITHUB_API_URL": "https://bot:s3cr3t-pass@api.github.test"}
    with respx.mock(assert_all_called=False) as api:
        api.get(url__regex=r".*/comments").mock(side_effect=httpx.ConnectError("refused"))
        assert main(["github", "--pr", "5", "--marker", "m", *parts(tmp_path, "x")], env) == 1
    out = capsys.readouterr()
    assert "s3cr3t-pass" not in out.out + out.err
    assert "ConnectError" in out.err


ODD_ANSWERS = st.one_of(
    st.just(httpx.Response(200, text="<html><body>Sign in</body></html>")),
    st.just(httpx.Response(200, text="")),
    st.builds(
        lambda v: httpx.Response(200, json=v),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    ),
    st.builds(
        lambda v: httpx.Response(200, json=v),
        st.lists(st.one_of(st.integers(), st.text(max_size=5), st.none()), min_size=1, max_size=3),
    ),
    st.builds(
        lambda v: httpx.Response(200, json=[v]),
        st.fixed_dictionaries(
            {},
            optional={
                "id": st.one_of(
                    st.none(),
                    st.booleans(),
                    st.text(max_size=3),
                    st.lists(st.integers(), max_size=1),
                ),
                "body": st.one_of(st.none(), st.integers()),
                "user": st.one_of(st.none(), st.text(max_size=3), st.integers()),
            },
        ),
    ),
    st.sampled_from([httpx.Response(status) for status in (301, 404, 500, 502)]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answer=ODD_ANSWERS, target=st.sampled_from(["--pr", "--commit", "--issue"]))
def test_an_odd_forge_answer_is_one_clear_line_never_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: httpx.Response, target: str
) -> None:
    capsys.readouterr()
    with respx.mock(assert_all_called=False) as api:
        api.route().mock(return_value=answer)
        code = main(["github", target, "5", "--marker", "m", *parts(tmp_path, "x")], ENV)
    out = capsys.readouterr()
    assert code in (0, 1)
    if code == 1:
        assert len(out.err.strip().splitlines()) == 1, out.err
        assert out.err.startswith("error: ")
    assert "gh-secret" not in out.out + out.err


def test_gitlab_approvals_count_only_developers_other_than_the_author(
    capsys: pytest.CaptureFixture[str],
) -> None:
    digest = "0123456789abcdef"
    with respx.mock(assert_all_called=False) as api:
        api.get(f"{GL}/projects/7/merge_requests/4").respond(200, json={"author": {"id": 1}})
        api.get(url__regex=rf"{GL}/projects/7/merge_requests/4/notes.*").respond(
            200,
            json=[
                {"id": 1, "body": f"/wolkvox-approve {digest}", "author": {"id": 1}},
                {"id": 2, "body": f"/wolkvox-approve {digest}", "author": {"id": 2}},
                {"id": 3, "body": f"/wolkvox-approve {'f' * 16}", "author": {"id": 3}},
            ],
        )
        api.get(f"{GL}/projects/7/members/all/2").respond(200, json={"access_level": 30})
        api.get(f"{GL}/projects/7/members/all/3").respond(200, json={"access_level": 20})
        assert main(["gitlab", "--pr", "4", "--approvals"], GL_ENV) == 0
    assert capsys.readouterr().out.split() == [digest]


def test_the_drift_issue_is_closed_when_drift_clears(capsys: pytest.CaptureFixture[str]) -> None:
    title = "Campaigns drifted from the manifests"
    with respx.mock(assert_all_called=False) as api:
        api.get(url__regex=rf"{API}/repos/o/r/issues\?.*").respond(
            200, json=[{"number": 3, "title": title}, {"number": 4, "title": "other"}]
        )
        closed = api.patch(f"{API}/repos/o/r/issues/3").respond(200, json={})
        assert main(["github", "--close-issue", title], ENV) == 0
    assert closed.called and json.loads(closed.calls[0].request.content) == {"state": "closed"}
    assert "closed the issue" in capsys.readouterr().out
