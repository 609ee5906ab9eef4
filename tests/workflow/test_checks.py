"""The budget check: calls left today, from token_info or the manifests' daily quota."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.errors import ApiError, QuotaExhausted
from reconciler.manifest.desired import Operation
from reconciler.workflow.checks import budget


class Info:
    available, used_today, limit = 10, 4990, 5000


class Reads:
    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def token_info(self) -> Any:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def skills(self) -> list[Any]:
        return []


def test_the_budget_comes_from_token_info_and_refuses_a_plan_that_needs_more() -> None:
    found = budget(Reads(Info()), Operation())
    assert found.refusal(10) is None
    assert "the plan needs 11 API calls, but the token has 10 left" in (found.refusal(11) or "")
    assert (
        found.describe(3)
        == "Budget: 3 API calls, 10 left today (token_info: 4990 of 5000 used today)."
    )


def test_without_token_info_the_daily_quota_or_nothing_is_known() -> None:
    down = ApiError("HTTP 500", call="token_info")
    assert budget(Reads(down), Operation(daily_quota=50)).available == 50
    unknown = budget(Reads(down), Operation())
    assert unknown.available is None and unknown.refusal(10**6) is None
    with pytest.raises(QuotaExhausted):
        budget(Reads(QuotaExhausted("none left", call="token_info")), Operation())
