"""`--seed FILE`: the campaigns a fresh simulator starts with, from YAML or JSON.

    campaigns:
      - campaign_id: "1001"          # optional: a fresh id is picked when absent
        campaign_name: Renewals
        type_campaign: predictive     # required: preview | predictive
        status: Started               # optional, default Stopped (case-insensitive)
        records: 15                   # optional count (a number)
        record_results: {busy: 3, answer: 10}   # optional breakdown by result
        # campaign_description, speed, dial_mode, last_use, recycled, turbo_dial: optional

Records not broken down by `record_results` count as result `unknown` (the vendor's own
name for a record whose result is not known). Every problem is reported, each located
as `file:line:col` (YAML) or `file: campaigns[i].field` (JSON).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..vocabulary import RESULTS, CampaignType, LiveStatus
from .store import DEFAULTS, CampaignData

__all__ = ["SeedError", "load_seed", "parse_seed"]

_FIELDS = (
    "campaign_id",
    "campaign_name",
    "campaign_description",
    "type_campaign",
    "status",
    "records",
    "record_results",
    *DEFAULTS,
)


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
                return value
    return None


def load_seed(path: str | Path) -> list[CampaignData]:
    """The campaigns in the seed file at `path`; `SeedError` listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError([f"{path}: cannot read the seed file: {exc}"]) from exc
    return parse_seed(text, str(path))


def parse_seed(text: str, filename: str = "<seed>") -> list[CampaignData]:
    node: yaml.Node | None = None
    data: Any
    if filename.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = f"{filename}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"
            raise SeedError([problem]) from None
    else:
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
            raise SeedError([f"{at}: invalid YAML: {getattr(exc, 'problem', exc)}"]) from exc
    where = _Where(filename, node)
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - {"campaigns"}:
        raise SeedError([f"{where.at()}: expected a mapping with one key, `campaigns`"])
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
    if problems:
        raise SeedError(problems)
    return campaigns


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
        if isinstance(raw_id, bool) or not str(raw_id).isdigit():
            bad("campaign_id", f"must be a numeric id, got {raw_id!r}")
        else:
            campaign_id = int(str(raw_id))

    name = row.get("campaign_name")
    if not isinstance(name, str) or not name.strip():
        bad("campaign_name", "required, a non-empty string")

    type_campaign: CampaignType | None = None
    try:
        type_campaign = CampaignType(str(row.get("type_campaign", "")).strip().lower())
    except ValueError:
        bad("type_campaign", "required, `preview` or `predictive`")

    status = LiveStatus.STOPPED
    if "status" in row:
        try:
            status = LiveStatus.parse(str(row["status"]))
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
            bad("record_results", f"count for {result!r} must be a whole number ≥ 0")
        else:
            results[result] = count

    if "records" in row:
        records = row["records"]
        if not _is_count(records):
            bad("records", f"must be a whole number ≥ 0, got {records!r}")
        elif records < sum(results.values()):
            bad("records", f"{records} is fewer than the record_results add up to")
        elif records > sum(results.values()):
            results["unknown"] = results.get("unknown", 0) + records - sum(results.values())

    text: dict[str, str] = {}
    for key in ("campaign_description", *DEFAULTS):
        value = row.get(key, DEFAULTS.get(key, ""))
        if value is None or isinstance(value, (dict, list, bool)):
            bad(key, "must be a string or a number")
        else:
            text[key] = str(value)

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
    )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
