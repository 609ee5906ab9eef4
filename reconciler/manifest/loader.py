"""Files and directories → one validated `Desired`, or a `ManifestError` listing every problem.

Rules decided here (the README's "Manifest reference" documents them):
- a directory contributes every `*.yaml` / `*.yml` below it, recursively, sorted, skipping
  hidden files and directories; a file named twice is read once;
- `defaults` apply to the campaigns of their own file only;
- `operation` may appear in several files only if identical; none at all gives `Operation()`;
- a campaign name (and a bound `id`) is unique across all files;
- `${VAR}` reads only `WOLKVOX_VAR_*` and the names listed in `operation.variables`;
- the token's variable (`WOLKVOX_TOKEN` or any `operation.token_env`) and the state
  backend's URL (`WOLKVOX_STATE_URL`) are never interpolated.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Location, ManifestError, Problem
from ..state.model import StateConfig
from ..vocabulary import CampaignType, DesiredState, Unmanaged
from . import cache, thorough
from .converted import Converted, JsonPath, join
from .desired import STATE_URL_ENV, Campaign, Desired, Operation
from .interpolate import InterpolationError, ManifestEnviron, interpolate
from .source import Source, read

__all__ = ["discover", "load"]

_SUFFIXES = (".yaml", ".yml")


@dataclass
class _Collected:
    problems: list[Problem] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    operations: list[tuple[Operation, Location]] = field(default_factory=list)
    # every well-formed name and id, even of campaigns with other problems, so that a
    # clash is reported together with those problems rather than after they are fixed
    names: list[tuple[str, Location]] = field(default_factory=list)
    ids: list[tuple[str, str, Location]] = field(default_factory=list)


def discover(paths: Sequence[str], problems: list[Problem]) -> list[str]:
    """The manifest files `paths` name, in order, each once; a problem per bad path."""
    files: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            files.append(path)

    if not paths:
        problems.append(Problem(Location("<command line>"), "no manifest file or directory given"))
    for raw in paths:
        try:
            _discover_one(raw, add, problems)
        except (OSError, ValueError) as exc:  # a name too long, a NUL byte…
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            problems.append(Problem(Location(raw), f"cannot use this path: {reason}"))
    return files


def _discover_one(raw: str, add: Callable[[str], None], problems: list[Problem]) -> None:
    path = Path(raw)
    if path.is_dir():
        unlisted: list[OSError] = []
        found: list[Path] = []
        # os.walk, not Path.rglob: rglob skips a subdirectory it cannot list without a
        # word, and the campaigns in it would silently drop out of the desired set
        for top, dirs, names in os.walk(path, onerror=unlisted.append):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += (
                Path(top, n)
                for n in names
                if not n.startswith(".") and Path(n).suffix in _SUFFIXES and Path(top, n).is_file()
            )
        for exc in unlisted:
            where = exc.filename if exc.filename is not None else raw
            problems.append(Problem(Location(str(where)), f"cannot list: {exc.strerror or exc}"))
        if not found and not unlisted:
            problems.append(Problem(Location(raw), "directory holds no *.yaml or *.yml file"))
        for p in sorted(found):
            add(str(p))
    elif path.is_file():
        add(raw)
    elif path.exists():
        problems.append(Problem(Location(raw), "not a regular file or directory"))
    else:
        problems.append(Problem(Location(raw), "no such file or directory"))


def _clean(path: JsonPath, bad: list[JsonPath]) -> bool:
    """True when no reported problem lies at or below `path` (its data can be trusted)."""
    if not bad:  # the usual case, and called several times per campaign
        return True
    return not any(b[: len(path)] == path for b in bad)


def _token_variables(written_envs: Sequence[str], environ: Mapping[str, str]) -> frozenset[str]:
    """Every variable that may hold the token: the default and each `operation.token_env`,
    as written and as interpolated (`token_env: ${TOKEN_VAR:-MY_TOKEN}` names MY_TOKEN).
    Read from the raw values, before any other interpolation, so that no file can
    interpolate the token, whichever file names its variable."""
    written = {Operation().token_env, *written_envs}
    names = set(written) | {STATE_URL_ENV}
    for name in written:
        # a failed interpolation is reported where the value is converted
        with contextlib.suppress(InterpolationError):
            names.add(interpolate(name, environ, forbidden=frozenset(written)))
    return frozenset(names)


def _check_file(
    source: Source,
    environ: Mapping[str, str],
    secret_names: frozenset[str],
    out: _Collected,
) -> None:
    data = source.data(environ, secret_names)
    if data is not None:
        # schema-valid: only the file's own rules are left, and they rarely fail. When
        # they do, the thorough path below reports them with every location
        found = _Collected()
        _collect(Converted(data=data, keys=source.keys()), [], found)
        if not found.problems:
            source.release()
            out.campaigns += found.campaigns
            out.operations += found.operations
            out.names += found.names
            out.ids += found.ids
            return
    root = source.tree(out.problems)
    if root is None:
        return
    located, reported = thorough.check(root, environ, secret_names)
    out.problems.extend(problem for _, problem in reported)
    _collect(located, [path for path, _ in reported], out)


def _collect(located: Converted, bad: list[JsonPath], out: _Collected) -> None:
    """The campaigns and operation of one converted file, with the rules across fields;
    `bad`: the paths with a problem reported already (their data is not trusted)."""
    data: dict[str, Any] = located.data

    if "operation" in data and _clean(("operation",), bad):
        operation = _operation(data["operation"])
        out.operations.append((operation, located.keys[("operation",)]))
        url_env = operation.state.url_env
        if url_env in operation.variables or url_env.startswith("WOLKVOX_VAR_"):
            out.problems.append(
                Problem(
                    located.keys.get(("operation", "state"), located.keys[("operation",)]),
                    f"operation.state.url_env names {url_env}, a variable the manifests may "
                    "read: the state's URL is a secret; name another variable",
                )
            )

    # campaigns under broken defaults are not checked further: their problems would
    # only repeat the one already reported
    defaults: dict[str, Any] = data.get("defaults") or {}
    campaigns = data.get("campaigns")
    if not isinstance(campaigns, list):
        return
    clean_defaults = _clean(("defaults",), bad)
    for index, item in enumerate(campaigns):
        path: JsonPath = ("campaigns", index)
        if not isinstance(item, dict):
            continue
        name, name_at = item.get("name"), None
        if isinstance(name, str) and _clean(join(path, "name"), bad):
            name_at = located.keys[join(path, "name")]
            out.names.append((name, name_at))
            if isinstance(item.get("id"), str) and _clean(join(path, "id"), bad):
                out.ids.append((item["id"], name, name_at))
        if clean_defaults and name_at is not None and _clean(path, bad):
            campaign = _campaign(item, defaults, path, located, out.problems, name_at)
            if campaign is not None:
                out.campaigns.append(campaign)


def _operation(data: Mapping[str, Any]) -> Operation:
    base = Operation()
    return Operation(
        server=data.get("server", base.server),
        token_env=data.get("token_env", base.token_env),
        unmanaged=Unmanaged(data.get("unmanaged", base.unmanaged.value)),
        daily_quota=data.get("daily_quota", base.daily_quota),
        variables=tuple(data.get("variables", base.variables)),
        state=StateConfig(**data["state"]) if "state" in data else base.state,
    )


def _normal_time(text: str) -> str:
    # interned: a handful of times recur in thousands of campaigns
    return sys.intern(text if text.count(":") == 2 else f"{text}:00")


def _campaign(
    item: Mapping[str, Any],
    defaults: Mapping[str, Any],
    path: JsonPath,
    located: Converted,
    problems: list[Problem],
    name_location: Location,
) -> Campaign | None:

    def where(key: str) -> Location:
        """The value's own place, or the default's when the campaign inherits it."""
        if join(path, key) in located.values:
            return located.values[join(path, key)]
        return located.values.get(("defaults", key), name_location)

    merged: dict[str, Any] = {**defaults, **item}
    merged["options"] = {**defaults.get("options", {}), **item.get("options", {})}
    name = str(merged["name"])
    found: list[Problem] = []
    for key in ("type", "state"):
        if key not in merged:
            found.append(
                Problem(
                    name_location,
                    f"campaign {name!r}: missing {key!r} (set it here or in defaults)",
                )
            )
    start = _normal_time(merged["start_time"]) if "start_time" in merged else ""
    end = _normal_time(merged["end_time"]) if "end_time" in merged else ""
    if bool(start) != bool(end):
        missing, given = ("end_time", "start_time") if start else ("start_time", "end_time")
        found.append(
            Problem(
                where(given),
                f"campaign {name!r}: {given} without {missing}; give both or neither",
            )
        )
    elif start and end <= start:
        found.append(
            Problem(
                where("end_time"),
                f"campaign {name!r}: end_time {end[:5]} must be after start_time {start[:5]}",
            )
        )
    if merged.get("state") == DesiredState.CLEARED.value and merged.get("protect") is True:
        found.append(
            Problem(
                where("state"),
                f"campaign {name!r}: state 'cleared' deletes its records, but protect: true "
                "forbids that; drop one of them",
            )
        )
    if found:
        problems.extend(found)
        return None
    return Campaign(
        name=name,
        type=_TYPES[merged["type"]],  # schema-valid: one of these
        state=_STATES[merged["state"]],
        description=merged.get("description", ""),
        skill_id=merged.get("skill_id", ""),
        start_time=start,
        end_time=end,
        options=merged["options"],  # a fresh dict already, this campaign's own
        enable_edition=merged.get("enable_edition"),
        protect=merged.get("protect", False),
        id=merged.get("id"),
        speed=merged.get("speed"),
        turbo_dial=merged.get("turbo_dial"),
        amd=merged.get("amd"),
        routing_recall=merged.get("routing_recall"),
        dial_order=merged.get("dial_order"),
        location=name_location,
    )


_TYPES = {t.value: t for t in CampaignType}
_STATES = {s.value: s for s in DesiredState}


def _merge_operations(out: _Collected) -> Operation:
    if not out.operations:
        return Operation()
    first, first_at = out.operations[0]
    for other, at in out.operations[1:]:
        if other != first:
            out.problems.append(
                Problem(
                    at,
                    f"operation differs from the one at {first_at}; declare it once, "
                    "or identically in every file",
                )
            )
    return first


def _check_unique(out: _Collected) -> None:
    """A name binds by name, so it may be declared once; entries that each pin their own
    `id:` may share a name (two live campaigns of one name, exported as they are). An id
    may be bound once."""
    # compared by position, not by location: a YAML alias (`- *c`) repeats a campaign
    # with the very same nodes, so both copies carry one location
    pinned = {index for index, _ in _pinned_positions(out)}
    names: dict[str, int] = {}
    for index, (name, at) in enumerate(out.names):
        first = names.setdefault(name, index)
        if first != index and not (index in pinned and first in pinned):
            both = _both(at, out.names[first][1])
            out.problems.append(Problem(at, f"campaign {name!r} is declared twice: {both}"))
    ids: dict[str, int] = {}
    for index, (campaign_id, name, at) in enumerate(out.ids):
        first = ids.setdefault(campaign_id, index)
        if first != index:
            _, bound, bound_at = out.ids[first]
            if bound == name:
                both = _both(at, bound_at)
                message = f"campaign {name!r} is declared twice: {both}"
            else:
                message = (
                    f"campaign {name!r} binds id {campaign_id}, already bound by "
                    f"{bound!r} at {bound_at}"
                )
            out.problems.append(Problem(at, message))


def _pinned_positions(out: _Collected) -> list[tuple[int, str]]:
    """(position in `out.names`, id) of every entry that pins an id, in order."""
    found, next_id = [], 0
    for index, (name, at) in enumerate(out.names):
        if next_id < len(out.ids) and out.ids[next_id][1:] == (name, at):
            found.append((index, out.ids[next_id][0]))
            next_id += 1
    return found


def _both(here: Location, first: Location) -> str:
    if here == first:
        return f"here and again through a YAML alias (at {first})"
    return f"here and at {first}"


def load(
    paths: Sequence[str],
    *,
    environ: Mapping[str, str] | None = None,
    use_cache: bool | None = None,
) -> Desired:
    """Every manifest in `paths` (files and directories), merged into one `Desired`.

    Raises `ManifestError` listing every problem found in every file, each located as
    file:line:col. `environ` (default: `os.environ`) feeds `${VAR}` interpolation.
    `use_cache` (default: on unless `WOLKVOX_NO_CACHE=1` is set): keep parsed
    files in the user's cache directory (`cache.py`).
    """
    # a plain dict: os.environ encodes and decodes on every look-up
    env: Mapping[str, str] = dict(os.environ) if environ is None else environ
    # the cache is the process's business, not the manifests': never read from `environ`
    if use_cache is None:
        use_cache = cache.enabled(os.environ)
    cache_dir = cache.cache_dir(os.environ) if use_cache else None
    out = _Collected()
    files = discover(paths, out.problems)
    read_all = (read(file, out.problems, cache_dir=cache_dir) for file in files)
    return _desired([s for s in read_all if s is not None], files, env, out)


def load_texts(texts: Mapping[str, str], environ: Mapping[str, str]) -> Desired:
    """`load` of manifests held in memory (name → text), as if each were a file of that
    name, in name order: `export` checks what it is about to write without a disk."""
    out = _Collected()
    files = sorted(texts)
    read_all = (read(n, out.problems, cache_dir=None, raw=texts[n].encode()) for n in files)
    return _desired([s for s in read_all if s is not None], files, environ, out)


def _desired(
    sources: list[Source], files: list[str], env: Mapping[str, str], out: _Collected
) -> Desired:
    secret_names = _token_variables([name for s in sources for name in s.token_envs], env)
    allowed = frozenset(name for s in sources for name in s.variables) - secret_names
    visible = ManifestEnviron(env, allowed)
    for source in sources:
        _check_file(source, visible, secret_names, out)
    operation = _merge_operations(out)
    _check_unique(out)
    if out.problems:
        # an aliased campaign repeats its problems word for word at one location
        raise ManifestError(list(dict.fromkeys(out.problems)))
    return Desired(operation=operation, campaigns=tuple(out.campaigns), files=tuple(files))
