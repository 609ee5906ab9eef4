"""The simulator's campaigns and their records, kept in SQLite (stdlib).

A file (`--state FILE`) survives restarts; without one the database lives in memory.
Every change runs in one `BEGIN IMMEDIATE … COMMIT` transaction, so a crash mid-write
leaves the previous state, never half of a change. One lock serialises all access:
SQLite connections are not safe to share between the server's threads otherwise.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import MappingProxyType

from ..vocabulary import RESULTS, CampaignType, LiveStatus
from .rows import DEFAULTS, SETTINGS, CampaignData, CampaignRow, SkillData

__all__ = ["DEFAULTS", "SETTINGS", "CampaignData", "CampaignRow", "SkillData", "Store"]

#: columns a change may set (edit_campaign, speed), never an id or the records
_EDITABLE = (
    "campaign_name",
    "campaign_description",
    "type_campaign",
    "speed",
    "turbo_dial",
    "skill_id",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS campaigns (
    campaign_id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_name        TEXT NOT NULL,
    campaign_description TEXT NOT NULL,
    type_campaign        TEXT NOT NULL,
    status               TEXT NOT NULL,
    speed                TEXT NOT NULL,
    dial_mode            TEXT NOT NULL,
    last_use             TEXT NOT NULL,
    recycled             TEXT NOT NULL,
    turbo_dial           TEXT NOT NULL,
    skill_id             TEXT NOT NULL DEFAULT '',
    -- UNIX time from which the list shows the campaign (--list-lag); 0 for a seeded one
    listed_from          REAL NOT NULL DEFAULT 0,
    -- what the list never shows (SETTINGS: times, edition, AMD, recall, order, labels)
    settings             TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS skills (
    skill_id          TEXT PRIMARY KEY,
    skill_name        TEXT NOT NULL,
    skill_description TEXT NOT NULL,
    last_use          TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS records (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (campaign_id),
    result      TEXT NOT NULL,
    count       INTEGER NOT NULL CHECK (count >= 0),
    PRIMARY KEY (campaign_id, result)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    """Campaigns and per-result record counts; thread-safe, every change atomic."""

    def __init__(self, path: str | None = None) -> None:
        # isolation_level=None: we open transactions ourselves, explicitly
        self._conn = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None
        )
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA synchronous = FULL")
        columns = {r[1] for r in self._conn.execute("PRAGMA table_info(campaigns)")}
        if columns and not {"skill_id", "listed_from"} <= columns:
            self._conn.close()
            # no migration (state files are scratch data), and nothing written to the old
            # file: say what to do instead of failing later on a missing column
            raise sqlite3.DatabaseError(
                "it was written by an older simulator (no skill_id / listed_from columns): "
                "start with a new --state file"
            )
        # CREATE … IF NOT EXISTS is idempotent; executescript runs outside our transactions
        self._conn.executescript(_SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        # Taking the lock waits for a change in progress on another thread to commit.
        with self._lock:
            self._conn.close()

    # -- seeding --------------------------------------------------------------------

    @property
    def seeded(self) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'seeded'").fetchone()
        return row is not None

    def seed(self, campaigns: Sequence[CampaignData], skills: Sequence[SkillData] = ()) -> bool:
        """Load `campaigns` and `skills` once, into a store never seeded before; False when
        skipped. Campaigns with an id go in first, so a fresh id never takes a pinned one.

        A state file that was seeded (or used) keeps what it holds: re-seeding on every
        restart would undo the changes a restart must not lose.
        """
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone():
                return False
            for campaign in sorted(campaigns, key=lambda c: c.campaign_id is None):
                self._insert(conn, campaign)
            for skill in skills:
                conn.execute(
                    "INSERT INTO skills (skill_id, skill_name, skill_description, last_use) "
                    "VALUES (?, ?, ?, ?)",
                    (skill.skill_id, skill.skill_name, skill.skill_description, skill.last_use),
                )
            conn.execute("INSERT INTO meta (key, value) VALUES ('seeded', '1')")
        return True

    # -- reading --------------------------------------------------------------------

    def campaigns(self) -> list[CampaignRow]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT campaign_id, campaign_name, campaign_description, type_campaign, "
                "status, speed, dial_mode, last_use, recycled, turbo_dial, skill_id, "
                "listed_from FROM campaigns ORDER BY campaign_id"
            ).fetchall()
            counts = self._conn.execute(
                "SELECT campaign_id, result, count FROM records WHERE count > 0"
            ).fetchall()
        by_campaign: dict[int, list[tuple[str, int]]] = {}
        for campaign_id, result, count in counts:
            by_campaign.setdefault(campaign_id, []).append((result, count))
        return [_row(r, by_campaign.get(r[0], [])) for r in rows]

    def skills(self) -> list[SkillData]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT skill_id, skill_name, skill_description, last_use FROM skills "
                "ORDER BY length(skill_id), skill_id"
            ).fetchall()
        return [SkillData(*map(str, r)) for r in rows]

    def get(self, campaign_id: int) -> CampaignRow | None:
        for row in self.campaigns():
            if row.campaign_id == campaign_id:
                return row
        return None

    def settings(self, campaign_id: int) -> dict[str, str]:
        """What the list does not show, every SETTINGS key ({} for an unknown campaign)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT settings FROM campaigns WHERE campaign_id = ?", (campaign_id,)
            ).fetchone()
        return {**SETTINGS, **json.loads(row[0])} if row else {}

    # -- changing -------------------------------------------------------------------

    def create(self, campaign: CampaignData) -> CampaignRow:
        """Insert a campaign with a fresh id (never one used before, even by the seed)."""
        with self._transaction() as conn:
            campaign_id = self._insert(conn, campaign)
            self._mark_used(conn)
        row = self.get(campaign_id)
        assert row is not None
        return row

    def set_status(self, campaign_id: int, status: LiveStatus, *, last_use: str | None) -> None:
        with self._transaction() as conn:
            if last_use is None:
                conn.execute(
                    "UPDATE campaigns SET status = ? WHERE campaign_id = ?",
                    (status.value, campaign_id),
                )
            else:
                conn.execute(
                    "UPDATE campaigns SET status = ?, last_use = ? WHERE campaign_id = ?",
                    (status.value, last_use, campaign_id),
                )
            self._mark_used(conn)

    def update(
        self,
        campaign_id: int,
        columns: Mapping[str, str],
        settings: Mapping[str, str] = MappingProxyType({}),
    ) -> None:
        """Change list fields (`_EDITABLE`) and SETTINGS of one campaign, in one step."""
        unknown = (set(columns) - set(_EDITABLE)) | (set(settings) - set(SETTINGS))
        if unknown:  # the API checks first; this is the backstop against an SQL injection
            raise ValueError(f"not editable: {sorted(unknown)}")
        with self._transaction() as conn:
            if columns:
                assignments = ", ".join(f"{name} = ?" for name in columns)
                conn.execute(
                    f"UPDATE campaigns SET {assignments} WHERE campaign_id = ?",
                    (*columns.values(), campaign_id),
                )
            if settings:
                (stored,) = conn.execute(
                    "SELECT settings FROM campaigns WHERE campaign_id = ?", (campaign_id,)
                ).fetchone()
                merged = {**json.loads(stored), **settings}
                conn.execute(
                    "UPDATE campaigns SET settings = ? WHERE campaign_id = ?",
                    (json.dumps(merged, sort_keys=True), campaign_id),
                )
            self._mark_used(conn)

    def delete(self, campaign_ids: Sequence[int]) -> None:
        """Delete campaigns and their records, all in one step (ids are never reused)."""
        with self._transaction() as conn:
            for campaign_id in campaign_ids:
                conn.execute("DELETE FROM records WHERE campaign_id = ?", (campaign_id,))
                conn.execute("DELETE FROM campaigns WHERE campaign_id = ?", (campaign_id,))
            self._mark_used(conn)

    def clear(self, campaign_id: int, result: str | None = None) -> int:
        """Delete the campaign's records (only those with `result`, if given); how many."""
        with self._transaction() as conn:
            where, args = "campaign_id = ?", [campaign_id]
            if result is not None:
                where += " AND result = ?"
                args.append(result)  # type: ignore[arg-type]
            (removed,) = conn.execute(
                f"SELECT COALESCE(SUM(count), 0) FROM records WHERE {where}", args
            ).fetchone()
            conn.execute(f"DELETE FROM records WHERE {where}", args)
            self._mark_used(conn)
        return int(removed)

    @staticmethod
    def _mark_used(conn: sqlite3.Connection) -> None:
        # A state changed by the API counts as seeded: a later --seed must not pile on it.
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('seeded', '1')")

    @staticmethod
    def _insert(conn: sqlite3.Connection, c: CampaignData) -> int:
        cursor = conn.execute(
            "INSERT INTO campaigns (campaign_id, campaign_name, campaign_description, "
            "type_campaign, status, speed, dial_mode, last_use, recycled, turbo_dial, skill_id, "
            "listed_from, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                c.campaign_id,
                c.campaign_name,
                c.campaign_description,
                c.type_campaign.value,
                c.status.value,
                c.speed,
                c.dial_mode,
                c.last_use,
                c.recycled,
                c.turbo_dial,
                c.skill_id,
                c.listed_from,
                json.dumps(dict(c.settings), sort_keys=True),
            ),
        )
        campaign_id = cursor.lastrowid
        assert campaign_id is not None
        for result, count in c.record_results:
            if result not in RESULTS:  # the seed loader checks first; this is the backstop
                raise ValueError(f"unknown record result {result!r}")
            conn.execute(
                "INSERT INTO records (campaign_id, result, count) VALUES (?, ?, ?)",
                (campaign_id, result, count),
            )
        return int(campaign_id)


def _row(r: tuple[object, ...], counts: list[tuple[str, int]]) -> CampaignRow:
    order = {result: i for i, result in enumerate(RESULTS)}
    return CampaignRow(
        campaign_id=int(str(r[0])),
        campaign_name=str(r[1]),
        campaign_description=str(r[2]),
        type_campaign=CampaignType(str(r[3])),
        status=LiveStatus(str(r[4])),
        speed=str(r[5]),
        dial_mode=str(r[6]),
        last_use=str(r[7]),
        recycled=str(r[8]),
        turbo_dial=str(r[9]),
        skill_id=str(r[10]),
        listed_from=float(str(r[11])),
        record_results=tuple(sorted(counts, key=lambda rc: order.get(rc[0], len(order)))),
    )
