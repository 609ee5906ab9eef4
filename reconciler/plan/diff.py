"""The campaign's fields beyond its state: which differ, and the calls that set them.

Observable fields are in the vendor's list (name, type, description, and — when the
server sends them — speed, turbo dial and skill): they are compared with live on every
plan. The others (dialing window, edition flag, labels, AMD, recall routing, dial order)
are never listed: they are compared with the *last-applied record*, what apply sent for
them (and what `edit_campaign` answered). A declared field the record does not hold is
sent once ("not recorded"), then recorded; asked to resend, every declared one is sent.

One vocabulary for the record and the comparisons: the manifest's field names, labels as
`options.opt3`, times "HH:MM:SS", yes/no as booleans. `to_vendor` / `from_vendor` translate
to and from the bodies of `create_campaign` and `edit_campaign` (the Postman collection's
names), so a record can be read back from a body sent or an answer received.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client.live import LiveCampaign
from ..manifest.desired import OPTION_KEYS, Campaign, create_carries_amd, desired_value
from ..vocabulary import CampaignType
from .model import Action, ActionKind, ActionReason

__all__ = [
    "FieldDiff",
    "diff_fields",
    "field_actions",
    "from_vendor",
    "post_create_fields",
    "to_vendor",
]

#: observable when the list shows them (the live value is not None)
LISTED_IF_SENT = ("speed", "turbo_dial", "skill_id")
#: the create body sets these (predictive campaigns' `amd` too)
_CREATE_SETS = ("start_time", "end_time", "skill_id", "enable_edition",
                *(f"options.{k}" for k in OPTION_KEYS[1:]))  # fmt: skip
#: every field apply can set, in the order a plan shows them
MANAGED = (
    "name",
    "type",
    "description",
    "skill_id",
    "speed",
    "turbo_dial",
    "start_time",
    "end_time",
    "enable_edition",
    "amd",
    "routing_recall",
    "dial_order",
    *(f"options.{k}" for k in OPTION_KEYS),
)


@dataclass
class FieldDiff:
    """What one campaign needs: an edit body, a speed, and what could not be verified."""

    edit: dict[str, Any] = field(default_factory=dict)  # the edit_campaign body
    speed: int | None = None
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # shown to people
    speed_change: tuple[str, str, str] | None = None
    resent: bool = False

    def add(self, name: str, before: str, value: Any) -> None:
        if name == "speed":
            self.speed = int(value)
            self.speed_change = (name, before, _show(value))
            return
        _put(self.edit, name, value)
        self.changes.append((name, before, _show(value)))


def diff_fields(
    c: Campaign,
    live: LiveCampaign,
    record: Mapping[str, Any] | None,
    *,
    resend: bool = False,
) -> FieldDiff:
    """How `live` (and what was last applied to it) differs from `c`."""
    out = FieldDiff()
    if live.name != c.name:  # bound by pinned id: a rename
        out.add("name", f"live {live.name!r}", c.name)
    if live.type is not c.type:
        out.add("type", f"live {live.type.value}", c.type)
    # the vendor pads an empty description with a space (its sample list shows " ")
    if live.description.strip() != c.description.strip():
        out.add("description", f"live {live.description!r}", c.description)
    for name in MANAGED[3:]:
        wanted = desired_value(c, name)
        if wanted is None:
            continue
        seen = getattr(live, name, None) if name in LISTED_IF_SENT else None
        if seen is not None:
            if seen != wanted:
                out.add(name, f"live {_show(seen)}", wanted)
            continue
        known = record.get(name) if record is not None else None
        if known is None:
            out.add(name, "not recorded", wanted)
        elif known != wanted:
            out.add(name, f"last applied {_show(known)}", wanted)
        elif resend:
            out.add(name, f"resent, last applied {_show(known)}", wanted)
            out.resent = True
    return out


def post_create_fields(c: Campaign) -> FieldDiff:
    """What a campaign created by this plan still needs after its create: the fields the
    create body cannot carry (speed, turbo dial, recall routing, dial order, label opt0,
    and AMD for a preview campaign)."""
    out = FieldDiff()
    for name in MANAGED[3:]:
        wanted = desired_value(c, name)
        carried = name in _CREATE_SETS or (name == "amd" and create_carries_amd(c))
        if wanted is not None and not carried:
            out.add(name, "new", wanted)
    return out


def field_actions(
    c: Campaign, cid: str | None, current: LiveCampaign | None, diff: FieldDiff
) -> list[Action]:
    """The edit and speed calls `diff` needs (on a campaign this plan creates when `cid`
    is None: apply fills in the id)."""
    ctype = current.type if current is not None else c.type  # the edit may change it
    why = ActionReason.RESEND if diff.resent else ActionReason.FIELDS
    actions = []
    if diff.edit:
        shown = "; ".join(f"{f}: {before} → {after}" for f, before, after in diff.changes)
        actions.append(
            Action(
                ActionKind.EDIT,
                c.name,
                ctype,
                cid,
                shown,
                params=diff.edit,
                why=why,
                changes=tuple(diff.changes),
            )
        )
    if diff.speed is not None and diff.speed_change is not None:
        name, before, after = diff.speed_change
        actions.append(
            Action(
                ActionKind.SPEED,
                c.name,
                c.type,
                cid,
                f"{name}: {before} → {after}",
                params={"speed": str(diff.speed)},
                why=why,
                changes=(diff.speed_change,),
            )
        )
    return actions


def to_vendor(name: str, value: Any) -> tuple[str, Any]:
    """A field in the edit_campaign body's own name and form."""
    if name == "name":
        return "campaign_name", value
    if name == "description":
        return "campaign_description", value
    if name == "type":
        return "type_camp", CampaignType(value).value.capitalize()
    if name == "amd":
        return "amd_conf", value
    if name == "dial_order":
        return "camp_dial_order", value
    if name == "routing_recall":  # the vendor's flag is inverted: "yes" DISABLES it
        return "routing_recall", "no" if value else "yes"
    if isinstance(value, bool):
        return name, "yes" if value else "no"
    return name, str(value)


def _put(body: dict[str, Any], name: str, value: Any) -> None:
    if name.startswith("options."):
        body.setdefault("optional_labels", {})[name.split(".", 1)[1]] = value
        return
    key, sent = to_vendor(name, value)
    body[key] = sent


def from_vendor(body: Mapping[str, Any]) -> dict[str, Any]:
    """The record of the fields the list cannot show, from a create or edit body sent or
    from edit_campaign's answer (values in the manifest's form). Unknown keys are ignored,
    and so is any value not in the expected form (a vendor answer is input)."""
    out: dict[str, Any] = {}
    for key in ("start_time", "end_time"):
        text = body.get(key)
        if isinstance(text, str) and text:
            digits = text.replace(":", "")
            if len(digits) == 6 and digits.isdigit():
                out[key] = f"{digits[:2]}:{digits[2:4]}:{digits[4:]}"
    for key in ("enable_edition", "turbo_dial"):
        flag = _yes_no(body.get(key))
        if flag is not None:
            out[key] = flag
    recall = _yes_no(body.get("routing_recall"))
    if recall is not None:
        out["routing_recall"] = not recall
    for key, ours in (("amd", "amd"), ("amd_conf", "amd"), ("camp_dial_order", "dial_order")):
        if isinstance(body.get(key), str) and body[key]:
            out[ours] = body[key]
    if isinstance(body.get("skill_id"), str) and body["skill_id"]:
        out["skill_id"] = body["skill_id"]
    speed = body.get("speed")
    if isinstance(speed, (str, int)) and str(speed).isdigit():
        out["speed"] = int(speed)
    labels = body.get("optional_labels")
    labels = labels if isinstance(labels, Mapping) else {}
    for key in OPTION_KEYS:
        value = labels.get(key, body.get(key) if key != "opt0" else None)
        if isinstance(value, str) and value:
            out[f"options.{key}"] = value
    return out


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, str) and value.lower() in ("yes", "no"):
        return value.lower() == "yes"
    return None


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, CampaignType):
        return value.value
    if isinstance(value, str):
        return repr(value)
    return str(value)
