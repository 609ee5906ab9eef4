"""The `postgres` backend: one operation's state on a PostgreSQL server, shared by every
runner and laptop that reaches it (`pip install 'wolkvox-reconciler[postgres]'`).

- the lock is a session advisory lock on a connection of its own: the server releases
  it the moment that connection dies (a killed apply's socket is closed by its kernel;
  TCP keepalives catch a host that vanished), and the `wolkvox_locks` row says who held it;
- bindings and last-applied fields are rows, each write one statement (or one
  transaction), so concurrent writers never lose each other's updates;
- the history is the journal, one row per entry (group-committed: an `attempt` commits
  every entry buffered before it, before its call is sent).

The connection string comes from the environment variable `operation.state.url_env`
names (default `WOLKVOX_STATE_URL`). It is a secret like the token: it is never printed,
and error messages from the driver are shown with its host, port, user, database and
password masked.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from ..errors import ConfigError, LockHeld, StateError
from ..secret import Secret, redact_all
from .backend import ReleasedOnExit
from .model import FORMAT, Binding, Snapshot, now

__all__ = ["PostgresState", "connect"]

#: how often a waiting apply tries the lock again
_POLL = 0.2
#: the advisory lock that serializes creating the tables
_SCHEMA_LOCK = 0x776F6C6B766F78  # "wolkvox"

_DDL = (
    "CREATE TABLE IF NOT EXISTS wolkvox_meta (name text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS wolkvox_bindings (operation text NOT NULL, name text NOT "
    "NULL, campaign_id text NOT NULL, origin text NOT NULL, since text NOT NULL, PRIMARY "
    "KEY (operation, name), UNIQUE (operation, campaign_id))",
    "CREATE TABLE IF NOT EXISTS wolkvox_fields (operation text NOT NULL, campaign_id text "
    "NOT NULL, fields jsonb NOT NULL, PRIMARY KEY (operation, campaign_id))",
    "CREATE TABLE IF NOT EXISTS wolkvox_history (seq bigserial PRIMARY KEY, operation "
    "text NOT NULL, entry jsonb NOT NULL)",
    "CREATE INDEX IF NOT EXISTS wolkvox_history_operation ON wolkvox_history (operation, seq)",
    "CREATE TABLE IF NOT EXISTS wolkvox_locks (operation text PRIMARY KEY, holder text NOT "
    "NULL, since text NOT NULL)",
)


class _Masker:
    """Masks the parts of the connection string in the driver's messages."""

    def __init__(self, url: str) -> None:
        self.parts: list[str] = []
        try:
            from psycopg.conninfo import conninfo_to_dict

            info = conninfo_to_dict(url)
        except Exception:
            info = {}
        for key in ("password", "host", "hostaddr", "user", "dbname", "port"):
            value = info.get(key)
            if isinstance(value, str) and len(value) >= 2:
                self.parts.append(value)
        if isinstance(info.get("password"), str) and info["password"]:
            Secret(str(info["password"]))  # redact_all masks it from any text we print
        self.parts.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for part in self.parts:
            text = text.replace(part, "***")
        return redact_all(text)


def connect(url: Secret, url_env: str, masker: _Masker | None = None) -> Any:
    """An autocommit connection; a StateError that names the variable, never its value."""
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            "the postgres state backend needs the driver: "
            "pip install 'wolkvox-reconciler[postgres]'"
        ) from None
    mask = masker or _Masker(url.reveal())
    try:
        return psycopg.connect(url.reveal(), autocommit=True, connect_timeout=10)
    except psycopg.ProgrammingError:  # the string itself is not a connection string
        raise ConfigError(
            f"{url_env} is not a PostgreSQL connection string "
            "(e.g. postgresql://user:password@host:5432/dbname)"
        ) from None
    except psycopg.Error as exc:
        raise StateError(
            f"cannot connect to the PostgreSQL state (the URL in {url_env}): {_first(exc, mask)}"
        ) from None


def _first(exc: BaseException, mask: Callable[[str], str]) -> str:
    """The server's own words (its primary message), else the driver's first line; with
    the connection string's parts masked."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if isinstance(primary, str) and primary.strip():
        return mask(primary.strip())
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return mask(lines[0] if lines else type(exc).__name__)


class PostgresState:
    kind = "postgres"

    def __init__(self, url: Secret, url_env: str, key: str) -> None:
        self.url = url
        self.url_env = url_env
        self.key = key
        self._mask = _Masker(url.reveal())
        self._conn = connect(url, url_env, self._mask)
        self._mutex = threading.Lock()
        try:
            self._prepare()
        except BaseException:
            self._conn.close()
            raise

    def _prepare(self) -> None:
        """The tables, made once (under an advisory lock: two first runs may race), and
        the format check."""
        url_env = self.url_env
        with self._db("read where the tables are"):
            where = self._conn.execute("SELECT current_database(), current_schema()").fetchone()
        # advisory locks are per database, the tables per schema: the lock names both, so
        # that two states in one database (two schemas) never block each other
        digest = hashlib.sha256(f"{self.key}|{where[0]}|{where[1]}".encode()).hexdigest()
        #: this operation's advisory lock: a positive bigint
        self.lock_number = int(digest[:15], 16)
        with self._db("create the tables"), self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            for statement in _DDL:
                self._conn.execute(statement)
            row = self._conn.execute(
                "SELECT value FROM wolkvox_meta WHERE name = 'format'"
            ).fetchone()
            if row is None:
                self._conn.execute("INSERT INTO wolkvox_meta VALUES ('format', %s)", (str(FORMAT),))
            elif not str(row[0]).isdigit() or int(row[0]) > FORMAT:
                raise StateError(
                    f"the PostgreSQL state (the URL in {url_env}) was written by a newer "
                    f"wolkvox-reconciler (state format {row[0]}; this version reads up to "
                    f"{FORMAT}): upgrade it, or use that version"
                )

    def describe(self) -> str:
        return f"postgres (the URL in ${self.url_env})"

    @contextmanager
    def _db(self, what: str) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.Error as exc:
            raise StateError(
                f"PostgreSQL state (the URL in {self.url_env}): cannot {what}: "
                f"{_first(exc, self._mask)}"
            ) from None

    # -- bindings and fields -------------------------------------------------------------

    def read(self) -> Snapshot:
        snapshot = Snapshot()
        with self._mutex, self._db("read the state"):
            for name, cid, origin, since in self._conn.execute(
                "SELECT name, campaign_id, origin, since FROM wolkvox_bindings "
                "WHERE operation = %s",
                (self.key,),
            ):
                snapshot.bindings[name] = Binding(name, cid, origin, since)
            # one JSON document, decoded at once: a row each would be decoded one by one
            (every,) = self._conn.execute(
                "SELECT json_object_agg(campaign_id, fields) FROM wolkvox_fields "
                "WHERE operation = %s",
                (self.key,),
            ).fetchone()
            for cid, fields in (every or {}).items():
                if isinstance(fields, dict):
                    snapshot.fields[cid] = fields
        return snapshot

    def put_binding(self, binding: Binding) -> None:
        self.put_bindings([binding])

    def put_bindings(self, bindings: Sequence[Binding]) -> None:
        if not bindings:
            return
        what = f"bind {bindings[0].name!r}" + (
            f" and {len(bindings) - 1} more" if len(bindings) > 1 else ""
        )
        with (
            self._mutex,
            self._db(what),
            self._conn.transaction(),
            self._conn.cursor() as cursor,
        ):
            for binding in bindings:  # in order: a later binding of an id wins
                cursor.execute(
                    "DELETE FROM wolkvox_bindings WHERE operation = %s AND campaign_id = %s "
                    "AND name <> %s",
                    (self.key, binding.campaign_id, binding.name),
                )
                cursor.execute(
                    "INSERT INTO wolkvox_bindings VALUES (%s, %s, %s, %s, %s) ON CONFLICT "
                    "(operation, name) DO UPDATE SET campaign_id = EXCLUDED.campaign_id, "
                    "origin = EXCLUDED.origin, since = EXCLUDED.since",
                    (self.key, binding.name, binding.campaign_id, binding.origin, binding.since),
                )

    def drop_binding(self, name: str) -> None:
        with self._mutex, self._db(f"unbind {name!r}"):
            self._conn.execute(
                "DELETE FROM wolkvox_bindings WHERE operation = %s AND name = %s",
                (self.key, name),
            )

    def put_fields(self, campaign_id: str, fields: dict[str, Any]) -> None:
        from psycopg.types.json import Jsonb

        text = redact_all(json.dumps(fields, sort_keys=True))
        with self._mutex, self._db(f"record the fields of campaign {campaign_id}"):
            self._conn.execute(
                "INSERT INTO wolkvox_fields VALUES (%s, %s, %s) ON CONFLICT (operation, "
                "campaign_id) DO UPDATE SET fields = EXCLUDED.fields",
                (self.key, campaign_id, Jsonb(json.loads(text))),
            )

    def drop_fields(self, campaign_id: str) -> None:
        with self._mutex, self._db(f"forget the fields of campaign {campaign_id}"):
            self._conn.execute(
                "DELETE FROM wolkvox_fields WHERE operation = %s AND campaign_id = %s",
                (self.key, campaign_id),
            )

    def flush(self) -> None:
        """Every write is committed as it is made."""

    # -- lock ----------------------------------------------------------------------------

    def lock(self, timeout: float, operation: str) -> _AdvisoryLock:
        return _AdvisoryLock(self, operation).acquire(timeout)

    # -- history -------------------------------------------------------------------------

    def journal(self, run_id: str | None = None) -> _TableJournal:
        return _TableJournal(self, run_id or uuid.uuid4().hex[:12])

    def add_entries(self, entries: list[dict[str, Any]]) -> None:
        from psycopg.types.json import Jsonb

        rows = [(self.key, Jsonb(json.loads(redact_all(json.dumps(e))))) for e in entries]
        with (
            self._mutex,
            self._db("write the history"),
            self._conn.transaction(),
            self._conn.cursor() as cursor,
        ):
            cursor.executemany(
                "INSERT INTO wolkvox_history (operation, entry) VALUES (%s, %s)", rows
            )

    def entries(self) -> Iterator[dict[str, Any]]:
        with self._mutex, self._db("read the history"):
            rows = self._conn.execute(
                "SELECT entry FROM wolkvox_history WHERE operation = %s ORDER BY seq",
                (self.key,),
            ).fetchall()
        for (entry,) in rows:
            if isinstance(entry, dict):
                yield entry

    def close(self) -> None:
        self._conn.close()


class _AdvisoryLock(ReleasedOnExit):
    """`pg_try_advisory_lock` on a connection of its own, polled until `timeout`."""

    def __init__(self, state: PostgresState, operation: str) -> None:
        self.state = state
        self.operation = operation
        self.took_over: str | None = None
        self._conn: Any = None
        self._number = state.lock_number

    def acquire(self, timeout: float) -> _AdvisoryLock:
        import os
        import socket

        state = self.state
        conn = connect(state.url, state.url_env, state._mask)
        deadline = time.monotonic() + max(timeout, 0.0)
        with state._db("take the lock"):
            # a holder whose host vanished is noticed within about 10 s, not hours
            conn.execute("SET tcp_keepalives_idle = 5")
            conn.execute("SET tcp_keepalives_interval = 2")
            conn.execute("SET tcp_keepalives_count = 3")
            while not conn.execute("SELECT pg_try_advisory_lock(%s)", (self._number,)).fetchone()[
                0
            ]:
                if time.monotonic() >= deadline:
                    row = conn.execute(
                        "SELECT holder, since FROM wolkvox_locks WHERE operation = %s",
                        (state.key,),
                    ).fetchone()
                    conn.close()
                    who = f"{row[0]}, since {row[1]}" if row else "another process"
                    waited = f" (waited {timeout:g}s)" if timeout > 0 else ""
                    hint = "a longer --lock-timeout" if timeout > 0 else "--lock-timeout"
                    raise LockHeld(
                        f"another apply of this operation is running{waited}: {who}; the "
                        f"lock is in the PostgreSQL state (use {hint} to wait for it)",
                        holder=who,
                    )
                time.sleep(_POLL)
            row = conn.execute(
                "SELECT holder, since FROM wolkvox_locks WHERE operation = %s", (state.key,)
            ).fetchone()
            if row is not None:  # we hold the lock, so whoever wrote this row is gone
                self.took_over = f"{row[0]}, since {row[1]}"
            holder = f"pid {os.getpid()} on host {socket.gethostname()}"
            conn.execute(
                "INSERT INTO wolkvox_locks VALUES (%s, %s, %s) ON CONFLICT (operation) DO "
                "UPDATE SET holder = EXCLUDED.holder, since = EXCLUDED.since",
                (state.key, holder, now()),
            )
        self._conn = conn
        return self

    def release(self) -> None:
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            conn.execute("DELETE FROM wolkvox_locks WHERE operation = %s", (self.state.key,))
            conn.execute("SELECT pg_advisory_unlock(%s)", (self._number,))
        except Exception:
            pass
        finally:
            conn.close()


class _TableJournal:
    """The journal as rows of `wolkvox_history`; a durable entry commits the ones before."""

    def __init__(self, state: PostgresState, run_id: str) -> None:
        self.state = state
        self.run_id = run_id
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def record(self, event: str, *, durable: bool = True, **fields: Any) -> None:
        entry = {
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "run": self.run_id,
            "event": event,
            **fields,
        }
        with self._lock:
            self._pending.append(entry)
            if durable:
                self._commit()

    def sync_soon(self) -> None:
        """Committed now: a row still in this process is what a kill -9 would lose."""
        with self._lock:
            if self._pending:
                self._commit()

    def _commit(self) -> None:
        pending, self._pending = self._pending, []
        try:
            self.state.add_entries(pending)
        except StateError as exc:
            # an apply that cannot keep its record must not go on changing things
            from ..errors import ApplyError

            raise ApplyError(f"cannot write the journal: {exc}") from None

    def close(self) -> None:
        with self._lock:
            if self._pending:
                self._commit()
