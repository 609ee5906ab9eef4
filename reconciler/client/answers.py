"""The vendor's answers, parsed: pure functions, no I/O.

Each parser takes a decoded JSON body and returns our model, or raises `BadAnswer` saying
what is wrong in terms of the vendor's fields; the client adds which call and campaign.
Text quoted from the server is redacted *before* it is cut or stripped of HTML, so that no
part of a token it echoes can survive the cut.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from sys import intern
from typing import Any

from ..secret import Secret
from ..vocabulary import CampaignType, LiveStatus
from .live import LiveCampaign

__all__ = [
    "SNIPPET",
    "BadAnswer",
    "Skill",
    "TokenInfo",
    "campaigns",
    "created_id",
    "delete_refusal",
    "deleted_counts",
    "edited_config",
    "envelope_problem",
    "kind",
    "quote",
    "shown",
    "skills",
    "token_info",
    "vendor_message",
]

#: how much of an unexpected body an error message quotes
SNIPPET = 200

#: list fields the live model holds in named attributes; every other field goes to `extra`
_LIST_FIELDS = frozenset(
    {"campaign_id", "campaign_name", "campaign_description", "type_campaign", "status", "records"}
)
_MAX_DIGITS = 18
_ZERO_RECORDS = re.compile(r"^\s*0\s+records?\b", re.IGNORECASE)
#: "X campaigns deleted successfully. 0 operations failed."
_DELETED = re.compile(
    r"(\d+)\s+campaigns?\s+(?:were\s+)?deleted\b.*?(\d+)\s+operations?\s+failed",
    re.IGNORECASE | re.DOTALL,
)
#: the spellings of `type_campaign` read at once (any other is normalised first)
_TYPES: dict[Any, CampaignType] = {t.value: t for t in CampaignType}
_TURBO = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


class BadAnswer(Exception):
    """An answer that is not what the vendor documents; the message says what and where."""


@dataclass(frozen=True)
class TokenInfo:
    """`information.php?api=token_info`: the token's daily budget of calls."""

    limit: int
    used_today: int
    available: int


@dataclass(frozen=True)
class Skill:
    """One row of `information.php?api=skills`."""

    skill_id: str
    name: str
    description: str = ""
    last_use: str = ""


# -- the envelope: {code, error, msg[, data]} ---------------------------------------------


def envelope_problem(body: Any, text: str, secret: Secret) -> str | None:
    """Why a 2xx answer is not a success after all (None: it is one)."""
    if not isinstance(body, dict):
        return f"the answer is not a JSON object: {quote(text, secret)!r}"
    if body.get("error") is not None:
        error = vendor_message(body, "", secret)
        return f"the answer reports an error despite HTTP success: {error}"
    status = _code(body.get("code"))
    if status is not None and status >= 400:
        return f"the answer carries error code {status}: {vendor_message(body, '', secret)}"
    return None


def vendor_message(body: Any, text: str, secret: Secret) -> str:
    """The vendor's own words, redacted: `error` and `msg` of a JSON body, else the start
    of the text without its HTML."""
    if isinstance(body, dict):
        parts = [
            secret.redact(str(body[key])).strip()
            for key in ("error", "msg")
            if body.get(key) not in (None, "")
        ]
        if parts:
            return ": ".join(dict.fromkeys(parts))
    # redacted before and after the tags go: a token split by tags is whole before, and
    # its pieces between them are runs redaction masks after; cut only once redacted
    words = " ".join(secret.redact(re.sub(r"<[^>]*>", " ", secret.redact(text))).split())
    return _cut(words) or "no message"


def quote(text: str, secret: Secret) -> str:
    """Server text for a message: redacted, then cut to `SNIPPET` characters."""
    return _cut(secret.redact(text))


def shown(value: Any, secret: Secret) -> str:
    """A field's value as a message quotes it (a repr), redacted before it is escaped
    and cut."""
    if isinstance(value, str):
        return repr(_cut(secret.redact(value)))
    return _cut(secret.redact(repr(value)))


def kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


# -- the campaign list ----------------------------------------------------------------------


def campaigns(body: Mapping[str, Any], secret: Secret) -> list[LiveCampaign]:
    """The rows of a list answer. An answer without `data` is an empty operation only if
    its `msg` says "0 records…": a missing list read as empty would make a plan create
    every campaign again."""
    rows = _rows(body, "campaigns")
    found = []
    for index in range(len(rows)):
        # each row's dict is let go once read: the list never holds every row twice over,
        # as dicts and as campaigns (what a plan's peak memory is made of)
        row, rows[index] = rows[index], None
        found.append(_campaign(index, row, secret))
    return found


def _rows(body: Mapping[str, Any], what: str) -> list[Any]:
    data = body.get("data")
    if data is None and _reports_zero_records(body.get("msg")):
        return []
    if not isinstance(data, list):
        raise BadAnswer(f"expected `data` to be a list of {what}, got {kind(data)}")
    return data


def _campaign(index: int, row: Any, secret: Secret) -> LiveCampaign:
    if not isinstance(row, dict):
        raise BadAnswer(f"data[{index}] is {kind(row)}, not a campaign")
    get = row.get
    campaign_id, name = get("campaign_id"), get("campaign_name")
    campaign_id = campaign_id if campaign_id.__class__ is str else _text(campaign_id)
    name = name if name.__class__ is str else _text(name)

    def bad(what: str) -> BadAnswer:
        # said only of a row that is wrong: quoting (redacting) every row costs a plan
        who = (
            f"campaign {quote(name or '?', secret)} "
            f"(id {quote(campaign_id or '?', secret)}, data[{index}])"
        )
        return BadAnswer(f"{who}: {what}")

    if not campaign_id:
        raise bad("field campaign_id is missing or empty")
    if name is None:
        raise bad("field campaign_name is missing")
    try:
        type_ = _TYPES.get(get("type_campaign")) or CampaignType(
            (_text(get("type_campaign")) or "").strip().lower()
        )
    except (ValueError, TypeError):  # TypeError: an unhashable value (a list, an object)
        raise bad(
            f"field type_campaign is {shown(get('type_campaign'), secret)}, "
            "not preview or predictive"
        ) from None
    try:
        status = LiveStatus.parse(_text(get("status")) or "")
    except ValueError:
        raise bad(
            f"field status is {shown(get('status'), secret)}, not Started or Stopped"
        ) from None
    records = _count(get("records"), blank=0)
    if records is None:
        raise bad(f"field records is {shown(get('records'), secret)}, not a number of records")
    # informational, kept verbatim; the values interned, since most repeat across rows
    # ("1", "off", the dial mode): a 100,000-campaign list keeps one copy of each (the
    # keys are one copy each already: json's decoder shares them across an answer)
    extra = tuple(
        [
            (key, intern(value) if value.__class__ is str else intern(_verbatim(value)))
            for key, value in row.items()
            if key not in _LIST_FIELDS
        ]
    )
    description, skill = get("campaign_description"), get("skill_id")
    return LiveCampaign(
        campaign_id=campaign_id,
        name=name,
        type=type_,
        status=status,
        records=records,
        description=(description if description.__class__ is str else _text(description)) or "",
        extra=extra,
        speed=_count(get("speed")),
        turbo_dial=_turbo(get("turbo_dial")),
        skill_id=(skill if skill.__class__ is str else _text(skill) or "").strip() or None,
    )


def _verbatim(value: Any) -> str:
    """A field kept as the vendor sent it, as text ("" for null)."""
    return "" if value is None else str(value)


def _reports_zero_records(msg: Any) -> bool:
    return isinstance(msg, str) and bool(_ZERO_RECORDS.match(msg))


def _turbo(value: Any) -> bool | None:
    """`turbo_dial`: on/off or yes/no in any case; anything else (the sample's "") is
    unknown, not off."""
    if isinstance(value, bool):
        return value
    return _TURBO.get(value.strip().lower()) if isinstance(value, str) else None


# -- create, edit, delete --------------------------------------------------------------------


def created_id(body: Mapping[str, Any]) -> str | None:
    """`data[0].id_campaign` — or `id_campaing`, as the create page's table spells it."""
    row = _first(body)
    if row is None:
        return None
    for key in ("id_campaign", "id_campaing"):
        value = _text(row.get(key))
        if value is not None and value.strip():
            return value.strip()
    return None


def edited_config(body: Mapping[str, Any], campaign_id: str, secret: Secret) -> dict[str, Any]:
    """`data[0]` of an `edit_campaign` answer: the campaign's whole configuration after
    the edit. It must be an object, and about this campaign when it names one."""
    row = _first(body)
    if row is None:
        raise BadAnswer(
            "the edit was answered without the campaign's configuration (expected data[0] "
            f"to be an object, got {kind(body.get('data'))}); it may have been applied"
        )
    answered = _text(row.get("campaign_id"))
    if answered is not None and answered.strip() and answered.strip() != campaign_id:
        raise BadAnswer(
            "the edit was answered with the configuration of campaign "
            f"{shown(answered.strip(), secret)}, "
            f"not {campaign_id!r}"
        )
    return dict(row)


def deleted_counts(body: Mapping[str, Any]) -> tuple[int, int] | None:
    """(deleted, failed) from a `delete_campaign` answer's words, or None without them."""
    msg = body.get("msg")
    match = _DELETED.search(msg) if isinstance(msg, str) else None
    if match is None:
        return None
    deleted, failed = _digits(match.group(1)), _digits(match.group(2))
    return None if deleted is None or failed is None else (deleted, failed)


def delete_refusal(body: Mapping[str, Any], secret: Secret) -> tuple[bool, str] | None:
    """Why a 2xx `delete_campaign` answer is not the vendor's yes, or None when it is: only
    the documented "X campaigns deleted successfully. 0 operations failed." with X ≥ 1 says
    the campaign is gone. `(True, why)`: it says nothing was there to delete ("0 campaigns
    deleted"); `(False, why)`: any other words, a failure in the vendor's words."""
    counts = deleted_counts(body)
    said = vendor_message(body, "", secret) or "(no message)"
    if counts is None:
        return False, f"the vendor's answer does not say the campaign was deleted: {said}"
    deleted, failed = counts
    if deleted == 0:
        return True, f"the vendor deleted no campaign: {said}"
    if failed > 0:
        return False, f"the vendor reports a failed operation: {said}"
    return None


# -- information.php: token_info, skills ---------------------------------------------------


def token_info(body: Mapping[str, Any], secret: Secret) -> TokenInfo:
    """`data[0]` of `token_info`. Counts may come as numbers or as digit strings; calls
    left today default to limit − used when the answer leaves them out."""
    row = _first(body)
    if row is None:
        raise BadAnswer(f"expected data[0] to be an object, got {kind(body.get('data'))}")

    def number(key: str) -> int:
        value = _count(row.get(key))
        if value is None:
            raise BadAnswer(
                f"field data[0].{key} is {shown(row.get(key), secret)}, not a number of calls"
            )
        return value

    limit, used = number("token_limit"), number("token_use_today")
    left = row.get("available_consumption_options")
    available = (
        max(limit - used, 0) if left in (None, "") else number("available_consumption_options")
    )
    return TokenInfo(limit=limit, used_today=used, available=available)


def skills(body: Mapping[str, Any], secret: Secret) -> list[Skill]:
    """The rows of a `skills` answer; a row needs a `skill_id`, the rest may be absent."""
    found = []
    for index, row in enumerate(_rows(body, "skills")):
        if not isinstance(row, dict):
            raise BadAnswer(f"data[{index}] is {kind(row)}, not a skill")
        skill_id = (_text(row.get("skill_id")) or "").strip()
        if not skill_id:
            name = quote(_text(row.get("skill_name")) or "?", secret)
            raise BadAnswer(f"skill {name} (data[{index}]): field skill_id is missing or empty")
        found.append(
            Skill(
                skill_id=skill_id,
                name=_text(row.get("skill_name")) or "",
                description=_text(row.get("skill_description")) or "",
                last_use=_text(row.get("last_use")) or "",
            )
        )
    return found


# -- small readers -------------------------------------------------------------------------


def _first(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """`data[0]`, or `data` itself when the vendor sends one object instead of a list."""
    data = body.get("data")
    row = data[0] if isinstance(data, list) and data else data
    return row if isinstance(row, dict) else None


def _text(value: Any) -> str | None:
    """A field as text: the vendor sends strings, a number is tolerated."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _count(value: Any, *, blank: int | None = None) -> int | None:
    """A count (records, speed, calls): an int, an integral float or ASCII digits; a blank
    string is `blank`; anything else (negative, "1.5", True) is None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return blank
    return _digits(text)


def _digits(text: str) -> int | None:
    """ASCII digits as an int; None for anything else, and for a number no count or
    code can be (more than 18 digits: `int()` of thousands of digits is a ValueError)."""
    if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS:
        return int(text)
    return None


def _code(value: Any) -> int | None:
    """`code` is documented as int, sent as "202" or "" too."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _digits(value.strip())
    return None


def _cut(text: str) -> str:
    return text if len(text) <= SNIPPET else text[:SNIPPET] + "…"
