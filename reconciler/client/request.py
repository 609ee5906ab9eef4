"""One logical API call: what it sends, and how its errors name it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ApiError
from ..secret import Secret

__all__ = ["Call", "Failed", "campaign_label"]


@dataclass(frozen=True)
class Call:
    """One logical API call; it may take several HTTP attempts.

    `create`: not idempotent, so never repeated once it may have reached the server.
    `gone_on_retry`: a `NotFound` after an attempt that may have acted may mean that attempt
    did the job (a delete whose answer was lost): the answer is then `GONE_ON_RETRY`, for
    the caller to verify. `refusal`: a pure check of a 2xx body that returns why the
    vendor, despite the 2xx, did not do it (None: it did), and whether its words say the
    thing was not there.
    """

    method: str
    script: str  # "information.php" or "campaign.php"
    api: str  # the vendor's `api=` name, as errors and logs name the call
    params: dict[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    campaign: str | None = None  # how errors name the campaign
    campaign_id: str | None = None
    create: bool = False
    gone_on_retry: bool = False
    refusal: Callable[[Mapping[str, Any], Secret], tuple[bool, str] | None] | None = None

    def error(self, cls: type[ApiError], message: str, status_code: int | None = None) -> ApiError:
        return cls(message, call=self.api, campaign=self.campaign, status_code=status_code)


#: the key of the answer `send_with_retries` gives for a `gone_on_retry` NotFound: the
#: vendor's words, to be checked against the list before anyone calls it done
GONE_ON_RETRY = "gone-on-retry"


def campaign_label(campaign: str | None, campaign_id: str) -> str | None:
    """How messages name a campaign: `name (id ID)`, else the id alone."""
    return f"{campaign} (id {campaign_id})" if campaign else (campaign_id or None)


class Failed(Exception):
    """One attempt failed with `error`; `may_have_acted`: the server may have done it."""

    def __init__(self, error: ApiError, *, may_have_acted: bool) -> None:
        super().__init__(error.message)
        self.error = error
        self.may_have_acted = may_have_acted
