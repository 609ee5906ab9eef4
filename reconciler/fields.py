"""The campaign's fields, in one declarative table: for each, its name in the manifests,
its keys in the vendor's create and edit bodies and in the list, whether the list shows
it, how its value travels, and whether export writes it.

The differ (`plan/diff.py`), the last-applied record (`state/recorder.py`), export, the
saved plan's facts and the renderers take what they need from here; no other module
spells a field's vendor key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .vocabulary import CampaignType

__all__ = [
    "EXPORTED_IF_SENT",
    "FIELDS",
    "LISTED_IF_SENT",
    "MANAGED",
    "SEEN",
    "UNLISTED",
    "WRITTEN_BARE",
    "Field",
    "field_named",
    "from_vendor",
    "manifest_text",
    "to_vendor",
]

#: how a value travels: as text, "HH:MM:SS", yes/no (inverted: the vendor's "yes"
#: disables it), a number, the type's capitalised name, or a label in `optional_labels`
Kind = Literal["text", "time", "flag", "inverted-flag", "int", "type", "label"]
#: when the list shows it: on every row, only when the server sends it, never
Listed = Literal["always", "if-sent", "never"]

#: the option labels a manifest may declare (edit_campaign's `optional_labels`)
OPTION_KEYS: tuple[str, ...] = tuple(f"opt{i}" for i in range(13))


@dataclass(frozen=True)
class Field:
    name: str  # the manifest's name; a label is `options.optN`
    edit_key: str  # edit_campaign's body key (a label: its key in `optional_labels`)
    #: create_campaign's body key; None: the create cannot carry it (an edit follows)
    create_key: str | None
    listed: Listed
    kind: Kind
    #: what else a body or an answer may call it (read, never sent)
    aliases: tuple[str, ...] = ()
    #: export writes it (from the list, when the list shows it)
    exported: bool = False

    @property
    def observable(self) -> bool:
        return self.listed != "never"


FIELDS: tuple[Field, ...] = (
    Field("name", "campaign_name", "campaign_name", "always", "text", exported=True),
    Field("type", "type_camp", None, "always", "type", exported=True),
    Field("description", "campaign_description", "campaign_description", "always", "text",
          exported=True),
    Field("skill_id", "skill_id", "skill_id", "if-sent", "text", exported=True),
    Field("speed", "speed", None, "if-sent", "int", exported=True),
    Field("turbo_dial", "turbo_dial", None, "if-sent", "flag", exported=True),
    Field("start_time", "start_time", "start_time", "never", "time"),
    Field("end_time", "end_time", "end_time", "never", "time"),
    Field("enable_edition", "enable_edition", "enable_edition", "never", "flag"),
    # the create carries `amd` for predictive campaigns with a country code only
    Field("amd", "amd_conf", "amd", "never", "text", aliases=("amd",)),
    Field("routing_recall", "routing_recall", None, "never", "inverted-flag"),
    Field("dial_order", "camp_dial_order", None, "never", "text"),
    *(
        Field(f"options.{key}", key, None if key == "opt0" else key, "never", "label")
        for key in OPTION_KEYS
    ),
)  # fmt: skip

_BY_NAME = {f.name: f for f in FIELDS}

#: every field apply can set, in the order a plan shows them
MANAGED: tuple[str, ...] = tuple(f.name for f in FIELDS)
#: observable only when the list row carries them (the value is not None)
LISTED_IF_SENT: tuple[str, ...] = tuple(f.name for f in FIELDS if f.listed == "if-sent")
#: never in the list: compared with the last-applied record only
UNLISTED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.listed == "never")
#: what export writes besides the name, type and description, when the list shows it
EXPORTED_IF_SENT: tuple[str, ...] = tuple(
    f.name for f in FIELDS if f.exported and f.listed == "if-sent"
)
#: written bare in YAML (a number, true/false), not as a quoted string
WRITTEN_BARE: frozenset[str] = frozenset(
    f.name for f in FIELDS if f.kind in ("int", "flag", "inverted-flag")
)
#: what a saved plan keeps of each live campaign it manages (its facts)
SEEN: tuple[str, ...] = ("name", "type", "status", "records", "description", *LISTED_IF_SENT)


def manifest_text(value: Any) -> str:
    """A value as a manifest writes it: true/false, a number, or the text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_named(name: str) -> Field:
    return _BY_NAME[name]


def to_vendor(name: str, value: Any) -> tuple[str, Any]:
    """A field in the edit_campaign body's own key and form."""
    f = _BY_NAME[name]
    if f.kind == "type":
        return f.edit_key, CampaignType(value).value.capitalize()
    if f.kind == "inverted-flag":
        return f.edit_key, "no" if value else "yes"
    if f.kind == "flag":
        return f.edit_key, "yes" if value else "no"
    return f.edit_key, value if f.kind == "label" else str(value)


def put(body: dict[str, Any], name: str, value: Any) -> None:
    """Add field `name` to an edit_campaign body (a label goes in `optional_labels`)."""
    key, sent = to_vendor(name, value)
    if _BY_NAME[name].kind == "label":
        body.setdefault("optional_labels", {})[key] = sent
    else:
        body[key] = sent


def from_vendor(body: Mapping[str, Any]) -> dict[str, Any]:
    """The record of the fields the list does not always show, from a create or edit body
    sent or from edit_campaign's answer (values in the manifest's form). Unknown keys are
    ignored, and so is any value not in the expected form (a vendor answer is input)."""
    labels = body.get("optional_labels")
    labels = labels if isinstance(labels, Mapping) else {}
    out: dict[str, Any] = {}
    for f in FIELDS:
        if f.listed == "always":
            continue
        if f.kind == "label":
            raw = labels.get(f.edit_key, body.get(f.create_key) if f.create_key else None)
        else:
            raw = next((body[k] for k in (f.edit_key, *f.aliases) if body.get(k) is not None), None)
        value = _read(f.kind, raw)
        if value is not None:
            out[f.name] = value
    return out


def _read(kind: Kind, raw: Any) -> Any:
    if kind in ("flag", "inverted-flag"):
        if isinstance(raw, str) and raw.lower() in ("yes", "no"):
            return (raw.lower() == "yes") is (kind == "flag")
        return None
    if kind == "int":
        return int(raw) if isinstance(raw, (str, int)) and str(raw).isdigit() else None
    if kind == "time":
        digits = raw.replace(":", "") if isinstance(raw, str) else ""
        if len(digits) == 6 and digits.isdigit():
            return f"{digits[:2]}:{digits[2:4]}:{digits[4:]}"
        return None
    return raw if isinstance(raw, str) and raw else None
