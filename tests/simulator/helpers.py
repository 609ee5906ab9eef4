"""Requests to the simulator's `Api` in-process, as the HTTP server would make them."""

from __future__ import annotations

import json
from typing import Any

from reconciler.simulator.api import INFORMATION_PATH, Api, Reply


def call(api: Api, method: str, path: str, query: str, body: Any = None, token: str = "") -> Reply:
    params: dict[str, list[str]] = {}
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        params.setdefault(key, []).append(value)
    raw = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    return api.handle(method, path, params, raw, token=token)


def listed(api: Api, query: str = "") -> list[dict[str, str]]:
    reply = call(api, "GET", INFORMATION_PATH, "api=campaigns" + query)
    assert reply.status == 200, reply.body
    rows: list[dict[str, str]] = reply.body["data"]
    return rows
