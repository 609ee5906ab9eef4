"""Fixtures of the client's tests: respx for HTTP, and a sleep that only records, so that
no retry waits for real."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx

from reconciler.client import WolkvoxClient
from reconciler.secret import Secret
from tests.client.helpers import BASE, TOKEN, Sleeps


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make(sleeps: Sleeps) -> Iterator[Callable[..., WolkvoxClient]]:
    made: list[WolkvoxClient] = []

    def factory(**kwargs: Any) -> WolkvoxClient:
        kwargs.setdefault("sleep", sleeps)
        kwargs.setdefault("random", lambda: 1.0)  # the backoff ceiling itself
        client = WolkvoxClient(BASE, Secret(TOKEN), **kwargs)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


@pytest.fixture
def client(make: Callable[..., WolkvoxClient]) -> WolkvoxClient:
    return make()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router
