"""The `local` backend (the default): the state in files, no server.

- `state-<key>.json` beside the manifests (`.wolkvox-reconciler/`, or `--state-dir`): the
  bindings and the last-applied fields, rewritten atomically (temporary file, fsync,
  rename). It names the journal offset it is complete up to.
- `journal.jsonl` in the same directory: the history, one fsynced line per event
  (`apply/journal.py`). A create's answered id is in it before the next call; reading the
  state replays the outcomes past the offset, so an apply killed between two rewrites of
  the state file loses no binding.
- the lock: a flock in the per-user lock directory (`flock.py`), keyed by the token's
  hash. It protects one machine only: two runners that share no disk do not see each
  other's lock or state (use the `postgres` backend for that).

A `last-applied-<key>.json` (format 1, the record alone) is migrated on read.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..apply.journal import Journal, read_journal
from ..errors import StateError
from ..io import atomic_write
from ..secret import redact_all
from .backend import ReleasedOnExit
from .flock import OperationLock
from .model import FORMAT, Binding, Snapshot, bind_all, now

__all__ = ["LocalState"]

#: above this many campaigns, field changes are written every `_BATCH` (and at the end)
_BATCH = 50


class LocalState:
    kind = "local"

    def __init__(self, state_dir: str | Path, key: str, lock_dir: str | Path) -> None:
        self.directory = Path(state_dir)
        self.key = key
        self.lock_dir = Path(lock_dir)
        self.path = self.directory / f"state-{key}.json"
        self.legacy = self.directory / f"last-applied-{key}.json"
        self.journal_path = self.directory / "journal.jsonl"
        self._snapshot: Snapshot | None = None
        self._unsaved = 0
        self._mutex = threading.Lock()

    def describe(self) -> str:
        return f"local ({self.path})"

    # -- reading -------------------------------------------------------------------------

    def read(self) -> Snapshot:
        with self._mutex:
            return self._load()

    def _load(self) -> Snapshot:
        if self._snapshot is None:
            snapshot, offset = self._read_file()
            self._replay(snapshot, offset)
            self._snapshot = snapshot
        return self._snapshot

    def _read_file(self) -> tuple[Snapshot, int]:
        """The file's snapshot and the journal offset it is complete up to (a migrated
        record predates bindings: nothing of the journal is replayed into it)."""
        for path, legacy in ((self.path, False), (self.legacy, True)):
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError) as exc:
                raise StateError(f"{path}: cannot read the state: {exc}") from None
            snapshot, offset = _parse(path, text, legacy)
            return snapshot, self._journal_size() if offset is None else offset
        return Snapshot(), 0

    def _journal_size(self) -> int:
        try:
            return self.journal_path.stat().st_size
        except OSError:
            return 0

    def _replay(self, snapshot: Snapshot, offset: int) -> None:
        """The journal's outcomes past `offset`: creates bind, deletes unbind."""
        try:
            with self.journal_path.open("rb") as handle:
                handle.seek(offset)
                tail = handle.read()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StateError(f"{self.journal_path}: cannot read the journal: {exc}") from None
        for line in tail.splitlines():
            try:
                entry = json.loads(line)
            except (ValueError, RecursionError):
                continue  # a line cut short by a crash
            if isinstance(entry, dict):
                apply_outcome(snapshot, entry)

    # -- writing -------------------------------------------------------------------------

    def put_binding(self, binding: Binding) -> None:
        self.put_bindings([binding])

    def put_bindings(self, bindings: Sequence[Binding]) -> None:
        with self._mutex:
            snapshot = self._load()
            bind_all(snapshot, bindings)
            self._unsaved += len(bindings) - 1
            self._changed()

    def drop_binding(self, name: str) -> None:
        with self._mutex:
            self._load().bindings.pop(name, None)
            self._changed()

    def put_fields(self, campaign_id: str, fields: dict[str, Any]) -> None:
        with self._mutex:
            self._load().fields[campaign_id] = dict(fields)
            self._changed()

    def drop_fields(self, campaign_id: str) -> None:
        with self._mutex:
            self._load().fields.pop(campaign_id, None)
            self._changed()

    def _changed(self) -> None:
        self._unsaved += 1
        snapshot = self._snapshot
        assert snapshot is not None
        if self._unsaved >= _BATCH or len(snapshot.fields) <= _BATCH:
            self._save()

    def flush(self) -> None:
        with self._mutex:
            if self._unsaved:
                self._save()

    def _save(self) -> None:
        snapshot = self._load()
        document = snapshot.to_document()
        document["journal_offset"] = self._journal_size()
        document["updated"] = now()
        # redacted like every file we write: edit_campaign's answer is the vendor's text
        text = redact_all(json.dumps(document, sort_keys=True, ensure_ascii=False))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, text)
            self.legacy.unlink(missing_ok=True)  # migrated
        except OSError as exc:
            raise StateError(f"cannot write the state {self.path}: {exc.strerror or exc}") from None
        self._unsaved = 0

    # -- lock and history ----------------------------------------------------------------

    def lock(self, timeout: float, operation: str) -> _FileLock:
        held = OperationLock(self.lock_dir, self.key, operation=operation).acquire(timeout)
        with self._mutex:
            # whoever held the lock before may have written: read the state afresh
            self._snapshot = None
            self._unsaved = 0
        return _FileLock(held)

    def journal(self, run_id: str | None = None) -> Journal:
        return Journal(self.journal_path, run_id)

    def entries(self) -> Iterator[dict[str, Any]]:
        yield from read_journal(self.journal_path)

    def add_entries(self, entries: list[dict[str, Any]]) -> None:
        if not entries:
            return
        text = "".join(redact_all(json.dumps(e)) + "\n" for e in entries)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, text.encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise StateError(f"cannot write the journal {self.journal_path}: {exc}") from None

    def close(self) -> None:
        self.flush()


class _FileLock(ReleasedOnExit):
    def __init__(self, held: OperationLock) -> None:
        self._held = held
        self.took_over = held.took_over.describe() if held.took_over else None

    def release(self) -> None:
        self._held.release()


def apply_outcome(snapshot: Snapshot, entry: dict[str, Any]) -> None:
    """What one journal entry tells of the bindings: a create done binds its name to the
    id it answered (or that was found for it); a delete done unbinds."""
    if entry.get("event") != "outcome" or entry.get("result") != "done":
        return
    name, cid = entry.get("campaign"), entry.get("campaign_id")
    if not isinstance(name, str) or not isinstance(cid, str):
        return
    action = entry.get("action")
    if action == "create":
        origin = "adopted" if entry.get("adopted") else "created"
        bind_all(snapshot, [Binding(name, cid, origin, str(entry.get("time", "")))])
    elif action == "delete":
        found = snapshot.bindings.get(name)
        if found is not None and found.campaign_id == cid:
            del snapshot.bindings[name]
        snapshot.fields.pop(cid, None)


def _parse(path: Path, text: str, legacy: bool) -> tuple[Snapshot, int | None]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        raise StateError(
            f"{path}:{line}:{col}: the state is not JSON ({getattr(exc, 'msg', exc)}); "
            "restore it, or remove it and re-bind (`export --state`, `import`)"
        ) from None
    except RecursionError:
        raise StateError(f"{path}: the state is nested too deeply to be ours") from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, int) or isinstance(version, bool):
        raise StateError(f"{path}: not a wolkvox-reconciler state (no format version)")
    if version > FORMAT:
        raise StateError(
            f"{path}: written by a newer wolkvox-reconciler (state format {version}; this "
            f"version reads up to {FORMAT}): upgrade it, or use that version"
        )
    if legacy or version == 1:  # the last-applied record alone: no bindings yet
        return Snapshot.from_document({"campaigns": data.get("campaigns")}), None
    offset = data.get("journal_offset")
    snapshot = Snapshot.from_document(data)
    return snapshot, offset if isinstance(offset, int) and offset >= 0 else 0
