"""Files appear whole or not at all: one file replaced at once, a new directory of files
written at once, and nothing left behind by a failure, an interruption or a kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.io import FileExistsRefusal, atomic_write, write_new_directory


def test_atomic_write_replaces_whole_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "record.json"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["record.json"]


class Interrupting(dict[str, str]):
    """A mapping of files whose iteration is interrupted (as SIGTERM is) halfway."""

    def items(self) -> Iterator[tuple[str, str]]:  # type: ignore[override]
        for n, item in enumerate(super().items()):
            if n == len(self) // 2:
                raise KeyboardInterrupt
            yield item


def test_an_interrupted_directory_write_leaves_nothing(tmp_path: Path) -> None:
    files = Interrupting({f"c{i}.yaml": f"n: {i}\n" for i in range(20)})
    with pytest.raises(KeyboardInterrupt):
        write_new_directory(tmp_path / "out", files)
    assert list(tmp_path.iterdir()) == []


def test_a_directory_write_is_whole_and_refuses_a_directory_with_files(tmp_path: Path) -> None:
    files = {f"c{i}.yaml": f"n: {i}\n" for i in range(5)}
    written = write_new_directory(tmp_path / "out", files)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(files)
    assert len(written) == 5
    with pytest.raises(FileExistsRefusal, match="not empty"):
        write_new_directory(tmp_path / "out", {"other.yaml": "x"})
    assert not (tmp_path / "out" / "other.yaml").exists()
    (tmp_path / "empty").mkdir()
    write_new_directory(tmp_path / "empty", files)  # an empty directory is taken
    assert len(list((tmp_path / "empty").iterdir())) == 5


def test_a_staging_directory_left_by_kill_9_is_removed_by_the_next_write(tmp_path: Path) -> None:
    left = tmp_path / ".out.abc.wolkvox-tmp"
    left.mkdir()
    (left / "half.yaml").write_text("x")
    old = time.time() - 3600
    os.utime(left, (old, old))
    write_new_directory(tmp_path / "out", {"a.yaml": "a"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.slow
def test_sigterm_at_any_point_of_a_big_write_leaves_all_or_nothing(tmp_path: Path) -> None:
    code = (
        "import sys, signal\n"
        "from pathlib import Path\n"
        "from reconciler.io import write_new_directory\n"
        "signal.signal(signal.SIGTERM, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt()))\n"
        "files = {f'c{i}.yaml': 'x' * 200 for i in range(20000)}\n"
        "print('ready', flush=True)\n"
        "try:\n"
        "    write_new_directory(Path(sys.argv[1]), files)\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(130)\n"
    )
    for delay in (0.05, 0.2, 0.5):
        out = tmp_path / f"out-{delay}"
        proc = subprocess.Popen([sys.executable, "-c", code, str(out)], stdout=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        proc.stdout.close()
        names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(f".out-{delay}"))
        assert names == []  # no staging directory left
        assert not out.exists() or len(list(out.iterdir())) == 20000
