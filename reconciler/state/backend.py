"""The one interface every state backend implements.

A backend stores, for one operation (the key: a one-way hash of its token):

- the **lock**: one apply (or state change) at a time, with who holds it and since when;
  a dead holder's lock is free (a flock released by the kernel, a PostgreSQL session
  advisory lock released when the holder's connection dies);
- the **bindings** and **last-applied fields** (`Snapshot`): written row by row (or
  file by file) so that no write loses another's update;
- the **history**: the journal of each apply, queryable (`entries`).

An object store with conditional writes (S3 `If-Match` / `If-None-Match`) maps onto the
same methods: `read` is a GET of one object, each write a PUT conditional on the ETag read
(retried on a 412), and the lock an object created with `If-None-Match: *` that holds its
holder and an expiry renewed while the apply runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from .model import Binding, Snapshot

__all__ = ["HeldLock", "JournalWriter", "ReleasedOnExit", "StateBackend"]


class ReleasedOnExit:
    """A held lock that `with` releases, however the block ends."""

    def release(self) -> None:
        raise NotImplementedError

    def __enter__(self: Any) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class JournalWriter(Protocol):
    run_id: str

    def record(self, event: str, *, durable: bool = True, **fields: Any) -> None: ...

    #: make what is recorded durable without waiting, where the backend can (a helper
    #: thread's fsync); at the latest by the next durable entry or `close`
    def sync_soon(self) -> None: ...

    def close(self) -> None: ...


class HeldLock(AbstractContextManager["HeldLock"], Protocol):
    #: who held the lock before, when that holder died without releasing it
    took_over: str | None

    def release(self) -> None: ...


class StateBackend(Protocol):
    """See the module's docstring."""

    kind: str

    def describe(self) -> str:
        """Where the state is, for people: never the server's URL."""
        ...

    def read(self) -> Snapshot: ...

    def lock(self, timeout: float, operation: str) -> HeldLock: ...

    def put_binding(self, binding: Binding) -> None: ...

    def put_bindings(self, bindings: Sequence[Binding]) -> None:
        """Several at once (one write, one transaction); one id keeps one name."""
        ...

    def drop_binding(self, name: str) -> None: ...

    def put_fields(self, campaign_id: str, fields: dict[str, Any]) -> None: ...

    def drop_fields(self, campaign_id: str) -> None: ...

    def flush(self) -> None:
        """Make every write so far durable (a backend may batch them until here)."""
        ...

    def journal(self, run_id: str | None = None) -> JournalWriter: ...

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every journal entry, oldest first."""
        ...

    def add_entries(self, entries: list[dict[str, Any]]) -> None:
        """Append entries read from another backend (`state migrate`)."""
        ...

    def close(self) -> None: ...
