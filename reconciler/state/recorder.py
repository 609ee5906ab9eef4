"""What apply's outcomes mean for the state: a create binds its name to the id it
answered, a delete unbinds, and every create, edit and speed records the fields sent
(and what `edit_campaign` answered) as last applied."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from ..fields import from_vendor
from ..plan.model import Action, ActionKind
from .backend import StateBackend
from .model import Binding, Snapshot, bind_all, now

__all__ = ["StateRecorder"]


class StateRecorder:
    """`recorder.saw(action, id, answer)` for each call apply saw succeed."""

    def __init__(self, backend: StateBackend, snapshot: Snapshot) -> None:
        self.backend = backend
        self.snapshot = snapshot
        self._mutex = threading.Lock()

    def bind_matched(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Bind what the plan matched by name or pinned id and the state did not yet
        hold: from now on the id, not the name, says which campaign it is."""
        since = now()
        new = [
            Binding(name, cid, "matched", since)
            for name, cid in pairs
            if name not in self.snapshot.bindings or self.snapshot.bindings[name].campaign_id != cid
        ]
        if new:  # one write (one transaction), however many: a first apply may bind 10,000
            with self._mutex:
                bind_all(self.snapshot, new)
                self.backend.put_bindings(new)

    def saw(
        self,
        action: Action,
        campaign_id: str | None,
        answer: Mapping[str, Any] | None,
        *,
        adopted: bool = False,
    ) -> None:
        if campaign_id is None:
            return
        with self._mutex:
            if action.kind is ActionKind.DELETE:
                bound = self.snapshot.bindings.get(action.campaign)
                if bound is not None and bound.campaign_id == campaign_id:
                    del self.snapshot.bindings[action.campaign]
                    self.backend.drop_binding(action.campaign)
                if self.snapshot.fields.pop(campaign_id, None) is not None:
                    self.backend.drop_fields(campaign_id)
                return
            if action.kind not in (ActionKind.CREATE, ActionKind.EDIT, ActionKind.SPEED):
                return
            if action.kind is ActionKind.CREATE:
                origin = "adopted" if adopted else "created"
                self._bind(Binding(action.campaign, campaign_id, origin, now()))
            fields = dict(self.snapshot.fields.get(campaign_id, {}))
            fields.update(from_vendor(action.params or {}))
            if answer:
                fields.update(from_vendor(answer))  # what the vendor says it now holds
            self.snapshot.fields[campaign_id] = fields
            self.backend.put_fields(campaign_id, fields)

    def _bind(self, binding: Binding) -> None:
        bind_all(self.snapshot, [binding])
        self.backend.put_binding(binding)

    def flush(self) -> None:
        self.backend.flush()
