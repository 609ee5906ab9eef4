"""Live campaigns → manifest text that plans to "No changes." against the same live state.

What the vendor's list shows becomes the manifest: name, type, description, and a state
(Started → `started`, Stopped → `stopped`; never `cleared`, which would empty campaigns
whose records are loaded later). What it cannot show (skill, times, options, edition) is
left out, with a comment saying so: those fields only matter when a campaign is created.

A live name a manifest cannot hold — shared by several live campaigns (names are unique
across manifests), or one the schema refuses (control characters, surrounding blanks, too
long) — is exported pinned by `id:` under a derived, unique name; plans then warn once
that the live name differs (`drift`), since the API cannot rename.

Every value is written so that our loader reads back exactly the live text: plain only when
nothing could read it as anything else, double-quoted (with escapes) otherwise, and `${`
escaped as `$${` so that no live text is ever interpolated. `build_export` proves it: it
loads what it wrote and plans it against the same live list, and refuses, field by field
(`explain.explain_changes`), when that would not be "No changes.".
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..client.live import LiveCampaign
from ..errors import ManifestError, ReconcilerError
from ..fields import EXPORTED_IF_SENT, WRITTEN_BARE, manifest_text
from ..vocabulary import LiveStatus

__all__ = [
    "ExportError",
    "ExportedCampaign",
    "build_export",
    "exported_campaigns",
    "server_of",
    "yaml_scalar",
]

#: the name rules of schemas/campaigns.schema.json (`$defs/name`), as Python sees them
_NAME_MAX = 100
_NAME_OK = re.compile(
    r"[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]([^\x00-\x1f\x7f-\x9f\u2028\u2029]*"
    r"[^\s\x00-\x1f\x7f-\x9f\u2028\u2029])?\Z"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
#: a plain scalar no YAML reader (1.1 or 1.2, ours or an editor's) takes for anything but
#: this text: starts with a letter, no blanks, no `:`/`#`, not a boolean or null word
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*\Z")
_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
_LEFT_OUT = (
    "# Left out: skill_id, start_time, end_time, options, enable_edition: the vendor's",
    "# campaign list does not show them, and they are sent only when a campaign is",
    "# created, so they change nothing for campaigns that exist.",
)


class ExportError(ReconcilerError):
    """The export cannot be written as asked (existing files, or no faithful round trip)."""


@dataclass(frozen=True)
class ExportedCampaign:
    """One live campaign as it goes into a manifest: `name` is the manifest name (the live
    one, unless `why` says why it could not be), `pin` whether `id:` is written."""

    live: LiveCampaign
    name: str
    pin: bool
    why: str | None = None
    #: not written as a campaign (its live name cannot be a manifest name): left unmanaged
    skip: bool = False

    @property
    def state(self) -> str:
        return "started" if self.live.status is LiveStatus.STARTED else "stopped"

    def manifest_fields(self) -> dict[str, str]:
        """What the manifest says of this campaign, as the loader should read it back."""
        lc = self.live
        fields = {"name": self.name, "type": lc.type.value, "state": self.state}
        if lc.description.strip():
            fields["description"] = lc.description
        # the other fields the list shows, when it shows them (`fields.py`)
        fields.update(_listed(lc))
        if self.pin:
            fields["id"] = lc.campaign_id
        return fields


def _listed(campaign: object) -> dict[str, str]:
    """The fields export writes when the list shows them, as the manifest writes them."""
    values = ((name, getattr(campaign, name)) for name in EXPORTED_IF_SENT)
    return {name: manifest_text(value) for name, value in values if value not in (None, "")}


def _id_key(campaign_id: str) -> tuple[int, str]:
    return (len(campaign_id), campaign_id)  # numeric order for digit ids, stable otherwise


def exported_campaigns(live: Sequence[LiveCampaign]) -> list[ExportedCampaign]:
    """Every live campaign, sorted by name then id. A name shared by several live
    campaigns is written for each, pinned by `id:` (entries that pin ids may share a
    name). A live name no manifest can hold (blank, control characters, surrounding
    spaces, too long) is not written as a campaign, only as a comment: renaming it would
    be a change, so it stays unmanaged (a warning, never an action)."""
    rows = sorted(live, key=lambda lc: (lc.name, _id_key(lc.campaign_id)))
    counts = Counter(lc.name for lc in rows)
    out: list[ExportedCampaign] = []
    for lc in rows:
        if not _DIGITS.fullmatch(lc.campaign_id):
            why = (
                f"the live id {_comment(repr(lc.campaign_id[:40]))} is not a campaign id a "
                "manifest can pin (digits); the campaign stays unmanaged"
            )
            out.append(ExportedCampaign(lc, lc.name, pin=True, why=why, skip=True))
        elif not _unicode(lc.name) or not _unicode(lc.description):
            why = (
                "its name or description holds text that is not valid Unicode (a lone "
                "surrogate); no manifest can hold it, so the campaign stays unmanaged"
            )
            out.append(ExportedCampaign(lc, lc.name, pin=True, why=why, skip=True))
        elif not _valid_name(lc.name):
            shown = repr(lc.name if len(lc.name) <= 40 else lc.name[:37] + "...")
            why = (
                f"the live name {shown} cannot be written in a manifest; rename it in the "
                "wolkvox console to manage it (until then it is unmanaged)"
            )
            out.append(ExportedCampaign(lc, lc.name, pin=True, why=why, skip=True))
        elif counts[lc.name] == 1:
            out.append(ExportedCampaign(lc, lc.name, pin=False))
        else:
            why = f"{counts[lc.name]} live campaigns are named {lc.name!r}"
            out.append(ExportedCampaign(lc, lc.name, pin=True, why=why))
    return out


#: what a manifest's `id:` may hold (ASCII digits: `\d` would take other scripts' digits)
_DIGITS = re.compile(r"[0-9]+")


def _unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _valid_name(name: str) -> bool:
    return 0 < len(name) <= _NAME_MAX and _NAME_OK.match(name) is not None


def yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar our loader reads back as exactly `text` (never interpolated)."""
    text = text.replace("${", "$${")
    if _PLAIN.match(text) and text.lower() not in _WORDS:
        return text
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\t":
            out.append("\\t")
        elif char == "\n":
            out.append("\\n")
        elif _printable(code):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _printable(code: int) -> bool:
    # YAML's printable set, less the line breaks NEL/LS/PS and the BOM, which a reader
    # would fold or drop inside a quoted scalar; surrogates cannot be written as UTF-8
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or code >= 0x10000
    ) and code not in (0x2028, 0x2029)


_SERVER_URL = re.compile(r"https://wv([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)\.wolkvox\.com(?:/|\Z)")


def server_of(base_url: str) -> str | None:
    """The server nomenclature of a wolkvox API URL (None for any other, e.g. a simulator)."""
    match = _SERVER_URL.match(base_url)
    return match.group(1) if match else None


def _header(n: int, source: str) -> list[str]:
    return [
        f"# Exported by `wolkvox-reconciler export`: the {n} live campaign"
        f"{'s' if n != 1 else ''} of {source}.",
        '# Planned against the live state it was read from, this manifest gives "No changes."',
        *_LEFT_OUT,
        "# Stopped campaigns are `stopped` (records kept): write `cleared` to empty one, and",
        "# `protect: true` on any whose records must never be cleared.",
    ]


def _operation(server: str | None, token_env: str) -> list[str]:
    lines = ["operation:"]
    if server is not None:
        lines.append(f"  server: {yaml_scalar(server)}")
    else:
        lines.append("  # no server: the endpoint comes from --endpoint / WOLKVOX_ENDPOINT")
    lines += [f"  token_env: {token_env}", "  unmanaged: warn"]
    return lines


def _campaign(entry: ExportedCampaign) -> list[str]:
    lc = entry.live
    # a comment holds vendor text too: one line, whatever the text holds
    shown = lc.campaign_id if _DIGITS.fullmatch(lc.campaign_id) else _comment(repr(lc.campaign_id))
    lines = [f"  # live id {shown}: {lc.status.value}, {lc.records} records"]
    if entry.skip:
        return [f"  # not exported: {_comment(entry.why or '')}", lines[0]]
    if entry.why:
        lines.append(f"  # pinned by id: {_comment(entry.why)}")
    fields = entry.manifest_fields()
    first = True
    for key, value in fields.items():
        text = value if key in WRITTEN_BARE else yaml_scalar(value)
        lines.append(f"{'  - ' if first else '    '}{key}: {text}")
        first = False
    return lines


def _comment(text: str) -> str:
    return _CONTROL.sub(" ", text)


def render_manifest(
    entries: Sequence[ExportedCampaign] | None,
    *,
    server: str | None,
    token_env: str,
    source: str,
    with_operation: bool = True,
    header: bool = True,
    n_live: int = 0,
) -> str:
    """One manifest file; `entries` None: no `campaigns:` key (the operation file of
    a split export)."""
    lines = _header(n_live, source) if header else []
    lines.append("version: 1")
    if with_operation:
        lines += _operation(server, token_env)
    if entries is None:
        pass
    elif any(not e.skip for e in entries):
        lines.append("campaigns:")
        for entry in entries:
            lines += _campaign(entry)
    else:
        lines += [line.strip() and "#" + line[1:] for e in entries for line in _campaign(e)]
        lines.append("campaigns: []")
    return "\n".join(lines) + "\n"


def split_file_name(entry: ExportedCampaign) -> str:
    """`<slug>-<id>.yaml`: ASCII letters, digits and `-` only, so it is safe on every file
    system, and unique because live ids are."""
    ascii_name = unicodedata.normalize("NFKD", entry.live.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    cid = re.sub(r"[^A-Za-z0-9]+", "-", entry.live.campaign_id).strip("-") or "x"
    return f"{slug or 'campaign'}-{cid}.yaml"


def build_export(
    live: Sequence[LiveCampaign],
    *,
    source: str,
    server: str | None,
    token_env: str = "WOLKVOX_TOKEN",
    split: bool = False,
) -> dict[str, str]:
    """File name → manifest text (one `campaigns.yaml`, or with `split` an
    `operation.yaml` and one file per campaign), checked to round-trip: raises
    ExportError explaining each field that would not."""
    entries = exported_campaigns(live)
    if not split:
        text = render_manifest(
            entries, server=server, token_env=token_env, source=source, n_live=len(live)
        )
        files = {"campaigns.yaml": text}
    else:
        operation = render_manifest(
            None, server=server, token_env=token_env, source=source, n_live=len(live)
        )
        files = {"operation.yaml": operation}
        for entry in entries:
            if entry.skip:  # no manifest can name it: left unmanaged (said in the header)
                continue
            files[split_file_name(entry)] = render_manifest(
                [entry],
                server=None,
                token_env=token_env,
                source="",
                with_operation=False,
                header=False,
            )
    check_round_trip(files, entries, live)
    return files


def check_round_trip(
    files: Mapping[str, str], entries: Sequence[ExportedCampaign], live: Sequence[LiveCampaign]
) -> None:
    """Load `files` as `plan` would and plan them against `live`: any action, error or
    field read back differently is an ExportError (a bug of ours, never written out)."""
    from ..manifest.loader import load_texts
    from ..plan.planner import make_plan

    try:
        # read as `plan` reads files, from memory: 30,000 files need no trip to the disk.
        # No variables: every `${` is escaped, so nothing may depend on the environment
        desired = load_texts(files, environ={})
    except ManifestError as exc:
        raise ExportError(
            "the exported manifest would not load (a bug in export):\n"
            + "\n".join(f"  {p}" for p in exc.problems)
        ) from None
    problems: list[str] = []
    loaded = {(c.name, c.id): c for c in desired.campaigns}
    for entry in entries:
        if entry.skip:
            continue
        want = entry.manifest_fields()
        got_campaign = loaded.get((entry.name, entry.live.campaign_id if entry.pin else None))
        got: dict[str, str] = {}
        if got_campaign is not None:
            got = {"name": got_campaign.name, "type": got_campaign.type.value}
            got["state"] = got_campaign.state.value
            if got_campaign.description:
                got["description"] = got_campaign.description
            got.update(_listed(got_campaign))
            if got_campaign.id is not None:
                got["id"] = got_campaign.id
        for line in _explain(want, got):
            problems.append(f"  campaign {entry.live.campaign_id}: {line}")
    plan = make_plan(desired, live)
    problems += [f"  {a.campaign}: would {a.kind.value} ({a.reason})" for a in plan.actions]
    problems += [f"  {f.campaign or '—'}: {f.message}" for f in plan.errors]
    if problems:
        raise ExportError(
            'the export would not plan to "No changes." (a bug in export; nothing was '
            "written):\n" + "\n".join(problems)
        )


def _explain(want: Mapping[str, str], got: Mapping[str, str]) -> list[str]:
    if dict(want) == dict(got):  # the cheap comparison first; deepdiff only to explain
        return []
    from ..plan.explain import explain_changes

    return explain_changes(want, got)
