"""`--seed FILE`: the campaigns (and skills) a fresh simulator starts with, YAML or JSON.

    campaigns:
      - campaign_id: "1001"          # optional: a fresh id is picked when absent
        campaign_name: Renewals
        type_campaign: predictive     # required: preview | predictive
        status: Started               # optional, default Stopped (case-insensitive)
        records: 15                   # optional count (a number)
        record_results: {busy: 3, answer: 10}   # optional breakdown by result
        # campaign_description, speed, dial_mode, last_use, recycled, turbo_dial,
        # skill_id: optional
    skills:                           # optional: what api=skills lists
      - {skill_id: "1001", skill_name: Collections, skill_description: ""}

Records not broken down by `record_results` count as result `unknown` (the vendor's own
name for a record whose result is not known). Every problem is reported, each located
as `file:line:col` (YAML) or `file: campaigns[i].field` (JSON). Ids have at most 18
digits, record counts add up to at most 2^63 − 1 (SQLite's integers), and collections
nest at most 64 deep (checked before the document is built, so a 5,000-deep file is an
error in milliseconds, not a crash).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from ..vocabulary import RESULTS, CampaignType, LiveStatus
from .store import DEFAULTS, CampaignData, SkillData

__all__ = ["MAX_DEPTH", "Seed", "SeedError", "load_seed", "parse_seed"]

#: how deep collections may nest in a seed (a real one needs 4)
MAX_DEPTH = 64
#: 18 digits: every id, and the fresh ones after it, fit SQLite's 64-bit integers
_MAX_ID_DIGITS = 18
_MAX_RECORDS = 2**63 - 1
_DIGITS = re.compile(r"[0-9]+")
_SKILL_FIELDS = ("skill_id", "skill_name", "skill_description", "last_use")

_FIELDS = (
    "campaign_id",
    "campaign_name",
    "campaign_description",
    "type_campaign",
    "status",
    "records",
    "record_results",
    *DEFAULTS,
    "skill_id",
)


@dataclass(frozen=True)
class Seed:
    campaigns: tuple[CampaignData, ...] = ()
    skills: tuple[SkillData, ...] = ()


class SeedError(ValueError):
    """The seed file is unreadable or invalid; `problems` lists every located reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class _Where:
    """Locates a path in the seed file: line:col from YAML marks, or the path itself."""

    file: str
    node: yaml.Node | None

    def at(self, *path: str | int) -> str:
        node = self.node
        for step in path:
            node = _child(node, step)
        label = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
        if node is not None:
            mark = node.start_mark
            return f"{self.file}:{mark.line + 1}:{mark.column + 1}: {label}"
        return f"{self.file}: {label}" if label else self.file


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
        return node.value[step] if step < len(node.value) else None
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        for key, value in node.value:
            if getattr(key, "value", None) == step:
                return cast("yaml.Node", value)
    return None


def load_seed(path: str | Path) -> Seed:
    """The campaigns and skills in the seed file at `path`; `SeedError` listing every
    problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError([f"{path}: cannot read the seed file: {exc}"]) from exc
    return parse_seed(text, str(path))


def parse_seed(text: str, filename: str = "<seed>") -> Seed:
    node: yaml.Node | None = None
    data: Any
    if filename.endswith(".json"):
        too_deep = _json_too_deep(text)
        if too_deep:
            line, column = too_deep
            raise SeedError([f"{filename}:{line}:{column}: {_DEEP}"])
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = f"{filename}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"
            raise SeedError([problem]) from None
        except ValueError as exc:  # a number of more than 4,300 digits
            raise SeedError([f"{filename}: invalid JSON: {exc}"]) from None
    else:
        try:
            _yaml_depth_check(text, filename)
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
            raise SeedError([f"{at}: invalid YAML: {getattr(exc, 'problem', exc)}"]) from exc
        except SeedError:
            raise
        except ValueError as exc:  # a number of more than 4,300 digits
            raise SeedError([f"{filename}: invalid YAML: {exc}"]) from None
    where = _Where(filename, node)
    if data is None:
        return Seed()
    if not isinstance(data, dict) or not data or set(data) - {"campaigns", "skills"}:
        raise SeedError([f"{where.at()}: expected a mapping of `campaigns` (and `skills`)"])
    rows = data.get("campaigns") or []
    if not isinstance(rows, list):
        raise SeedError([f"{where.at('campaigns')}: expected a list of campaigns"])
    problems: list[str] = []
    campaigns: list[CampaignData] = []
    seen_ids: dict[int, int] = {}
    for i, row in enumerate(rows):
        campaign = _campaign(row, i, where, problems)
        if campaign is None:
            continue
        if campaign.campaign_id is not None:
            if campaign.campaign_id in seen_ids:
                problems.append(
                    f"{where.at('campaigns', i, 'campaign_id')}: duplicate id "
                    f"{campaign.campaign_id} (also campaigns[{seen_ids[campaign.campaign_id]}])"
                )
            seen_ids[campaign.campaign_id] = i
        campaigns.append(campaign)
    skills = _skills(data.get("skills") or [], where, problems)
    if problems:
        raise SeedError(problems)
    return Seed(tuple(campaigns), tuple(skills))


_DEEP = f"collections nest more than {MAX_DEPTH} levels deep"


def _yaml_depth_check(text: str, filename: str) -> None:
    """Refuse deep nesting from the event stream, before a (recursive) compose sees it."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                at = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
                raise SeedError([f"{at}: {_DEEP}"])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


_JSON_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|[\[\]{}]')


def _json_too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) of the first `[` or `{` nested deeper than MAX_DEPTH, outside strings."""
    depth = 0
    for token in _JSON_TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                at = token.start()
                return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        elif char in "]}":
            depth -= 1
    return None


def _show(value: Any) -> str:
    """A value for a message: never the repr of a collection (an alias bomb is huge)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _scalar(value: Any) -> str | None:
    """The text of a scalar (string, number), None for a collection, bool or null."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value)


def _skills(rows: Any, where: _Where, problems: list[str]) -> list[SkillData]:
    if not isinstance(rows, list):
        problems.append(f"{where.at('skills')}: expected a list of skills")
        return []
    skills: list[SkillData] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):

        def bad(field: str | None, message: str, i: int = i) -> None:
            path = ("skills", i, field) if field else ("skills", i)
            problems.append(f"{where.at(*path)}: {message}")

        if not isinstance(row, dict):
            bad(None, "expected a mapping of skill fields")
            continue
        before = len(problems)
        for key in row:
            if key not in _SKILL_FIELDS:
                bad(str(key), f"unknown field (expected one of: {', '.join(_SKILL_FIELDS)})")
        skill_id = _scalar(row.get("skill_id"))
        if skill_id is None or not _DIGITS.fullmatch(skill_id):
            bad("skill_id", f"required, digits, got {_show(row.get('skill_id'))}")
        elif skill_id in seen:
            bad("skill_id", f"duplicate skill {skill_id} (also skills[{seen[skill_id]}])")
        else:
            seen[skill_id] = i
        name = row.get("skill_name")
        if not isinstance(name, str) or not name.strip():
            bad("skill_name", "required, a non-empty string")
        text = {}
        for key in ("skill_description", "last_use"):
            value = _scalar(row.get(key, ""))
            if value is None or not _is_text(value):
                bad(key, "must be a string or a number")
            text[key] = value or ""
        if len(problems) == before and skill_id is not None and isinstance(name, str):
            if not _is_text(name):
                bad("skill_name", "is not valid Unicode text (a lone surrogate escape?)")
                continue
            skills.append(SkillData(skill_id, name, text["skill_description"], text["last_use"]))
    return skills


def _campaign(row: Any, i: int, where: _Where, problems: list[str]) -> CampaignData | None:
    def bad(field: str | None, message: str) -> None:
        path = ("campaigns", i, field) if field else ("campaigns", i)
        problems.append(f"{where.at(*path)}: {message}")

    if not isinstance(row, dict):
        bad(None, "expected a mapping of list fields")
        return None
    before = len(problems)
    for key in row:
        if key not in _FIELDS:
            bad(str(key), f"unknown field (expected one of: {', '.join(_FIELDS)})")

    campaign_id: int | None = None
    raw_id = row.get("campaign_id")
    if raw_id is not None:
        id_text = _scalar(raw_id)
        if id_text is None or not _DIGITS.fullmatch(id_text):
            bad("campaign_id", f"must be a numeric id (digits), got {_show(raw_id)}")
        elif len(id_text.lstrip("0")) > _MAX_ID_DIGITS:
            bad("campaign_id", f"{id_text[:40]}… has more than {_MAX_ID_DIGITS} digits")
        else:
            campaign_id = int(id_text)

    name = row.get("campaign_name")
    if not isinstance(name, str) or not name.strip():
        bad("campaign_name", "required, a non-empty string")

    type_campaign: CampaignType | None = None
    try:
        type_campaign = CampaignType((_scalar(row.get("type_campaign")) or "").strip().lower())
    except ValueError:
        bad("type_campaign", "required, `preview` or `predictive`")

    status = LiveStatus.STOPPED
    if "status" in row:
        try:
            status = LiveStatus.parse(_scalar(row["status"]) or "")
        except ValueError:
            bad("status", "must be `Started` or `Stopped`")

    results: dict[str, int] = {}
    breakdown = row.get("record_results") or {}
    if not isinstance(breakdown, dict):
        bad("record_results", "expected a mapping of result → count")
        breakdown = {}
    for result, count in breakdown.items():
        if result not in RESULTS:
            bad("record_results", f"unknown result {result!r} (one of: {', '.join(RESULTS)})")
        elif not _is_count(count):
            bad(
                "record_results",
                f"count for {result!r} must be a whole number from 0 to 2^63 - 1",
            )
        else:
            results[result] = count
    if sum(results.values()) > _MAX_RECORDS:
        bad("record_results", "the counts add up to more than 2^63 - 1")
        results = {}

    if "records" in row:
        records = row["records"]
        if not _is_count(records):
            bad("records", f"must be a whole number from 0 to 2^63 - 1, got {_show(records)}")
        elif records < sum(results.values()):
            bad("records", f"{records} is fewer than the record_results add up to")
        elif records > sum(results.values()):
            results["unknown"] = results.get("unknown", 0) + records - sum(results.values())

    text: dict[str, str] = {}
    for key in ("campaign_description", *DEFAULTS, "skill_id"):
        value = _scalar(row.get(key, DEFAULTS.get(key, "")))
        if value is None:
            bad(key, "must be a string or a number")
        else:
            text[key] = value
    skill = text.get("skill_id", "")
    if skill and skill != "VAGENT" and not _DIGITS.fullmatch(skill):
        bad("skill_id", f"must be digits or VAGENT, got {_show(skill)}")

    # JSON may escape a lone surrogate ("\ud800"): no UTF-8 text, so SQLite cannot store it
    for key, value in (("campaign_name", name), *text.items()):
        if isinstance(value, str) and not _is_text(value):
            bad(key, "is not valid Unicode text (a lone surrogate escape?)")

    if len(problems) > before or type_campaign is None or not isinstance(name, str):
        return None
    return CampaignData(
        campaign_id=campaign_id,
        campaign_name=name,
        type_campaign=type_campaign,
        status=status,
        record_results=tuple((r, results[r]) for r in RESULTS if results.get(r)),
        campaign_description=text["campaign_description"],
        speed=text["speed"],
        dial_mode=text["dial_mode"],
        last_use=text["last_use"],
        recycled=text["recycled"],
        turbo_dial=text["turbo_dial"],
        skill_id=skill,
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_RECORDS


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
