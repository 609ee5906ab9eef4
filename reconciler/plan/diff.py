"""The campaign's fields beyond its state: which differ, and the calls that set them.

Observable fields are in the vendor's list (name, type, description, and — when the
server sends them — speed, turbo dial and skill): they are compared with live on every
plan. The others (dialing window, edition flag, labels, AMD, recall routing, dial order)
are never listed: they are compared with the *last-applied record*, what apply sent for
them (and what `edit_campaign` answered). A declared field the record does not hold is
sent once ("not recorded"), then recorded; asked to resend, every declared one is sent.

One vocabulary for the record and the comparisons: the manifest's field names, labels as
`options.opt3`, times "HH:MM:SS", yes/no as booleans. `fields.to_vendor` / `from_vendor` translate
to and from the bodies of `create_campaign` and `edit_campaign` (the Postman collection's
names), so a record can be read back from a body sent or an answer received.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client.live import LiveCampaign
from ..fields import FIELDS, LISTED_IF_SENT, Field, put
from ..manifest.desired import Campaign, create_carries_amd, value_getter
from ..vocabulary import CampaignType
from .model import Action, ActionKind, ActionReason

__all__ = [
    "FieldDiff",
    "diff_fields",
    "field_actions",
    "post_create_fields",
]

#: what the differ compares besides the name, type and description, in display order
_COMPARED = tuple(f for f in FIELDS if f.listed != "always")
#: (field, the manifest's value of it or None) for each compared field
_WANTED: tuple[tuple[Field, Callable[[Campaign], Any]], ...] = tuple(
    (f, value_getter(f.name)) for f in _COMPARED
)


#: the same fields as (name, its Campaign attribute or its key in `options`, whether the
#: list shows it): the differ reads each directly, 220,000 times in a plan of 10,000
_DECLARED: tuple[tuple[str, str, str | None, bool], ...] = tuple(
    (
        f.name,
        "" if f.name.startswith("options.") else f.name,
        f.name[8:] if f.name.startswith("options.") else None,
        f.name in LISTED_IF_SENT,
    )
    for f in _COMPARED
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
        put(self.edit, name, value)
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
    options = c.options or {}
    recorded = record or {}
    for name, attribute, option, listed in _DECLARED:
        if option is None:
            wanted = getattr(c, attribute)
            if wanted is None or wanted == "":  # "" is a text left out
                continue
        else:
            wanted = options.get(option)
            if wanted is None:
                continue
        if listed:
            seen = getattr(live, name)
            if seen is not None:
                if seen != wanted:
                    out.add(name, f"live {_show(seen)}", wanted)
                continue
        known = recorded.get(name)
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
    for f, getter in _WANTED:
        wanted = getter(c)
        carried = create_carries_amd(c) if f.name == "amd" else f.create_key is not None
        if wanted is not None and not carried:
            out.add(f.name, "new", wanted)
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


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, CampaignType):
        return value.value
    if isinstance(value, str):
        return repr(value)
    return str(value)
