"""Fault draws: reproducible from the seed, at the rates asked for."""

from __future__ import annotations

import pytest

from reconciler.simulator.faults import Fault, FaultPlan, Faults


def draws(seed: int | None, n: int = 200, fail: float = 0.3, drop: float = 0.3) -> list[FaultPlan]:
    faults = Faults(fail_rate=fail, drop_after_commit_rate=drop, seed=seed)
    return [faults.draw() for _ in range(n)]


def test_the_same_seed_replays_the_same_faults() -> None:
    assert draws(7) == draws(7)
    assert draws(7) != draws(8)


def test_rates_zero_and_one() -> None:
    assert all(p.before is Fault.NONE and not p.drop_after_commit for p in draws(1, 50, 0, 0))
    always = draws(1, 300, 1, 1)
    assert all(p.drop_after_commit for p in always)
    # all three kinds of failure-before-change occur
    assert {p.before for p in always} == {Fault.HTTP_500, Fault.HTTP_503, Fault.DROP}


def test_rates_are_roughly_honoured() -> None:
    plans = draws(3, 2000, 0.25, 0.1)
    failed = sum(p.before is not Fault.NONE for p in plans) / len(plans)
    dropped = sum(p.drop_after_commit for p in plans) / len(plans)
    assert 0.2 < failed < 0.3 and 0.07 < dropped < 0.13


def test_rates_must_be_probabilities() -> None:
    with pytest.raises(ValueError):
        Faults(fail_rate=1.5, drop_after_commit_rate=0, seed=1)
