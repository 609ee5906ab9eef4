"""The state's model: bindings and snapshots read back only as we write them."""

from __future__ import annotations

from reconciler.state.model import FORMAT, Binding, Snapshot


def test_a_snapshot_round_trips_through_its_document() -> None:
    snapshot = Snapshot(
        bindings={"a": Binding("a", "10", "created", "t1"), "b": Binding("b", "9", "imported")},
        fields={"10": {"start_time": "08:00:00"}, "9": {}},
    )
    document = snapshot.to_document()
    assert document["version"] == FORMAT
    assert list(document["campaigns"]) == ["9", "10"]  # ids in numeric order
    assert Snapshot.from_document(document) == snapshot
    assert snapshot.name_of("9") == "b" and snapshot.name_of("11") is None
    assert not snapshot.is_empty() and Snapshot().is_empty()


def test_entries_that_are_not_ours_are_dropped() -> None:
    document = {
        "bindings": {
            "ok": {"id": "5", "origin": "who-knows", "since": 3},
            "no-id": {"origin": "created"},
            "bad-id": {"id": "5x"},
            "long-id": {"id": "1" * 19},
            "not-a-dict": "7",
        },
        "campaigns": {"7": {"a": 1}, "x": {"b": 2}, "8": "nope"},
    }
    snapshot = Snapshot.from_document(document)
    assert snapshot.bindings == {"ok": Binding("ok", "5", "matched", "")}
    assert snapshot.fields == {"7": {"a": 1}}


def test_binding_a_name_to_an_id_takes_it_from_any_other_name() -> None:
    from reconciler.state.model import bind_all

    snapshot = Snapshot(bindings={"a": Binding("a", "1"), "b": Binding("b", "2")})
    bind_all(snapshot, [Binding("c", "1"), Binding("b", "3"), Binding("d", "2")])
    assert {n: b.campaign_id for n, b in snapshot.bindings.items()} == {
        "c": "1", "b": "3", "d": "2"
    }  # fmt: skip
