"""The shape of every answer: `{code, error, msg[, data]}`, and the vendor's own words.

`error` is null on success and the status's reason on every error, as the vendor's pages
show. `Refused` lets a handler answer an error from deep inside, changing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CAMPAIGN_PATH",
    "INFORMATION_PATH",
    "MESSAGES",
    "Refused",
    "Reply",
    "error_reply",
    "ok_reply",
]

INFORMATION_PATH = "/api/v2/information.php"
CAMPAIGN_PATH = "/api/v2/campaign.php"

#: The vendor's documented error messages, word for word.
MESSAGES = {
    "no_api": "THE API YOU WANT TO CONSULT DOES NOT EXIST",
    "required": "SOME PARAMETERS ARE REQUIRED",
    "no_token": "PLEASE ENTER THE WOLKVOX-TOKEN",
    "bad_token": "PLEASE VALIDATE TOKEN",
    "quota": "TOKEN LIMIT EXCEEDED",
    "concurrency": "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN ({limit})",
}

_REASONS = {
    400: "BAD REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT FOUND",
    405: "METHOD NOT ALLOWED",
    413: "PAYLOAD TOO LARGE",
    500: "INTERNAL SERVER ERROR",
    503: "SERVICE UNAVAILABLE",
}


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    #: True when the request changed the store (what --drop-after-commit-rate drops)
    committed: bool = False
    headers: tuple[tuple[str, str], ...] = field(default=())


def error_reply(status: int, msg: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, {"code": status, "error": _REASONS[status], "msg": msg}, headers=headers)


def ok_reply(
    status: int, msg: str, data: list[Any] | None = None, *, committed: bool = False
) -> Reply:
    body: dict[str, Any] = {"code": status, "error": None, "msg": msg}
    if data is not None:
        body["data"] = data
    return Reply(status, body, committed=committed)


class Refused(Exception):
    """Raised inside a handler: answer with this error, change nothing."""

    def __init__(self, status: int, msg: str) -> None:
        super().__init__(msg)
        self.reply = error_reply(status, msg)
