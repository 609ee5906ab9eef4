"""Per-token limits: simultaneous requests and the daily quota."""

from __future__ import annotations

import datetime as dt

from reconciler.simulator.limits import Admission, TokenGate


def test_more_in_flight_than_allowed_is_refused_until_one_finishes() -> None:
    gate = TokenGate(max_concurrent=2, daily_quota=None)
    assert gate.enter("t") is Admission.ADMITTED
    assert gate.enter("t") is Admission.ADMITTED
    assert gate.enter("t") is Admission.TOO_MANY_IN_FLIGHT
    assert gate.enter("other") is Admission.ADMITTED  # counted per token
    gate.leave("t")
    assert gate.enter("t") is Admission.ADMITTED
    assert gate.in_flight("t") == 2


def test_the_quota_counts_admitted_requests_per_token_and_day() -> None:
    day = [dt.date(2026, 1, 1)]
    gate = TokenGate(max_concurrent=1, daily_quota=2, today=lambda: day[0])
    for _ in range(2):
        assert gate.enter("t") is Admission.ADMITTED
        gate.leave("t")
    assert gate.enter("t") is Admission.QUOTA_EXCEEDED
    assert gate.enter("u") is Admission.ADMITTED
    gate.leave("u")
    day[0] = dt.date(2026, 1, 2)  # a new UTC day, a new quota
    assert gate.enter("t") is Admission.ADMITTED


def test_a_refused_request_consumes_no_quota() -> None:
    gate = TokenGate(max_concurrent=1, daily_quota=5)
    assert gate.enter("t") is Admission.ADMITTED
    assert gate.enter("t") is Admission.TOO_MANY_IN_FLIGHT
    assert gate.used_today("t") == 1


def test_usage_counts_one_token_and_every_token_of_the_day() -> None:
    day = [dt.date(2026, 1, 1)]
    gate = TokenGate(max_concurrent=5, daily_quota=None, today=lambda: day[0])
    for token in ("a", "a", "b"):
        assert gate.enter(token) is Admission.ADMITTED
        gate.leave(token)
    assert gate.enter("a") is Admission.ADMITTED  # in flight: counted already
    assert gate.usage("a") == (3, 4)
    assert gate.usage("c") == (0, 4)
    day[0] = dt.date(2026, 1, 2)
    assert gate.usage("a") == (0, 0)
