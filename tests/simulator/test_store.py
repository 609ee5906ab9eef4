"""The store: fresh ids, per-result counts, seeding once, atomic changes, persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.simulator.store import CampaignData, Store
from reconciler.vocabulary import CampaignType, LiveStatus


def campaign(name: str = "A", **kw: object) -> CampaignData:
    return CampaignData(campaign_name=name, type_campaign=CampaignType.PREVIEW, **kw)  # type: ignore[arg-type]


def test_new_ids_are_fresh_even_after_seeded_ids() -> None:
    store = Store()
    store.seed([campaign(campaign_id=500), campaign(campaign_id=7)])
    created = store.create(campaign("B"))
    assert created.campaign_id == 501
    assert store.create(campaign("C")).campaign_id == 502


def test_records_are_the_sum_of_the_per_result_counts() -> None:
    store = Store()
    store.seed([campaign(campaign_id=1, record_results=(("busy", 3), ("answer", 4)))])
    row = store.get(1)
    assert row is not None and row.records == 7
    assert row.list_row()["records"] == "7"


def test_clear_by_result_removes_only_that_result_and_says_how_many() -> None:
    store = Store()
    store.seed([campaign(campaign_id=1, record_results=(("busy", 3), ("answer", 4)))])
    assert store.clear(1, "busy") == 3
    row = store.get(1)
    assert row is not None and dict(row.record_results) == {"answer": 4}
    assert store.clear(1) == 4
    row = store.get(1)
    assert row is not None and row.records == 0


def test_seed_applies_once_then_the_state_is_kept(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    store = Store(path)
    assert store.seed([campaign(campaign_id=1)])
    store.set_status(1, LiveStatus.STARTED, last_use="2026-01-01 00:00:00")
    store.close()

    again = Store(path)
    assert not again.seed([campaign("Other", campaign_id=2)])
    rows = again.campaigns()
    assert [(r.campaign_id, r.status) for r in rows] == [(1, LiveStatus.STARTED)]
    assert rows[0].last_use == "2026-01-01 00:00:00"
    again.close()


def test_a_state_changed_by_the_api_is_never_seeded_over(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    store = Store(path)
    store.create(campaign("Made by a call"))
    store.close()
    again = Store(path)
    assert not again.seed([campaign("Seed")])
    assert [r.campaign_name for r in again.campaigns()] == ["Made by a call"]
    again.close()


def test_a_change_that_fails_midway_leaves_nothing_behind(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    store = Store(path)
    store.seed([])
    # the campaign row is inserted first, then its records: the bad result fails the second
    with pytest.raises(ValueError):
        store.create(campaign("Half", record_results=(("busy", 1), ("nonsense", 1))))
    assert store.campaigns() == []
    store.close()
    assert Store(path).campaigns() == []


def test_a_failed_seed_leaves_the_store_unseeded() -> None:
    store = Store()
    with pytest.raises(ValueError):
        store.seed([campaign(campaign_id=1), campaign(record_results=(("nonsense", 1),))])
    assert not store.seeded
    assert store.campaigns() == []
