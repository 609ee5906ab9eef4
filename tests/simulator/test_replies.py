"""The simulator's answers have the vendor's shape: code, error, msg (and data)."""

from __future__ import annotations

from reconciler.simulator.replies import Refused, error_reply, ok_reply


def test_answers_carry_the_vendors_fields() -> None:
    assert ok_reply(200, "ok", [{"a": 1}], committed=True).body == {
        "code": 200, "error": None, "msg": "ok", "data": [{"a": 1}]
    }  # fmt: skip
    assert ok_reply(202, "done").body == {"code": 202, "error": None, "msg": "done"}
    error = error_reply(404, "NO CAMPAIGN")
    assert error.status == 404 and error.body["msg"] == "NO CAMPAIGN" and error.body["error"]
    assert Refused(400, "bad").reply.status == 400
