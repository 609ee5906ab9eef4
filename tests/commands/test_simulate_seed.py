"""`simulate --seed-from-manifest`: the live operation the manifests describe."""

from __future__ import annotations

from pathlib import Path

from reconciler.commands.simulate_seed import seed_from_manifests


def test_the_seed_is_the_manifests_less_what_should_be_absent(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "version: 1\ncampaigns:\n"
        '  - {name: a, type: preview, state: started, id: "77", skill_id: "1001"}\n'
        "  - {name: b, type: predictive, state: cleared}\n"
        "  - {name: gone, type: preview, state: absent}\n"
    )
    seed = seed_from_manifests([str(manifest)])
    by_name = {c.campaign_name: c for c in seed.campaigns}
    assert sorted(by_name) == ["a", "b"]
    assert by_name["a"].campaign_id == 77
    assert [s.skill_id for s in seed.skills] == ["1001"]
