"""One manifest file on its way in: from the parse cache, by the fast path, or thoroughly.

`read()` gives a `Source` holding either a `fast.Parsed` (from the cache or just made) or
the located tree of `thorough.parse`, never both. `data()` finishes a fast source
(interpolation, the compiled schema check); when that fails, `tree()` parses the same
text the thorough way, and the errors reported are the thorough path's own.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Location, Problem
from . import cache, fast, thorough
from . import schema as manifest_schema

if TYPE_CHECKING:
    from .yaml import MappingNode

__all__ = ["Source", "read"]


@dataclass
class Source:
    file: str
    raw: bytes
    token_envs: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)  # raw operation.variables
    # a fast source holds its data packed (compact bytes) until its turn comes, so that
    # the data of only one file is unpacked at a time
    packed: bytes | None = None
    parsed: fast.Parsed | None = None
    root: MappingNode | None = None

    def data(self, environ: Mapping[str, str], secret_names: frozenset[str]) -> Any:
        """The schema-valid data of a fast source, or None when it must go the thorough way."""
        if self.packed is not None:
            self.parsed, self.packed = cache.unpack(self.packed), None
        if self.parsed is None:
            return None
        if self.parsed.checked and not self.parsed.deferred:
            return self.parsed.data
        data = fast.finish(self.parsed, environ, secret_names)
        return data if data is not None and _valid(data) else None

    def keys(self) -> Mapping[tuple[str | int, ...], Location]:
        """Where the keys a valid file's campaigns and operation carry are (fast sources);
        each `Location` made when asked for (a valid file asks for a few per campaign)."""
        assert self.parsed is not None
        return _Locations(self.file, self.parsed.marks)

    def tree(self, problems: list[Problem]) -> MappingNode | None:
        """The located tree (parsed now, for a fast source whose data failed)."""
        if self.root is None:
            text = thorough.decode(self.file, self.raw, problems)
            if text is not None:
                self.root = thorough.parse(self.file, text, problems)
        self.release()
        return self.root

    def release(self) -> None:
        """Drops what only this file's own check needed."""
        self.packed = self.parsed = None
        self.raw = b""


class _Locations(Mapping[tuple[str | int, ...], Location]):
    """`{path: Location}` of one file, from its (line, column) marks."""

    def __init__(self, file: str, marks: Mapping[tuple[str | int, ...], tuple[int, int]]):
        self._file = file
        self._marks = marks

    def __getitem__(self, path: tuple[str | int, ...]) -> Location:
        return Location(self._file, *self._marks[path])

    def __iter__(self) -> Iterator[tuple[str | int, ...]]:
        return iter(self._marks)

    def __len__(self) -> int:
        return len(self._marks)


def _valid(data: Any) -> bool:
    is_valid = manifest_schema.compiled()
    try:
        return is_valid(data) if is_valid is not None else not manifest_schema.errors(data)
    except (ValueError, OverflowError, TypeError):  # an integer beyond 64 bits…
        return False


@lru_cache(maxsize=1)
def _backend() -> str:
    """Which YAML parser will read, and which build of PyYAML: found without importing it,
    which a run served from the cache never needs to."""
    spec = importlib.util.find_spec("yaml")
    if spec is None or spec.origin is None:
        return "none"
    package = os.path.dirname(spec.origin)
    try:
        libyaml = any(name.startswith("_yaml.") for name in os.listdir(package))
        stamp = os.stat(spec.origin)
    except OSError:
        return "unknown"
    return f"{'libyaml' if libyaml else 'pure'}:{spec.origin}:{stamp.st_size}:{stamp.st_mtime_ns}"


def read(
    file: str, problems: list[Problem], *, cache_dir: Path | None, raw: bytes | None = None
) -> Source | None:
    """The file, or None with a problem when it cannot be read or parsed at all.
    `cache_dir`: where parsed files are kept (None: no cache). `raw`: the file's bytes,
    when they are in memory already (they are not read from `file` then)."""
    if raw is None:
        try:
            raw = Path(file).read_bytes()
        except OSError as exc:
            problems.append(Problem(Location(file), f"cannot read: {exc.strerror or exc}"))
            return None
    source = Source(file, raw)
    key = None
    directory = cache_dir
    if directory is not None:
        key = cache.entry_key(raw, _backend(), manifest_schema.schema_digest())
        entry = cache.load_entry(directory, key)
        if entry is not None:
            source.token_envs, source.variables, source.packed = entry
            return source
    text = thorough.decode(file, raw, problems)
    if text is None:
        return None
    parsed = fast.parse_fast(text, manifest_schema.schema())
    if parsed is not None and not thorough.foreign(list(parsed.data)):
        source.token_envs, source.variables = parsed.token_envs, parsed.variables
        parsed.checked = not parsed.deferred and _valid(parsed.data)
        # packed even without a cache: until its turn, a file's data then takes about its
        # size in bytes rather than some ten times that in objects
        if directory is not None and key is not None:
            source.packed = cache.store_entry(directory, key, parsed)
        else:
            source.packed = cache.pack(parsed)
        return source
    source.root = thorough.parse(file, text, problems)
    if source.root is None:
        return None
    source.token_envs = thorough.token_envs(source.root)
    source.variables = thorough.variables(source.root)
    return source
