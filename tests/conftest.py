"""Fixtures shared by every test package."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import DEFAULT_SIMULATOR_TOKEN, Simulator, no_known_secrets


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests marked `slow` (seconds each: a pip install, the benchmark, a soak) run
    first, one at the head of each worker's share (pytest-xdist hands each worker an equal,
    contiguous share of this list), so that the short ones fill the time beside them
    rather than after them. Order only: every test runs, with or without xdist."""
    slow = [item for item in items if item.get_closest_marker("slow")]
    if not slow:
        return
    rest = [item for item in items if not item.get_closest_marker("slow")]
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    share = -(-len(rest) // workers)
    shares = [rest[i * share : (i + 1) * share] for i in range(workers)]
    for k, item in enumerate(slow):
        shares[k % workers].insert(k // workers, item)
    items[:] = [item for part in shares for item in part]


@pytest.fixture(scope="session")
def _state_homes() -> Iterator[int]:
    """Numbers for the per-test state directories below (one session directory: most
    tests never write state, and a tmp_path each would cost a directory per test)."""
    return itertools.count()


@pytest.fixture(autouse=True)
def _private_lock_dir(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    _state_homes: Iterator[int],
) -> None:
    """apply's per-user lock directory, private to each test (subprocesses inherit it);
    created only by what writes there."""
    home = tmp_path_factory.getbasetemp() / "xdg-state" / str(next(_state_homes))
    monkeypatch.setenv("XDG_STATE_HOME", str(home))


@pytest.fixture(autouse=True)
def _secrets_of_this_test_only() -> Iterator[None]:
    """The secrets the process redacts everywhere (`reconciler.secret`), as a new process
    starts: none. A token another test made must not mask this test's text."""
    with no_known_secrets():
        yield


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[Callable[..., Simulator]]:
    """Factory: `simulator(seed=None, *extra_args, process=False) -> Simulator`.

    Serves `wolkvox-reconciler simulate --port 0 --random-seed 1 [--seed F] *extra_args`
    on 127.0.0.1, from a thread of this process or (`process=True`) as the installed
    console script in a subprocess, and waits until it listens; every simulator started
    is stopped at teardown. `seed` is the seed file's content
    (`{"campaigns": [...]}`), written as YAML in `tmp_path`. A `--token T` among the
    extra args becomes `Simulator.token` (the first one, if repeated).
    """
    started: list[Simulator] = []

    def start(
        seed: dict[str, Any] | None = None, *extra_args: str, process: bool = False
    ) -> Simulator:
        args = ["--port", "0", "--random-seed", "1"]
        if seed is not None:
            seed_file = tmp_path / f"seed-{len(started)}.yaml"
            seed_file.write_text(yaml.safe_dump(seed, sort_keys=False), encoding="utf-8")
            args += ["--seed", str(seed_file)]
        args += extra_args
        token = DEFAULT_SIMULATOR_TOKEN
        if "--token" in extra_args:
            token = extra_args[extra_args.index("--token") + 1]
        sim = Simulator(tmp_path, args, token, process=process)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose tables land in a schema of this test's own (dropped after).

    The server is `$WOLKVOX_TEST_POSTGRES_URL` (`eval "$(bash .ci/postgres.sh start)"`
    starts one). Without it the test is skipped, and says why; with
    WOLKVOX_REQUIRE_POSTGRES=1 (CI) it fails instead: CI never skips these silently."""
    base = os.environ.get("WOLKVOX_TEST_POSTGRES_URL", "")
    why = ""
    try:
        import psycopg
    except ImportError:
        why = "psycopg is not installed (pip install -e '.[test,postgres]')"
    if not why and not base:
        why = 'no PostgreSQL server: eval "$(bash .ci/postgres.sh start)" (docs/state.md)'
    if why:
        if os.environ.get("WOLKVOX_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"WOLKVOX_REQUIRE_POSTGRES=1 but {why}")
        pytest.skip(why)
    import uuid

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
