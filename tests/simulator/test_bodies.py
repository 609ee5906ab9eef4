"""The simulator reads request bodies as strictly as the vendor documents them."""

from __future__ import annotations

import pytest

from reconciler.simulator.bodies import MAX_ID, delete_body, parse_id, speed_body
from reconciler.simulator.replies import Refused


def test_ids_are_ascii_digits_and_an_impossible_one_is_past_the_largest() -> None:
    assert parse_id("0042") == 42
    assert parse_id("9" * 40) == MAX_ID + 1  # a 404 later, never an overflow
    for bad in ("", "4x", "٣", "-1", " 1"):
        with pytest.raises(Refused):
            parse_id(bad)


def test_speed_is_a_whole_number_from_0_to_100_sent_as_text() -> None:
    assert speed_body(b'{"speed": "040"}') == "40"
    for bad in (b'{"speed": 40}', b'{"speed": "101"}', b'{"speed": "4.5"}', b"{}", b"[]"):
        with pytest.raises(Refused):
            speed_body(bad)


def test_the_bulk_delete_takes_a_non_empty_list_of_string_ids() -> None:
    assert delete_body(b'{"campaign_ids": ["23910", "23911"]}') == [23910, 23911]
    for bad in (b'{"campaign_ids": []}', b'{"campaign_ids": [23910]}', b'{"ids": ["1"]}'):
        with pytest.raises(Refused):
            delete_body(bad)
