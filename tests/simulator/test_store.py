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


def test_an_old_state_file_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    # the campaigns table as simulators before skill_id and the list lag wrote it
    old.executescript(
        "CREATE TABLE campaigns (campaign_id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "campaign_name TEXT NOT NULL, campaign_description TEXT NOT NULL, "
        "type_campaign TEXT NOT NULL, status TEXT NOT NULL, speed TEXT NOT NULL, "
        "dial_mode TEXT NOT NULL, last_use TEXT NOT NULL, recycled TEXT NOT NULL, "
        "turbo_dial TEXT NOT NULL, settings TEXT NOT NULL DEFAULT '{}');"
    )
    old.close()
    with pytest.raises(sqlite3.DatabaseError, match=r"older simulator.*new --state file"):
        Store(str(path))
    # and the old file is left as it was
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("campaigns",), ("sqlite_sequence",)]


def test_update_changes_columns_and_merges_settings_in_one_step(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    store = Store(path)
    store.seed([campaign(campaign_id=1, settings=(("opt1", "a"),))])
    store.update(1, {"speed": "40", "skill_id": "7"}, {"opt2": "b", "amd_conf": "COL"})
    store.close()
    again = Store(path)
    row = again.get(1)
    assert row is not None and (row.speed, row.skill_id) == ("40", "7")
    settings = again.settings(1)
    assert (settings["opt1"], settings["opt2"], settings["amd_conf"]) == ("a", "b", "COL")
    assert settings["camp_dial_order"] == "linear"  # never set: the default
    with pytest.raises(ValueError, match="not editable"):
        again.update(1, {"records; DROP TABLE campaigns": "x"})
    again.close()


def test_delete_removes_campaigns_and_records_and_ids_stay_used() -> None:
    store = Store()
    store.seed([campaign(campaign_id=5, record_results=(("busy", 2),)), campaign(campaign_id=6)])
    store.delete([5, 6])
    assert store.campaigns() == []
    assert store.create(campaign("B")).campaign_id == 7


def test_seeded_pinned_ids_go_in_before_fresh_ones() -> None:
    store = Store()
    # inserted in the given order, the id-less campaign would take id 1, which the pinned
    # one then could not have
    store.seed([campaign("fresh"), campaign("pinned", campaign_id=1)])
    assert {r.campaign_name: r.campaign_id for r in store.campaigns()} == {
        "pinned": 1,
        "fresh": 2,
    }
