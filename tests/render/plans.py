"""Plans the renderer tests share: built by the real planner, not by hand."""

from __future__ import annotations

from typing import Any

from reconciler.client.live import LiveCampaign
from reconciler.manifest.desired import Campaign, Desired, Operation
from reconciler.plan.model import Plan
from reconciler.plan.planner import make_plan
from reconciler.plan.saved import SavedPlan, plan_document
from reconciler.secret import Secret
from reconciler.vocabulary import CampaignType, DesiredState, LiveStatus, Unmanaged

P = CampaignType.PREVIEW
#: the token a plan is signed with in these tests
TOKEN = Secret("tok-plans-0a1b2c3d")


def saved(plan: Plan, operation: Operation | None = None) -> SavedPlan:
    """`plan` as `plan --out` would save it (no manifests on disk)."""
    return SavedPlan(plan, operation or Operation(unmanaged=Unmanaged.WARN))


def document(plan: Plan) -> dict[str, Any]:
    """The signed JSON document of `plan`, as `plan --json` prints it."""
    return plan_document(saved(plan), TOKEN)


def four_kinds() -> Plan:
    """One of each state action (6 API calls), a recorded field that needs nothing, and an
    unmanaged warning."""
    d = Desired(
        Operation(unmanaged=Unmanaged.WARN),
        (
            Campaign("new-leads", P, DesiredState.STARTED, description="fresh"),
            Campaign("old-leads", P, DesiredState.CLEARED, description="was", enable_edition=True),
        ),
    )
    live = [
        LiveCampaign("40", "old-leads", P, LiveStatus.STARTED, 40, "was"),
        LiveCampaign("41", "stray", P, LiveStatus.STOPPED, 0),
    ]
    return make_plan(d, live, record={"40": {"enable_edition": True}})


def with_error() -> Plan:
    d = Desired(Operation(), (Campaign("dup", P, DesiredState.STOPPED),))
    live = [
        LiveCampaign("1", "dup", P, LiveStatus.STARTED, 0),
        LiveCampaign("2", "dup", P, LiveStatus.STARTED, 0),
    ]
    return make_plan(d, live)


def empty() -> Plan:
    d = Desired(Operation(), (Campaign("a", P, DesiredState.STARTED),))
    return make_plan(d, [LiveCampaign("1", "a", P, LiveStatus.STARTED, 3)])


def many_creates(n: int) -> Plan:
    d = Desired(
        Operation(),
        tuple(
            Campaign(f"campaign-{i:05d}", P, DesiredState.STOPPED, description="x" * 40)
            for i in range(n)
        ),
    )
    return make_plan(d, [])


def field_kinds() -> Plan:
    """An edit (description and a label, against the record), a speed, a delete after its
    stop, a rename by pinned id, and a create with its post-create speed."""
    d = Desired(
        Operation(unmanaged=Unmanaged.WARN),
        (
            Campaign("edited", P, DesiredState.STOPPED, description="new", options={"opt2": "b"}),
            Campaign("faster", P, DesiredState.STOPPED, speed=40),
            Campaign("gone", P, DesiredState.ABSENT),
            Campaign("renamed", P, DesiredState.STOPPED, id="44"),
            Campaign("fresh", P, DesiredState.STARTED, speed=10),
        ),
    )
    live = [
        LiveCampaign("41", "edited", P, LiveStatus.STOPPED, 0, "old"),
        LiveCampaign("42", "faster", P, LiveStatus.STOPPED, 0, speed=1),
        LiveCampaign("43", "gone", P, LiveStatus.STARTED, 7),
        LiveCampaign("44", "old-name", P, LiveStatus.STOPPED, 0),
    ]
    record = {"41": {"options.opt2": "a"}}
    return make_plan(d, live, record=record)
