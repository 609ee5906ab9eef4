"""The demo's live operation: drifted in every way a plan shows, within the thresholds."""

from __future__ import annotations

from reconciler.manifest.loader import load_texts
from reconciler.plan.model import Thresholds
from reconciler.plan.planner import make_plan
from reconciler.workflow.demo import drifted_seed, example_manifest


def test_the_drifted_example_plans_every_kind_of_change_and_apply_would_accept_it() -> None:
    desired = load_texts({"campaigns.yaml": example_manifest()}, {"WOLKVOX_VAR_WAVE": "1"})
    seed = drifted_seed(desired)
    from reconciler.client.live import LiveCampaign
    from reconciler.vocabulary import CampaignType, LiveStatus

    live = [
        LiveCampaign(str(r["campaign_id"]), r["campaign_name"], CampaignType(r["type_campaign"]),
                     LiveStatus(r["status"]), r["records"], r["campaign_description"])
        for r in seed["campaigns"]
    ]  # fmt: skip
    plan = make_plan(desired, live)
    kinds = {a.kind.value for a in plan.actions}
    assert {"create", "start", "stop", "clear"} <= kinds
    assert plan.threshold_violations(Thresholds()) == []
