"""The last-applied record: what apply sent for the fields the campaign list never shows.

One JSON file per operation in the state dir, `last-applied-<key>.json` (the key is the
lock's: a one-way hash of the token), mapping campaign id → fields in the manifest's form
(`fields.py`). Apply writes it after each create, edit and speed it saw succeed (with what
`edit_campaign` answered), forgets a deleted campaign, and `plan` compares the manifests
with it. It is input like any other: a file that is not what we write is reported and read
as empty, which changes nothing by itself (those fields become "not verifiable").
Written atomically (temporary file, then rename); CI keeps it between runs in a cache.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ApplyError
from ..io import atomic_write
from ..plan.diff import from_vendor
from ..plan.model import Action, ActionKind
from ..secret import redact_all

__all__ = ["LastApplied", "record_path"]

_VERSION = 1
#: above this many campaigns, the file is rewritten every `_BATCH` changes (and at the end)
_BATCH = 50


def record_path(state_dir: str | Path, key: str) -> Path:
    return Path(state_dir) / f"last-applied-{key}.json"


class LastApplied:
    """`LastApplied.load(path)`; `.of(id)` for the planner; `.saw(outcome…)` from apply."""

    def __init__(self, path: Path, data: dict[str, dict[str, Any]], problem: str | None) -> None:
        self.path = path
        self.data = data
        #: why the file was not used (corrupt, foreign), or None
        self.problem = problem
        self._unsaved = 0

    @classmethod
    def load(cls, path: str | Path) -> LastApplied:
        where = Path(path)
        try:
            raw = json.loads(where.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(where, {}, None)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
            return cls(where, {}, f"{where}: unreadable last-applied record ({exc}); ignored")
        campaigns = raw.get("campaigns") if isinstance(raw, dict) else None
        if (
            not isinstance(raw, dict)
            or raw.get("version") != _VERSION
            or not isinstance(campaigns, dict)
        ):
            return cls(where, {}, f"{where}: not a last-applied record (version 1); ignored")
        data = {
            str(cid): dict(fields)
            for cid, fields in campaigns.items()
            if isinstance(fields, dict) and str(cid).isdigit()
        }
        return cls(where, data, None)

    def as_mapping(self) -> Mapping[str, Mapping[str, Any]]:
        return self.data

    def saw(
        self, action: Action, campaign_id: str | None, answer: Mapping[str, Any] | None
    ) -> None:
        """Record a call that succeeded."""
        if campaign_id is None:
            return
        if action.kind is ActionKind.DELETE:
            self.data.pop(campaign_id, None)
        elif action.kind in (ActionKind.CREATE, ActionKind.EDIT, ActionKind.SPEED):
            fields = self.data.setdefault(campaign_id, {})
            fields.update(from_vendor(action.params or {}))
            if answer:
                fields.update(from_vendor(answer))  # what the vendor says it now holds
        else:
            return
        self._unsaved += 1
        if self._unsaved >= _BATCH or len(self.data) <= _BATCH:
            self.save()

    def save(self) -> None:
        if self._unsaved == 0 and self.path.exists():
            return
        # redacted like every file we write: edit_campaign's answer is the vendor's text
        text = redact_all(json.dumps({"version": _VERSION, "campaigns": self.data}, sort_keys=True))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, text)
        except OSError as exc:
            raise ApplyError(
                f"cannot write the last-applied record {self.path}: {exc.strerror or exc}"
            ) from None
        self._unsaved = 0
