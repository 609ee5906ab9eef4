"""One logical call: how its errors name the call and the campaign."""

from __future__ import annotations

from reconciler.client.request import Call, Failed, campaign_label
from reconciler.errors import NotFound, TransientError


def test_errors_name_the_call_and_the_campaign() -> None:
    call = Call("PUT", "campaign.php", "start_campaign", campaign="winback (id 7)")
    error = call.error(NotFound, "no such campaign", 404)
    assert (error.call, error.campaign, error.status_code) == ("start_campaign",
                                                               "winback (id 7)", 404)  # fmt: skip
    assert campaign_label("winback", "7") == "winback (id 7)"
    assert campaign_label(None, "7") == "7" and campaign_label(None, "") is None
    failed = Failed(TransientError("reset", call="x"), may_have_acted=True)
    assert failed.may_have_acted and str(failed) == "reset"
