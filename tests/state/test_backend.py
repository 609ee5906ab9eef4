"""Each backend implements the whole interface (`backend.StateBackend`)."""

from __future__ import annotations

import inspect

import pytest

from reconciler.state.backend import StateBackend
from reconciler.state.local import LocalState
from reconciler.state.postgres import PostgresState


@pytest.mark.parametrize("backend", [LocalState, PostgresState])
def test_every_method_of_the_interface_is_implemented(backend: type) -> None:
    wanted = {n for n, _ in inspect.getmembers(StateBackend) if not n.startswith("_")}
    missing = sorted(n for n in wanted if not hasattr(backend, n))
    assert not missing, missing
    for name in wanted - {"kind"}:
        ours = inspect.signature(getattr(StateBackend, name)).parameters
        theirs = inspect.signature(getattr(backend, name)).parameters
        assert list(ours) == list(theirs), (backend.__name__, name)
