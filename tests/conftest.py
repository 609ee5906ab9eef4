"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import DEFAULT_SIMULATOR_TOKEN, Simulator


@pytest.fixture(autouse=True)
def _private_lock_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """apply's per-user lock directory, private to each test (subprocesses inherit it)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


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
