"""The domain's words: what the vendor and the manifests say, as enums."""

from __future__ import annotations

from reconciler.vocabulary import AMD_COUNTRIES, CampaignType, DesiredState, LiveStatus, Unmanaged


def test_the_words_are_those_of_the_vendor_and_the_manifests() -> None:
    assert [t.value for t in CampaignType] == ["preview", "predictive"]
    assert [s.value for s in LiveStatus] == ["Started", "Stopped"]
    assert [s.value for s in DesiredState] == ["started", "stopped", "cleared", "absent"]
    assert [u.value for u in Unmanaged] == ["ignore", "warn", "stop"]
    assert "COL" in AMD_COUNTRIES and all(len(c) == 3 and c.isupper() for c in AMD_COUNTRIES)
