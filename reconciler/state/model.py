"""What an operation's state holds, whatever the backend: the name↔id bindings, the
last-applied fields of each campaign, and (through the journal) the history of applies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

__all__ = ["FORMAT", "ORIGINS", "Binding", "Snapshot", "StateConfig", "bind_all", "now"]

#: the state format this version reads and writes; an older one is migrated on read, a
#: newer one refused (1: the last-applied record alone, `last-applied-<key>.json`)
FORMAT = 2

#: how a name came to be bound to an id
ORIGINS = ("created", "adopted", "matched", "exported", "imported", "moved")

BACKENDS = ("local", "postgres")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StateConfig:
    """Which backend holds an operation's state, and the variable naming its server."""

    backend: str = "local"
    #: the environment variable that holds the PostgreSQL URL (a secret, like the token)
    url_env: str = "WOLKVOX_STATE_URL"


@dataclass(frozen=True, slots=True)
class Binding:
    """A manifest name bound to a live campaign id, once and for good."""

    name: str
    campaign_id: str
    origin: str = "matched"
    since: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"id": self.campaign_id, "origin": self.origin, "since": self.since}

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> Binding | None:
        """None for an entry that is not one we write (it is input like any other)."""
        cid = data.get("id") if isinstance(data, Mapping) else None
        if not isinstance(name, str) or not name or not isinstance(cid, str) or not _is_id(cid):
            return None
        origin = data.get("origin")
        since = data.get("since")
        return cls(
            name,
            cid,
            origin if origin in ORIGINS else "matched",
            since if isinstance(since, str) else "",
        )


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18


@dataclass
class Snapshot:
    """The whole state of one operation, as read at one moment."""

    bindings: dict[str, Binding] = field(default_factory=dict)
    #: campaign id → last-applied fields, in the manifest's form (`plan/diff.py`)
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not self.bindings and not self.fields

    def name_of(self, campaign_id: str) -> str | None:
        for binding in self.bindings.values():
            if binding.campaign_id == campaign_id:
                return binding.name
        return None

    def to_document(self) -> dict[str, Any]:
        return {
            "version": FORMAT,
            "bindings": {n: b.to_dict() for n, b in sorted(self.bindings.items())},
            "campaigns": {cid: self.fields[cid] for cid in sorted(self.fields, key=_id_order)},
        }

    @classmethod
    def from_document(cls, data: Mapping[str, Any]) -> Snapshot:
        """The snapshot of a format-2 document; entries that are not ours are dropped."""
        out = cls()
        bindings = data.get("bindings")
        if isinstance(bindings, Mapping):
            for name, entry in bindings.items():
                binding = Binding.from_dict(name, entry)
                if binding is not None:
                    out.bindings[name] = binding
        campaigns = data.get("campaigns")
        if isinstance(campaigns, Mapping):
            out.fields = {
                str(cid): dict(values)
                for cid, values in campaigns.items()
                if isinstance(values, Mapping) and _is_id(str(cid))
            }
        return out


def bind_all(snapshot: Snapshot, bindings: Sequence[Binding]) -> None:
    """Put `bindings` in `snapshot`; a name bound before to one of their ids loses it (one
    id, one name). One pass over the bindings, however many are put."""
    by_id = {b.campaign_id: name for name, b in snapshot.bindings.items()}
    for binding in bindings:
        other = by_id.get(binding.campaign_id)
        if other is not None and other != binding.name:
            del snapshot.bindings[other]
        previous = snapshot.bindings.get(binding.name)
        if previous is not None:
            by_id.pop(previous.campaign_id, None)
        snapshot.bindings[binding.name] = binding
        by_id[binding.campaign_id] = binding.name


def _id_order(cid: str) -> tuple[int, str]:
    return (len(cid), cid)
