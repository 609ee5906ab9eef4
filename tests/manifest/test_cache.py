"""The parse cache: a second load of unchanged bytes parses nothing, still resolves `${VAR}`
from the environment of the moment, and a broken entry or cache directory never matters."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from reconciler.errors import ManifestError
from reconciler.manifest import cache, fast, load
from reconciler.manifest.fast import Parsed

TEXT = """version: 1
campaigns:
  - name: wave-${WOLKVOX_VAR_WAVE:-1}
    type: preview
    state: ${WOLKVOX_VAR_STATE}
    enable_edition: ${WOLKVOX_VAR_EDIT:-no}
"""


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    file = tmp_path / "m.yaml"
    file.write_text(TEXT, encoding="utf-8")
    return file


def entries() -> list[Path]:
    directory = cache.cache_dir(os.environ)
    return sorted(directory.iterdir()) if directory.is_dir() else []


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("parsed although the cache holds the file")

    monkeypatch.setattr(fast, "parse_fast", refuse)


def test_a_second_load_is_served_from_the_cache(
    manifest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load([str(manifest)], environ={"WOLKVOX_VAR_STATE": "started"})
    assert len(entries()) == 1
    # same bytes under another name: the same entry, located at the new name
    moved = tmp_path / "elsewhere.yaml"
    manifest.rename(moved)
    no_parsing(monkeypatch)
    again = load([str(moved)], environ={"WOLKVOX_VAR_STATE": "started"})
    assert again.campaigns == first.campaigns
    assert str(again.campaigns[0].location) == f"{moved}:3:5"


def test_a_cached_file_is_interpolated_with_the_current_environment(
    manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load([str(manifest)], environ={"WOLKVOX_VAR_STATE": "started"})
    no_parsing(monkeypatch)
    (campaign,) = load(
        [str(manifest)],
        environ={
            "WOLKVOX_VAR_STATE": "stopped",
            "WOLKVOX_VAR_WAVE": "7",
            "WOLKVOX_VAR_EDIT": "yes",
        },
    ).campaigns
    assert (campaign.name, campaign.state.value, campaign.enable_edition) == (
        "wave-7",
        "stopped",
        True,
    )
    monkeypatch.undo()
    with pytest.raises(ManifestError) as caught:
        load([str(manifest)], environ={})
    assert [str(p) for p in caught.value.problems] == [
        f"{manifest}:5:12: environment variable WOLKVOX_VAR_STATE is not set "
        "(write ${WOLKVOX_VAR_STATE:-default} to give a default)"
    ]


def test_a_cached_file_still_cannot_interpolate_the_token(manifest: Path, tmp_path: Path) -> None:
    load([str(manifest)], environ={"WOLKVOX_VAR_STATE": "started"})
    other = tmp_path / "op.yaml"
    other.write_text("version: 1\noperation: {token_env: WOLKVOX_VAR_STATE}\n", encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load([str(manifest), str(other)], environ={"WOLKVOX_VAR_STATE": "started"})
    assert "holds the API token" in str(caught.value.problems[0])


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],
        lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]),
        lambda blob: b"",
        lambda blob: b"garbage" * 10,
    ],
    ids=["cut", "flipped", "empty", "garbage"],
)
def test_a_damaged_entry_is_ignored_and_replaced(manifest: Path, damage: Any) -> None:
    first = load([str(manifest)], environ={"WOLKVOX_VAR_STATE": "started"})
    (entry,) = entries()
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert load([str(manifest)], environ={"WOLKVOX_VAR_STATE": "started"}) == first
    assert entry.read_bytes() == good


def test_an_entry_of_another_format_is_ignored(manifest: Path) -> None:
    load([str(manifest)], environ={"WOLKVOX_VAR_STATE": "started"})
    (entry,) = entries()
    assert Parsed.from_builtin((fast.FORMAT + 1, {}, [], {}, [], False)) is None
    assert cache.load_entry(entry.parent, entry.name) is not None
    assert cache.unpack(b"\x00garbage") is None


def test_the_cache_can_be_turned_off(manifest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.DISABLE_ENV, "1")
    load([str(manifest)], environ={"WOLKVOX_VAR_STATE": "started"})
    load([str(manifest)], environ={"WOLKVOX_VAR_STATE": "started"}, use_cache=False)
    assert entries() == []


def test_an_unusable_cache_directory_changes_nothing(
    manifest: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    (campaign,) = load([str(manifest)], environ={"WOLKVOX_VAR_STATE": "started"}).campaigns
    assert campaign.name == "wave-1"


def test_the_key_follows_bytes_backend_and_schema() -> None:
    keys = {
        cache.entry_key(b"a", "libyaml", "s1"),
        cache.entry_key(b"b", "libyaml", "s1"),
        cache.entry_key(b"a", "pure", "s1"),
        cache.entry_key(b"a", "libyaml", "s2"),
    }
    assert len(keys) == 4


def test_concurrent_writers_leave_whole_entries(tmp_path: Path) -> None:
    parsed = fast.parse_fast(TEXT, {})
    assert parsed is not None
    seen: list[Parsed | None] = []
    packed = cache.pack(parsed)

    def write() -> None:
        for _ in range(50):
            cache.store_entry(tmp_path, "k", parsed)

    def read() -> None:
        for _ in range(200):
            entry = cache.load_entry(tmp_path, "k")
            seen.append(None if entry is None else cache.unpack(entry[2]))

    threads = [threading.Thread(target=write) for _ in range(4)]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {id(p) for p in seen if p is not None and p != parsed} == set()
    assert cache.load_entry(tmp_path, "k") == (parsed.token_envs, parsed.variables, packed)
    assert [p.name for p in tmp_path.iterdir()] == ["k"]  # no temporary file left


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 4)
    monkeypatch.setattr(cache, "_PRUNE_EVERY", 1)  # a scan at every store, to see it work
    parsed = fast.parse_fast(TEXT, {})
    assert parsed is not None
    for i in range(4):
        cache.store_entry(tmp_path, f"k{i}", parsed)
        os.utime(tmp_path / f"k{i}", ns=(i * 10**9, i * 10**9))  # k0 the oldest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k0", "k1", "k2", "k3"]
    cache.store_entry(tmp_path, "k4", parsed)  # one too many: the oldest go
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k3", "k4"]


def test_a_process_storing_many_entries_scans_the_directory_rarely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans: list[Path] = []
    monkeypatch.setattr(cache, "_prune", scans.append)
    monkeypatch.setattr(cache, "_stored", 0)
    parsed = fast.parse_fast(TEXT, {})
    assert parsed is not None
    for i in range(cache._PRUNE_EVERY * 2):
        cache.store_entry(tmp_path, f"k{i}", parsed)
    assert len(scans) == 2  # not one per entry: that made a 30,000-file export quadratic


def test_a_run_served_from_the_cache_imports_no_yaml_even_with_interpolation(
    tmp_path: Path,
) -> None:
    """The fast path checks interpolated values against the compiled schema; nothing of
    that may pull PyYAML in (the YAML tree is the thorough path's alone)."""
    import subprocess
    import sys

    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "version: 1\ncampaigns:\n"
        "  - {name: a, type: preview, state: stopped, description: 'w ${WOLKVOX_VAR_W:-1}'}\n"
    )
    code = (
        "import sys\n"
        "from reconciler.manifest import load\n"
        f"d = load([{str(manifest)!r}], environ={{}})\n"
        "assert d.campaigns[0].description == 'w 1'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'yaml'))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("WOLKVOX_NO_CACHE", None)
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        for _ in range(2)
    ]
    assert runs[1].stdout.strip() == "[]"  # the second, from the cache
