"""Whatever the vendor answers, every parser of its answers either returns a value or
raises the client's own `BadAnswer`, and the client's error table turns any answer into an
ApiError: never a ValueError, a RecursionError or a crash (hypothesis over JSON-ish data,
numbers as long text included)."""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.client import answers
from reconciler.client.answers import BadAnswer
from reconciler.client.failures import http_failure, success_failure
from reconciler.client.request import Call
from reconciler.secret import Secret

SECRET = Secret("property-token-5566")
HUGE = "9" * 5000  # beyond Python's int() limit for text
KEYS = ["code", "error", "msg", "data", "campaign_id", "campaign_name", "campaign_description",
        "type_campaign", "status", "records", "token_limit", "token_use_today", "skill_id",
        "skill_name", "id_campaign", "speed", "turbo_dial"]  # fmt: skip
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=8),
    st.sampled_from([HUGE, "-" + HUGE, "202", "Started", "Stopped", "preview", "\ud800", "1e999"]),
)  # fmt: skip
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)
    ),
    max_leaves=20,
)
BODIES = st.dictionaries(st.sampled_from(KEYS), JSONISH, max_size=6)

PARSERS: dict[str, Any] = {
    "campaigns": lambda b: answers.campaigns(b, SECRET),
    "created_id": answers.created_id,
    "edited_config": lambda b: answers.edited_config(b, "101", SECRET),
    "delete_refusal": lambda b: answers.delete_refusal(b, SECRET),
    "token_info": lambda b: answers.token_info(b, SECRET),
    "skills": lambda b: answers.skills(b, SECRET),
    "envelope_problem": lambda b: answers.envelope_problem(b, "", SECRET),
}


@pytest.mark.parametrize("parser", list(PARSERS))
@settings(max_examples=30, deadline=None)
@given(body=BODIES)
def test_every_parser_returns_or_says_what_is_wrong(parser: str, body: dict[str, Any]) -> None:
    with contextlib.suppress(BadAnswer):  # the one way to refuse an answer
        PARSERS[parser](body)


@settings(max_examples=30, deadline=None)
@given(body=JSONISH, status=st.sampled_from([200, 202, 400, 403, 404, 500]))
def test_every_answer_is_a_value_or_an_api_error(body: Any, status: int) -> None:
    call = Call("DELETE", "campaign.php", "delete_campaign", campaign_id="101",
                refusal=answers.delete_refusal)  # fmt: skip
    content = json.dumps(body).encode()  # escaped as a server would send it
    response = httpx.Response(status, content=content, request=httpx.Request("DELETE", "http://x/"))
    if 200 <= status < 300:
        success_failure(call, response, body, SECRET)
    else:
        http_failure(call, response, body, SECRET)


def test_a_deeply_nested_answer_is_a_protocol_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import respx

    from reconciler.client import WolkvoxClient
    from reconciler.errors import ProtocolError

    nested = "[" * (sys.getrecursionlimit() * 2) + "]" * (sys.getrecursionlimit() * 2)
    with respx.mock() as api:
        api.get(url__regex=r".*information\.php.*").respond(
            200, content=nested.encode(), headers={"Content-Type": "application/json"}
        )
        with (
            WolkvoxClient("http://wolkvox.test", SECRET, retries=0) as client,
            pytest.raises(ProtocolError),
        ):
            client.list_campaigns()


HUGE_ROW = {"campaign_id": "1", "campaign_name": "a", "campaign_description": "",
            "type_campaign": "preview", "status": "Started", "records": HUGE}  # fmt: skip


@pytest.mark.parametrize(
    "parse",
    [
        lambda: answers.campaigns({"code": 200, "data": [HUGE_ROW]}, SECRET),
        lambda: answers.token_info({"code": 200, "data": [{"token_limit": HUGE}]}, SECRET),
        lambda: answers.token_info(
            {"code": 200, "data": [{"token_limit": "9", "token_use_today": HUGE}]}, SECRET
        ),
    ],
    ids=["records", "token_limit", "token_use_today"],
)
def test_a_number_of_thousands_of_digits_is_a_bad_answer(parse: Any) -> None:
    with pytest.raises(BadAnswer):
        parse()


def test_a_delete_count_of_thousands_of_digits_is_not_a_yes() -> None:
    said = answers.delete_refusal({"msg": f"{HUGE} campaigns deleted. 0 operations failed"}, SECRET)
    assert said is not None and said[0] is False
    answers.envelope_problem({"code": HUGE, "data": []}, "", SECRET)  # no ValueError
