"""The postgres backend: what only a server backend promises (the shared contract is in
test_backends.py)."""

from __future__ import annotations

import pytest

from reconciler.errors import StateError
from reconciler.state import Binding, StateConfig, open_state


def test_no_part_of_the_url_is_in_a_connection_error() -> None:
    pytest.importorskip("psycopg")
    url = "postgresql://alice-user:hunter2-pass@127.0.0.1:9/db-of-alice?connect_timeout=2"
    with pytest.raises(StateError) as refused:
        open_state(
            StateConfig("postgres", "MY_URL"),
            "k",
            state_dir=".",
            lock_dir=".",
            environ={"MY_URL": url},
        )
    text = str(refused.value)
    assert "MY_URL" in text
    for part in ("alice-user", "hunter2-pass", "db-of-alice", "127.0.0.1", ":9"):
        assert part not in text


def test_a_newer_postgres_format_is_refused(postgres_url: str) -> None:
    import psycopg

    environ = {"WOLKVOX_STATE_URL": postgres_url}
    open_state(StateConfig("postgres"), "k", state_dir=".", lock_dir=".", environ=environ).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE wolkvox_meta SET value = '9' WHERE name = 'format'")
    with pytest.raises(StateError, match=r"newer wolkvox-reconciler.*format 9"):
        open_state(StateConfig("postgres"), "k", state_dir=".", lock_dir=".", environ=environ)


def test_two_schemas_of_one_database_are_two_states_with_two_locks(postgres_url: str) -> None:
    other = postgres_url.rsplit("%3D", 1)[0] + "%3Dpublic"
    first = open_state(StateConfig("postgres"), "k", state_dir=".", lock_dir=".",
                       environ={"WOLKVOX_STATE_URL": postgres_url})  # fmt: skip
    second = open_state(StateConfig("postgres"), "k", state_dir=".", lock_dir=".",
                        environ={"WOLKVOX_STATE_URL": other})  # fmt: skip
    try:
        first.put_binding(Binding("only-here", "1"))
        with first.lock(0, "a"), second.lock(0, "b"):  # no LockHeld: different states
            assert "only-here" not in second.read().bindings
    finally:
        first.close()
        second.close()


def test_the_url_variable_must_be_set() -> None:
    from reconciler.errors import ConfigError

    with pytest.raises(ConfigError, match="WOLKVOX_STATE_URL"):
        open_state(StateConfig("postgres"), "k", state_dir=".", lock_dir=".", environ={})
