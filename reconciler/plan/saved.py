"""Saved plans: `plan --out FILE` writes one, `apply --plan FILE` and `show FILE` read it.

A saved plan (`SavedPlan`) is the plan plus what it was made from: the operation (server,
token variable, unmanaged policy, quota), the endpoint override, and the manifests (the
paths given and a digest of each file read). On disk it is one JSON document
(`schemas/plan.schema.json`), signed with an HMAC keyed from the token: only a holder of the
token can write a plan that `apply` accepts, and any edit after writing is seen before a call
is made. The document holds no secret: the key is a one-way derivation of the token.

Writing is atomic (a temporary file in the same directory, then `os.replace`), so a crash
never leaves half a plan where apply would find it. Reading validates against the schema and
turns every way a file can be wrong (missing, unreadable, not JSON, not a plan, another
format version) into one `PlanError` that names the file. Verifying (`verify_signature`)
is a separate step, since it needs the token, which `show` never reads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import PlanError, PlanMismatch
from ..io import atomic_write
from ..manifest.desired import Operation
from ..render.json_ import render_json
from ..secret import Secret, redact_all
from ..vocabulary import Unmanaged
from .model import FORMAT_VERSION, Plan

__all__ = [
    "ManifestFile",
    "SavedPlan",
    "file_digest",
    "plan_document",
    "plan_schema",
    "read_document",
    "read_plan",
    "saved_from_document",
    "validate_plan_dict",
    "verify_signature",
    "write_plan",
]

_SIGNATURE_PREFIX = "hmac-sha256:"
_KEY_LABEL = b"wolkvox-reconciler saved plan v2\x00"


@dataclass(frozen=True)
class ManifestFile:
    """One manifest file a plan was made from, as named then, and a digest of its bytes."""

    path: str
    sha256: str


@dataclass(frozen=True)
class SavedPlan:
    """A plan with what it was made from; `signature` as read from a file (None: unsigned)."""

    plan: Plan
    operation: Operation
    endpoint: str | None = None  # the `--endpoint` override, credential-free; None: server
    paths: tuple[str, ...] = ()  # the PATH arguments of `plan`
    manifests: tuple[ManifestFile, ...] = ()
    signature: str | None = None


def file_digest(path: str | Path) -> str:
    """sha256 of a file's bytes, or "" when it cannot be read (then it matches nothing)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


@cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of a saved plan, shipped inside the package."""
    text = resources.files("reconciler").joinpath("schemas/plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_plan_dict(data: Any) -> list[str]:
    """Every way `data` breaks the schema, as "at <json path>: <reason>" (empty when valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(plan_schema())
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        message = " ".join(error.message.split())
        if len(message) > 200:  # jsonschema quotes the whole offending value
            message = message[:197] + "..."
        problems.append(f"at {where}: {message}")
    return problems


# -- the document ------------------------------------------------------------------------


def _operation_dict(saved: SavedPlan) -> dict[str, Any]:
    op = saved.operation
    return {
        "server": op.server,
        "token_env": op.token_env,
        "unmanaged": op.unmanaged.value,
        "daily_quota": op.daily_quota,
        "endpoint": saved.endpoint,
    }


def _unsigned(saved: SavedPlan) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "operation": _operation_dict(saved),
        "paths": list(saved.paths),
        "manifests": [{"path": m.path, "sha256": m.sha256} for m in saved.manifests],
    }
    data.update(saved.plan.to_dict())
    return data


def _canonical(data: Mapping[str, Any]) -> str:
    """The document without its signature as canonical JSON: sorted keys, ASCII, no
    spaces (json's C encoder: fast, and what the signature covers)."""
    body = {k: v for k, v in data.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def _mac(canonical: str, token: Secret) -> str:
    key = hashlib.sha256(_KEY_LABEL + token.reveal().encode()).digest()
    return _SIGNATURE_PREFIX + hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def _sign(data: Mapping[str, Any], token: Secret) -> str:
    return _mac(_canonical(data), token)


def plan_document(saved: SavedPlan, token: Secret | None = None) -> dict[str, Any]:
    """The JSON document of `saved` (what `plan --json` prints and `--out` writes), signed
    when `token` is given. The token is never put in a plan; should a live or manifest
    value hold it anyway, it is redacted like everything the CLI prints, and the signature
    covers the redacted text (unsigned, the caller redacts what it prints)."""
    data = _unsigned(saved)
    if token is None:  # unsigned: printed only, redacted where it is printed
        return data
    canonical = _canonical(data)
    redacted = redact_all(canonical)
    if redacted != canonical:  # rare: parsed back from the redacted text
        data = json.loads(redacted)
    data["signature"] = _mac(redacted, token)
    return data


def verify_signature(data: Mapping[str, Any], token: Secret, source: str) -> None:
    """PlanMismatch unless `data` (a read plan document) was signed with `token`'s key."""
    signature = data.get("signature")
    if not isinstance(signature, str) or not signature:
        raise PlanMismatch(
            f"{source} is not signed: apply executes only plans written by `plan --out` "
            "(make the plan again)"
        )
    if not hmac.compare_digest(signature, _sign(data, token)):
        raise PlanMismatch(
            f"{source} was altered after it was written, or was made with another token: "
            "nothing was executed (make the plan again)"
        )


def write_plan(
    saved: SavedPlan,
    path: str | Path,
    token: Secret,
    document: Mapping[str, Any] | None = None,
) -> None:
    """Write `saved`, signed, to `path` atomically; a PlanError (naming the file) on failure.
    `document`: its signed document when already made (`plan_document`)."""
    target = Path(path)
    text = render_json(document if document is not None else plan_document(saved, token))
    try:
        atomic_write(target, text)
    except OSError as exc:
        raise PlanError(f"cannot write plan file {target}: {exc.strerror or exc}") from None


def read_document(path: str | Path) -> dict[str, Any]:
    """The plan document at `path`, schema-checked; a PlanError for a missing, corrupt or
    foreign file. Not yet verified: see `verify_signature`."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"plan file {source} not found (write one with `plan --out`)") from None
    except UnicodeDecodeError:
        raise PlanError(f"{source} is not a plan file: not UTF-8 text") from None
    except OSError as exc:
        raise PlanError(f"cannot read plan file {source}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(
            f"{source}:{exc.lineno}:{exc.colno}: not a plan file: invalid JSON ({exc.msg})"
        ) from None
    except RecursionError:  # `[[[[…`: json's decoder recurses once per level
        raise PlanError(f"{source} is not a plan file: JSON nested too deeply") from None
    except ValueError as exc:  # a number of thousands of digits: int()'s limit
        raise PlanError(f"{source} is not a plan file: {exc}") from None
    if not isinstance(data, dict) or "format_version" not in data:
        raise PlanError(f"{source} is not a wolkvox-reconciler plan (no format_version)")
    if data["format_version"] != FORMAT_VERSION:
        raise PlanError(
            f"{source} has plan format_version {data['format_version']!r}; this version of "
            f"wolkvox-reconciler reads {FORMAT_VERSION}: make the plan again"
        )
    try:
        problems = validate_plan_dict(data)
    except RecursionError:  # nested just below json's limit: the validator recurses too
        raise PlanError(f"{source} is not a valid plan file: nested too deeply") from None
    if problems:
        raise PlanError(
            f"{source} is not a valid plan file:\n" + "\n".join(f"  {p}" for p in problems)
        )
    return data


def saved_from_document(data: Mapping[str, Any], source: str) -> SavedPlan:
    """The typed form of a schema-checked document."""
    try:
        op = data["operation"]
        operation = Operation(
            server=op.get("server"),
            token_env=op.get("token_env") or "WOLKVOX_TOKEN",
            unmanaged=Unmanaged(op.get("unmanaged") or "warn"),
            daily_quota=op.get("daily_quota"),
        )
        return SavedPlan(
            plan=Plan.from_dict(data),
            operation=operation,
            endpoint=op.get("endpoint"),
            paths=tuple(data.get("paths", ())),
            manifests=tuple(ManifestFile(m["path"], m["sha256"]) for m in data["manifests"]),
            signature=data.get("signature"),
        )
    except (KeyError, TypeError, ValueError) as exc:  # the schema should make this unreachable
        raise PlanError(f"{source} is not a valid plan file: {exc}") from None


def read_plan(path: str | Path) -> SavedPlan:
    """The saved plan at `path` (schema-checked, not verified: `show` needs no token)."""
    return saved_from_document(read_document(path), str(path))
