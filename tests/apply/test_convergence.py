"""Property: whatever the desired and live sets and whatever faults strike, repeated
applies converge, and no desired campaign ever becomes two live ones."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.apply.applier import apply_plan
from reconciler.manifest.desired import Campaign, Desired, Operation
from reconciler.plan.planner import make_plan
from reconciler.vocabulary import CampaignType, DesiredState, LiveStatus, Unmanaged
from tests.apply.fakes import FakeClient, Row

NAMES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Desired, list[Row]]:
    wanted = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=len(NAMES)))
    campaigns = []
    for name in wanted:
        campaigns.append(
            Campaign(
                name=name,
                type=draw(st.sampled_from(CampaignType)),
                state=draw(st.sampled_from(DesiredState)),
            )
        )
    rows = []
    types = {c.name: c.type for c in campaigns}
    live_names = draw(st.lists(st.sampled_from(NAMES), unique=True))
    for i, name in enumerate(live_names):
        rows.append(
            Row(
                str(100 + i),
                name,
                types.get(name) or draw(st.sampled_from(CampaignType)),
                draw(st.sampled_from(LiveStatus)),
                draw(st.integers(0, 50)),
            )
        )
    operation = Operation(unmanaged=Unmanaged.IGNORE)
    return Desired(operation, tuple(campaigns)), rows


@settings(max_examples=60, deadline=None)
@given(
    scenario=scenarios(),
    fail_rate=st.floats(0, 0.4),
    drop_rate=st.floats(0, 0.4),
    list_fail_rate=st.floats(0, 0.3),
    seed=st.integers(0, 2**16),
    list_lag=st.integers(0, 3),
    fail_fast=st.booleans(),
    concurrency=st.sampled_from([1, 2]),
)
def test_repeated_applies_converge_and_never_duplicate(
    scenario: tuple[Desired, list[Row]],
    fail_rate: float,
    drop_rate: float,
    list_fail_rate: float,
    seed: int,
    list_lag: int,
    fail_fast: bool,
    concurrency: int,
) -> None:
    desired, rows = scenario
    client = FakeClient.with_rows(
        *rows,
        fail_rate=fail_rate,
        drop_rate=drop_rate,
        list_fail_rate=list_fail_rate,
        seed=seed,
        list_lag=list_lag,
    )
    wanted = {c.name for c in desired.campaigns}

    def live_now() -> list:
        return [r.live() for r in client.rows.values()]

    for _ in range(80):
        plan = make_plan(desired, live_now())
        assert not plan.errors, plan.errors
        if not plan.has_changes:
            break
        apply_plan(
            plan,
            client,
            concurrency=concurrency,
            fail_fast=fail_fast,
            known_ids=[r.campaign_id for r in client.rows.values()],
            # as many re-reads as the list may lag (the default waits cover 15 s of lag)
            recheck_waits=(0.0,) * 4,
        )
        counts = Counter(r.name for r in client.rows.values())
        assert all(counts[name] <= 1 for name in wanted), counts
    else:
        raise AssertionError("did not converge in 80 applies")

    assert not make_plan(desired, live_now()).has_changes
    by_name = {r.name: r for r in client.rows.values()}
    for c in desired.campaigns:
        if c.state is DesiredState.ABSENT:
            assert c.name not in by_name
            continue
        row = by_name[c.name]
        assert row.type is c.type
        if c.state is DesiredState.STARTED:
            assert row.status is LiveStatus.STARTED
        else:
            assert row.status is LiveStatus.STOPPED
        if c.state is DesiredState.CLEARED:
            assert row.records == 0


def test_200_creates_with_lost_answers_and_a_lagging_list_make_no_duplicate() -> None:
    desired = Desired(
        Operation(unmanaged=Unmanaged.IGNORE),
        tuple(
            Campaign(f"c{i:03d}", CampaignType.PREVIEW, DesiredState.STARTED) for i in range(200)
        ),
    )
    client = FakeClient(drop_rate=0.5, list_lag=3, seed=7)
    adopted = 0
    for _ in range(5):
        plan = make_plan(desired, [r.live() for r in client.rows.values()])
        if not plan.has_changes:
            break
        report = apply_plan(
            plan,
            client,
            concurrency=2,
            known_ids=list(client.rows),
            recheck_waits=(0.0,) * 4,
        )
        adopted += sum(o.adopted for o in report.outcomes)
    counts = Counter(r.name for r in client.rows.values())
    assert len(counts) == 200 and max(counts.values()) == 1
    assert adopted > 50  # half the answers were lost: each one adopted, none sent again
