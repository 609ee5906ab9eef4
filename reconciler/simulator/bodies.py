"""The JSON bodies of create, edit_campaign, speed and the bulk delete, checked strictly so
that a client's mistake shows here before it reaches wolkvox.

Each function returns what to store, or raises `Refused` (a 400) naming the first problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ..vocabulary import AMD_COUNTRIES, DIAL_ORDERS, CampaignType
from .replies import MESSAGES, Refused
from .store import SETTINGS

__all__ = [
    "MAX_ID",
    "Changes",
    "create_body",
    "delete_body",
    "edit_body",
    "parse_id",
    "speed_body",
]

#: the largest id the simulator knows: 18 digits keep every id (and the next fresh one)
#: inside SQLite's signed 64-bit integers
MAX_ID = 10**18 - 1

_CREATE_FIELDS = (
    "campaign_name",
    "campaign_description",
    "start_time",
    "end_time",
    "skill_id",
    *(f"opt{n}" for n in range(1, 13)),
    "enable_edition",
    "amd",
)
_EDIT_FIELDS = (
    "campaign_name",
    "campaign_description",
    "type_camp",
    "enable_edition",
    "start_time",
    "end_time",
    "skill_id",
    "amd_conf",
    "turbo_dial",
    "routing_recall",
    "camp_dial_order",
    "optional_labels",
)
_LABELS = tuple(f"opt{n}" for n in range(13))
_HHMMSS = re.compile(r"([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]")
_HH_MM_SS = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]")
_DIGITS = re.compile(r"[0-9]+")
VAGENT = "VAGENT"


@dataclass(frozen=True)
class Changes:
    """What a body changes: list columns (store `_EDITABLE`) and SETTINGS keys."""

    columns: Mapping[str, str]
    settings: Mapping[str, str]


def parse_id(raw: str, name: str = "campaign_id") -> int:
    """A numeric id (ASCII digits); an id above MAX_ID cannot exist, so it is a 404 later."""
    if not _DIGITS.fullmatch(raw):
        raise Refused(400, f"INVALID {name} {raw!r}: MUST BE NUMERIC")
    return int(raw) if len(raw.lstrip("0")) <= len(str(MAX_ID)) else MAX_ID + 1


def _object(raw: bytes, required: str) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: int()'s limit too
        raise Refused(400, "THE BODY MUST BE A JSON OBJECT") from None
    if not isinstance(body, dict):
        raise Refused(400, f"{MESSAGES['required']}: {required} (JSON body)")
    return body


def _check_fields(body: Mapping[str, Any], allowed: Collection[str]) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise Refused(400, f"UNKNOWN PARAMETERS: {', '.join(map(str, unknown))}")


def _check_strings(values: Mapping[str, Any], where: str = "") -> None:
    not_strings = sorted(k for k, v in values.items() if not isinstance(v, str))
    if not_strings:
        raise Refused(400, f"{where}PARAMETERS MUST BE STRINGS: {', '.join(not_strings)}")
    # JSON may escape a lone surrogate ("\ud800"): no UTF-8 text, so nothing to store
    not_text = sorted(k for k, v in values.items() if not _is_text(v))
    if not_text:
        raise Refused(400, f"PARAMETERS MUST BE VALID UNICODE TEXT: {', '.join(not_text)}")


def _yes_no(body: Mapping[str, str], key: str) -> str:
    value = body[key]
    if value.lower() not in ("yes", "no"):
        raise Refused(400, f"INVALID {key} {value!r}: MUST BE yes OR no")
    return value.lower()


def _skill(value: str, known: Collection[str], *, vagent: bool) -> str:
    if vagent and value == VAGENT:
        return value
    if not _DIGITS.fullmatch(value):
        also = " OR VAGENT" if vagent else ""
        raise Refused(400, f"INVALID skill_id {value!r}: MUST BE NUMERIC{also}")
    if known and value not in known:
        raise Refused(400, f"INVALID skill_id {value!r}: THE SKILL DOES NOT EXIST")
    return value


def create_body(raw: bytes, skills: Collection[str]) -> Changes:
    """The create body: the documented fields only, every one a string."""
    body = _object(raw, "campaign_name")
    _check_fields(body, _CREATE_FIELDS)
    _check_strings(body)
    if not body.get("campaign_name", "").strip():
        raise Refused(400, f"{MESSAGES['required']}: campaign_name")
    settings: dict[str, str] = {}
    for key in ("start_time", "end_time"):
        if body.get(key):
            if not _HHMMSS.fullmatch(body[key]):
                raise Refused(400, f"INVALID {key} {body[key]!r}: EXPECTED HHMMSS")
            hhmmss = body[key]
            settings[key] = f"{hhmmss[:2]}:{hhmmss[2:4]}:{hhmmss[4:]}"
    if body.get("enable_edition"):
        settings["enable_edition"] = _yes_no(body, "enable_edition")
    if body.get("amd"):
        if body["amd"] not in AMD_COUNTRIES:
            raise Refused(
                400, f"INVALID amd {body['amd']!r}: MUST BE ONE OF {', '.join(AMD_COUNTRIES)}"
            )
        settings["amd_conf"] = body["amd"]
    settings.update({k: body[k] for k in _LABELS if k in body})
    columns = {
        "campaign_name": body["campaign_name"],
        "campaign_description": body.get("campaign_description", ""),
    }
    if body.get("skill_id"):
        columns["skill_id"] = _skill(body["skill_id"], skills, vagent=False)
    return Changes(columns, settings)


def edit_body(raw: bytes, current: Mapping[str, str], skills: Collection[str]) -> Changes:
    """edit_campaign's body: only what changes; `current` is the campaign's SETTINGS."""
    body = _object(raw, "at least one field")
    _check_fields(body, _EDIT_FIELDS)
    if not body:
        raise Refused(400, f"{MESSAGES['required']}: at least one field to change")
    labels = body.get("optional_labels", {})
    _check_strings({k: v for k, v in body.items() if k != "optional_labels"})
    if not isinstance(labels, dict):
        raise Refused(400, "INVALID optional_labels: MUST BE AN OBJECT OF opt0 … opt12")
    _check_fields(labels, _LABELS)
    _check_strings(labels, "optional_labels ")
    columns: dict[str, str] = {}
    settings: dict[str, str] = dict(labels)
    if "campaign_name" in body:
        if not body["campaign_name"].strip():
            raise Refused(400, "INVALID campaign_name: MUST NOT BE BLANK")
        columns["campaign_name"] = body["campaign_name"]
    if "campaign_description" in body:
        columns["campaign_description"] = body["campaign_description"]
    if "type_camp" in body:
        try:
            columns["type_campaign"] = CampaignType(body["type_camp"].lower()).value
        except ValueError:
            raise Refused(
                400, f"INVALID type_camp {body['type_camp']!r}: MUST BE Predictive OR Preview"
            ) from None
    for key in ("enable_edition", "routing_recall"):
        if key in body:
            settings[key] = _yes_no(body, key)
    if "turbo_dial" in body:
        columns["turbo_dial"] = "on" if _yes_no(body, "turbo_dial") == "yes" else "off"
    if "skill_id" in body:
        columns["skill_id"] = body["skill_id"] and _skill(body["skill_id"], skills, vagent=True)
    if "amd_conf" in body and body["amd_conf"] not in ("default", "none", *AMD_COUNTRIES):
        raise Refused(
            400,
            f"INVALID amd_conf {body['amd_conf']!r}: MUST BE default, none OR ONE OF "
            + ", ".join(AMD_COUNTRIES),
        )
    if "camp_dial_order" in body and body["camp_dial_order"] not in DIAL_ORDERS:
        raise Refused(
            400,
            f"INVALID camp_dial_order {body['camp_dial_order']!r}: MUST BE "
            + ", ".join(DIAL_ORDERS),
        )
    settings.update({k: body[k] for k in ("amd_conf", "camp_dial_order") if k in body})
    settings.update(_window(body, current))
    return Changes(columns, settings)


def _window(body: Mapping[str, str], current: Mapping[str, str]) -> dict[str, str]:
    """The dialing window after the edit, checked whole when the edit touches it."""
    given = {k: body[k] for k in ("start_time", "end_time") if k in body}
    if not given:
        return {}
    for key, value in given.items():
        if value and not _HH_MM_SS.fullmatch(value):
            raise Refused(400, f"INVALID {key} {value!r}: EXPECTED HH:mm:ss")
    start = given.get("start_time", current.get("start_time", SETTINGS["start_time"]))
    end = given.get("end_time", current.get("end_time", SETTINGS["end_time"]))
    if bool(start) != bool(end):
        raise Refused(400, "INVALID DIALING WINDOW: start_time AND end_time GO TOGETHER")
    if start and end <= start:
        raise Refused(400, f"INVALID DIALING WINDOW: end_time {end} IS NOT AFTER {start}")
    return given


def speed_body(raw: bytes) -> str:
    """`{"speed": "N"}`, N a whole number from 0 to 100, sent as text."""
    body = _object(raw, "speed")
    _check_fields(body, ("speed",))
    if "speed" not in body:
        raise Refused(400, f"{MESSAGES['required']}: speed")
    _check_strings(body)
    speed = body["speed"]
    if not _DIGITS.fullmatch(speed) or int(speed) > 100:
        raise Refused(400, f"INVALID speed {speed!r}: MUST BE A WHOLE NUMBER FROM 0 TO 100")
    return str(int(speed))


def delete_body(raw: bytes) -> list[int]:
    """The bulk delete's `{"campaign_ids": ["23910", …]}`: a non-empty list of ids."""
    body = _object(raw, "campaign_ids")
    _check_fields(body, ("campaign_ids",))
    ids = body.get("campaign_ids")
    if not isinstance(ids, list) or not ids:
        raise Refused(400, f"{MESSAGES['required']}: campaign_ids (a non-empty list)")
    if not all(isinstance(i, str) for i in ids):
        raise Refused(400, "INVALID campaign_ids: EVERY ID MUST BE A STRING")
    return [parse_id(i) for i in ids]


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
