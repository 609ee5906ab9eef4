"""Identity: which live campaign each desired campaign is.

In order: the id the state binds its name to (bound once, by a create's answer, `export`,
`import` or an earlier apply), else its pinned `id:`, else the one live campaign with
exactly its name. A bound campaign renamed in the console stays bound (the field diff
renames it back); a bound id the list does not show is never created again. Two or more
live campaigns with the name, a pinned id that is not live, a pin the state contradicts,
or one live campaign claimed by two desired ones: an error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..client.live import LiveCampaign
from ..manifest.desired import Campaign
from ..state.model import Binding
from ..vocabulary import DesiredState
from .model import Finding, FindingKind, Fingerprint

__all__ = ["Binder", "Findings"]

#: what `Binder.bind` answers for a desired campaign no live campaign is: create it
CREATE: Literal["create"] = "create"


@dataclass
class Findings:
    """What planning says besides its actions, gathered as it goes."""

    warnings: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    fingerprints: list[Fingerprint] = field(default_factory=list)

    def error(self, kind: FindingKind, message: str, campaign: str) -> None:
        self.errors.append(Finding(kind, message, campaign))


class Binder:
    """`binder.bind(c)` for each desired campaign; then `bound` and `claimed` say which
    live campaigns are managed."""

    def __init__(
        self,
        live: Sequence[LiveCampaign],
        desired: Sequence[Campaign],
        bindings: Mapping[str, Binding],
        found: Findings,
    ) -> None:
        self.live = live
        self.found = found
        self.bindings = bindings
        # every pin, of the selected campaigns or not: a campaign matched by name must not
        # take a live campaign another manifest entry pins (in a partial plan that other
        # entry is not planned, and its `protect` would not be seen)
        #: live campaign id → the desired campaign that pins it with `id:`
        self.pins = {c.id: c.name for c in desired if c.id is not None}
        names = {c.name for c in desired}
        #: live id → the desired name the state binds it to
        self.owner = {b.campaign_id: b.name for b in bindings.values() if b.name in names}
        self.by_id: dict[str, LiveCampaign] = {lc.campaign_id: lc for lc in live}
        self.by_name: dict[str, list[LiveCampaign]] = defaultdict(list)
        for lc in live:
            self.by_name[lc.name].append(lc)
        #: live campaign id → the desired campaign name bound to it
        self.bound: dict[str, str] = {}
        #: live ids named by a desired campaign that matched several: not "unmanaged"
        self.claimed: set[str] = set()

    def bind(self, c: Campaign) -> LiveCampaign | Literal["create"] | None:
        """The live campaign `c` is; CREATE when there is none and it should exist; None
        when there is nothing to plan for it (converged, or an error or warning said why)."""
        current = self._find(c)
        if not isinstance(current, LiveCampaign):
            if current == CREATE:
                self.found.fingerprints.append(Fingerprint(c.name, None, None))
            return current
        cid = current.campaign_id
        pinned_by = self.pins.get(cid, c.name)
        if c.id is None and pinned_by != c.name:
            self.found.error(
                FindingKind.CONFLICT,
                f"live campaign {cid} is named {current.name!r}, but {pinned_by!r} pins it "
                f"with `id: {cid}`; pin {c.name!r} to another id, or rename one of them",
                c.name,
            )
            return None
        if cid in self.bound:
            self.found.error(
                FindingKind.CONFLICT,
                f"live campaign {cid} is claimed by both {self.bound[cid]!r} and {c.name!r}; "
                "pin each to its own id",
                c.name,
            )
            return None
        self.bound[cid] = c.name
        self.found.fingerprints.append(Fingerprint(c.name, cid, current.fingerprint(), current))
        return current

    def _find(self, c: Campaign) -> LiveCampaign | Literal["create"] | None:
        binding = self.bindings.get(c.name)
        if binding is not None:
            return self._bound(c, binding)
        if c.id is not None:
            return self._pinned(c, c.id)
        matches = self.by_name.get(c.name, [])
        owned = [m for m in matches if self.owner.get(m.campaign_id, c.name) != c.name]
        if owned:
            lc = owned[0]
            self.found.error(
                FindingKind.CONFLICT,
                f"live campaign {lc.campaign_id} is named {c.name!r}, but the state binds it "
                f"to {self.owner[lc.campaign_id]!r}; `state mv` or `import` to say which "
                "campaign is which",
                c.name,
            )
            return None
        if len(matches) > 1:
            ids = ", ".join(sorted(m.campaign_id for m in matches))
            self.claimed.update(m.campaign_id for m in matches)
            self.found.error(
                FindingKind.DUPLICATE_LIVE_NAME,
                f"{len(matches)} live campaigns are named {c.name!r} (ids {ids}); add `id:` "
                "to the manifest entry to say which one it manages",
                c.name,
            )
            return None
        if not matches:
            # absent and not live: converged
            return None if c.state is DesiredState.ABSENT else CREATE
        return matches[0]

    def _pinned(self, c: Campaign, cid: str) -> LiveCampaign | None:
        pinned = self.by_id.get(cid)
        if pinned is None and c.state is not DesiredState.ABSENT:  # absent: converged
            self.found.fingerprints.append(Fingerprint(c.name, None, None))
            self.found.error(
                FindingKind.ID_NOT_FOUND,
                f"pinned id {cid} is not among the {len(self.live)} live campaigns; remove "
                "`id:` to create the campaign, or fix the id",
                c.name,
            )
        return pinned

    def _bound(self, c: Campaign, binding: Binding) -> LiveCampaign | None:
        """The live campaign the state binds `c` to, renamed or not; None when the list
        does not show it (never a create: it exists, or was deleted outside the tool)."""
        cid = binding.campaign_id
        if c.id is not None and c.id != cid:
            self.found.error(
                FindingKind.CONFLICT,
                f"the state binds {c.name!r} to id {cid}, but the manifest pins id {c.id}; "
                f"`import {c.name} {c.id}` to bind the pinned one, or remove `id:`",
                c.name,
            )
            return None
        current = self.by_id.get(cid)
        if current is None:
            self._not_listed(c, binding)
            return None
        if current.name != c.name and c.state is not DesiredState.ABSENT:
            taken = sorted(
                m.campaign_id for m in self.by_name.get(c.name, []) if m.campaign_id != cid
            )
            if taken:
                self.claimed.add(cid)
                self.found.error(
                    FindingKind.CONFLICT,
                    f"live campaign {cid}, bound to {c.name!r} in the state, was renamed "
                    f"{current.name!r} outside the tool, and {c.name!r} is now the name of "
                    f"live campaign {', '.join(taken)}; rename one in the console, or "
                    f"`import {c.name} ID` to say which one it is",
                    c.name,
                )
                return None
        return current

    def _not_listed(self, c: Campaign, binding: Binding) -> None:
        cid = binding.campaign_id
        if binding.origin in ("created", "adopted"):
            then = " (to be deleted once listed)" if c.state is DesiredState.ABSENT else ""
            message = f"created as id {cid}, not yet listed{then}; not created again"
            kind = FindingKind.NOT_YET_LISTED
        elif c.state is DesiredState.ABSENT:
            return  # gone, and meant to be
        else:
            message = (
                f"the state binds it to id {cid}, which the live list does not show (deleted "
                f"outside the tool?); `state rm {c.name}` lets apply create it again"
            )
            kind = FindingKind.BOUND_NOT_LIVE
        # stale once it shows up: the plan made now did not plan for it
        self.found.fingerprints.append(Fingerprint(c.name, None, None))
        self.found.warnings.append(Finding(kind, message, c.name))
