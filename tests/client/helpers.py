"""What the client's tests share: the fake vendor's URLs, answers and rows."""

from __future__ import annotations

from typing import Any

import httpx
import respx

BASE = "http://wolkvox.test/api/v2/"
TOKEN = "tok-5f1c9e2a7b-very-secret"
LIST_URL = BASE + "information.php"
INFO_URL = LIST_URL
CAMPAIGN_URL = BASE + "campaign.php"


class Sleeps(list[float]):
    """A `sleep` that records how long it was asked to wait, and returns at once."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def body(code: Any = 202, msg: Any = "ok", error: Any = None, **extra: Any) -> dict[str, Any]:
    return {"code": code, "error": error, "msg": msg, **extra}


def answer(status: int = 200, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, json=body(code=kwargs.pop("code", status), **kwargs))


def vendor_error(status: int, msg: str, code: Any = None) -> httpx.Response:
    reason = httpx.codes.get_reason_phrase(status).upper()
    return httpx.Response(
        status, json={"code": status if code is None else code, "error": reason, "msg": msg}
    )


def row(**fields: Any) -> dict[str, Any]:
    base = {
        "campaign_id": "101",
        "campaign_name": "summer-sale",
        "campaign_description": "Summer",
        "type_campaign": "predictive",
        "status": "Started",
        "records": "250",
        "speed": "1.5",
        "dial_mode": "autopilot",
        "last_use": "2026-11-20 10:00:00",
        "recycled": "0",
        "turbo_dial": "no",
    }
    base.update(fields)
    return base


def only_request(route: respx.Route) -> httpx.Request:
    assert route.call_count == 1
    request: httpx.Request = route.calls.last.request
    return request


def failure_id(failure: object) -> str:
    if isinstance(failure, httpx.Response):
        return f"HTTP {failure.status_code}"
    return type(failure).__name__
